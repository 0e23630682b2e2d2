// The language of the extension's own runtime strings (notifications, status bar, report,
// log lines meant for people). vscode.l10n.t follows VS Code's display language and cannot
// switch at run time, so when klarsyn.messageLanguage (or, for `auto`, the drafts) asks for
// another language we read our own bundle in l10n/. See docs/design.md, "The extension's
// language", for why `auto` chooses as it does. Pure apart from reading the bundle files,
// so it is unit-tested.
import * as fs from "fs";
import * as path from "path";

export type UiLanguage = "nb" | "nn" | "en";

/** A Norwegian written standard from a BCP 47 tag or an OS locale (nb, nb-NO, no, nn_NO.UTF-8). */
export function norwegian(tag: string | undefined): "nb" | "nn" | undefined {
  const t = (tag ?? "").toLowerCase().replace(/_/g, "-");
  if (/^nn(\b|-|$)/.test(t) || /^no-nyn/.test(t)) return "nn";
  if (/^(nb|no)(\b|-|\.|$)/.test(t)) return "nb";
  return undefined;
}

export interface LanguageSignals {
  /** klarsyn.messageLanguage: auto | nb | nn | en. */
  messageLanguage?: string;
  /** vscode.env.language: "en" in stock VS Code unless a language pack is installed and chosen. */
  displayLanguage: string;
  /** klarsyn.language when not auto, else the language the server found in the draft in view. */
  draftLanguage?: string;
  /** The operating system's locale(s) as the extension host sees them: VS Code's own idea of
   * it (VSCODE_NLS_CONFIG's osLocale, from the OS's preferred languages), LANG, Intl. */
  osLocale?: string | string[];
}

/** The language for runtime strings, or undefined for "whatever vscode.l10n gives"
 * (the display language, English when we have no bundle for it).
 * 1. klarsyn.messageLanguage nb, nn or en wins.
 * 2. A Norwegian display language is a deliberate choice: use it.
 * 3. Another display language than English is deliberate too: leave it to vscode.l10n.
 * 4. English is what stock VS Code shows everyone, so it says nothing about the author:
 *    use the drafts' language, as the server does for its messages with `auto`,
 * 5. then a Norwegian OS locale, 6. else English. */
export function chooseUiLanguage(s: LanguageSignals): UiLanguage | undefined {
  const m = s.messageLanguage;
  if (m === "nb" || m === "nn" || m === "en") return m;
  const display = (s.displayLanguage || "en").toLowerCase();
  const shown = norwegian(display);
  if (shown) return shown;
  if (!/^en(\b|-|$)/.test(display)) return undefined;
  const draft = s.draftLanguage;
  if (draft === "nb" || draft === "nn" || draft === "en") return draft;
  const locales = Array.isArray(s.osLocale) ? s.osLocale : [s.osLocale];
  for (const locale of locales) {
    const found = norwegian(locale);
    if (found) return found;
  }
  return undefined;
}

/** vscode.l10n's placeholders: {0}, {1} … */
export function format(template: string, args: ReadonlyArray<string | number | boolean>): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));
}

export type Fallback = (message: string, args: Array<string | number | boolean>) => string;

export class Translator {
  private readonly bundles = new Map<string, Record<string, string>>();
  language: UiLanguage | undefined;

  /** bundleDir: the extension's l10n/ folder; fallback: vscode.l10n.t. */
  constructor(
    private readonly bundleDir: string,
    private readonly fallback: Fallback = (message, args) => format(message, args),
  ) {}

  private bundle(language: string): Record<string, string> {
    let b = this.bundles.get(language);
    if (!b) {
      try {
        b = JSON.parse(fs.readFileSync(path.join(this.bundleDir, `bundle.l10n.${language}.json`), "utf8")) as Record<string, string>;
      } catch {
        b = {};
      }
      this.bundles.set(language, b);
    }
    return b;
  }

  /** The message in the chosen language, with {0} … filled in. */
  t = (message: string, ...args: Array<string | number | boolean>): string => {
    const language = this.language;
    if (language === undefined) return this.fallback(message, args);
    if (language === "en") return format(message, args);
    const translated = this.bundle(language)[message];
    return translated === undefined ? this.fallback(message, args) : format(translated, args);
  };

  /** The BCP 47 tag of the language the strings are in, for a page's lang attribute. */
  tag(displayLanguage: string): string {
    return this.language ?? (norwegian(displayLanguage) || "en");
  }
}
