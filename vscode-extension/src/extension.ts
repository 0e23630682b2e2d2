// klarsyn for VS Code: a thin client. It finds and starts `klarsyn lsp`, passes the
// settings, shows the readability in the status bar and a report; all checking is done
// by the server.
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import { spawn } from "child_process";
import * as vscode from "vscode";
import type { CancellationToken } from "vscode";
import {
  CloseAction,
  DidChangeConfigurationNotification,
  DocumentDiagnosticRequest,
  ErrorAction,
  LanguageClient,
  LanguageClientOptions,
  MessageSignature,
  ServerOptions,
  State,
  WorkspaceDiagnosticRequest,
} from "vscode-languageclient/node";
import { packageEnvironment } from "./environment";
import { findServer, LookupEnvironment } from "./lookup";
import { errorLine, FailureNotice, failureNotice, LookupFailure, RestartPolicy } from "./failure";
import { emptyReport, toggled, withoutDisabled } from "./filter";
import { chooseUiLanguage, Translator } from "./i18n";
import { toServerSettings } from "./settings";
import { DocumentStats, reportHtml, statusText } from "./status";
import { Focus, nearestFirst, SpreadDiagnosticCollection } from "./spread";
import { registerWord } from "./word";

/** The language client, quiet while it starts: its own notifications for a server that fails
 * to start ("couldn't create connection to server", in English, two or three of them) would
 * come on top of ours, which says why in the author's language. They stay in the log. */
class KlarsynClient extends LanguageClient {
  override error(message: string, data?: unknown, showNotification: boolean | "force" = "force"): void {
    super.error(message, data, this.state === State.Running ? showNotification : false);
  }

  /** A failed diagnostics pull (typically for a draft closed a moment ago) is nothing the
   * author can act on: it goes to the log, not into an English notification. */
  override handleFailedRequest<T>(type: MessageSignature, token: CancellationToken | undefined, error: unknown, defaultValue: T, showNotification?: boolean, throwOnCancel?: boolean): T {
    const quiet = type.method === DocumentDiagnosticRequest.method || type.method === WorkspaceDiagnosticRequest.method;
    return super.handleFailedRequest(type, token, error, defaultValue, quiet ? false : showNotification, throwOnCancel);
  }
}

let client: KlarsynClient | undefined;
let output: vscode.LogOutputChannel;
let status: vscode.StatusBarItem;
let statusTimer: NodeJS.Timeout | undefined;
let tr: Translator;
const t = (message: string, ...args: Array<string | number | boolean>): string => tr.t(message, ...args);
/** The language the server last found in a draft, for `auto` (see i18n.ts). */
let draftLanguage: string | undefined;
/** Why the checker is not running: off (it could not be started) or error (it stopped). */
let failure: { kind: "off" | "error"; reason: string } | undefined;
const policy = new RestartPolicy();
/** The server's error output since its process last started (the last 200 lines). */
const stderrLines: string[] = [];
/** One notification per start: the close handler and the failed initialize both report. */
let notified = false;

const DISABLED = "klarsyn.disabledFiles";
/** The client's diagnostic collections (spread.ts), to reorder when other lines come on screen. */
const collections = new Set<SpreadDiagnosticCollection>();
let reorderTimer: NodeJS.Timeout | undefined;

/** What the editors showing `uri` have on screen: the lines whose squiggles go first. */
function focusOf(uri: vscode.Uri): Focus | undefined {
  const key = uri.toString();
  const editors = vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === key);
  if (!editors.length) return undefined;
  const active = editors.find((e) => e === vscode.window.activeTextEditor) ?? editors[0];
  return {
    ranges: editors.flatMap((e) => e.visibleRanges.map((r) => ({ start: r.start.line, end: r.end.line }))),
    cursor: active.selection.active.line,
  };
}

/** Scrolled or switched: the squiggles of the lines now on screen go first (after a short
 * pause, as scrolling gives many events). */
function reorderSoon(editor: vscode.TextEditor | undefined): void {
  if (!editor) return;
  if (reorderTimer) clearTimeout(reorderTimer);
  reorderTimer = setTimeout(() => collections.forEach((c) => c.reorder(editor.document.uri)), 150);
}

/** Given to pulls instead of the client's token (see provideDiagnostics): never cancelled. */
const uncancelled = new vscode.CancellationTokenSource().token;
/** With klarsyn.trace.server on, each pull's time goes to the log (the client's own trace is
 * written only at the channel's Trace level). */
