// «Slå av/på for denne fila» takes the squiggles away and brings them back, without a
// restart and with VS Code's pulled diagnostics.
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..", "..", "..");

exports.checks = 2;

// The command's title follows VS Code's display language (package.nls*.json): English here,
// «klarsyn: Slå av/på for denne fila» in nb (scenarios/norwegian.js).
const TOGGLE = "klarsyn: Turn off/on";

exports.run = async (t) => {
  const page = await t.open({ files: { "utkast.md": fs.readFileSync(path.join(ROOT, "examples", "lokalvalg-2023-utkast.md")) } });
  await t.openFile("utkast.md");
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 30000 });
  await t.squiggles().first().waitFor({ timeout: 90000 });
  const before = await t.squiggles().count();
  t.log(`${before} squiggles`);
  const waitCount = async (test, what) => {
    let n = -1;
    for (let i = 0; i < 40; i++) {
      n = await t.squiggles().count();
      if (test(n)) return n;
      await page.waitForTimeout(250);
    }
    throw new Error(`${what}: ${n} squiggles`);
  };

  await t.check("off: the squiggles go", async () => {
    await t.command(TOGGLE);
    await waitCount((n) => n === 0, "after switching off");
    await t.shot("1-off");
  });

  await t.check("on again: the squiggles come back", async () => {
    await t.command(TOGGLE);
    await waitCount((n) => n > 0, "after switching on");
    await t.shot("2-on");
  });
};
