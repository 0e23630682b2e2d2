// Only a Python 3.10 on PATH: klarsyn says so once, in a notification with a button that opens
// the klarsyn.interpreter setting, shows "klarsyn: off" in the status bar, and does not try
// again and again.
//
// This machine has no real 3.10, so the scenario makes a stand-in: python3 and python in a
// folder first on PATH, each a wrapper that runs the real interpreter with a sitecustomize
// that sets sys.version_info (and sys.version) to 3.10.12's. A wrapper rather than a script
// that prints canned answers: every probe the extension makes (the current one and the one the
// packaging work brings) reads sys.version_info and so gets what a 3.10 would say, without
// this test knowing the probes' text.
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const { WORK, klarsynLog } = require("../lib");

exports.checks = 4;

function standIn() {
  const dir = path.join(WORK, "python310");
  const real = execFileSync("python3", ["-c", "import sys; print(sys.executable)"]).toString().trim();
  fs.mkdirSync(path.join(dir, "site"), { recursive: true });
  fs.writeFileSync(path.join(dir, "site", "sitecustomize.py"), [
    "import sys",
    "class _VersionInfo(tuple):",
    "    major, minor, micro, releaselevel, serial = 3, 10, 12, 'final', 0",
    "sys.version_info = _VersionInfo((3, 10, 12, 'final', 0))",
    "sys.version = '3.10.12 ' + sys.version.split(' ', 1)[1]",
    "sys.hexversion = 0x030a0cf0",
    "",
  ].join("\n"));
  for (const name of ["python3", "python"]) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\n# Stand-in for Python 3.10 (see e2e/scenarios/old-python.js).\nPYTHONPATH="${dir}/site\${PYTHONPATH:+:\$PYTHONPATH}" exec "${real}" "$@"\n`);
    fs.chmodSync(file, 0o755);
  }
  const said = execFileSync(path.join(dir, "python3"), ["-c", "import sys; print(sys.version_info[:2] >= (3, 11), sys.version.split()[0])"]).toString().trim();
  if (said !== "False 3.10.12") throw new Error(`the stand-in says ${said}`);
  return dir;
}


exports.run = async (t) => {
  const bin = standIn();
  const PATH = `${bin}${path.delimiter}${process.env.PATH}`;
  const page = await t.open({
    files: { "01-arbeid.md": "# Arbeid\n\nVi vil skape flere arbeidsplasser i kommunen.\n" },
    // A Norwegian author's machine: the OS locale is Norwegian, VS Code's display language is
    // the stock English. The notification follows the OS locale (see docs/design.md).
    env: { PATH, LANG: "nb_NO.UTF-8" },
    // VS Code gives the extension host the environment of a login shell, which starts PATH
    // afresh from /etc/profile: so the stand-in goes first on PATH in the profile as well,
    // as an author's own ~/.profile would put it.
    prepare: ({ home }) => {
      fs.mkdirSync(home, { recursive: true });
      for (const rc of [".profile", ".bash_profile"]) fs.writeFileSync(path.join(home, rc), `export PATH="${bin}:$PATH"\n`);
    },
  });
  await t.openFile("01-arbeid.md");
  await page.waitForSelector(".monaco-editor .view-lines", { timeout: 30000 });
  const toasts = page.locator(".notifications-toasts .notification-toast", { hasText: "klarsyn" });

  await t.check("one notification says klarsyn needs Python 3.11", async () => {
    await toasts.first().waitFor({ timeout: 60000 });
    const text = await toasts.first().innerText();
    t.log(`notification: ${JSON.stringify(text)}`);
    if (!/3\.11/.test(text)) throw new Error("does not name Python 3.11");
    if (!/python3 er 3\.10; klarsyn trenger Python 3\.11 eller nyere/.test(text)) throw new Error("not the Bokmål message for a Python too old");
    await t.shot("1-notification");
  });

  await t.check("the status bar says klarsyn is off", async () => {
    const item = page.locator(".statusbar-item", { hasText: /klarsyn: (off|av)/ });
    await item.first().waitFor({ timeout: 10000 });
    t.log(`status bar: ${await item.first().innerText()}`);
  });

  await t.check("after 15 s still one notification, and the lookup ran once", async () => {
    await page.waitForTimeout(15000);
    const n = await toasts.count();
    const centre = await page.locator(".notifications-center .notification-list-item", { hasText: "klarsyn" }).count();
    const log = klarsynLog(t.dir);
    const lookups = (log.match(/Looked for the checker|Lette etter kontrollen|Leita etter kontrollen/g) || []).length;
    t.log(`${n} toast(s), ${centre} in the centre, ${lookups} lookup(s) in the log`);
    if (n !== 1) throw new Error(`${n} klarsyn notifications`);
    if (lookups !== 1) throw new Error(`${lookups} lookups`);
  });

  await t.check("its button opens the klarsyn.interpreter setting", async () => {
    await toasts.first().hover();
    await toasts.first().locator(".monaco-button", { hasText: /Open setting|Åpne innstillingen|Opna innstillinga/ }).first().click();
    const row = page.locator(".settings-editor .setting-item", { hasText: /Interpreter/ });
    await row.first().waitFor({ timeout: 20000 });
    const search = await page.locator(".settings-editor .settings-header .view-lines, .settings-editor .suggest-input-container .view-lines").first().innerText().catch(() => "");
    t.log(`settings search: ${JSON.stringify(search)}; rows: ${await page.locator(".settings-editor .setting-item").count()}`);
    if (!/klarsyn\.interpreter/.test(search.replace(/\s/g, ""))) throw new Error(`search box says ${search}`);
    await t.shot("2-setting");
  });
};
