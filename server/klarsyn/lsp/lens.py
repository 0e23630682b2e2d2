"""Code lenses with each section's readability, and the klarsyn/documentStats request."""

from __future__ import annotations

from lsprotocol import types

from klarsyn.cli.messages import count
from klarsyn.lsp.state import Draft
from klarsyn.metrics.lix import band, whole

STATS_REQUEST = "klarsyn/documentStats"

# LIX is words per sentence plus the share of long words: over one sentence of one word it
# says nothing (a capitals line in a .txt draft, read as a heading, got "LIX 101 · 1 ord").
# Below these a section gets no lens; its figures are still in the hover and documentStats.
LENS_MIN_SENTENCES = 3
LENS_MIN_WORDS = 30


def code_lenses(draft: Draft) -> list[types.CodeLens]:
    if draft.converter is None or draft.result is None:
        return []
    lang = draft.result.document.language
    lenses = []
    for section in draft.result.analysis.sections:
        if section.heading is None:
            continue
        block = section.heading.block
        start, end = block.source_span(0, len(block.text))
        c = section.counts
        if c.sentences < LENS_MIN_SENTENCES or c.words < LENS_MIN_WORDS:
            continue
        lix = f"LIX {whole(c.lix)}" if c.lix is not None else "LIX –"
        title = f"{lix} · {count(lang, 'word', c.words)} · {count(lang, 'sentence', c.sentences)}"
        lenses.append(types.CodeLens(draft.converter.range(start, end), types.Command(title, "")))
    return lenses


def document_stats(draft: Draft) -> dict[str, object]:
    """Figures for clients (the VS Code status bar): the document and each section."""
    assert draft.result is not None and draft.converter is not None
    analysis = draft.result.analysis
    lang = analysis.document.language
    sections = []
    for section in analysis.sections:
        entry: dict[str, object] = {
            "title": section.title,
            "level": section.level,
            **section.counts.as_dict(),
            "lix_whole": whole(section.counts.lix),
            "band": band(section.counts.lix, lang),
        }
        if section.heading is not None:
            block = section.heading.block
            rng = draft.converter.range(*block.source_span(0, len(block.text)))
            entry["range"] = {"start": {"line": rng.start.line, "character": rng.start.character},
                              "end": {"line": rng.end.line, "character": rng.end.character}}
        sections.append(entry)
    return {
        "uri": draft.uri,
        "language": lang,
        **analysis.counts.as_dict(),
        "lix_whole": whole(analysis.counts.lix),  # what the status bar shows: rounded here, once
        "band": band(analysis.counts.lix, lang),
        "findings": len(draft.findings()),
        "sections": sections,
    }
