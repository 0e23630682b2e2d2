"""``klarsyn stats``: readability per section, as a table or as JSON with every sentence."""

from __future__ import annotations

import json
from typing import TextIO

from klarsyn.cli.messages import language_name
from klarsyn.cli.messages import text as t
from klarsyn.metrics.analysis import DocumentAnalysis
from klarsyn.metrics.lix import Counts, band
from klarsyn.safeio import printable

_TITLE_WIDTH = 46


def _row(title: str, counts: Counts, ui_lang: str) -> str:
    lix = counts.lix
    lix_text = f"{lix:5.1f}" if lix is not None else "    –"
    share = f"{100 * counts.long_word_share:5.1f} %" if counts.words else "      –"
    if len(title) > _TITLE_WIDTH:
        title = title[: _TITLE_WIDTH - 1] + "…"
    return (
        f"  {title:<{_TITLE_WIDTH}} {counts.words:>6} {counts.sentences:>6} {share:>10} {lix_text:>6}  {band(lix, ui_lang)}"
    )


def render_stats_text(analyses: list[DocumentAnalysis], out: TextIO, ui_lang: str) -> None:
    for n, analysis in enumerate(analyses):
        doc = analysis.document
        lang = doc.language
        if n:
            out.write("\n")
        out.write(f"{printable(doc.path)} ({language_name(lang, lang)})\n")
        header = (
            f"  {t(lang, 'section'):<{_TITLE_WIDTH}} {t(lang, 'col_words'):>6} {t(lang, 'col_sentences'):>6} "
            f"{t(lang, 'col_long'):>10} {'LIX':>6}  {t(lang, 'col_band')}"
        )
        out.write(header + "\n")
        for section in analysis.sections:
            if section.heading is None:
                title = t(lang, "intro")
            else:
                title = "  " * max(section.level - 1, 0) + section.title
            out.write(_row(title, section.counts, lang) + "\n")
        out.write(_row(t(lang, "whole"), analysis.counts, lang) + "\n")


def stats_to_wire(analysis: DocumentAnalysis) -> dict[str, object]:
    doc = analysis.document
    lines = doc.lines

    def where(start: int, end: int) -> dict[str, object]:
        line, col = lines.position(start)
        end_line, end_col = lines.position(end)
        return {
            "location": {"line": line, "column": col},
            "end_location": {"line": end_line, "column": end_col},
            "offset": [start, end],
        }

    sections = []
    for section in analysis.sections:
        entry: dict[str, object] = {
            "title": section.title,
            "level": section.level,
            "path": list(section.path),
            "stats": section.counts.as_dict(),
            "band": band(section.counts.lix, doc.language),
        }
        if section.heading is not None:
            block = section.heading.block
            entry.update(where(*block.source_span(0, len(block.text))))
        sections.append(entry)
    sentences = []
    for ba in analysis.blocks:
        for s in ba.sentences:
            words = len(s.words)
            long_words = s.long_words
            lix = words + 100 * long_words / words if words else None
            sentences.append(
                {
                    "block": ba.index,
                    "kind": ba.block.kind.value,
                    "words": words,
                    "long_words": long_words,
                    "lix": None if lix is None else round(lix, 1),
                    **where(*ba.block.source_span(s.start, s.end)),
                }
            )
    return {
        "path": doc.path,
        "language": doc.language,
        "language_source": doc.language_source,
        "stats": analysis.counts.as_dict(),
        "band": band(analysis.counts.lix, doc.language),
        "sections": sections,
        "sentences": sentences,
    }


def render_stats_json(analyses: list[DocumentAnalysis], errors: list[tuple[str, str]], out: TextIO) -> None:
    payload: dict[str, object] = {"version": 1, "files": [stats_to_wire(a) for a in analyses]}
    if errors:
        payload["errors"] = [{"path": path, "message": problem} for path, problem in errors]
    # dumps, not dump: only the one-shot path uses the C encoder.
    out.write(json.dumps(payload, ensure_ascii=False))
    out.write("\n")
