// A checker that dies as it starts (an ImportError, as a broken installation gives): klarsyn
// says so once, quoting the error, shows "klarsyn: error" and does not start it again and again.
// klarsyn.path points at a script that writes a Python traceback to stderr and exits.
// klarsyn.messageLanguage is nn: the notification and the status bar are in Nynorsk although
// VS Code's display language is English (the override in src/i18n.ts).
const fs = require("fs");
const path = require("path");
const { WORK, klarsynLog } = require("../lib");

exports.checks = 3;


exports.run = async (t) => {
  const script = path.join(WORK, "broken-klarsyn");
  fs.writeFileSync(script, [
    "#!/bin/sh",
    "echo 'Traceback (most recent call last):' >&2",
    "echo '  File \"<frozen runpy>\", line 198, in _run_module_as_main' >&2",
    "echo \"ModuleNotFoundError: No module named 'pygls'\" >&2",
    "exit 1",
    "",
  ].join("\n"));
  fs.chmodSync(script, 0o755);
  const page = await t.open({
    files: { "01-arbeid.md": "# Arbeid\n\nVi vil skape flere arbeidsplasser i kommunen.\n" },
    settings: { "klarsyn.messageLanguage": "nn" },
    // klarsyn.path is a machine setting: in code-server it is read from the remote (Machine) settings.
    prepare: ({ userData }) => {
      fs.mkdirSync(path.join(userData, "Machine"), { recursive: true });
      fs.writeFileSync(path.join(userData, "Machine", "settings.json"), JSON.stringify({ "klarsyn.path": script }));
    },
  });
  await t.openFile("01-arbeid.md");
  const toasts = page.locator(".notifications-toasts .notification-toast", { hasText: "klarsyn" });

  await t.check("one notification quotes the error", async () => {
    await toasts.first().waitFor({ timeout: 60000 });
    const text = await toasts.first().innerText();
    t.log(`notification: ${JSON.stringify(text)}`);
    if (!/No module named 'pygls'/.test(text)) throw new Error("does not quote the error");
    if (!/stoppa rett etter at han starta/.test(text) || !/Vis logg/.test(text)) throw new Error("not in Nynorsk");
    await t.shot("1-notification");
  });

  await t.check("the status bar says klarsyn: feil", async () => {
    const item = page.locator(".statusbar-item", { hasText: /klarsyn: feil/ });
    await item.first().waitFor({ timeout: 10000 });
  });

  await t.check("after 15 s: still one notification and one start", async () => {
    await page.waitForTimeout(15000);
    const n = await toasts.count();
    const log = klarsynLog(t.dir);
    const starts = (log.match(/\] (Starting|Starter|Startar) /g) || []).length;
    t.log(`${n} toast(s), ${starts} start(s) in the log`);
    if (n !== 1) throw new Error(`${n} notifications`);
    if (starts !== 1) throw new Error(`${starts} starts`);
    await t.shot("2-after-15s");
  });
};
