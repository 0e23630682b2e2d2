// Word and OpenDocument files: VS Code shows a .docx as a binary file, so klarsyn offers a
// read-only view of its text (the server's extraction, the one `klarsyn check` uses) on
// the klarsyn-word: scheme. The server checks that view as the .docx itself, so the
// squiggles, hovers and code lenses are the CLI's findings at the CLI's places.
import * as path from "path";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import {
  EXTRACT_REQUEST,
  Extracted,
  NEVER_ASK_KEY,
  WORD_SCHEME,
  failureText,
  isWordPath,
  offerText,
  Translate,
  shouldOffer,
  toFileUri,
  toWordUri,
} from "./wordview";

export const SHOW_WORD_COMMAND = "klarsyn.showWordText";
const CLIENT_WAIT_MS = 30000;

/** The file a tab shows, whatever kind of editor it is (the binary-file page included). */
function tabUri(tab: vscode.Tab | undefined): vscode.Uri | undefined {
  const input = tab?.input as { uri?: unknown } | undefined;
  return input && input.uri instanceof vscode.Uri ? input.uri : undefined;
}

function isWordFile(uri: vscode.Uri | undefined): uri is vscode.Uri {
  return uri !== undefined && uri.scheme === "file" && isWordPath(uri.path);
}

class WordViews implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly texts = new Map<string, string>(); // view URI -> the text last given
  private readonly watchers = new Map<string, vscode.Disposable>();

  constructor(
    private readonly getClient: () => LanguageClient | undefined,
    private readonly t: Translate,
  ) {}

  private async client(): Promise<LanguageClient | undefined> {
    // At start-up (a view restored with the window) the server may still be starting.
    for (let waited = 0; waited < CLIENT_WAIT_MS; waited += 200) {
      const client = this.getClient();
      if (client && client.isRunning()) return client;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return undefined;
  }

  /** The file's text from the server, or undefined after one notification saying why
   * (none when ``quiet``: the caller tries again first). */
  async fetch(file: vscode.Uri, quiet = false): Promise<Extracted | undefined> {
    const name = path.basename(file.fsPath);
    const client = await this.client();
    if (!client) {
      void vscode.window.showErrorMessage(this.t("klarsyn cannot show {0} as text: the checker has not started (see the klarsyn log).", name));
      return undefined;
    }
    try {
      return await client.sendRequest<Extracted>(EXTRACT_REQUEST, { uri: file.toString() });
    } catch (error) {
      if (!quiet) void vscode.window.showErrorMessage(failureText(error, name, this.t));
      return undefined;
    }
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const known = this.texts.get(uri.toString());
    if (known !== undefined) return known;
    // A view VS Code restored after a reload: read the file now.
    const extracted = await this.fetch(vscode.Uri.parse(toFileUri(uri.toString())));
    const text = extracted?.text ?? "";
    this.texts.set(uri.toString(), text);
    this.watch(uri);
    return text;
  }

  /** Opens (or shows again) the view of a .docx/.odt; false when the file cannot be read. */
  async show(file: vscode.Uri): Promise<boolean> {
    const extracted = await this.fetch(file);
    if (!extracted) return false;
    const view = vscode.Uri.parse(toWordUri(file.toString()));
    const before = this.texts.get(view.toString());
    this.texts.set(view.toString(), extracted.text);
    if (before !== undefined && before !== extracted.text) this.changed.fire(view);
    this.watch(view);
    let document = await vscode.workspace.openTextDocument(view);
    // As Markdown: the headings are «#» lines, so the outline and breadcrumbs list them.
    if (document.languageId !== "markdown") document = await vscode.languages.setTextDocumentLanguage(document, "markdown");
    await vscode.window.showTextDocument(document, { preview: false });
    // The binary-file page says nothing and has the same name as the view: close it, so
    // one tab named utkast.docx remains, the one with the text.
    const binary = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .filter((tab) => !tab.isDirty && tabUri(tab)?.toString() === file.toString());
    if (binary.length) await vscode.window.tabGroups.close(binary).then(undefined, () => undefined);
    return true;
  }

  /** Re-read the file when Word (or anyone) saves it; the view and its diagnostics follow. */
  private watch(view: vscode.Uri): void {
    const key = view.toString();
    if (this.watchers.has(key)) return;
    const file = vscode.Uri.parse(toFileUri(key));
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.joinPath(file, ".."), path.posix.basename(file.path)),
    );
    let timer: NodeJS.Timeout | undefined;
    const refresh = () => {
      // Word writes a file in several steps: wait for it to settle.
      if (timer) clearTimeout(timer);
      timer = setTimeout(async () => {
        // A file caught in the middle of being written reads as damaged: look once more
        // before saying so.
        let extracted = await this.fetch(file, true);
        if (!extracted) {
          await new Promise((resolve) => setTimeout(resolve, 1500));
          extracted = await this.fetch(file);
        }
        if (extracted && extracted.text !== this.texts.get(key)) {
          this.texts.set(key, extracted.text);
          this.changed.fire(view);
        }
      }, 300);
    };
    watcher.onDidChange(refresh);
    watcher.onDidCreate(refresh);
    this.watchers.set(key, { dispose: () => { if (timer) clearTimeout(timer); watcher.dispose(); } });
  }

  /** Stop watching a file whose view is closed for good (a change of language closes and
   * reopens the document, so look again a moment later). */
  closed(document: vscode.TextDocument): void {
    if (document.uri.scheme !== WORD_SCHEME) return;
    const key = document.uri.toString();
    setTimeout(() => {
      if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) return;
      this.watchers.get(key)?.dispose();
      this.watchers.delete(key);
      this.texts.delete(key);
    }, 2000);
  }

  dispose(): void {
    for (const w of this.watchers.values()) w.dispose();
    this.watchers.clear();
    this.changed.dispose();
  }
}

