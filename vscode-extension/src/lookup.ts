// Finding the klarsyn language server to start. Pure logic: the environment (settings,
// files, processes) comes in as functions, so the order can be unit-tested without VS Code.

export interface ServerCommand {
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Where it came from, for the output channel and the error message. */
  source: "path" | "interpreter" | "python-extension" | "bundled";
}

export interface LookupEnvironment {
  /** klarsyn.path: a klarsyn executable. */
  path?: string;
  /** klarsyn.interpreter: a Python with klarsyn installed. */
  interpreter?: string;
  /** The interpreter the Python extension has selected, when that extension is present. */
  pythonExtensionInterpreter?: () => Promise<string | undefined>;
  /** Folder of the server bundled in the .vsix (bundled/): libs/ and abi/cp3XX/. */
  bundled: string;
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

export type LookupResult = { ok: true; server: ServerCommand; tried: string[] } | { ok: false; tried: string[] };

const IMPORTABLE = "import klarsyn, sys; print(sys.version_info >= (3, 11))";
// Prints the CPython ABI tag (cp312) for 3.11 and newer, else "old".
const VERSION_TAG = "import sys; v = sys.version_info; print(f'cp{v[0]}{v[1]}' if v >= (3, 11) else 'old')";

async function hasKlarsyn(env: LookupEnvironment, python: string, extra?: Record<string, string>): Promise<boolean> {
  try {
    const result = await env.run(python, ["-c", IMPORTABLE], extra);
    return result.code === 0 && result.stdout.trim() === "True";
  } catch {
    return false;
  }
}

/** The server to start, in this order: klarsyn.path, klarsyn.interpreter, the Python
 * extension's interpreter (when klarsyn is importable there), then the bundled server
 * with any Python 3.11+ on PATH. An untrusted workspace skips straight to the bundled one. */
export async function findServer(env: LookupEnvironment): Promise<LookupResult> {
  const tried: string[] = [];
  if (env.trusted) {
    if (env.path) {
      tried.push(`klarsyn.path: ${env.path}`);
      if (env.isFile(env.path)) {
        return { ok: true, server: { command: env.path, args: ["lsp", "--stdio"], source: "path" }, tried };
      }
    }
    if (env.interpreter) {
      tried.push(`klarsyn.interpreter: ${env.interpreter}`);
      if (await hasKlarsyn(env, env.interpreter)) {
        return { ok: true, server: { command: env.interpreter, args: ["-m", "klarsyn", "lsp", "--stdio"], source: "interpreter" }, tried };
      }
    }
    if (env.pythonExtensionInterpreter) {
      const python = await env.pythonExtensionInterpreter().catch(() => undefined);
      if (python) {
        tried.push(`Python extension: ${python}`);
        if (await hasKlarsyn(env, python)) {
          return { ok: true, server: { command: python, args: ["-m", "klarsyn", "lsp", "--stdio"], source: "python-extension" }, tried };
        }
      }
    }
  }
  for (const python of env.pythonsOnPath) {
    tried.push(`bundled server with ${python}`);
    let tag: string;
    try {
      const version = await env.run(python, ["-c", VERSION_TAG]);
      tag = version.stdout.trim();
      if (version.code !== 0 || !/^cp3\d+$/.test(tag)) continue;
    } catch {
      continue;
    }
    // Pure-Python packages, then the compiled ones built for this Python.
    const libs = `${env.bundled}/libs`;
    const bundledEnv = { PYTHONPATH: [libs, `${env.bundled}/abi/${tag}`].join(env.pathSeparator), PYTHONNOUSERSITE: "1" };
    if (await hasKlarsyn(env, python, bundledEnv)) {
      return { ok: true, server: { command: python, args: ["-m", "klarsyn", "lsp", "--stdio"], env: bundledEnv, source: "bundled" }, tried };
    }
  }
  return { ok: false, tried };
}
