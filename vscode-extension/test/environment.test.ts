import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "path";
import { EnvironmentDeps, machineTarget, privateEnvironment, readTarget } from "../src/environment";
import type { BundleTarget } from "../src/lookup";

const UNIVERSAL: BundleTarget = { target: "universal", abi: [], compiled: { lxml: "6.1.3", regex: "2026.11.19", PyYAML: "6.0.4" } };

/** Fake file system and processes; records what ran and what was shown. */
function deps(over: Partial<EnvironmentDeps> = {}): EnvironmentDeps & { runs: string[]; shown: string[]; files: Map<string, string> } {
  const files = new Map<string, string>();
  const runs: string[] = [];
  const shown: string[] = [];
  return {
    bundled: "/ext/bundled",
    storage: "/storage",
    platform: "linux",
    arch: "x64",
    run: async (command, args) => (runs.push([command, ...args].join(" ")), { code: 0, stdout: "", stderr: "" }),
    withProgress: async (title, task) => (shown.push(title), task()),
    log: () => undefined,
    readFile: (file) => files.get(file),
    exists: (file) => files.has(file),
    mkdir: () => undefined,
    writeFile: (file, text) => void files.set(file, text),
    rename: (from, to) => {
      for (const [name, text] of [...files]) if (name.startsWith(from)) files.set(to + name.slice(from.length), text);
      return true;
    },
    remove: () => undefined,
    runs,
    shown,
    files,
    ...over,
  };
}

test("target.json is read, and a missing or malformed one gives undefined", () => {
  const d = deps();
  d.files.set(path.join("/ext/bundled", "target.json"), JSON.stringify({ target: "win32-arm64", abi: ["cp311", "cp312", "cp313"], compiled: { lxml: "6.1.3" } }));
  assert.deepEqual(readTarget(d), { target: "win32-arm64", abi: ["cp311", "cp312", "cp313"], compiled: { lxml: "6.1.3" } });
  assert.equal(readTarget(deps()), undefined);
  const bad = deps();
  bad.files.set(path.join("/ext/bundled", "target.json"), "{not json");
  assert.equal(readTarget(bad), undefined);
});

test("machine targets are VS Code's names", () => {
  assert.equal(machineTarget("win32", "arm64"), "win32-arm64");
  assert.equal(machineTarget("darwin", "x64"), "darwin-x64");
});

test("the private environment is made once, with the pinned versions, under a progress notification", async () => {
  const d = deps();
  const make = privateEnvironment(d, UNIVERSAL);
  const first = await make("python3", "cp312");
  assert.ok(first.ok);
  const dir = path.join("/storage", "env", "cp312-lxml-6.1.3-regex-2026.11.19-PyYAML-6.0.4");
  assert.equal(first.python, path.join(dir, "bin", "python"));
  assert.equal(d.shown.length, 1);
  assert.equal(d.runs.length, 2);
  assert.match(d.runs[0], /^python3 -m venv .*\.partial-\d+$/);
  assert.match(d.runs[1], / -m pip install .* lxml==6\.1\.3 regex==2026\.11\.19 PyYAML==6\.0\.4$/);
  assert.ok(d.files.has(path.join(dir, "klarsyn-ready")));
  const again = await make("python3", "cp312");
  assert.deepEqual(again, first);
  assert.equal(d.runs.length, 2, "a ready environment is reused without running anything");
});

test("Windows environments use Scripts\\python.exe", async () => {
  const result = await privateEnvironment(deps({ platform: "win32" }), UNIVERSAL)("py", "cp313");
  assert.ok(result.ok);
  assert.equal(path.basename(path.dirname(result.python)), "Scripts");
});

test("a failing pip gives its last error line", async () => {
  const d = deps({
    run: async (_command, args) =>
      args.includes("pip") ? { code: 1, stdout: "", stderr: "Collecting lxml==6.1.3\nERROR: No matching distribution found for lxml==6.1.3\n" } : { code: 0, stdout: "", stderr: "" },
  });
  const result = await privateEnvironment(d, UNIVERSAL)("python3", "cp312");
  assert.deepEqual(result, { ok: false, detail: "pip install: ERROR: No matching distribution found for lxml==6.1.3" });
});
