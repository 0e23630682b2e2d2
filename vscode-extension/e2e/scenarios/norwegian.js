// The interface in Norwegian Bokmål: VS Code with display language nb shows klarsyn's commands
// and settings in Bokmål (package.nls.nb.json) and its runtime strings too (l10n/). Then the
// per-file switch: the findings go and come back without a restart of the checker.
//
// Stock code-server has no Norwegian language pack, and without one VS Code falls back to
// "en" whatever --locale says (resolveNLSConfiguration needs a pack in languagepacks.json).
// So this scenario installs a test-only pack for "nb" (e2e/fixtures/nb-language-pack: it
// translates nothing of VS Code itself) into the profile before code-server starts. Only this
// scenario sets a locale, so the pack in the shared extensions folder changes no other.
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const { CODE_SERVER, EXTENSIONS, WORK, klarsynLog } = require("../lib");

const ROOT = path.resolve(__dirname, "..", "..", "..");
const PACK = path.join(__dirname, "..", "fixtures", "nb-language-pack");
const VSCE = path.join(__dirname, "..", "..", "node_modules", ".bin", "vsce");

exports.checks = 8;

function languagePack() {
  const vsix = path.join(WORK, "test-language-pack-nb.vsix");
  execFileSync(VSCE, ["package", "--out", vsix], { cwd: PACK, stdio: "ignore" });
  return vsix;
}


