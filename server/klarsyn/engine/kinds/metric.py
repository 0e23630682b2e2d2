"""``metric`` rules: a threshold on a readability figure (sentence words, word letters, LIX)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from klarsyn.engine.kinds.base import Rule, RunContext
from klarsyn.findings import Finding, Severity
from klarsyn.metrics.lix import band


@dataclass
class MetricRule(Rule):
    """``metric``: a threshold on a readability figure.

    Fields: ``metric`` (sentence_words | word_letters | paragraph_lix | section_lix),
    ``max``, ``min_words`` (units with fewer words are not judged), ``strong``: a figure
    above ``max`` but not above ``strong`` is a hint; only above ``strong`` does the finding
    have the rule's severity. A sentence of 28 words is over the guides' 25 and worth a
    faint mark; one of 40 is what the author must see (judged so on real programmes).
    """

    metric: str = ""
    OPTIONS: ClassVar[tuple[str, ...]] = ("max", "min_words", "strong")

    @property
    def local(self) -> bool:
        # A section's LIX spans blocks; a long word is reported where it first stands.
        return self.metric not in ("section_lix", "word_letters")

    def run(self, ctx: RunContext) -> list[Finding]:
        limit = ctx.options["max"]
        min_words = ctx.options.get("min_words", 0)
        strong = ctx.options.get("strong")
        lang = ctx.lang
        out: list[Finding] = []

        # A severity set in the project's config is for every finding of the rule.
        tiered = strong is not None and ctx.severity is self.severity

        def level(value: float) -> Severity | None:
            """A hint up to ``strong``; None: the rule's severity."""
            return Severity.HINT if tiered and value <= strong else None
        if self.metric == "section_lix":
            for section in ctx.analysis.sections:
                lix = section.counts.lix
                if section.heading is None or lix is None or section.counts.words < min_words or lix <= limit:
                    continue
                block = section.heading.block
                out.append(self.finding(ctx, block, 0, len(block.text), data={"lix": round(lix, 1), **section.counts.as_dict()},
                                        severity=level(lix), value=f"{lix:.0f}", limit=f"{limit:g}", band=band(lix, lang),
                                        words=section.counts.words))
            return out
        broken = self.metric in ("paragraph_lix", "sentence_words") and any(n.kind == "ligatures" for n in ctx.analysis.document.notes)
        if broken:
            from klarsyn.checks.broken_words import has_broken_word
        seen_words: set[str] = set()  # word_letters: each long word once, where it first stands
        for ba in self.blocks(ctx.analysis):
            block = ba.block
            if self.metric == "paragraph_lix":
                lix = ba.counts.lix
                if ba.counted and lix is not None and ba.counts.words >= min_words and lix > limit:
                    if broken and has_broken_word(block.text):
                        continue  # «re slig besky else»: the PDF lost letters; the figure is not the text's
                    out.append(self.finding(ctx, block, 0, len(block.text), data={"lix": round(lix, 1), **ba.counts.as_dict()},
                                            severity=level(lix), value=f"{lix:.0f}", limit=f"{limit:g}", band=band(lix, lang),
                                            words=ba.counts.words))
                continue
            for s in ba.sentences:
                if self.metric == "sentence_words" and len(s.words) > limit:
                    if broken and has_broken_word(block.text[s.start : s.end]):
                        continue
                    out.append(self.finding(ctx, block, s.start, s.end, data={"words": len(s.words)},
                                            severity=level(len(s.words)), value=len(s.words), limit=f"{limit:g}"))
                elif self.metric == "word_letters":
                    for i, w in enumerate(s.words):
                        word = block.text[w.start : w.end]
                        if w.letters <= limit or "-" in word:
                            continue
                        # A capital inside a sentence is a name («Folkehelseinstituttet»,
                        # «Personvernkommisjonen»): it cannot be written shorter. And a long
                        # word is one question for the author, not one per use.
                        if (i > 0 and word[:1].isupper()) or word.lower() in seen_words:
                            continue
                        seen_words.add(word.lower())
                        out.append(self.finding(ctx, block, w.start, w.end, data={"letters": w.letters},
                                                severity=level(w.letters), value=w.letters, limit=f"{limit:g}", word=word))
        return out