/** The klarsyn-word: views, the command «klarsyn: Vis Word-fila som tekst» and the offer
 * when a .docx/.odt tab becomes active. */
export function registerWord(
  context: vscode.ExtensionContext,
  getClient: () => LanguageClient | undefined,
  t: Translate,
  log: (line: string) => void = () => undefined,
): void {
  const views = new WordViews(getClient, t);
  const asked = new Set<string>(); // this session's offers, one per file

  const pick = async (): Promise<vscode.Uri | undefined> => {
    const active = tabUri(vscode.window.tabGroups.activeTabGroup.activeTab);
    if (isWordFile(active)) return active;
    const chosen = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: t("Show as text"),
      filters: { [t("Word and OpenDocument")]: ["docx", "odt"] },
    });
    return chosen?.[0];
  };

  // The tab that changed is looked at as well as the active group's active tab: when the
  // event comes, the active tab can still be the one before it.
  const offer = async (changed: readonly vscode.Tab[] = []): Promise<void> => {
    const tab = [vscode.window.tabGroups.activeTabGroup.activeTab, ...changed.filter((c) => c.isActive)]
      .find((c) => isWordFile(tabUri(c)));
    const file = tabUri(tab);
    if (!isWordFile(file)) return;
    if (!shouldOffer(file.toString(), file.path, asked, context.globalState.get<boolean>(NEVER_ASK_KEY, false))) return;
    log(`offering a text view of ${file.fsPath}`);
    const show = t("Show as text");
    const never = t("Don't ask again");
    const choice = await vscode.window.showInformationMessage(offerText(path.basename(file.fsPath), t), show, never);
    if (choice === show) await views.show(file);
    if (choice === never) await context.globalState.update(NEVER_ASK_KEY, true);
  };

  context.subscriptions.push(
    views,
    vscode.workspace.registerTextDocumentContentProvider(WORD_SCHEME, views),
    vscode.commands.registerCommand(SHOW_WORD_COMMAND, async (uri?: vscode.Uri) => {
      // From the explorer's context menu the file comes along; from the palette it is the
      // active tab's, or one chosen in a file dialog.
      const file = uri instanceof vscode.Uri && isWordPath(uri.path) ? uri : await pick();
      if (!file) return;
      if (!isWordPath(file.path)) {
        void vscode.window.showWarningMessage(t("{0} is not a Word file (.docx) or an OpenDocument file (.odt).", path.basename(file.fsPath)));
        return;
      }
      await views.show(file);
    }),
    vscode.window.tabGroups.onDidChangeTabs((e) => void offer([...e.opened, ...e.changed])),
    vscode.window.tabGroups.onDidChangeTabGroups(() => void offer()),
    vscode.workspace.onDidCloseTextDocument((d) => views.closed(d)),
  );
  void offer(); // a .docx already open when the extension starts
}
