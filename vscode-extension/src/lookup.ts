// Finding the klarsyn language server to start. Pure logic: the environment (settings,
// files, processes) comes in as functions, so the order can be unit-tested without VS Code.

export interface ServerCommand {
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Where it came from, for the output channel and the error message. */
  source: "path" | "interpreter" | "python-extension" | "bundled" | "installed" | "environment";
}

/** bundled/target.json, written by scripts/bundle-server.sh. */
export interface BundleTarget {
  /** A VS Code target ("darwin-arm64") or "universal" (no compiled modules). */
  target: string;
  /** The folders under bundled/abi ("cp311", …); empty for the universal package. */
  abi: string[];
  /** Versions of the compiled packages the platform packages bundle ({"lxml": "6.1.3", …}). */
  compiled: Record<string, string>;
}

/** A private Python environment for the universal package: made (or reused) from a base
 * Python, resolves to the environment's own interpreter or to why it could not be made. */
export type PrivateEnvironment = (
  basePython: string,
  tag: string,
) => Promise<{ ok: true; python: string } | { ok: false; detail: string }>;

export interface LookupEnvironment {
  /** klarsyn.path: a klarsyn executable. */
  path?: string;
  /** klarsyn.interpreter: a Python with klarsyn installed. */
  interpreter?: string;
  /** The interpreter the Python extension has selected, when that extension is present. */
  pythonExtensionInterpreter?: () => Promise<string | undefined>;
  /** Folder of the server bundled in the .vsix (bundled/): libs/ and abi/cp3XX/. */
  bundled: string;
  /** bundled/target.json, or undefined when it is missing or unreadable. */
  target?: BundleTarget;
  /** This machine as a VS Code target: `${process.platform}-${process.arch}` ("linux-x64"). */
  platform: string;
  /** Makes the universal package's private environment; without it that step is skipped. */
  privateEnvironment?: PrivateEnvironment;
  /** Separator of PYTHONPATH entries (":" or ";"). */
  pathSeparator: string;
  /** Whether the workspace is trusted: an untrusted one only runs the bundled server. */
  trusted: boolean;
  isFile: (path: string) => boolean;
  /** Runs `python -c code`; resolves to the exit code and stdout. */
  run: (command: string, args: string[], env?: Record<string, string>) => Promise<{ code: number; stdout: string }>;
  /** Python interpreters to try for the bundled server, in order (e.g. python3, python). */
  pythonsOnPath: string[];
}

/** Why no server was found. The set options stop the lookup when they are broken, so the
 * user learns that the setting is wrong instead of silently getting another server.
 * - no-python: no Python at all on PATH
 * - python-too-old: only Pythons before 3.11 (detail: the first version found)
 * - bundle-mismatch: the package is for another platform, or holds no build for the Pythons
 *   found, or its modules do not import (detail: what did not fit)
 * - interpreter-broken: klarsyn.interpreter does not run, is too old or lacks klarsyn
 * - path-broken: klarsyn.path is not a file
 * - no-environment: the universal package could not make its private environment */
export type FailureReason =
  | "no-python"
  | "python-too-old"
  | "bundle-mismatch"
  | "interpreter-broken"
  | "path-broken"
  | "no-environment";

export type LookupResult =
  | { ok: true; server: ServerCommand; tried: string[] }
  | { ok: false; reason: FailureReason; detail?: string; tried: string[] };

// One run per Python answers: which version (and ABI tag), and can it import the server and
// the compiled packages it needs? Importing klarsyn alone is not enough: a package without
// the right compiled modules imports klarsyn fine and dies on its first `import regex`.
// Written to also run on Python 2 (a `python` on PATH can still be one), so that it reports
// the version instead of a syntax error.
const PROBE = [
  "import sys",
  "v = sys.version_info",
  "print('cp%d%d %d.%d.%d' % (v[0], v[1], v[0], v[1], v[2]))",
  "if v < (3, 11): sys.exit(0)",
  "try:",
  "    import klarsyn, pygls, lxml.etree, regex, yaml",
  "except Exception as e:",
  "    print('%s: %s' % (type(e).__name__, e))",
  "    sys.exit(0)",
  "print('ok')",
].join("\n");

