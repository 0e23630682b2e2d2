import { test } from "node:test";
import assert from "node:assert/strict";
import { errorLine, failureNotice, RestartPolicy } from "../src/failure";
import { format, Translator } from "../src/i18n";

const en = (m: string, ...a: Array<string | number | boolean>) => format(m, a);

test("no Python: where to get one depends on the platform", () => {
  const f = { ok: false as const, reason: "no-python", tried: [] };
  assert.match(failureNotice(f, "win32", en).message, /python\.org or the Microsoft Store/);
  assert.match(failureNotice(f, "darwin", en).message, /Homebrew/);
  assert.doesNotMatch(failureNotice(f, "linux", en).message, /Microsoft Store|Homebrew/);
  assert.equal(failureNotice(f, "win32", en).setting, "klarsyn.interpreter");
});

test("too old: names the Python and its version", () => {
  const f = { ok: false as const, reason: "python-too-old", detail: "Python 3.10.12", tried: ["python3 is 3.10: too old", "python: cannot run it (not found)"] };
  const n = failureNotice(f, "linux", en);
  assert.match(n.message, /^python3 is 3\.10; klarsyn needs Python 3\.11 or newer\./);
  assert.equal(n.setting, "klarsyn.interpreter");
  // Without the lookup's log line, the detail's version.
  assert.match(failureNotice({ ...f, tried: [] }, "linux", en).message, /^Python is 3\.10;/);
});

test("too old, in Nynorsk", () => {
  const nn = new Translator("l10n");
  nn.language = "nn";
  const n = failureNotice({ ok: false, reason: "python-too-old", detail: "Python 3.10.12", tried: ["python3 is 3.10: too old"] }, "linux", nn.t);
  assert.match(n.message, /^python3 er 3\.10; klarsyn treng Python 3\.11 eller nyare\./);
  assert.doesNotMatch(n.message, /ikke|nyere/);
});

test("a broken setting opens that setting and quotes the detail", () => {
  const path = failureNotice({ ok: false, reason: "path-broken", detail: "/opt/klarsyn: not a file", tried: [] }, "linux", en);
  assert.equal(path.setting, "klarsyn.path");
  assert.match(path.message, /klarsyn\.path .*\(\/opt\/klarsyn: not a file\)$/);
  const interp = failureNotice({ ok: false, reason: "interpreter-broken", detail: "ModuleNotFoundError: No module named 'klarsyn'", tried: [] }, "linux", en);
  assert.equal(interp.setting, "klarsyn.interpreter");
  assert.match(interp.message, /No module named 'klarsyn'/);
});

test("bundle mismatch and no environment carry the detail; an unknown reason still says 3.11", () => {
  assert.match(failureNotice({ ok: false, reason: "bundle-mismatch", detail: "package for linux-x64, machine is darwin-arm64", tried: [] }, "darwin", en).message, /do not fit.*darwin-arm64/);
  assert.match(failureNotice({ ok: false, reason: "no-environment", detail: "pip install: no network", tried: [] }, "win32", en).short, /no network/);
  const old = failureNotice({ ok: false, tried: ["bundled server with python3"] }, "linux", en);
  assert.match(old.message, /Python 3\.11 or newer/);
  assert.equal(old.setting, "klarsyn.interpreter");
});

test("the error line is the exception of a traceback, else the last line that says error", () => {
  const traceback = [
    "Traceback (most recent call last):",
    '  File "<frozen runpy>", line 198, in _run_module_as_main',
    "    import pygls",
    "ModuleNotFoundError: No module named 'pygls'",
  ];
  assert.equal(errorLine(traceback), "ModuleNotFoundError: No module named 'pygls'");
  assert.equal(errorLine(["starting", "fatal: cannot read klarsyn.yml", "bye"]), "fatal: cannot read klarsyn.yml");
  assert.equal(errorLine(["", "something odd"]), "something odd");
  assert.equal(errorLine([]), undefined);
});

test("a server that stops before it is ready, or at once, is not restarted", () => {
  let now = 0;
  const p = new RestartPolicy(() => now);
  p.started();
  now = 800;
  assert.equal(p.closed(), "stop-early");
  p.started();
  p.initialized();
  now += 2000;
  assert.equal(p.closed(), "stop-early");
});

test("a server that ran for a while restarts, a bounded number of times per window", () => {
  let now = 0;
  const p = new RestartPolicy(() => now, 10_000, 3, 180_000);
  const crashAfter = (ms: number) => {
    p.started();
    p.initialized();
    now += ms;
    return p.closed();
  };
  assert.equal(crashAfter(60_000), "restart");
  assert.equal(crashAfter(20_000), "restart");
  assert.equal(crashAfter(20_000), "restart");
  assert.equal(crashAfter(20_000), "stop-too-many");
  // Crashes that lie further back than the window are forgotten.
  now += 600_000;
  assert.equal(crashAfter(60_000), "restart");
  p.reset();
  assert.equal(p.count, 0);
});
