import { test } from "node:test";
import assert from "node:assert/strict";
import { BundleTarget, findServer, LookupEnvironment, LookupResult } from "../src/lookup";

const LINUX: BundleTarget = { target: "linux-x64", abi: ["cp311", "cp312", "cp313"], compiled: { lxml: "6.1.3" } };
const UNIVERSAL: BundleTarget = { target: "universal", abi: [], compiled: { lxml: "6.1.3" } };

/** A fake Python: its version, and whether klarsyn imports without the bundle (installed)
 * or with it (bundleImports, default true), else with which error. */
interface FakePython {
  version: string;
  installed?: boolean;
  bundleImports?: boolean;
  importError?: string;
}

function environment(over: Partial<LookupEnvironment> & { pythons?: Record<string, FakePython> }): LookupEnvironment {
  const pythons = over.pythons ?? {};
  return {
    bundled: "/ext/bundled",
    target: LINUX,
    platform: "linux-x64",
    pathSeparator: ":",
    trusted: true,
    isFile: (p) => p === "/usr/local/bin/klarsyn",
    pythonsOnPath: ["python3", "python"],
    run: async (command, args, env) => {
      const python = pythons[command];
      if (!python) return { code: -1, stdout: "" };
      assert.equal(args[0], "-c");
      const [major, minor] = python.version.split(".");
      const head = `cp${major}${minor} ${python.version}\n`;
      if (Number(major) < 3 || Number(minor) < 11) return { code: 0, stdout: head };
      const tag = `cp${major}${minor}`;
      const bundled = env?.PYTHONPATH === `/ext/bundled/libs:/ext/bundled/abi/${tag}` && python.bundleImports !== false;
      const environmentLibs = env?.PYTHONPATH === "/ext/bundled/libs" && command.startsWith("/storage/");
      const ok = python.installed || bundled || environmentLibs;
      return { code: 0, stdout: head + (ok ? "ok\n" : `${python.importError ?? "ModuleNotFoundError: No module named 'klarsyn'"}\n`) };
    },
    ...over,
  };
}

function failure(result: LookupResult): Extract<LookupResult, { ok: false }> {
  assert.equal(result.ok, false, `expected a failure, got ${JSON.stringify(result)}`);
  return result as Extract<LookupResult, { ok: false }>;
}

test("klarsyn.path comes first when the file exists", async () => {
  const result = await findServer(environment({ path: "/usr/local/bin/klarsyn", interpreter: "/venv/bin/python", pythons: { "/venv/bin/python": { version: "3.12.1", installed: true } } }));
  assert.ok(result.ok);
  assert.equal(result.server.source, "path");
  assert.deepEqual(result.server.args, ["lsp", "--stdio"]);
  assert.deepEqual(result.tried, ["klarsyn.path /usr/local/bin/klarsyn: found"]);
});

test("a klarsyn.path that is not a file stops the lookup instead of falling through", async () => {
  const result = failure(await findServer(environment({ path: "/nope/klarsyn", interpreter: "/venv/bin/python", pythons: { "/venv/bin/python": { version: "3.12.1", installed: true } } })));
  assert.equal(result.reason, "path-broken");
  assert.deepEqual(result.tried, ["klarsyn.path /nope/klarsyn: no such file"]);
});

test("a working klarsyn.interpreter is used", async () => {
  const result = await findServer(environment({ interpreter: "/venv/bin/python", pythons: { "/venv/bin/python": { version: "3.12.1", installed: true } } }));
  assert.ok(result.ok);
  assert.equal(result.server.source, "interpreter");
  assert.deepEqual(result.server.args, ["-m", "klarsyn", "lsp", "--stdio"]);
  assert.deepEqual(result.tried, ["klarsyn.interpreter /venv/bin/python (3.12): found"]);
});

