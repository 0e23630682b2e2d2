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
}

export interface ServerSettings {
  language: string;
  messageLanguage: string;
  disabledPacks: string[];
  ignore: string[];
  severity: Record<string, string>;
  options: Record<string, Record<string, number>>;
  trusted: boolean;
}

const SEVERITIES = new Set(["error", "warning", "info", "hint", "off"]);
const LANGUAGES = new Set(["auto", "nb", "nn", "en"]);

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
    disabledPacks: (s.disabledPacks ?? []).filter((p) => typeof p === "string"),
    ignore: (s.ignore ?? []).filter((p) => typeof p === "string"),
    severity,
    options,
    trusted,
  };
}
