// What the installed package brings to the server lookup: which target it was built for
// (bundled/target.json), which target this machine is, and for the universal package (no
// compiled modules) a private Python environment made on first start in globalStorage.
//
// The VS Code API comes in as a parameter (type-only import), so the unit tests can run this
// under plain Node with a fake window and fake processes.
import * as fs from "fs";
import * as path from "path";
import { spawn } from "child_process";
import type * as vscodeApi from "vscode";
import type { BundleTarget, LookupEnvironment, PrivateEnvironment } from "./lookup";

/** Runs a command to its end; resolves to its exit code and output (never rejects). */
export type LongRun = (command: string, args: string[], timeoutMs: number) => Promise<{ code: number; stdout: string; stderr: string }>;

export interface EnvironmentDeps {
  /** The extension's translator (i18n.ts), for the progress title; English without it. */
  t?: (message: string) => string;
  /** The extension's bundled/ folder. */
  bundled: string;
  /** The extension's globalStorage folder (the private environments live below it). */
  storage: string;
  platform: NodeJS.Platform;
  arch: string;
  run: LongRun;
  /** Shows a task as a progress notification. */
  withProgress: <T>(title: string, task: () => Promise<T>) => Thenable<T>;
  log: (line: string) => void;
  readFile: (file: string) => string | undefined;
  exists: (file: string) => boolean;
  mkdir: (dir: string) => void;
  writeFile: (file: string, text: string) => void;
  /** Moves a finished environment into place; false when another window was faster. */
  rename: (from: string, to: string) => boolean;
  remove: (dir: string) => void;
}

/** bundled/target.json, or undefined when missing or not what bundle-server.sh writes. */
export function readTarget(deps: Pick<EnvironmentDeps, "bundled" | "readFile">): BundleTarget | undefined {
  const text = deps.readFile(path.join(deps.bundled, "target.json"));
  if (text === undefined) return undefined;
  try {
    const data = JSON.parse(text);
    if (typeof data?.target !== "string" || !Array.isArray(data.abi)) return undefined;
    return { target: data.target, abi: data.abi.map(String), compiled: data.compiled ?? {} };
  } catch {
    return undefined;
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split(/\r?\n/).filter((l) => l.trim() !== "");
  return lines[lines.length - 1] ?? "";
}

/** The private environment of the universal package: a venv per Python ABI and set of
 * pinned versions (so an upgrade that changes a pin gets a fresh one), with lxml, regex and
 * PyYAML installed by pip. klarsyn itself and the pure-Python packages stay in bundled/libs
 * (on PYTHONPATH), so the venv only holds what has to be compiled for this machine. */
export function privateEnvironment(deps: EnvironmentDeps, target: BundleTarget): PrivateEnvironment {
  return async (basePython, tag) => {
    const pins = Object.entries(target.compiled).map(([name, version]) => `${name}==${version}`);
    if (pins.length === 0) return { ok: false, detail: "bundled/target.json names no packages to install" };
    const key = [tag, ...pins].join("-").replace(/[^A-Za-z0-9.=_-]/g, "_").replace(/==/g, "-");
    const dir = path.join(deps.storage, "env", key);
    const python = deps.platform === "win32" ? path.join(dir, "Scripts", "python.exe") : path.join(dir, "bin", "python");
    // The marker is written last: an environment without it was interrupted and is redone.
    if (deps.exists(path.join(dir, "klarsyn-ready"))) return { ok: true, python };
    const work = `${dir}.partial-${process.pid}`;
    const workPython = deps.platform === "win32" ? path.join(work, "Scripts", "python.exe") : path.join(work, "bin", "python");
    const t = deps.t ?? ((message: string) => message);
    return deps.withProgress(t("klarsyn: setting up its Python environment (first start only)…"), async () => {
      deps.remove(work);
      deps.mkdir(path.dirname(work));
      deps.log(`Making a private environment in ${dir} with ${basePython}: ${pins.join(" ")}`);
      const venv = await deps.run(basePython, ["-m", "venv", work], 120_000);
      if (venv.code !== 0) {
        deps.remove(work);
        return { ok: false as const, detail: `python -m venv: ${lastLine(venv.stderr) || `exit code ${venv.code}`}` };
      }
      const pip = await deps.run(
        workPython,
        ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--no-warn-script-location", ...pins],
        600_000,
      );
      if (pip.code !== 0) {
        deps.log(pip.stderr);
        deps.remove(work);
        return { ok: false as const, detail: `pip install: ${lastLine(pip.stderr) || `exit code ${pip.code}`}` };
      }
      deps.writeFile(path.join(work, "klarsyn-ready"), `${pins.join("\n")}\n`);
      // A venv's scripts hold its path, but `python -m` through the interpreter does not
      // care, so moving the finished folder into place is safe and makes the switch atomic.
      if (!deps.rename(work, dir)) deps.remove(work);
      return { ok: true as const, python };
    });
  };
}

/** This machine as a VS Code target ("linux-x64", "win32-arm64"). */
export function machineTarget(platform: string, arch: string): string {
  return `${platform}-${arch}`;
}

const longRun: LongRun = (command, args, timeoutMs) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { timeout: timeoutMs });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (e) => resolve({ code: -1, stdout, stderr: stderr + String(e) }));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });

/** The package's part of the lookup environment, for extension.ts to spread into its own. */
export function packageEnvironment(
  vscode: Pick<typeof vscodeApi, "window" | "ProgressLocation">,
  context: Pick<vscodeApi.ExtensionContext, "asAbsolutePath" | "globalStorageUri">,
  output: { appendLine: (line: string) => void },
  t: (message: string) => string = (message) => message,
): Pick<LookupEnvironment, "target" | "platform" | "privateEnvironment"> {
  const deps: EnvironmentDeps = {
    t,
    bundled: context.asAbsolutePath("bundled"),
    storage: context.globalStorageUri.fsPath,
    platform: process.platform,
    arch: process.arch,
    run: longRun,
    withProgress: (title, task) =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, task),
    log: (line) => output.appendLine(line),
    readFile: (file) => {
      try {
        return fs.readFileSync(file, "utf8");
      } catch {
        return undefined;
      }
    },
    exists: (file) => fs.existsSync(file),
    mkdir: (dir) => fs.mkdirSync(dir, { recursive: true }),
    writeFile: (file, text) => fs.writeFileSync(file, text),
    rename: (from, to) => {
      try {
        fs.renameSync(from, to);
        return true;
      } catch {
        return false;
      }
    },
    remove: (dir) => fs.rmSync(dir, { recursive: true, force: true }),
  };
  const target = readTarget(deps);
  return {
    target,
    platform: machineTarget(deps.platform, deps.arch),
    privateEnvironment: target?.target === "universal" ? privateEnvironment(deps, target) : undefined,
  };
}
