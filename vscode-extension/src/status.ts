// The status bar text and the readability report (a webview). Pure, so it is unit-tested.

export interface SectionStats {
  title: string;
  level: number;
  words: number;
  sentences: number;
  long_words: number;
  lix: number | null;
  band: string;
}

export interface DocumentStats {
  uri: string;
  language: string;
  words: number;
  sentences: number;
  long_words: number;
  lix: number | null;
  /** LIX as a whole number, rounded once by the server as the CLI and code lenses round it. */
  lix_whole?: number | null;
  band: string;
  findings: number;
  sections: SectionStats[];
}

export function statusText(stats: DocumentStats | undefined): string {
  if (!stats || stats.lix === null) return "LIX –";
  // The server's whole number, not Math.round(lix): lix is already rounded to one decimal
  // (47.45 → 47.5), and rounding that again gives 48 where the CLI and code lens say 47.
  // Only a server too old to send lix_whole leaves us rounding here.
  const whole = stats.lix_whole ?? Math.round(stats.lix);
  return `LIX ${whole} · ${stats.band}`;
}

export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

const english: Translate = (message, ...args) => message.replace(/\{(\d+)\}/g, (w, i: string) => String(args[Number(i)] ?? w));

export interface ReportOptions {
  /** The language the labels are in (the page's lang attribute). */
  lang?: string;
  /** The document was closed: the figures are those it had then and no longer follow it. */
  snapshot?: boolean;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

function row(title: string, level: number, s: { words: number; sentences: number; long_words: number; lix: number | null; band: string }): string {
  const share = s.words ? `${Math.round((100 * s.long_words) / s.words)} %` : "–";
  const lix = s.lix === null ? "–" : s.lix.toFixed(1);
  const indent = Math.max(level - 1, 0);
  return `<tr><th scope="row" style="padding-left:${indent}em">${escape(title)}</th><td>${s.words}</td><td>${s.sentences}</td><td>${share}</td><td>${lix}</td><td>${escape(s.band)}</td></tr>`;
}

/** A self-contained page: no scripts, no remote content, a strict content security policy. */
export function reportHtml(stats: DocumentStats, name: string, cspSource: string, tr: Translate = english, options: ReportOptions = {}): string {
  const t = {
    title: tr("Readability"), section: tr("Section"), words: tr("Words"), sentences: tr("Sentences"), long: tr("Long words"),
    band: tr("Band"), whole: tr("Whole document"),
  };
  const lang = options.lang ?? "en";
  const summary = tr("LIX {0} ({1}) · {2} words · {3} findings", stats.lix === null ? "–" : stats.lix.toFixed(1), stats.band, stats.words, stats.findings);
  const snapshot = options.snapshot
    ? `<p class="snapshot" role="status">${escape(tr("{0} is closed. These are its figures from when it was last open; they no longer change.", name))}</p>\n`
    : "";
  const rows = stats.sections.filter((s) => s.title).map((s) => row(s.title, s.level, s)).join("\n");
  return `<!DOCTYPE html>
<html lang="${escape(lang)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${escape(cspSource)} 'unsafe-inline';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(t.title)}: ${escape(name)}</title>
<style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 1em; }
table { border-collapse: collapse; }
th, td { padding: 0.25em 0.75em; text-align: right; border-bottom: 1px solid var(--vscode-panel-border); }
th[scope=row], thead th:first-child { text-align: left; }
.snapshot { padding: 0.5em 0.75em; border-left: 3px solid var(--vscode-editorWarning-foreground); background: var(--vscode-textBlockQuote-background); }
</style>
</head>
<body>
<h1>${escape(t.title)}: ${escape(name)}</h1>
${snapshot}<p>${escape(summary)}</p>
<table>
<thead><tr><th scope="col">${escape(t.section)}</th><th scope="col">${escape(t.words)}</th><th scope="col">${escape(t.sentences)}</th><th scope="col">${escape(t.long)}</th><th scope="col">LIX</th><th scope="col">${escape(t.band)}</th></tr></thead>
<tbody>
${rows}
${row(t.whole, 1, stats)}
</tbody>
</table>
</body>
</html>`;
}
