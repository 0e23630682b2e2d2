"""Renderers for ``klarsyn check``: text lines for people and editors, JSON for tools."""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from klarsyn.cli.messages import count
from klarsyn.cli.messages import text as t
from klarsyn.engine.runner import CheckResult
from klarsyn.findings import Finding, Severity
from klarsyn.metrics.lix import band, whole
from klarsyn.safeio import printable

WIRE_VERSION = 1


def _one_line(message: str) -> str:
    # Quoted draft text can hold ESC or other controls: shown as escapes, never sent raw.
    return printable(" ".join(message.split()))


def render_text(results: list[CheckResult], out: TextIO, ui_lang: str, summary: bool = True) -> None:
    """``path:line:col: severity rule message`` (``path:pPAGE:line:col`` in a PDF), one per
    finding, then a summary."""
    totals: Counter[Severity] = Counter()
    for result in results:
        doc = result.document
        for f in result.findings:
            out.write(f"{printable(doc.path)}:{doc.place(f.start)}: {f.severity.value} {f.rule} {_one_line(f.message)}\n")
            totals[f.severity] += 1
    if not summary:
        return
    if any(r.findings for r in results):
        out.write("\n")
    for result in results:
        counts = result.analysis.counts
        lix = counts.lix
        figure = f"LIX {whole(lix)} ({band(lix, ui_lang)}), " if lix is not None else ""
        per = Counter(f.severity for f in result.findings)
        out.write(
            f"{printable(result.document.path)}: {figure}{count(ui_lang, 'word', counts.words)}, "
            f"{count(ui_lang, 'sentence', counts.sentences)}; {_count_phrase(per, ui_lang)}\n"
        )
    if len(results) > 1:
        files = count(ui_lang, "file", len(results))
        out.write(f"{t(ui_lang, 'total')}: {files}; {_count_phrase(totals, ui_lang)}\n")


def _count_phrase(counts: Counter[Severity], ui_lang: str) -> str:
    total = sum(counts.values())
    if not total:
        return t(ui_lang, "no_findings")
    parts = [count(ui_lang, s.value, counts[s]) for s in Severity if counts[s]]
    return f"{count(ui_lang, 'finding', total)} ({', '.join(parts)})"


def finding_to_wire(result: CheckResult, f: Finding, documents: dict[str, object] | None = None) -> dict[str, object]:
    lines = result.document.lines
    line, col = lines.position(f.start)
    end_line, end_col = lines.position(f.end)
    wire: dict[str, object] = {
        "rule": f.rule,
        "severity": f.severity.value,
        "message": f.message,
        "location": {"line": line, "column": col},
        "end_location": {"line": end_line, "column": end_col},
        "offset": [f.start, f.end],
        "fixes": [
            {
                "title": fix.title,
                "safety": fix.safety.value,
                "edits": [{"offset": [e.start, e.end], "new_text": e.new_text} for e in fix.edits],
            }
            for fix in f.fixes
        ],
    }
    if f.related:
        wire["related"] = [_related(r, documents or {}) for r in f.related]
    if result.document.format in ("docx", "odt"):
        # Word has no line numbers: each paragraph is a line of the extracted text.
        wire["paragraph"] = line
    on_page = result.document.page_position(f.start)
    if on_page is not None:
        # A PDF: the page, and the line on the page in reading order.
        wire["page"], wire["page_line"] = on_page
    if result.document.format in ("docx", "odt", "html", "pdf"):
        wire["heading_path"] = heading_path(result, f.start)
    return wire


def heading_path(result: CheckResult, offset: int) -> str:
    """``2 Klima og natur › Tiltak``: the headings above a position."""
    path: tuple[str, ...] = ()
    for section in result.analysis.sections:
        if section.heading is None:
            continue
        start, _ = section.heading.block.source_span(0, len(section.heading.block.text))
        if start <= offset:
            path = section.path
        else:
            break
    return " › ".join(path)


def _related(r: object, documents: dict[str, object]) -> dict[str, object]:
    """A related place, located in its own file (another chapter of the programme)."""
    document = documents.get(r.path)  # type: ignore[attr-defined]
    entry: dict[str, object] = {"path": r.path, "offset": [r.start, r.end], "message": r.message}  # type: ignore[attr-defined]
    if document is not None:
        lines = document.lines  # type: ignore[attr-defined]
        line, col = lines.position(r.start)  # type: ignore[attr-defined]
        end_line, end_col = lines.position(r.end)  # type: ignore[attr-defined]
        entry["location"] = {"line": line, "column": col}
        entry["end_location"] = {"line": end_line, "column": end_col}
    return entry


def render_json(results: list[CheckResult], errors: list[tuple[str, str]], out: TextIO) -> None:
    """The JSON wire format, version 1 (docs/wire-format.md)."""
    documents = {r.document.path: r.document for r in results}
    payload: dict[str, object] = {
        "version": WIRE_VERSION,
        "files": [
            {
                "path": r.document.path,
                "language": r.document.language,
                "stats": r.analysis.counts.as_dict(),
                "diagnostics": [finding_to_wire(r, f, documents) for f in r.findings],
            }
            for r in results
        ],
    }
    if errors:
        payload["errors"] = [{"path": path, "message": problem} for path, problem in errors]
    # No indent: the C encoder is several times faster on thousands of findings.
    # dumps, not dump: only the one-shot path uses the C encoder.
    out.write(json.dumps(payload, ensure_ascii=False))
    out.write("\n")