test("a klarsyn.interpreter without klarsyn is reported with the import error, not replaced by the bundle", async () => {
  const result = failure(
    await findServer(
      environment({
        interpreter: "C:\\x\\python.exe",
        pythons: { "C:\\x\\python.exe": { version: "3.12.1", importError: "ModuleNotFoundError: No module named 'regex'" }, python3: { version: "3.12.1" } },
      }),
    ),
  );
  assert.equal(result.reason, "interpreter-broken");
  assert.equal(result.detail, "ModuleNotFoundError: No module named 'regex'");
  assert.deepEqual(result.tried, ["klarsyn.interpreter C:\\x\\python.exe: cannot import klarsyn (ModuleNotFoundError: No module named 'regex')"]);
});

test("a klarsyn.interpreter that is too old or does not run is reported", async () => {
  const old = failure(await findServer(environment({ interpreter: "/old/python", pythons: { "/old/python": { version: "3.10.12" }, python3: { version: "3.12.1" } } })));
  assert.equal(old.reason, "interpreter-broken");
  assert.equal(old.detail, "Python 3.10.12");
  assert.deepEqual(old.tried, ["klarsyn.interpreter /old/python is 3.10: too old"]);
  const gone = failure(await findServer(environment({ interpreter: "/gone/python", pythons: { python3: { version: "3.12.1" } } })));
  assert.equal(gone.reason, "interpreter-broken");
  assert.deepEqual(gone.tried, ["klarsyn.interpreter /gone/python: cannot run it (not found)"]);
});

test("the Python extension's interpreter is used only when klarsyn is importable there", async () => {
  const without = await findServer(environment({ pythonExtensionInterpreter: async () => "/py/bin/python", pythons: { "/py/bin/python": { version: "3.12.1" }, python3: { version: "3.11.9" } } }));
  assert.ok(without.ok);
  assert.equal(without.server.source, "bundled");
  assert.deepEqual(without.tried, [
    "Python extension's interpreter /py/bin/python: no klarsyn there (ModuleNotFoundError: No module named 'klarsyn')",
    "bundled for cp311 on linux-x64 with python3: found",
  ]);
  const withIt = await findServer(environment({ pythonExtensionInterpreter: async () => "/py/bin/python", pythons: { "/py/bin/python": { version: "3.13.0", installed: true } } }));
  assert.ok(withIt.ok);
  assert.equal(withIt.server.source, "python-extension");
});

test("the bundled server needs Python 3.11 or newer and gets the libraries built for it", async () => {
  const result = await findServer(environment({ pythons: { python3: { version: "3.10.12" }, python: { version: "3.12.3" } } }));
  assert.ok(result.ok);
  assert.equal(result.server.command, "python");
  assert.equal(result.server.source, "bundled");
  assert.equal(result.server.env?.PYTHONPATH, "/ext/bundled/libs:/ext/bundled/abi/cp312");
  assert.deepEqual(result.tried, ["python3 is 3.10: too old", "bundled for cp312 on linux-x64 with python: found"]);
});

test("an untrusted workspace ignores klarsyn.path and klarsyn.interpreter", async () => {
  const result = await findServer(environment({ trusted: false, path: "/nope", interpreter: "/gone/python", pythons: { python3: { version: "3.13.1" } } }));
  assert.ok(result.ok);
  assert.equal(result.server.source, "bundled");
});

test("no Python at all", async () => {
  const result = failure(await findServer(environment({})));
  assert.equal(result.reason, "no-python");
  assert.deepEqual(result.tried, ["python3: cannot run it (not found)", "python: cannot run it (not found)"]);
});

test("only old Pythons give python-too-old with the version", async () => {
  const result = failure(await findServer(environment({ pythons: { python3: { version: "3.9.2" } } })));
  assert.equal(result.reason, "python-too-old");
  assert.equal(result.detail, "Python 3.9.2");
  assert.deepEqual(result.tried, ["python3 is 3.9: too old", "python: cannot run it (not found)"]);
});

