"""``occurrence`` rules: too many matches of some words in one sentence or paragraph."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import regex

from klarsyn.engine.kinds.base import Rule, RunContext
from klarsyn.engine.terms import Term, TermMatcher, Token
from klarsyn.findings import Finding
from klarsyn.metrics.analysis import BlockAnalysis


@dataclass
class OccurrenceRule(Rule):
    """``occurrence``: more than ``max`` matches of ``terms`` in one ``unit`` (sentence | paragraph).
    The finding covers the unit; the message gets ``{count}`` and ``{limit}``.

    ``clause_start`` lists terms that count only where they begin a clause: after a comma,
    semicolon, colon or dash and before one of the ``subjects`` («…, for vi vil» is the
    conjunction; «for alle», «, for å sikre» the preposition; «så mye» the adverb). Two
    matches joined by a slash («og/eller») count once, and ``og``/``eller`` after a cut
    compound («helse- og omsorgstjenester») joins parts of words, not clauses: not counted.
    A unit with dot leaders or with two lines starting with a section number is a table
    of contents or a list of headings, not a sentence: not flagged."""

    terms: list[Term] = field(default_factory=list)
    unit: str = "sentence"
    clause_start: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()
    OPTIONS: ClassVar[tuple[str, ...]] = ("max",)
    _matcher: TermMatcher | None = field(default=None, repr=False)

    def _counted(self, text: str, toks: list[Token]) -> list[int]:
        out: list[int] = []
        previous_end = -1
        for start, end, matched, _t in self._matcher.finditer(text, toks):  # type: ignore[union-attr]
            joined = previous_end >= 0 and text[previous_end:start].strip() == "/"
            previous_end = end
            if joined:
                continue  # og/eller: one choice, written with a slash
            if text[:start].rstrip().endswith("-") and text[:start].rstrip()[-2:-1].isalpha():
                continue  # barne- og ungdomsskole
            low = matched.lower()
            if low in self.clause_start:
                before = text[:start].rstrip()
                after = regex.match(r"\s*(\p{L}+)(?:\s+(\p{L}+))?", text[end:])
                if not before.endswith((",", ";", ":", "–", "—", " -")) or after is None:
                    continue
                subject, verb = after.group(1).lower(), (after.group(2) or "").lower()
                if subject not in self.subjects or verb in _NOT_A_VERB:
                    continue
            out.append(start)
        return out

    def run(self, ctx: RunContext) -> list[Finding]:
        if self._matcher is None:
            self._matcher = TermMatcher(self.terms)
        limit = ctx.options["max"]
        out = []
        for ba in self.blocks(ctx.analysis):
            hits = self._counted(ba.block.text, ctx.tokens(ba))
            units = [(s.start, s.end) for s in ba.sentences] if self.unit == "sentence" else [(0, len(ba.block.text))]
            for a, b in units:
                count = sum(1 for h in hits if a <= h < b)
                if count > limit and not _DOT_LEADER.search(ba.block.text, a, b) and not _heading_list(ctx, ba, a, b):
                    out.append(self.finding(ctx, ba.block, a, b, data={"count": count}, count=count, limit=f"{limit:g}"))
        return out


# A table of contents («Kulturens egenverdi.........44»): lines, not a sentence.
_DOT_LEADER = regex.compile(r"\.{5,}|(?:\. ){4,}|…{3,}")
# Lines that start with a section number («6.1 Bonden først», «13.3 KI og personvern»):
# two or more in one unit are a list of headings, not a sentence.
_NUMBERED_LINE = regex.compile(r"(?m)(?:^|(?<=\n))[ \t\f]*\d+(?:\.\d+)+\.?[ \t]+\p{L}")
def _heading_list(ctx: RunContext, ba: BlockAnalysis, a: int, b: int) -> bool:
    s, e = ba.block.source_span(a, b)
    return len(_NUMBERED_LINE.findall(ctx.analysis.document.source, s, e)) >= 2


# After «for det», «så det»: the words that make it a noun phrase, not a subject and verb
# («for det første», «for det offentlige»).
_NOT_A_VERB = frozenset("fleste første andre tredje fjerde femte meste beste siste samme offentlige enkelte".split())
