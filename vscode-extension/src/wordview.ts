// The pure part of showing Word and OpenDocument files as text (src/word.ts has the VS Code
// part): which files, how the view's URI is made, when to offer it, what to say on failure.
// No `vscode` import, so it is unit-tested.

/** The scheme of the read-only views; the server checks a document of this scheme as the
 * .docx/.odt at the same path (server/klarsyn/lsp/extract.py). */
export const WORD_SCHEME = "klarsyn-word";
export const EXTRACT_REQUEST = "klarsyn/extractedText";
export const NEVER_ASK_KEY = "klarsyn.word.neverAsk";

export interface Extracted {
  text: string;
  fmt: string;
  language: string;
}

/** Whether a path names a Word (.docx) or OpenDocument text (.odt) file. Not .doc: the old
 * binary format is not read (the server says so if it is renamed to .docx). */
export function isWordPath(path: string): boolean {
  return /\.(docx|odt)$/i.test(path);
}

/** The view's URI for a file URI (as strings): the scheme changes, nothing else, so the
 * server can turn it back into the file's path, drive letters and shares included. */
export function toWordUri(fileUri: string): string {
  if (!fileUri.startsWith("file:")) throw new Error(`not a file URI: ${fileUri}`);
  return WORD_SCHEME + fileUri.slice("file".length);
}

export function toFileUri(wordUri: string): string {
  if (!wordUri.startsWith(WORD_SCHEME + ":")) throw new Error(`not a ${WORD_SCHEME} URI: ${wordUri}`);
  return "file" + wordUri.slice(WORD_SCHEME.length);
}

/** Whether to offer the view for a file whose tab became active: once per file per
 * session, and never after "don't ask again". */
export function shouldOffer(fileUri: string, path: string, asked: Set<string>, neverAsk: boolean): boolean {
  if (neverAsk || !isWordPath(path) || asked.has(fileUri)) return false;
  asked.add(fileUri);
  return true;
}

export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

const english: Translate = (message, ...args) => message.replace(/\{(\d+)\}/g, (w, i: string) => String(args[Number(i)] ?? w));

export function offerText(name: string, t: Translate = english): string {
  return t("{0} is a Word or OpenDocument file. Show its text with klarsyn's findings?", name);
}

/** The notification for a failed extraction: the server's message (already in the user's
 * language and naming the file), or a general one if the server gave none. */
export function failureText(error: unknown, name: string, t: Translate = english): string {
  const message = typeof error === "object" && error !== null ? (error as { message?: unknown }).message : undefined;
  if (typeof message === "string" && message.startsWith("klarsyn")) return message;
  return typeof message === "string" && message
    ? t("klarsyn cannot show {0} as text ({1}).", name, message)
    : t("klarsyn cannot show {0} as text.", name);
}