test("a package for another platform is a bundle mismatch", async () => {
  const result = failure(await findServer(environment({ platform: "darwin-arm64", pythons: { python3: { version: "3.12.1" } } })));
  assert.equal(result.reason, "bundle-mismatch");
  assert.equal(result.detail, "package for linux-x64, machine is darwin-arm64");
  assert.deepEqual(result.tried, ["bundled for linux-x64: this machine is darwin-arm64"]);
});

test("a Python the package has no build for, or a bundle that does not import, is a bundle mismatch", async () => {
  const newer = failure(await findServer(environment({ pythons: { python3: { version: "3.14.0" } } })));
  assert.equal(newer.reason, "bundle-mismatch");
  assert.equal(newer.detail, "Python 3.14.0; the package holds cp311, cp312, cp313");
  assert.equal(newer.tried[0], "python3 is 3.14: the package holds cp311, cp312, cp313 only");
  const broken = failure(
    await findServer(environment({ pythons: { python3: { version: "3.12.1", bundleImports: false, importError: "ImportError: DLL load failed while importing etree" } } })),
  );
  assert.equal(broken.reason, "bundle-mismatch");
  assert.equal(broken.detail, "ImportError: DLL load failed while importing etree");
  assert.equal(broken.tried[0], "bundled for cp312 on linux-x64 with python3: cannot import (ImportError: DLL load failed while importing etree)");
});

test("a missing target.json is reported", async () => {
  const result = failure(await findServer(environment({ target: undefined, pythons: { python3: { version: "3.12.1" } } })));
  assert.equal(result.reason, "bundle-mismatch");
  assert.deepEqual(result.tried, ["bundled server: /ext/bundled/target.json is missing"]);
});

test("universal package: a Python with klarsyn installed comes first", async () => {
  let made = 0;
  const result = await findServer(
    environment({
      target: UNIVERSAL,
      platform: "freebsd-x64",
      privateEnvironment: async () => ((made += 1), { ok: true, python: "/storage/env/bin/python" }),
      pythons: { python3: { version: "3.11.2" }, python: { version: "3.12.0", installed: true } },
    }),
  );
  assert.ok(result.ok);
  assert.equal(result.server.source, "installed");
  assert.equal(result.server.command, "python");
  assert.equal(result.server.env, undefined);
  assert.equal(made, 0);
});

test("universal package: else a private environment made from the first Python 3.11+", async () => {
  const calls: string[] = [];
  const result = await findServer(
    environment({
      target: UNIVERSAL,
      platform: "freebsd-x64",
      privateEnvironment: async (python, tag) => (calls.push(`${python} ${tag}`), { ok: true, python: "/storage/env/bin/python" }),
      pythons: { python3: { version: "3.13.1" }, "/storage/env/bin/python": { version: "3.13.1" } },
    }),
  );
  assert.ok(result.ok);
  assert.equal(result.server.source, "environment");
  assert.equal(result.server.command, "/storage/env/bin/python");
  assert.equal(result.server.env?.PYTHONPATH, "/ext/bundled/libs");
  assert.deepEqual(calls, ["python3 cp313"]);
  assert.equal(result.tried[result.tried.length - 1], "private environment /storage/env/bin/python (3.13): found");
});

test("universal package: an environment that cannot be made is no-environment", async () => {
  const result = failure(
    await findServer(
      environment({
        target: UNIVERSAL,
        platform: "freebsd-x64",
        privateEnvironment: async () => ({ ok: false, detail: "pip install: ERROR: No matching distribution found for lxml==6.1.3" }),
        pythons: { python3: { version: "3.12.1" } },
      }),
    ),
  );
  assert.equal(result.reason, "no-environment");
  assert.equal(result.detail, "pip install: ERROR: No matching distribution found for lxml==6.1.3");
});

test("universal package: with only old Pythons it is python-too-old", async () => {
  const result = failure(await findServer(environment({ target: UNIVERSAL, privateEnvironment: async () => ({ ok: true, python: "x" }), pythons: { python3: { version: "3.8.10" } } })));
  assert.equal(result.reason, "python-too-old");
});