type Probe =
  | { kind: "no-run"; detail: string }
  | { kind: "old"; version: string }
  | { kind: "no-import"; tag: string; version: string; error: string }
  | { kind: "ok"; tag: string; version: string };

async function probe(env: LookupEnvironment, python: string, extra?: Record<string, string>): Promise<Probe> {
  let result: { code: number; stdout: string };
  try {
    result = await env.run(python, ["-c", PROBE], extra);
  } catch (e) {
    return { kind: "no-run", detail: String(e) };
  }
  const lines = result.stdout.trim().split(/\r?\n/);
  const head = /^(cp\d+) (\d+\.\d+\.\d+)$/.exec(lines[0] ?? "");
  if (result.code !== 0 || !head) {
    // -1: spawn failed; 127: a shell or pyenv shim saying there is no such command.
    return { kind: "no-run", detail: result.code === -1 || result.code === 127 ? "not found" : `exit code ${result.code}` };
  }
  const [, tag, version] = head;
  const [major, minor] = version.split(".").map(Number);
  if (major < 3 || (major === 3 && minor < 11)) return { kind: "old", version };
  const last = lines[lines.length - 1] ?? "";
  if (lines.length >= 2 && last === "ok") return { kind: "ok", tag, version };
  return { kind: "no-import", tag, version, error: lines.length >= 2 ? last : "no answer" };
}

const LSP = ["-m", "klarsyn", "lsp", "--stdio"];

function short(version: string): string {
  return version.split(".").slice(0, 2).join(".");
}

/** The server to start, in this order: klarsyn.path, klarsyn.interpreter, the Python
 * extension's interpreter (when klarsyn is importable there), then the bundled server with
 * any Python 3.11+ on PATH. An untrusted workspace skips straight to the bundled one.
 * The universal package (no compiled modules) instead uses a Python on PATH that has klarsyn
 * installed, else a private environment with the compiled packages (privateEnvironment). */
export async function findServer(env: LookupEnvironment): Promise<LookupResult> {
  const tried: string[] = [];
  const fail = (reason: FailureReason, detail?: string): LookupResult =>
    detail === undefined ? { ok: false, reason, tried } : { ok: false, reason, detail, tried };
  if (env.trusted) {
    if (env.path) {
      if (!env.isFile(env.path)) {
        tried.push(`klarsyn.path ${env.path}: no such file`);
        return fail("path-broken", "no such file");
      }
      tried.push(`klarsyn.path ${env.path}: found`);
      return { ok: true, server: { command: env.path, args: ["lsp", "--stdio"], source: "path" }, tried };
    }
    if (env.interpreter) {
      const p = await probe(env, env.interpreter);
      const what = `klarsyn.interpreter ${env.interpreter}`;
      if (p.kind === "ok") {
        tried.push(`${what} (${short(p.version)}): found`);
        return { ok: true, server: { command: env.interpreter, args: LSP, source: "interpreter" }, tried };
      }
      if (p.kind === "no-run") {
        tried.push(`${what}: cannot run it (${p.detail})`);
        return fail("interpreter-broken", p.detail);
      }
      if (p.kind === "old") {
        tried.push(`${what} is ${short(p.version)}: too old`);
        return fail("interpreter-broken", `Python ${p.version}`);
      }
      tried.push(`${what}: cannot import klarsyn (${p.error})`);
      return fail("interpreter-broken", p.error);
    }
    if (env.pythonExtensionInterpreter) {
      const python = await env.pythonExtensionInterpreter().catch(() => undefined);
      if (python) {
        // Not a klarsyn setting: only used when it already works, else the next step.
        const p = await probe(env, python);
        const what = `Python extension's interpreter ${python}`;
        if (p.kind === "ok") {
          tried.push(`${what} (${short(p.version)}): found`);
          return { ok: true, server: { command: python, args: LSP, source: "python-extension" }, tried };
        }
        tried.push(
          p.kind === "no-run" ? `${what}: cannot run it (${p.detail})`
          : p.kind === "old" ? `${what} is ${short(p.version)}: too old`
          : `${what}: no klarsyn there (${p.error})`,
        );
      }
    }
  }
  return bundledServer(env, tried, fail);
}

