// VS Code settings to the server's settings (initializationOptions and
// workspace/didChangeConfiguration). Pure, so it is unit-tested.

export interface ExtensionSettings {
  language?: string; // auto | nb | nn | en
  messageLanguage?: string; // auto | nb | nn | en
  disabledPacks?: string[];
  severity?: Record<string, string>;
  maxSentenceWords?: number;
  maxLix?: number;
  ignore?: string[];
  /** klarsyn.include: globs relative to the workspace; empty = all drafts. */
  include?: string[];
  /** klarsyn.exclude: globs relative to the workspace. */
  exclude?: string[];
  /** VS Code's files.exclude: glob -> true | false | { when: … }. */
  filesExclude?: Record<string, unknown>;
  /** Document URIs the author turned klarsyn off for (workspaceState). */
  disabledFiles?: string[];
}

export interface ServerSettings {
  language: string;
  messageLanguage: string;
  disabledPacks: string[];
  ignore: string[];
  severity: Record<string, string>;
  options: Record<string, Record<string, number>>;
  include: string[];
  exclude: string[];
  filesExclude: string[];
  disabledFiles: string[];
  trusted: boolean;
}

const SEVERITIES = new Set(["error", "warning", "info", "hint", "off"]);
const LANGUAGES = new Set(["auto", "nb", "nn", "en"]);

function strings(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const item of list) {
    if (typeof item === "string" && item.trim() && !out.includes(item.trim())) out.push(item.trim());
  }
  return out;
}

/** files.exclude patterns that are on: `true`, not `false` and not a `{ when }` condition,
 * which only VS Code can evaluate (it needs the sibling files). */
function excludedByFiles(map: Record<string, unknown> | undefined): string[] {
  return Object.entries(map ?? {})
    .filter(([glob, value]) => value === true && glob.trim().length > 0)
    .map(([glob]) => glob);
}

export function toServerSettings(s: ExtensionSettings, trusted: boolean): ServerSettings {
  const options: Record<string, Record<string, number>> = {};
  if (typeof s.maxSentenceWords === "number" && s.maxSentenceWords > 0) {
    options["lang-setning"] = { max: s.maxSentenceWords };
  }
  if (typeof s.maxLix === "number" && s.maxLix > 0) {
    options["lix-avsnitt"] = { max: s.maxLix };
    options["lix-seksjon"] = { max: s.maxLix };
  }
  const severity: Record<string, string> = {};
  for (const [rule, value] of Object.entries(s.severity ?? {})) {
    if (SEVERITIES.has(String(value))) severity[rule] = String(value);
  }
  return {
    language: LANGUAGES.has(s.language ?? "") ? (s.language as string) : "auto",
    messageLanguage: LANGUAGES.has(s.messageLanguage ?? "") ? (s.messageLanguage as string) : "auto",
    disabledPacks: strings(s.disabledPacks),
    ignore: strings(s.ignore),
    severity,
    options,
    include: strings(s.include),
    exclude: strings(s.exclude),
    filesExclude: excludedByFiles(s.filesExclude),
    disabledFiles: strings(s.disabledFiles),
    trusted,
  };
}
