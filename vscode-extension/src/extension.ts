// klarsyn for VS Code: a thin client. It finds and starts `klarsyn lsp`, passes the
// settings, shows the readability in the status bar and a report; all checking is done
// by the server.
import * as fs from "fs";
import * as path from "path";
import { spawn } from "child_process";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";
import { packageEnvironment } from "./environment";
import { findServer, LookupEnvironment } from "./lookup";
import { toServerSettings } from "./settings";
import { DocumentStats, reportHtml, statusText } from "./status";
import { registerWord } from "./word";

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let status: vscode.StatusBarItem;
let statusTimer: NodeJS.Timeout | undefined;
const DOCUMENTS = [
  { scheme: "file", language: "markdown" },
  { scheme: "file", language: "plaintext" },
  { scheme: "file", language: "html" },
  { scheme: "untitled", language: "markdown" },
  { scheme: "untitled", language: "plaintext" },
  { scheme: "klarsyn-word" }, // read-only views of .docx/.odt files (src/word.ts)
];

function run(command: string, args: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...(env ?? {}) }, timeout: 15000 });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.on("error", () => resolve({ code: -1, stdout: "" }));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout }));
  });
}

async function pythonExtensionInterpreter(): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension("ms-python.python");
  if (!extension) return undefined;
  const api = extension.isActive ? extension.exports : await extension.activate();
  const active = api?.environments?.getActiveEnvironmentPath?.();
  return active?.path;
}

function settings(): ReturnType<typeof toServerSettings> {
  const c = vscode.workspace.getConfiguration("klarsyn");
  return toServerSettings(
    {
      language: c.get("language"),
      messageLanguage: c.get("messageLanguage"),
      disabledPacks: c.get("disabledPacks"),
      severity: c.get("severity"),
      maxSentenceWords: c.get("readability.maxSentenceWords"),
      maxLix: c.get("readability.maxLix"),
      ignore: c.get("ignore"),
    },
    vscode.workspace.isTrusted,
  );
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const c = vscode.workspace.getConfiguration("klarsyn");
  const env: LookupEnvironment = {
    path: c.get<string>("path") || undefined,
    interpreter: c.get<string>("interpreter") || undefined,
    pythonExtensionInterpreter,
    bundled: context.asAbsolutePath("bundled"),
    ...packageEnvironment(vscode, context, output),
    pathSeparator: path.delimiter,
    trusted: vscode.workspace.isTrusted,
    isFile: (p) => {
      try {
        return fs.statSync(p).isFile();
      } catch {
        return false;
      }
    },
    run,
    pythonsOnPath: process.platform === "win32" ? ["py", "python"] : ["python3", "python"],
  };
  const found = await findServer(env);
  output.appendLine(`Looked for the klarsyn server: ${found.tried.join("; ")}`);
  if (!found.ok) {
    const choice = await vscode.window.showErrorMessage(
      "klarsyn could not start its checker: it needs Python 3.11 or newer. Install Python, or set “klarsyn.interpreter” to a Python that has klarsyn installed.",
      "Open settings",
      "Show output",
    );
    if (choice === "Open settings") void vscode.commands.executeCommand("workbench.action.openSettings", "klarsyn");
    if (choice === "Show output") output.show();
    return;
  }
  const server = found.server;
  output.appendLine(`Starting ${server.command} ${server.args.join(" ")} (${server.source})`);
  const serverOptions: ServerOptions = {
    command: server.command,
    args: server.args,
    options: { env: { ...process.env, ...(server.env ?? {}) } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENTS,
    outputChannel: output,
    initializationOptions: { klarsyn: settings() },
    middleware: {
      handleDiagnostics: (uri, diagnostics, next) => {
        const off = context.workspaceState.get<string[]>("klarsyn.disabledFiles", []);
        next(uri, off.includes(uri.toString()) ? [] : diagnostics);
      },
    },
  };
  client = new LanguageClient("klarsyn", "klarsyn", serverOptions, clientOptions);
  await client.start();
  updateStatus();
}

async function documentStats(uri: vscode.Uri): Promise<DocumentStats | undefined> {
  if (!client || !client.isRunning()) return undefined;
  try {
    return await client.sendRequest<DocumentStats>("klarsyn/documentStats", { uri: uri.toString() });
  } catch {
    return undefined;
  }
}

function updateStatus(): void {
  if (statusTimer) clearTimeout(statusTimer);
  statusTimer = setTimeout(async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !DOCUMENTS.some((d) => d.language === editor.document.languageId)) {
      status.hide();
      return;
    }
    const stats = await documentStats(editor.document.uri);
    status.text = `$(book) ${statusText(stats)}`;
    status.tooltip = stats ? `${stats.words} ord · ${stats.sentences} setninger · ${stats.findings} funn` : "klarsyn";
    status.show();
  }, 250);
}

async function showReport(context: vscode.ExtensionContext): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return;
  const stats = await documentStats(editor.document.uri);
  if (!stats) {
    void vscode.window.showWarningMessage("klarsyn has no figures for this file yet.");
    return;
  }
  const name = path.basename(editor.document.uri.fsPath || editor.document.uri.path);
  const panel = vscode.window.createWebviewPanel("klarsynReport", `Lesbarhet: ${name}`, vscode.ViewColumn.Beside, {
    enableScripts: false,
    localResourceRoots: [],
  });
  panel.webview.html = reportHtml(stats, name, panel.webview.cspSource);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("klarsyn", { log: true });
  status = vscode.window.createStatusBarItem("klarsyn.status", vscode.StatusBarAlignment.Right, 100);
  status.name = "klarsyn";
  status.command = "klarsyn.showReport";
  context.subscriptions.push(output, status);
  context.subscriptions.push(
    vscode.commands.registerCommand("klarsyn.restartServer", async () => {
      if (client) await client.stop().catch(() => undefined);
      client = undefined;
      await start(context);
    }),
    vscode.commands.registerCommand("klarsyn.showOutput", () => output.show()),
    vscode.commands.registerCommand("klarsyn.showReport", () => showReport(context)),
    vscode.commands.registerCommand("klarsyn.toggleFile", async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return;
      const uri = editor.document.uri.toString();
      const off = context.workspaceState.get<string[]>("klarsyn.disabledFiles", []);
      const next = off.includes(uri) ? off.filter((u) => u !== uri) : [...off, uri];
      await context.workspaceState.update("klarsyn.disabledFiles", next);
      void vscode.window.showInformationMessage(next.includes(uri) ? "klarsyn is off for this file." : "klarsyn is on for this file.");
      await vscode.commands.executeCommand("klarsyn.restartServer");
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration("klarsyn")) return;
      if (e.affectsConfiguration("klarsyn.path") || e.affectsConfiguration("klarsyn.interpreter")) {
        void vscode.commands.executeCommand("klarsyn.restartServer");
      } else if (client) {
        void client.sendNotification(DidChangeConfigurationNotification.type, { settings: { klarsyn: settings() } });
      }
    }),
    vscode.window.onDidChangeActiveTextEditor(() => updateStatus()),
    vscode.languages.onDidChangeDiagnostics(() => updateStatus()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void vscode.commands.executeCommand("klarsyn.restartServer")),
  );
  registerWord(context, () => client);
  await start(context);
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
}
