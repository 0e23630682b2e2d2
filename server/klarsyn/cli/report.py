"""`klarsyn report`: one self-contained HTML file for the committee — readability per
section as a chart, sentence lengths, the draft with hard sentences and findings marked,
and the findings grouped by rule. No scripts, no network; charts are inline SVG with text
alternatives and a table behind each."""

from __future__ import annotations

import html
from collections import Counter, defaultdict

from klarsyn import __version__
from klarsyn.cli.messages import language_name
from klarsyn.engine.runner import CheckResult
from klarsyn.metrics.lix import band, whole

_T = {
    "nb": {"title": "Lesbarhetsrapport", "summary": "Sammendrag", "file": "Fil", "words": "Ord", "sentences": "Setninger",
           "long": "Lange ord", "findings": "Funn", "sections": "LIX per seksjon", "lengths": "Setningslengde",
           "lengths_x": "ord per setning", "count": "antall setninger", "draft": "Utkastet", "by_rule": "Funn per regel",
           "rule": "Regel", "hard": "tung setning", "skip": "Hopp til utkastet", "band": "Nivå", "section": "Seksjon",
           "chart_sections": "Søylediagram: LIX for hver seksjon, med nivågrensene 30, 40, 50 og 60 markert.",
           "chart_lengths": "Histogram: hvor mange setninger som har 1–5, 6–10, … ord.", "whole": "Hele dokumentet",
           "legend": "Understreket: funn (hold pekeren over for meldingen). Gul bakgrunn: setning med over 25 ord eller LIX over 60."},
    "nn": {"title": "Lesbarheitsrapport", "summary": "Samandrag", "file": "Fil", "words": "Ord", "sentences": "Setningar",
           "long": "Lange ord", "findings": "Funn", "sections": "LIX per seksjon", "lengths": "Setningslengd",
           "lengths_x": "ord per setning", "count": "tal på setningar", "draft": "Utkastet", "by_rule": "Funn per regel",
           "rule": "Regel", "hard": "tung setning", "skip": "Hopp til utkastet", "band": "Nivå", "section": "Seksjon",
           "chart_sections": "Søylediagram: LIX for kvar seksjon, med nivågrensene 30, 40, 50 og 60 markerte.",
           "chart_lengths": "Histogram: kor mange setningar som har 1–5, 6–10, … ord.", "whole": "Heile dokumentet",
           "legend": "Understreka: funn (hald peikaren over for meldinga). Gul bakgrunn: setning med over 25 ord eller LIX over 60."},
    "en": {"title": "Readability report", "summary": "Summary", "file": "File", "words": "Words", "sentences": "Sentences",
           "long": "Long words", "findings": "Findings", "sections": "LIX per section", "lengths": "Sentence length",
           "lengths_x": "words per sentence", "count": "number of sentences", "draft": "The draft", "by_rule": "Findings by rule",
           "rule": "Rule", "hard": "hard sentence", "skip": "Skip to the draft", "band": "Band", "section": "Section",
           "chart_sections": "Bar chart: LIX of each section, with the band limits 30, 40, 50 and 60 marked.",
           "chart_lengths": "Histogram: how many sentences have 1–5, 6–10, … words.", "whole": "Whole document",
           "legend": "Underlined: findings (hover for the message). Yellow: a sentence over 25 words or LIX over 60."},
}
_CSS = """
body{font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff;max-width:60em;margin:0 auto;padding:1em 1.5em}
a{color:#0b5394} table{border-collapse:collapse;margin:1em 0} th,td{padding:.25em .75em;border-bottom:1px solid #bbb;text-align:right}
th:first-child,td:first-child{text-align:left} figure{margin:1.5em 0} figcaption{font-size:.95em;color:#333}
.bar{fill:#1f5f99} .hist{fill:#6a3d9a} .limit{stroke:#555;stroke-dasharray:4 3} .axis{stroke:#1a1a1a} svg text{font-size:12px;fill:#1a1a1a}
.draft{border-top:2px solid #1a1a1a;margin-top:2em} mark.hard{background:#ffe58a;color:inherit}
.f{text-decoration:underline wavy #b00020;text-decoration-skip-ink:none;text-underline-offset:3px}
.f-info,.f-hint{text-decoration-color:#0b5394} .f-warning{text-decoration-color:#a15c00}
.skip{position:absolute;left:-999px} .skip:focus{left:1em;top:1em;background:#fff;padding:.5em}
details{margin:.25em 0} summary{cursor:pointer}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _section_chart(result: CheckResult, t: dict[str, str], n: int) -> str:
    sections = [s for s in result.analysis.sections if s.heading is not None and s.counts.lix is not None]
    if not sections:
        return ""
    width, bar, gap, top, height = 640, 22, 8, 20, 200
    chart_h = top + len(sections) * (bar + gap)
    x0 = 230
    scale = (width - x0 - 40) / 80.0  # LIX 0–80
    parts = [f'<svg role="img" aria-labelledby="sc{n}-t sc{n}-d" width="{width}" height="{chart_h + 30}" viewBox="0 0 {width} {chart_h + 30}">',
             f'<title id="sc{n}-t">{_e(t["sections"])}</title><desc id="sc{n}-d">{_e(t["chart_sections"])}</desc>']
    for limit in (30, 40, 50, 60):
        x = x0 + limit * scale
        parts.append(f'<line class="limit" x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{chart_h}"/><text x="{x - 8:.1f}" y="{top - 10}">{limit}</text>')
    for i, s in enumerate(sections):
        y = top + i * (bar + gap)
        w = max(1.0, min(s.counts.lix or 0, 80) * scale)
        title = s.title if len(s.title) <= 32 else s.title[:31] + "…"
        parts.append(f'<text x="{x0 - 8}" y="{y + 15}" text-anchor="end">{_e(title)}</text>'
                     f'<rect class="bar" x="{x0}" y="{y}" width="{w:.1f}" height="{bar}"><title>{_e(s.title)}: LIX {whole(s.counts.lix)}</title></rect>'
                     f'<text x="{x0 + w + 4:.1f}" y="{y + 15}">{whole(s.counts.lix)}</text>')
    parts.append(f'<line class="axis" x1="{x0}" y1="{top - 4}" x2="{x0}" y2="{chart_h}"/></svg>')
    rows = "".join(
        f'<tr><td style="padding-left:{max(s.level - 1, 0)}em">{_e(s.title)}</td><td>{s.counts.words}</td><td>{s.counts.sentences}</td>'
        f'<td>{100 * s.counts.long_word_share:.0f} %</td><td>{s.counts.lix:.1f}</td><td>{_e(band(s.counts.lix, result.document.language))}</td></tr>'
        for s in sections)
    table = (f'<table><caption>{_e(t["sections"])}</caption><thead><tr><th scope="col">{_e(t["section"])}</th><th scope="col">{_e(t["words"])}</th>'
             f'<th scope="col">{_e(t["sentences"])}</th><th scope="col">{_e(t["long"])}</th><th scope="col">LIX</th><th scope="col">{_e(t["band"])}</th></tr></thead>'
             f"<tbody>{rows}</tbody></table>")
    return f'<figure>{"".join(parts)}<figcaption>{_e(t["chart_sections"])}</figcaption></figure>{table}'


def _length_chart(result: CheckResult, t: dict[str, str], n: int) -> str:
    lengths = [len(s.words) for ba in result.analysis.blocks if ba.counted for s in ba.sentences if s.words]
    if not lengths:
        return ""
    buckets = Counter(min((length - 1) // 5, 9) for length in lengths)
    most = max(buckets.values())
    width, height, x0, bottom = 560, 200, 40, 170
    step = (width - x0 - 10) / 10
    parts = [f'<svg role="img" aria-labelledby="lc{n}-t lc{n}-d" width="{width}" height="{height + 20}" viewBox="0 0 {width} {height + 20}">',
             f'<title id="lc{n}-t">{_e(t["lengths"])}</title><desc id="lc{n}-d">{_e(t["chart_lengths"])}</desc>']
    cells = []
    for b in range(10):
        count = buckets.get(b, 0)
        h = (bottom - 20) * count / most
        x = x0 + b * step
        label = f"{b * 5 + 1}–{b * 5 + 5}" if b < 9 else "46+"
        parts.append(f'<rect class="hist" x="{x + 2:.1f}" y="{bottom - h:.1f}" width="{step - 4:.1f}" height="{h:.1f}"><title>{label}: {count}</title></rect>'
                     f'<text x="{x + step / 2:.1f}" y="{bottom + 16}" text-anchor="middle">{label}</text>'
                     f'<text x="{x + step / 2:.1f}" y="{bottom - h - 4:.1f}" text-anchor="middle">{count}</text>')
        cells.append(f"<td>{count}</td>")
    parts.append(f'<line class="axis" x1="{x0}" y1="{bottom}" x2="{width - 10}" y2="{bottom}"/>'
                 f'<text x="{width / 2:.0f}" y="{bottom + 34}" text-anchor="middle">{_e(t["lengths_x"])}</text></svg>')
    heads = "".join(f'<th scope="col">{b * 5 + 1}–{b * 5 + 5}</th>' if b < 9 else '<th scope="col">46+</th>' for b in range(10))
    table = f'<table><caption>{_e(t["lengths"])} ({_e(t["count"])})</caption><thead><tr>{heads}</tr></thead><tbody><tr>{"".join(cells)}</tr></tbody></table>'
    return f'<figure>{"".join(parts)}<figcaption>{_e(t["chart_lengths"])}</figcaption></figure>{table}'


def _plain_offset(block, source_offset: int) -> int:  # type: ignore[no-untyped-def]
    """The plain-text offset whose source position is ``source_offset`` (binary search:
    source positions grow with plain positions)."""
    lo, hi = 0, len(block.text)
    while lo < hi:
        mid = (lo + hi) // 2
        if block.offsets.start_of(mid) < source_offset:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _draft(result: CheckResult) -> str:
    blocks = result.analysis.blocks
    spans_by_block: dict[int, list[tuple[int, int, str, str]]] = defaultdict(list)
    bounds = []
    for ba in blocks:
        start, end = ba.block.source_span(0, len(ba.block.text))
        bounds.append((start, end, ba))
    for f in result.findings:
        for start, end, ba in bounds:
            if start <= f.start < max(end, start + 1) and ba.block.text:
                a = _plain_offset(ba.block, f.start)
                b = max(a + 1, _plain_offset(ba.block, f.end)) if f.end > f.start else a + 1
                spans_by_block[ba.index].append((a, min(b, len(ba.block.text)), f.severity.value, f"{f.rule}: {f.message}"))
                break
    out = []
    in_list = False
    for ba in blocks:
        text = ba.block.text
        hard = [] if ba.block.is_heading else [
            (s.start, s.end) for s in ba.sentences
            if len(s.words) > 25 or (len(s.words) >= 5 and len(s.words) + 100 * s.long_words / len(s.words) > 60)
        ]
        marks: list[tuple[int, int, str]] = []  # (position, order, tag)
        for a, b in hard:
            marks.append((a, 0, '<mark class="hard">'))
            marks.append((b, 2, "</mark>"))
        for a, b, severity, message in spans_by_block.get(ba.index, []):
            if a >= b:
                continue
            marks.append((a, 1, f'<span class="f f-{severity}" title="{_e(message)}">'))
            marks.append((b, 1, "</span>"))
        body = _marked(text, marks)
        kind = ba.block.kind.value
        if kind == "list_item" and not in_list:
            out.append("<ul>")
            in_list = True
        elif kind != "list_item" and in_list:
            out.append("</ul>")
            in_list = False
        if kind == "heading":
            level = min(max(ba.block.level, 1) + 2, 6)
            out.append(f"<h{level}>{body}</h{level}>")
        elif kind == "list_item":
            out.append(f"<li>{body}</li>")
        elif kind == "quote":
            out.append(f"<blockquote><p>{body}</p></blockquote>")
        else:
            out.append(f"<p>{body}</p>")
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def _marked(text: str, marks: list[tuple[int, int, str]]) -> str:
    """Text with tags inserted; tags that would cross are closed and reopened cleanly by
    keeping finding spans inside the text and closing everything open at each mark end."""
    marks.sort(key=lambda m: (m[0], m[1] if not m[2].startswith("</") else -1))
    out, pos, stack = [], 0, []
    for at, _order, tag in marks:
        out.append(_e(text[pos:at]))
        pos = at
        if tag.startswith("</"):
            name = tag[2:-1]
            reopen = []
            while stack:
                open_tag = stack.pop()
                out.append(f"</{open_tag[1]}>")
                if open_tag[1] == name:
                    break
                reopen.append(open_tag)
            for open_tag in reversed(reopen):
                out.append(open_tag[0])
                stack.append(open_tag)
        else:
            name = tag[1:].split(" ", 1)[0].rstrip(">")
            out.append(tag)
            stack.append((tag, name))
    out.append(_e(text[pos:]))
    while stack:
        out.append(f"</{stack.pop()[1]}>")
    return "".join(out)


def render_report(results: list[CheckResult], ui_lang: str) -> str:
    t = _T.get(ui_lang, _T["nb"])
    lang_attr = "nb" if ui_lang not in ("nb", "nn", "en") else ui_lang
    summary_rows = "".join(
        f'<tr><td><a href="#f{i}">{_e(r.document.path)}</a></td><td>{r.analysis.counts.words}</td><td>{r.analysis.counts.sentences}</td>'
        f'<td>{"–" if r.analysis.counts.lix is None else f"{r.analysis.counts.lix:.1f}"}</td><td>{_e(band(r.analysis.counts.lix, ui_lang))}</td><td>{len(r.findings)}</td></tr>'
        for i, r in enumerate(results))
    parts = [f'<!DOCTYPE html>\n<html lang="{lang_attr}">\n<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
             f"<title>{_e(t['title'])}</title><style>{_CSS}</style></head><body>",
             f'<a class="skip" href="#f0">{_e(t["skip"])}</a>',
             f"<h1>{_e(t['title'])}</h1>",
             f"<h2>{_e(t['summary'])}</h2>",
             f'<table><thead><tr><th scope="col">{_e(t["file"])}</th><th scope="col">{_e(t["words"])}</th><th scope="col">{_e(t["sentences"])}</th>'
             f'<th scope="col">LIX</th><th scope="col">{_e(t["band"])}</th><th scope="col">{_e(t["findings"])}</th></tr></thead><tbody>{summary_rows}</tbody></table>']
    for i, r in enumerate(results):
        lang = r.document.language
        parts.append(f'<section id="f{i}" lang="{lang}"><h2>{_e(r.document.path)} ({_e(language_name(ui_lang, lang))})</h2>')
        parts.append(f"<h3>{_e(t['sections'])}</h3>{_section_chart(r, t, i)}")
        parts.append(f"<h3>{_e(t['lengths'])}</h3>{_length_chart(r, t, i)}")
        counts = Counter(f.rule for f in r.findings)
        grouped: dict[str, list[str]] = defaultdict(list)
        for f in r.findings:
            grouped[f.rule].append(f"{r.document.place(f.start)} {f.message}")
        parts.append(f"<h3>{_e(t['by_rule'])}</h3>")
        for rule, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            items = "".join(f"<li>{_e(m)}</li>" for m in grouped[rule])
            parts.append(f"<details><summary><code>{_e(rule)}</code>: {count}</summary><ul>{items}</ul></details>")
        parts.append(f'<div class="draft"><h3>{_e(t["draft"])}</h3><p><em>{_e(t["legend"])}</em></p>{_draft(r)}</div></section>')
    parts.append(f"<footer><p>klarsyn {__version__}</p></footer></body></html>\n")
    return "\n".join(parts)
