// Drives code-server (a real VS Code) in headless Chromium: opens the sample draft with the
// klarsyn extension installed and checks what a writer would see.
//   node drive.js URL WORKSPACE SHOTS
// Exit code 0 when every check passed; prints "N passed, M failed".
const { chromium } = require("playwright-core");
const fs = require("fs");
const path = require("path");

const [url, workspace, shots] = process.argv.slice(2);
const draft = path.join(workspace, "utkast.md");
const results = [];
const t0 = Date.now();
const log = (m) => console.log(`${((Date.now() - t0) / 1000).toFixed(1)}s ${m}`);

async function check(name, fn) {
  try {
    await fn();
    results.push([name, true]);
    log(`ok: ${name}`);
  } catch (e) {
    results.push([name, false]);
    log(`FAILED: ${name}: ${e.message.split("\n")[0]}`);
  }
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  page.on("pageerror", (e) => log(`pageerror ${e.message}`));
  try {
    await page.goto(url);
    await page.waitForSelector(".monaco-workbench", { timeout: 90000 });
    log("workbench loaded");
    await page.locator(".monaco-workbench").click({ position: { x: 750, y: 450 } }).catch(() => {});
    await page.keyboard.press("Control+P");
    await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: 30000 });
    await page.keyboard.type("utkast.md", { delay: 20 });
    await page.waitForSelector(".quick-input-list .monaco-list-row", { timeout: 30000 });
    await page.keyboard.press("Enter");
    await page.waitForSelector(".monaco-editor .view-lines", { timeout: 30000 });
    log("editor open");

    await check("squiggles under klarsyn findings", async () => {
      await page.waitForSelector(".monaco-editor .squiggly-warning, .monaco-editor .squiggly-info, .monaco-editor .squiggly-error", { timeout: 90000 });
      await page.screenshot({ path: path.join(shots, "1-squiggles.png") });
    });

    await check("Problems panel lists klarsyn findings", async () => {
      await page.keyboard.press("Control+Shift+M");
      await page.waitForSelector(".markers-panel .monaco-list-row", { timeout: 30000 });
      await page.waitForTimeout(1000);
      const rows = await page.locator(".markers-panel .monaco-list-row").allInnerTexts();
      log(`problems: ${rows.length} rows, first: ${JSON.stringify(rows.slice(0, 3))}`);
      const text = rows.join("\n");
      if (!/klarsyn/.test(text)) throw new Error("no klarsyn rows in the Problems panel");
      // The panel lists warnings and infos first (hints are not listed): the term base's «Skriv «Nav»», officialese, abbreviations.
      if (!/Skriv «|kansellispråk|forkortelsen|Lang setning/.test(text)) throw new Error("no Norwegian klarsyn messages");
      await page.screenshot({ path: path.join(shots, "2-problems.png") });
    });

    await check("status bar shows the LIX", async () => {
      const item = page.locator(".statusbar-item", { hasText: /LIX \d+/ });
      await item.first().waitFor({ timeout: 30000 });
      const text = await item.first().innerText();
      log(`status bar: ${text}`);
      if (!/LIX \d+ · (middels|lettlest|vanskelig|svært)/.test(text)) throw new Error(`unexpected status text ${text}`);
      await page.screenshot({ path: path.join(shots, "3-statusbar.png") });
    });

    await check("a quick fix rewrites f.eks. to for eksempel", async () => {
      const before = fs.readFileSync(draft, "utf8");
      const lines = before.split("\n");
      const line = lines.findIndex((l) => l.includes("f.eks."));
      const column = lines[line].indexOf("f.eks.") + 2;
      await page.keyboard.press("Control+G");
      await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: 10000 });
      await page.keyboard.type(`${line + 1}:${column + 1}`, { delay: 20 });
      await page.keyboard.press("Enter");
      await page.waitForTimeout(500);
      await page.keyboard.press("Control+.");
      const item = page.locator(".action-widget .monaco-list-row, .context-view .monaco-list-row", { hasText: "for eksempel" });
      await item.first().waitFor({ timeout: 20000 });
      await page.screenshot({ path: path.join(shots, "4-quickfix.png") });
      // The preferred fix is first and focused: accept it as a writer would, with Enter.
      const focused = (await page.locator(".action-widget .monaco-list-row.focused").first().innerText()).trim();
      if (!focused.includes("for eksempel")) throw new Error(`the focused quick fix is ${focused}`);
      await page.keyboard.press("Enter");
      await page.waitForTimeout(500);
      await page.keyboard.press("Control+S");
      for (let i = 0; i < 50; i++) {
        const after = fs.readFileSync(draft, "utf8");
        if (after !== before) {
          const changed = after.split("\n")[line];
          if (!changed.includes("for eksempel")) throw new Error(`line ${line + 1} is now: ${changed}`);
          if ((after.match(/f\.eks\./g) || []).length !== (before.match(/f\.eks\./g) || []).length - 1) throw new Error("not exactly one f.eks. replaced");
          await page.screenshot({ path: path.join(shots, "5-after-fix.png") });
          return;
        }
        await page.waitForTimeout(200);
      }
      throw new Error("the file did not change");
    });
  } catch (e) {
    log(`FAILED: ${e.message}`);
    results.push(["workbench", false]);
    await page.screenshot({ path: path.join(shots, "failure.png") }).catch(() => {});
  } finally {
    await browser.close();
  }
  const passed = results.filter((r) => r[1]).length;
  const failed = results.length - passed;
  console.log(`screenshots: ${shots}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed || results.length < 4 ? 1 : 0;
})();
