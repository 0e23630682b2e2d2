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

const LABELS: Record<string, Record<string, string>> = {
  nb: { title: "Lesbarhet", section: "Seksjon", words: "Ord", sentences: "Setninger", long: "Lange ord", band: "Nivå", whole: "Hele dokumentet", findings: "funn" },
  nn: { title: "Lesbarheit", section: "Seksjon", words: "Ord", sentences: "Setningar", long: "Lange ord", band: "Nivå", whole: "Heile dokumentet", findings: "funn" },
  en: { title: "Readability", section: "Section", words: "Words", sentences: "Sentences", long: "Long words", band: "Band", whole: "Whole document", findings: "findings" },
};

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
export function reportHtml(stats: DocumentStats, name: string, cspSource: string): string {
  const t = LABELS[stats.language] ?? LABELS.nb;
  const rows = stats.sections.filter((s) => s.title).map((s) => row(s.title, s.level, s)).join("\n");
  return `<!DOCTYPE html>
<html lang="${escape(stats.language === "en" ? "en" : stats.language)}">
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
</style>
</head>
<body>
<h1>${escape(t.title)}: ${escape(name)}</h1>
<p>LIX ${stats.lix === null ? "–" : stats.lix.toFixed(1)} (${escape(stats.band)}) · ${stats.words} ${escape(t.words.toLowerCase())} · ${stats.findings} ${escape(t.findings)}</p>
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