exports.run = async (t) => {
  const vsix = languagePack();
  const page = await t.open({
    files: { "utkast.md": fs.readFileSync(path.join(ROOT, "examples", "lokalvalg-2023-utkast.md")) },
    locale: "nb",
    argv: { locale: "nb" },
    prepare: ({ userData, env }) => {
      execFileSync(CODE_SERVER, ["--user-data-dir", userData, "--extensions-dir", EXTENSIONS, "--install-extension", vsix, "--force"],
        { env, stdio: "ignore" });
      // The running server records language packs in languagepacks.json when it installs one;
      // the command line install does not, and without that file the locale falls back to
      // "en". So write the entry the server would have written.
      const list = path.join(userData, "languagepacks.json");
      if (!fs.existsSync(list)) {
        const folder = fs.readdirSync(EXTENSIONS).find((n) => n.startsWith("klarsyn-test.test-language-pack-nb-"));
        fs.writeFileSync(list, JSON.stringify({
          nb: {
            hash: "klarsyn-test-nb-0.0.1",
            extensions: [{ extensionIdentifier: { id: "klarsyn-test.test-language-pack-nb" }, version: "0.0.1" }],
            translations: { vscode: path.join(EXTENSIONS, folder, "translations", "main.i18n.json") },
            label: "norsk bokmål",
          },
        }));
      }
      t.log("language pack installed");
    },
  });
  t.log(`html lang: ${await page.evaluate(() => document.documentElement.lang)}`);

  await t.openFile("utkast.md");
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 30000 });

  await t.check("the command palette lists klarsyn's commands in Bokmål", async () => {
    // Once the extension is up (its LIX in the status bar): before that the palette had none yet.
    await page.locator(".statusbar-item", { hasText: /LIX \d+/ }).first().waitFor({ timeout: 90000 });
    await page.keyboard.press("Control+Shift+P");
    await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: 30000 });
    await page.keyboard.type("klarsyn", { delay: 20 });
    const row = page.locator(".quick-input-list .monaco-list-row", { hasText: "klarsyn: Start kontrollen på nytt" });
    await row.first().waitFor({ timeout: 20000 });
    const rows = await page.locator(".quick-input-list .monaco-list-row").allInnerTexts();
    t.log(`palette: ${JSON.stringify(rows.map((r) => r.split("\n")[0]))}`);
    for (const title of ["klarsyn: Vis logg", "klarsyn: Vis lesbarhetsrapport", "klarsyn: Slå av/på for denne fila"]) {
      if (!rows.some((r) => r.includes(title))) throw new Error(`no ${title}`);
    }
    await t.shot("1-palette-nb");
    await page.keyboard.press("Escape");
  });

  await t.check("the settings page describes klarsyn's settings in Bokmål", async () => {
    await page.keyboard.press("Control+,");
    await page.waitForSelector(".settings-editor", { timeout: 30000 });
    await page.waitForTimeout(1000);
    await page.keyboard.type("klarsyn", { delay: 30 });
    const item = page.locator(".settings-editor .setting-item-description", { hasText: "Språket i utkastene" });
    await item.first().waitFor({ timeout: 20000 });
    const text = (await page.locator(".settings-editor .setting-item-description").allInnerTexts()).join("\n");
    t.log(`settings: ${JSON.stringify(text.slice(0, 300))}`);
    if (!/Regelpakker som ikke skal brukes/.test(text) && !/Hvilke filer i arbeidsområdet/.test(text)) throw new Error("only one Norwegian description");
    await t.shot("2-settings-nb");
  });

  // Back to the draft's tab (the settings editor has the focus).
  await page.locator(".tabs-container .tab", { hasText: "utkast.md" }).first().click();
  await page.waitForTimeout(500);
  await t.check("findings and the status bar's tooltip in Bokmål", async () => {
    await t.squiggles().first().waitFor({ timeout: 90000 });
    const item = page.locator(".statusbar-item", { hasText: /LIX \d+/ });
    await item.first().waitFor({ timeout: 30000 });
    await item.first().hover();
    const hover = page.locator(".monaco-hover, .workbench-hover", { hasText: /setninger · \d+ funn/ });
    await hover.first().waitFor({ timeout: 10000 });
    t.log(`tooltip: ${JSON.stringify(await hover.first().innerText())}`);
    await t.shot("3-statusbar-nb");
    await page.mouse.move(700, 400);
  });

  const before = await t.squiggles().count();
  await t.check("Slå av for denne fila: the findings go, without a restart, and the status bar says so", async () => {
    await t.command("klarsyn: Slå av/på for denne fila");
    await page.locator(".notifications-toasts .notification-toast", { hasText: "klarsyn er slått av for denne fila" }).first().waitFor({ timeout: 15000 });
    await page.locator(".statusbar-item", { hasText: "klarsyn av for denne fila" }).first().waitFor({ timeout: 15000 });
    for (let i = 0; i < 50 && (await t.squiggles().count()) > 0; i++) await page.waitForTimeout(200);
    const after = await t.squiggles().count();
    if (after !== 0) throw new Error(`${after} squiggles left of ${before}`);
    await t.shot("4-off-for-this-file");
  });

  await t.check("Slå på igjen: the findings come back", async () => {
    await t.command("klarsyn: Slå av/på for denne fila");
    await page.locator(".notifications-toasts .notification-toast", { hasText: "klarsyn er slått på for denne fila" }).first().waitFor({ timeout: 15000 });
    await t.squiggles().first().waitFor({ timeout: 30000 });
    await page.locator(".statusbar-item", { hasText: /LIX \d+/ }).first().waitFor({ timeout: 15000 });
    t.log(`squiggles: ${before} before, ${await t.squiggles().count()} now`);
  });

  await t.check("the report follows edits to the draft", async () => {
    await t.openFile("utkast.md");
    await t.command("klarsyn: Vis lesbarhetsrapport");
    let before = "";
    for (let i = 0; i < 40 && !/Hele dokumentet/.test(before); i++) {
      before = await reportText(page).catch(() => "");
      await page.waitForTimeout(250);
    }
    if (!/Lesbarhet: utkast\.md/.test(before)) throw new Error(`report: ${before.slice(0, 200)}`);
    const words = (text) => (/· (\d+) ord ·/.exec(text) || [])[1];
    t.log(`report: ${words(before)} words`);
    // Back in the draft (the report took the focus), at its end: a new paragraph of five words.
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type("\n\nVi vil bygge flere skoler.\n", { delay: 10 });
    // Until the figures have changed and then held still for 2 s.
    let after = before;
    let steady = 0;
    for (let i = 0; i < 80 && (words(after) === words(before) || steady < 8); i++) {
      await page.waitForTimeout(250);
      const now = await reportText(page).catch(() => after);
      steady = words(now) === words(after) ? steady + 1 : 0;
      after = now;
    }
    const typed = await page.locator(".monaco-editor .view-lines").first().innerText();
    t.log(`report after the edit: ${words(after)} words; the draft's last lines: ${JSON.stringify(typed.split("\n").slice(-3))}`);
    if (!(Number(words(after)) > Number(words(before)))) throw new Error(`${words(before)} -> ${words(after)} words`);
    await t.shot("5-report-follows");
  });

  await t.check("once the draft is closed, the report says it is a snapshot", async () => {
    await page.keyboard.press("Control+S");
    await page.waitForTimeout(500);
    await page.locator(".monaco-editor .view-lines").first().click();
    await page.keyboard.press("Control+W");
    let text = "";
    for (let i = 0; i < 60 && !/er lukket/.test(text); i++) {
      await page.waitForTimeout(500);
      text = await reportText(page).catch(() => "");
    }
    t.log(`report: ${JSON.stringify(text.split("\n").slice(0, 3))}`);
    if (!/utkast\.md er lukket/.test(text)) throw new Error("no snapshot note");
    const toasts = await page.locator(".notifications-toasts .notification-toast").allInnerTexts();
    if (toasts.some((x) => /Request .* failed/.test(x))) throw new Error(`a request failure was shown: ${toasts.join(" | ")}`);
    await t.shot("6-report-snapshot");
  });

  await t.check("the checker was started once, and its log lines are in Bokmål", async () => {
    const log = klarsynLog(t.dir);
    const starts = (log.match(/\] (Starter|Starting) /g) || []).length;
    t.log(`log: ${starts} start(s); ${JSON.stringify(log.split("\n").filter((l) => /Lette etter|Looked for|Starter|Starting/.test(l)).map((l) => l.slice(0, 160)))}`);
    if (starts !== 1) throw new Error(`${starts} starts in the log`);
    if (!/\] Lette etter kontrollen/.test(log)) throw new Error("the log is not in Bokmål");
  });
};

async function reportText(page) {
  const body = page.frameLocator("iframe.webview").frameLocator("#active-frame").locator("body");
  return body.innerText({ timeout: 5000 });
}
