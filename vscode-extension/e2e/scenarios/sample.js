// The sample draft in VS Code as a writer sees it: squiggles, the Problems panel, the LIX in
// the status bar and a quick fix accepted with Enter.
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..", "..", "..");

exports.checks = 4;

exports.run = async (t) => {
  const page = await t.open({ files: { "utkast.md": fs.readFileSync(path.join(ROOT, "examples", "lokalvalg-2023-utkast.md")) } });
  const draft = path.join(t.workspace, "utkast.md");
  await t.openFile("utkast.md");
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 30000 });
  t.log("editor open");

  await t.check("squiggles under klarsyn findings", async () => {
    await page.waitForSelector(".monaco-editor .squiggly-warning, .monaco-editor .squiggly-info, .monaco-editor .squiggly-error", { timeout: 90000 });
    await t.shot("1-squiggles");
  });

  await t.check("Problems panel lists klarsyn findings", async () => {
    await page.keyboard.press("Control+Shift+M");
    await page.waitForSelector(".markers-panel .monaco-list-row", { timeout: 30000 });
    await page.waitForTimeout(1000);
    const rows = await page.locator(".markers-panel .monaco-list-row").allInnerTexts();
    t.log(`problems: ${rows.length} rows, first: ${JSON.stringify(rows.slice(0, 3))}`);
    const text = rows.join("\n");
    if (!/klarsyn/.test(text)) throw new Error("no klarsyn rows in the Problems panel");
    // The panel lists warnings and infos first (hints are not listed): the term base's «Skriv «Nav»», officialese, abbreviations.
    if (!/Skriv «|kansellispråk|forkortelsen|Lang setning/.test(text)) throw new Error("no Norwegian klarsyn messages");
    await t.shot("2-problems");
  });

  await t.check("status bar shows the LIX", async () => {
    const item = page.locator(".statusbar-item", { hasText: /LIX \d+/ });
    await item.first().waitFor({ timeout: 30000 });
    const text = await item.first().innerText();
    t.log(`status bar: ${text}`);
    if (!/LIX \d+ · (middels|lettlest|vanskelig|svært)/.test(text)) throw new Error(`unexpected status text ${text}`);
    await t.shot("3-statusbar");
  });

  await t.check("a quick fix rewrites f.eks. to for eksempel", async () => {
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
    await t.shot("4-quickfix");
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
        await t.shot("5-after-fix");
        return;
      }
      await page.waitForTimeout(200);
    }
    throw new Error("the file did not change");
  });
};
