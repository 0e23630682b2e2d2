import { test } from "node:test";
import assert from "node:assert/strict";
import { findServer, LookupEnvironment } from "../src/lookup";

// pythons: interpreter -> its ABI tag ("cp312"), or "old" for Python before 3.11.
function environment(over: Partial<LookupEnvironment> & { importable?: string[]; pythons?: Record<string, string> }): LookupEnvironment {
  const importable = new Set(over.importable ?? []);
  const versions = over.pythons ?? {};
  return {
    bundled: "/ext/bundled",
    pathSeparator: ":",
    trusted: true,
    isFile: (p) => p === "/usr/local/bin/klarsyn",
    pythonsOnPath: ["python3", "python"],
    run: async (command, args, env) => {
      const code = args[1] ?? "";
      if (code.startsWith("import klarsyn")) {
        const tag = versions[command];
        const ok = importable.has(command) || (tag !== undefined && env?.PYTHONPATH === `/ext/bundled/libs:/ext/bundled/abi/${tag}`);
        return { code: ok ? 0 : 1, stdout: ok ? "True\n" : "" };
      }
      if (command in versions) return { code: 0, stdout: `${versions[command]}\n` };
      return { code: 127, stdout: "" };
    },
    ...over,
  };
}

test("klarsyn.path comes first when the file exists", async () => {
  const result = await findServer(environment({ path: "/usr/local/bin/klarsyn", interpreter: "/venv/bin/python", importable: ["/venv/bin/python"] }));
  assert.ok(result.ok);
  assert.equal(result.server.source, "path");
  assert.deepEqual(result.server.args, ["lsp", "--stdio"]);
});

test("a missing klarsyn.path falls through to klarsyn.interpreter", async () => {
  const result = await findServer(environment({ path: "/nope/klarsyn", interpreter: "/venv/bin/python", importable: ["/venv/bin/python"] }));
  assert.ok(result.ok);
  assert.equal(result.server.source, "interpreter");
  assert.deepEqual(result.server.args, ["-m", "klarsyn", "lsp", "--stdio"]);
  assert.deepEqual(result.tried, ["klarsyn.path: /nope/klarsyn", "klarsyn.interpreter: /venv/bin/python"]);
});

test("the Python extension's interpreter is used only when klarsyn is importable there", async () => {
  const without = await findServer(environment({ pythonExtensionInterpreter: async () => "/py/bin/python", pythons: { python3: "cp311" } }));
  assert.ok(without.ok);
  assert.equal(without.server.source, "bundled");
  const withIt = await findServer(environment({ pythonExtensionInterpreter: async () => "/py/bin/python", importable: ["/py/bin/python"] }));
  assert.ok(withIt.ok);
  assert.equal(withIt.server.source, "python-extension");
});

test("the bundled server needs Python 3.11 or newer and gets the libraries built for it", async () => {
  const result = await findServer(environment({ pythons: { python3: "old", python: "cp312" } }));
  assert.ok(result.ok);
  assert.equal(result.server.command, "python");
  assert.equal(result.server.source, "bundled");
  assert.equal(result.server.env?.PYTHONPATH, "/ext/bundled/libs:/ext/bundled/abi/cp312");
});

test("an untrusted workspace ignores klarsyn.path and klarsyn.interpreter", async () => {
  const result = await findServer(environment({ trusted: false, path: "/usr/local/bin/klarsyn", interpreter: "/venv/bin/python", importable: ["/venv/bin/python"], pythons: { python3: "cp313" } }));
  assert.ok(result.ok);
  assert.equal(result.server.source, "bundled");
});

test("nothing usable gives a failure with what was tried", async () => {
  const result = await findServer(environment({ pythons: { python3: "old" } }));
  assert.equal(result.ok, false);
  assert.deepEqual(result.tried, ["bundled server with python3", "bundled server with python"]);
});