const tracePulls = (): boolean => vscode.workspace.getConfiguration("klarsyn").get<string>("trace.server", "off") !== "off";

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

function osLocales(): string[] {
  const out: string[] = [];
  try {
    // VS Code's desktop app passes the OS's languages to the extension host here.
    const nls = JSON.parse(process.env.VSCODE_NLS_CONFIG ?? "{}") as { osLocale?: string };
    if (nls.osLocale) out.push(nls.osLocale);
  } catch {
    /* not set, or not JSON */
  }
  for (const v of [process.env.LC_ALL, process.env.LC_MESSAGES, process.env.LANG]) if (v) out.push(v);
  try {
    out.push(Intl.DateTimeFormat().resolvedOptions().locale);
  } catch {
    /* no Intl */
  }
  return out;
}

/** Picks the language of the runtime strings again (settings or the draft's language changed). */
function chooseLanguage(): boolean {
  const c = vscode.workspace.getConfiguration("klarsyn");
  const drafts = c.get<string>("language");
  const before = tr.language;
  tr.language = chooseUiLanguage({
    messageLanguage: c.get<string>("messageLanguage"),
    displayLanguage: vscode.env.language,
    draftLanguage: drafts && drafts !== "auto" ? drafts : draftLanguage,
    osLocale: osLocales(),
  });
  return before !== tr.language;
}

function disabledFiles(context: vscode.ExtensionContext): string[] {
  return context.workspaceState.get<string[]>(DISABLED, []);
}

function settings(context: vscode.ExtensionContext): ReturnType<typeof toServerSettings> {
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
      include: c.get("include"),
      exclude: c.get("exclude"),
      filesExclude: vscode.workspace.getConfiguration("files").get<Record<string, unknown>>("exclude"),
      disabledFiles: disabledFiles(context),
    },
    vscode.workspace.isTrusted,
  );
}

function sendSettings(context: vscode.ExtensionContext): void {
  if (client && client.isRunning()) {
    void client.sendNotification(DidChangeConfigurationNotification.type, { settings: { klarsyn: settings(context) } });
  }
}

/** Opens the settings editor on one setting. klarsyn.path and klarsyn.interpreter are machine
 * settings: in a remote window (code-server, SSH, WSL) they live in the remote tab, and the
 * user tab would show "No settings found". */
function openSetting(setting: string): Thenable<unknown> {
  const command = vscode.env.remoteName ? "workbench.action.openRemoteSettings" : "workbench.action.openSettings";
  return vscode.commands.executeCommand(command, { query: setting });
}

async function offerHelp(message: string, setting?: string, retry?: vscode.ExtensionContext): Promise<void> {
  const open = t("Open setting");
  const log = t("Show log");
  const again = t("Try again");
  const buttons = [...(setting ? [open] : []), log, ...(retry ? [again] : [])];
  const choice = await vscode.window.showErrorMessage(message, ...buttons);
  if (choice === open && setting) void openSetting(setting);
  if (choice === log) output.show(true);
  if (choice === again && retry) void restart(retry);
}

function notifyLookupFailure(context: vscode.ExtensionContext, notice: FailureNotice): void {
  failure = { kind: "off", reason: notice.short };
  updateStatus();
  output.error(notice.message);
  void offerHelp(notice.message, notice.setting, context);
}

