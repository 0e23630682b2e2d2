"""Readability checks: long sentences, very long words, hard paragraphs and sections."""

from __future__ import annotations

from klarsyn.checks.base import CheckContext, CheckSpec, Option
from klarsyn.findings import Finding, Severity
from klarsyn.metrics.lix import band


def _long_sentences(ctx: CheckContext) -> list[Finding]:
    limit = int(ctx.options["max_words"])
    out = []
    for ba in ctx.analysis.blocks:
        if ba.block.is_heading:
            continue
        for s in ba.sentences:
            n = len(s.words)
            if n > limit:
                start, end = ba.block.source_span(s.start, s.end)
                out.append(ctx.finding(start, end, {"words": n, "limit": limit}, words=n, limit=limit))
    return out


def _long_words(ctx: CheckContext) -> list[Finding]:
    limit = int(ctx.options["max_letters"])
    out = []
    for ba in ctx.analysis.blocks:
        text = ba.block.text
        for s in ba.sentences:
            for w in s.words:
                if w.letters > limit and "-" not in text[w.start : w.end]:
                    start, end = ba.block.source_span(w.start, w.end)
                    word = text[w.start : w.end]
                    out.append(ctx.finding(start, end, {"letters": w.letters}, word=word, letters=w.letters))
    return out


def _hard_paragraphs(ctx: CheckContext) -> list[Finding]:
    limit = float(ctx.options["max_lix"])
    min_words = int(ctx.options["min_words"])
    out = []
    for ba in ctx.analysis.blocks:
        lix = ba.counts.lix
        if not ba.counted or lix is None or ba.counts.words < min_words or lix <= limit:
            continue
        start, end = ba.block.source_span(0, len(ba.block.text))
        out.append(
            ctx.finding(
                start,
                end,
                {"lix": round(lix, 1), "limit": limit, **ba.counts.as_dict()},
                lix=f"{lix:.0f}",
                band=band(lix, ctx.lang),
                limit=f"{limit:g}",
            )
        )
    return out


def _hard_sections(ctx: CheckContext) -> list[Finding]:
    limit = float(ctx.options["max_lix"])
    min_words = int(ctx.options["min_words"])
    out = []
    for section in ctx.analysis.sections:
        lix = section.counts.lix
        if section.heading is None or lix is None or section.counts.words < min_words or lix <= limit:
            continue
        block = section.heading.block
        start, end = block.source_span(0, len(block.text))
        out.append(
            ctx.finding(
                start,
                end,
                {"lix": round(lix, 1), "limit": limit, **section.counts.as_dict()},
                lix=f"{lix:.0f}",
                band=band(lix, ctx.lang),
                limit=f"{limit:g}",
                words=section.counts.words,
            )
        )
    return out


LONG_SENTENCE = CheckSpec(
    id="lang-setning",
    severity=Severity.WARNING,
    summary="Sentence with more words than the limit (default 25).",
    messages={
        "nb": "Lang setning: {words} ord (grensen er {limit}). Del den gjerne i to.",
        "nn": "Lang setning: {words} ord (grensa er {limit}). Del henne gjerne i to.",
        "en": "Long sentence: {words} words (the limit is {limit}). Consider splitting it.",
    },
    options=(Option("max_words", 25, 5, "Most words a sentence may have before it is flagged."),),
    run=_long_sentences,
)

LONG_WORD = CheckSpec(
    id="langt-ord",
    severity=Severity.INFO,
    summary="Word with more letters than the limit (default 20); hyphenated compounds are left alone.",
    messages={
        "nb": "Svært langt ord: «{word}» har {letters} bokstaver. Kan det deles opp eller skrives enklere?",
        "nn": "Svært langt ord: «{word}» har {letters} bokstavar. Kan det delast opp eller skrivast enklare?",
        "en": "Very long word: “{word}” has {letters} letters. Can it be split or put more simply?",
    },
    options=(Option("max_letters", 20, 8, "Most letters a word may have before it is flagged."),),
    run=_long_words,
)

HARD_PARAGRAPH = CheckSpec(
    id="lix-avsnitt",
    severity=Severity.INFO,
    summary="Paragraph whose LIX is above the limit (default 55).",
    messages={
        "nb": "Tungt avsnitt: LIX {lix} ({band}), over grensen på {limit}.",
        "nn": "Tungt avsnitt: LIX {lix} ({band}), over grensa på {limit}.",
        "en": "Hard paragraph: LIX {lix} ({band}), above the limit of {limit}.",
    },
    options=(
        Option("max_lix", 55, 0, "Highest LIX a paragraph may have."),
        Option("min_words", 25, 1, "Shorter paragraphs are not judged: their LIX says little."),
    ),
    run=_hard_paragraphs,
)

HARD_SECTION = CheckSpec(
    id="lix-seksjon",
    severity=Severity.WARNING,
    summary="Section (heading to the next heading of the same or higher level) whose LIX is above the limit (default 55).",
    messages={
        "nb": "Tung seksjon: LIX {lix} ({band}) over {words} ord, over grensen på {limit}.",
        "nn": "Tung seksjon: LIX {lix} ({band}) over {words} ord, over grensa på {limit}.",
        "en": "Hard section: LIX {lix} ({band}) over {words} words, above the limit of {limit}.",
    },
    options=(
        Option("max_lix", 55, 0, "Highest LIX a section may have."),
        Option("min_words", 50, 1, "Shorter sections are not judged."),
    ),
    run=_hard_sections,
)

CHECKS: tuple[CheckSpec, ...] = (LONG_SENTENCE, LONG_WORD, HARD_PARAGRAPH, HARD_SECTION)