async function bundledServer(
  env: LookupEnvironment,
  tried: string[],
  fail: (reason: FailureReason, detail?: string) => LookupResult,
): Promise<LookupResult> {
  const target = env.target;
  if (!target) {
    tried.push(`bundled server: ${env.bundled}/target.json is missing`);
    return fail("bundle-mismatch", "bundled/target.json is missing");
  }
  const universal = target.target === "universal";
  if (!universal && target.target !== env.platform) {
    tried.push(`bundled for ${target.target}: this machine is ${env.platform}`);
    return fail("bundle-mismatch", `package for ${target.target}, machine is ${env.platform}`);
  }
  const libs = `${env.bundled}/libs`;
  let firstOld: string | undefined;
  let mismatch: string | undefined;
  let base: { python: string; tag: string; version: string } | undefined;
  for (const python of env.pythonsOnPath) {
    const p = await probe(env, python);
    if (p.kind === "no-run") {
      tried.push(`${python}: cannot run it (${p.detail})`);
      continue;
    }
    if (p.kind === "old") {
      tried.push(`${python} is ${short(p.version)}: too old`);
      firstOld ??= p.version;
      continue;
    }
    if (universal) {
      if (p.kind === "ok") {
        tried.push(`${python} (${short(p.version)}) has klarsyn installed: found`);
        return { ok: true, server: { command: python, args: LSP, source: "installed" }, tried };
      }
      tried.push(`${python} (${short(p.version)}): no klarsyn installed (${p.error})`);
      base ??= { python, tag: p.tag, version: p.version };
      continue;
    }
    if (!target.abi.includes(p.tag)) {
      tried.push(`${python} is ${short(p.version)}: the package holds ${target.abi.join(", ")} only`);
      mismatch ??= `Python ${p.version}; the package holds ${target.abi.join(", ")}`;
      continue;
    }
    // Pure-Python packages, then the compiled ones built for this Python.
    const bundledEnv = { PYTHONPATH: [libs, `${env.bundled}/abi/${p.tag}`].join(env.pathSeparator), PYTHONNOUSERSITE: "1" };
    const withBundle = await probe(env, python, bundledEnv);
    if (withBundle.kind === "ok") {
      tried.push(`bundled for ${p.tag} on ${target.target} with ${python}: found`);
      return { ok: true, server: { command: python, args: LSP, env: bundledEnv, source: "bundled" }, tried };
    }
    const error = withBundle.kind === "no-import" ? withBundle.error : withBundle.kind;
    tried.push(`bundled for ${p.tag} on ${target.target} with ${python}: cannot import (${error})`);
    mismatch ??= error;
  }
  if (base && env.privateEnvironment) {
    const made = await env.privateEnvironment(base.python, base.tag);
    if (!made.ok) {
      tried.push(`private environment from ${base.python}: could not make it (${made.detail})`);
      return fail("no-environment", made.detail);
    }
    const pythonEnv = { PYTHONPATH: libs, PYTHONNOUSERSITE: "1" };
    const p = await probe(env, made.python, pythonEnv);
    if (p.kind === "ok") {
      tried.push(`private environment ${made.python} (${short(p.version)}): found`);
      return { ok: true, server: { command: made.python, args: LSP, env: pythonEnv, source: "environment" }, tried };
    }
    const error = p.kind === "no-import" ? p.error : p.kind === "old" ? `Python ${p.version}` : p.detail;
    tried.push(`private environment ${made.python}: cannot import (${error})`);
    return fail("no-environment", error);
  }
  if (base) return fail("no-environment", "the package cannot make environments here");
  if (mismatch) return fail("bundle-mismatch", mismatch);
  if (firstOld) return fail("python-too-old", `Python ${firstOld}`);
  return fail("no-python");
}