/** The server stopped on its own: say so once, with the line of its error output that matters. */
async function reportStopped(kind: "stop-early" | "stop-too-many", error?: unknown): Promise<void> {
  if (notified) return;
  notified = true;
  // Let the last lines of its error output arrive.
  await new Promise((resolve) => setTimeout(resolve, 300));
  // Its error output first; else what the failed initialize said (a server that answered
  // with an error, say for a setting it refuses).
  const said = error instanceof Error && error.message ? error.message.split("\n")[0] : undefined;
  const line = errorLine(stderrLines) ?? said ?? t("it wrote no error message");
  const message =
    kind === "stop-early"
      ? t("klarsyn's checker stopped right after it started: {0}. It will not be restarted; see the log.", line)
      : t("klarsyn's checker stopped {0} times in a few minutes and will not be restarted: {1}", policy.maxRestarts + 1, line);
  failure = { kind: "error", reason: line };
  updateStatus();
  output.error(message);
  const c = vscode.workspace.getConfiguration("klarsyn");
  const setting = c.get<string>("path") ? "klarsyn.path" : "klarsyn.interpreter";
  await offerHelp(message, setting);
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  chooseLanguage();
  failure = undefined;
  notified = false;
  const c = vscode.workspace.getConfiguration("klarsyn");
  const env: LookupEnvironment = {
    path: c.get<string>("path") || undefined,
    interpreter: c.get<string>("interpreter") || undefined,
    pythonExtensionInterpreter,
    bundled: context.asAbsolutePath("bundled"),
    ...packageEnvironment(vscode, context, output, t),
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
  output.info(t("Looked for the checker: {0}", found.tried.join("; ")));
  if (!found.ok) {
    // The lookup's failure names a reason (and a detail); an older lookup only says what it tried.
    notifyLookupFailure(context, failureNotice(found as LookupFailure, process.platform, t));
    return;
  }
  const server = found.server;
  output.info(t("Starting {0} ({1})", `${server.command} ${server.args.join(" ")}`, server.source));
  const serverOptions: ServerOptions = {
    command: server.command,
    args: server.args,
    options: { env: { ...process.env, ...(server.env ?? {}) } },
  };
  const off = (uri: vscode.Uri | string) => disabledFiles(context).includes(uri.toString());
  const lines = (input: NodeJS.ReadableStream, onLine: (line: string) => void) =>
    readline.createInterface({ input, crlfDelay: Infinity, terminal: false, historySize: 0 }).on("line", onLine);
  const clientOptions: LanguageClientOptions & { stdioOptions: object } = {
    documentSelector: DOCUMENTS,
    outputChannel: output,
    initializationOptions: { klarsyn: settings(context) },
    // A real programme has more diagnostics than VS Code keeps of one file in one collection
    // (1,000) and than the editor draws (the first 500): see spread.ts.
    diagnosticCollectionProvider: {
      create: (name) => {
        const collection = new SpreadDiagnosticCollection(name ?? "klarsyn", (n) => vscode.languages.createDiagnosticCollection(n),
          undefined, (uri, ds) => nearestFirst(ds, focusOf(uri)));
        collections.add(collection);
        return collection;
      },
      dispose: (collection) => {
        collections.delete(collection as SpreadDiagnosticCollection);
        collection.dispose();
      },
    },
    // A pull after each change: the client's default, said here because the squiggles of
    // what is typed depend on it (see provideDiagnostics for what it does with a pull in
    // flight). The server's own refresh, after its consistency pass, covers the rest.
    diagnosticPullOptions: { onChange: true },
    // The server's error output goes to the log as before, and is kept to quote when it stops.
    stdioOptions: {
      stdout: (input: NodeJS.ReadableStream, channel: vscode.LogOutputChannel) => lines(input, (l) => channel.info(l)),
      stderr: (input: NodeJS.ReadableStream, channel: vscode.LogOutputChannel) =>
        lines(input, (l) => {
          channel.error(l);
          stderrLines.push(l);
          if (stderrLines.length > 200) stderrLines.shift();
        }),
    },
    initializationFailedHandler: (error) => {
      void reportStopped("stop-early", error);
      return false;
    },
    errorHandler: {
      error: (_error, _message, count) => ({
        action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
        // While it starts, a broken pipe only means the process is gone; closed() reports that.
        handled: client?.state !== State.Running,
      }),
      closed: () => {
        const decision = policy.closed();
        if (decision === "restart") {
          output.warn(t("The checker stopped after {0} s; starting it again ({1} of {2}).", Math.round(policy.ranFor() / 1000), policy.count, policy.maxRestarts));
          return { action: CloseAction.Restart, handled: true };
        }
        void reportStopped(decision);
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    },
    middleware: {
      // Belt and braces: the server leaves out files that are off (disabledFiles), and so do we.
      handleDiagnostics: (uri, diagnostics, next) => next(uri, off(uri) ? [] : diagnostics),
      provideDiagnostics: async (document, previousResultId, _token, next) => {
        const uri = document instanceof vscode.Uri ? document : document.uri;
        if (off(uri)) return emptyReport() as never;
        // Not the client's token: at every keystroke it cancels the pull in flight
        // ($/cancelRequest) and throws the answer away when it comes, then pulls again. On a
        // long programme a pull takes longer than the pause between two keys, so while
        // someone typed no answer was ever shown, and after the last key the squiggles came
        // a whole pull after the one that was thrown away (e2e/scenarios/latency.js). This
        // answer is shown when it comes: it is for the text of a keystroke or two ago (the
        // findings before the cursor are where they were), and the client pulls again at once
        // for the newest text. A pull for a document closed meanwhile is still dropped (the
        // client marks it outdated).
        const started = Date.now();
        const report = await next(document, previousResultId, uncancelled);
        if (tracePulls()) {
          const what = !report ? "no answer" : report.kind === "full" ? `${report.items.length} diagnostics` : "unchanged";
          const version = document instanceof vscode.Uri ? "" : ` v${document.version}`;
          output.info(`pull ${path.basename(uri.path)}${version}: ${Date.now() - started} ms, ${what}`);
        }
        return report;
      },
      provideWorkspaceDiagnostics: async (resultIds, token, reporter, next) => {
        const filtered: typeof reporter = (chunk) => reporter(chunk ? withoutDisabled(chunk, off) : chunk);
        const report = await next(resultIds, token, filtered);
        return report ? withoutDisabled(report, off) : report;
      },
    },
  };
  client = new KlarsynClient("klarsyn", "klarsyn", serverOptions, clientOptions);
  client.onDidChangeState((e) => {
    if (e.newState === State.Starting) {
      policy.started();
      stderrLines.length = 0;
    } else if (e.newState === State.Running) {
      policy.initialized();
      updateStatus();
    }
  });
  try {
    await client.start();
  } catch (e) {
    output.error(t("The checker did not start: {0}", String(e instanceof Error ? e.message : e)));
    void reportStopped("stop-early");
  }
  updateStatus();
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  policy.reset();
  if (client) await client.stop().catch(() => undefined);
  client = undefined;
  await start(context);
}

async function documentStats(uri: vscode.Uri): Promise<DocumentStats | undefined> {
  if (!client || !client.isRunning()) return undefined;
  try {
    const stats = await client.sendRequest<DocumentStats>("klarsyn/documentStats", { uri: uri.toString() });
    if (stats && stats.language && stats.language !== draftLanguage) {
      draftLanguage = stats.language;
      if (chooseLanguage()) reports.forEach((r) => r.schedule(0));
    }
    return stats;
  } catch {
    return undefined;
  }
}

let extensionContext: vscode.ExtensionContext;

function updateStatus(): void {
  if (statusTimer) clearTimeout(statusTimer);
  statusTimer = setTimeout(async () => {
    if (failure) {
      status.text = failure.kind === "off" ? `$(circle-slash) ${t("klarsyn: off")}` : `$(error) ${t("klarsyn: error")}`;
      status.tooltip = `${failure.reason}\n${t("Click to show the log.")}`;
      status.command = "klarsyn.showOutput";
      status.backgroundColor = failure.kind === "error" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
      status.show();
      return;
    }
    status.backgroundColor = undefined;
    const editor = vscode.window.activeTextEditor;
    if (!editor || !DOCUMENTS.some((d) => d.language === editor.document.languageId)) {
      status.hide();
      return;
    }
    if (disabledFiles(extensionContext).includes(editor.document.uri.toString())) {
      status.text = `$(circle-slash) ${t("klarsyn off for this file")}`;
      status.tooltip = t("klarsyn does not check this file. Click to check it again.");
      status.command = "klarsyn.toggleFile";
      status.show();
      return;
    }
    const stats = await documentStats(editor.document.uri);
    status.text = `$(book) ${statusText(stats)}`;
    status.tooltip = stats
      ? `${t("{0} words · {1} sentences · {2} findings", stats.words, stats.sentences, stats.findings)}\n${t("Click for the readability report.")}`
      : "klarsyn";
    status.command = "klarsyn.showReport";
    status.show();
  }, 250);
}

/** A readability report for one document that follows its edits and findings until it closes. */
class ReportView {
  private timer: NodeJS.Timeout | undefined;
  private stats: DocumentStats;
  closed = false;

  constructor(
    readonly uri: vscode.Uri,
    readonly name: string,
    readonly panel: vscode.WebviewPanel,
    stats: DocumentStats,
  ) {
    this.stats = stats;
    this.render();
  }

  private render(): void {
    this.panel.title = t("Readability: {0}", this.name);
    this.panel.webview.html = reportHtml(this.stats, this.name, this.panel.webview.cspSource, t, {
      lang: tr.tag(vscode.env.language),
      snapshot: this.closed,
    });
  }

  /** Fetches the figures again after `ms` (edits come in bursts; one fetch per pause). */
  schedule(ms = 500): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(async () => {
      this.timer = undefined;
      if (!this.closed) {
        const stats = await documentStats(this.uri);
        if (stats) this.stats = stats;
      }
      this.render();
    }, ms);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

const reports = new Set<ReportView>();

async function showReport(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return;
  const uri = editor.document.uri;
  const open = [...reports].find((r) => r.uri.toString() === uri.toString());
  if (open) {
    open.panel.reveal(vscode.ViewColumn.Beside);
    open.schedule(0);
    return;
  }
  const stats = await documentStats(uri);
  if (!stats) {
    void vscode.window.showWarningMessage(t("klarsyn has no figures for this file yet."));
    return;
  }
  const name = path.basename(uri.fsPath || uri.path);
  const panel = vscode.window.createWebviewPanel("klarsynReport", t("Readability: {0}", name), vscode.ViewColumn.Beside, {
    enableScripts: false,
    localResourceRoots: [],
  });
  const view = new ReportView(uri, name, panel, stats);
  reports.add(view);
  panel.onDidDispose(() => {
    view.dispose();
    reports.delete(view);
  });
}

function reportsFor(uri: vscode.Uri): ReportView[] {
  const key = uri.toString();
  return [...reports].filter((r) => r.uri.toString() === key);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionContext = context;
  tr = new Translator(context.asAbsolutePath("l10n"), (message, args) => vscode.l10n.t(message, ...args));
  chooseLanguage(); // before anything can speak: the Word offer may come at activation
  output = vscode.window.createOutputChannel("klarsyn", { log: true });
  status = vscode.window.createStatusBarItem("klarsyn.status", vscode.StatusBarAlignment.Right, 100);
  status.name = "klarsyn";
  status.command = "klarsyn.showReport";
  context.subscriptions.push(output, status);
  context.subscriptions.push(
    vscode.commands.registerCommand("klarsyn.restartServer", () => restart(context)),
    vscode.commands.registerCommand("klarsyn.showOutput", () => output.show()),
    vscode.commands.registerCommand("klarsyn.showReport", () => showReport()),
    vscode.commands.registerCommand("klarsyn.toggleFile", async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return;
      const uri = editor.document.uri;
      const next = toggled(disabledFiles(context), uri.toString());
      const nowOff = next.includes(uri.toString());
      await context.workspaceState.update(DISABLED, next);
      // No restart: the server gets the new list, clears or restores the file's findings and
      // asks for a new pull; we clear pushed ones and pull again ourselves as well.
      sendSettings(context);
      if (nowOff) client?.diagnostics?.delete(uri);
      client?.getFeature(DocumentDiagnosticRequest.method)?.refresh();
      updateStatus();
      void vscode.window.showInformationMessage(nowOff ? t("klarsyn is off for this file.") : t("klarsyn is on for this file."));
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("klarsyn.messageLanguage") || e.affectsConfiguration("klarsyn.language")) {
        chooseLanguage();
        updateStatus();
        reports.forEach((r) => r.schedule(0));
      }
      if (e.affectsConfiguration("klarsyn.path") || e.affectsConfiguration("klarsyn.interpreter")) {
        void restart(context);
      } else if (e.affectsConfiguration("klarsyn") || e.affectsConfiguration("files.exclude")) {
        sendSettings(context);
      }
    }),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      updateStatus();
      reorderSoon(editor);
    }),
    vscode.window.onDidChangeTextEditorVisibleRanges((e) => reorderSoon(e.textEditor)),
    vscode.languages.onDidChangeDiagnostics((e) => {
      updateStatus();
      for (const uri of e.uris) reportsFor(uri).forEach((r) => r.schedule());
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length) reportsFor(e.document.uri).forEach((r) => r.schedule());
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      for (const r of reportsFor(d.uri)) {
        r.closed = true;
        r.schedule(0);
      }
    }),
    vscode.workspace.onDidOpenTextDocument((d) => {
      for (const r of reportsFor(d.uri)) {
        r.closed = false;
        r.schedule();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart(context)),
  );
  registerWord(context, () => client, t, (line) => output.info(line));
  await start(context);
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
}
