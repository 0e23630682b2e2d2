"""``existence``, ``substitution`` and ``termbase`` rules: listed terms and their replacements."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from klarsyn.engine.kinds.base import (
    _REPLACE_TITLE,
    Rule,
    RunContext,
    _holds,
    _match_case,
    _suggestions,
)
from klarsyn.engine.terms import Term, TermMatcher, conjugate, verb_category
from klarsyn.findings import Edit, Finding, Fix, FixSafety, Severity

_OPENING_QUOTES = "«\"“‘'"
_CLOSING_QUOTES = "»\"”’'"


def _quoted(text: str, start: int, end: int) -> bool:
    """The match is the whole of a quotation: the author names the word (to reject or
    explain it) rather than writes with it."""
    return start > 0 and end < len(text) and text[start - 1] in _OPENING_QUOTES and text[end] in _CLOSING_QUOTES


_LIST_WORDS = frozenset({"og", "eller"})
# Words that stand between a verb and its particle when they follow the verb: an inverted
# subject («medfører dette»), a sentence adverb («medfører ofte»).
_SPLITS_PARTICLE = frozenset(
    "dette det den de vi jeg du han hun dere man en ikke aldri ofte alltid også gjerne bare "
    "derfor likevel nå da dermed altså samtidig heller neppe sjelden trolig antakelig kanskje "
    "fortsatt igjen ofte fremdeles".split()
)


@dataclass
class TermRule(Rule):
    """``existence``, ``substitution`` and ``termbase``: flag listed terms (with their
    inflected forms) and offer the replacements, carrying the match's ending over.

    Fields: ``terms`` (list of ``{term, replace, forms, inflect, note, severity}``; a
    ``termbase`` lists ``{preferred, variants, note}`` instead), ``case_sensitive``
    (default false), ``fix_safety`` (safe | unsafe | display-only).
    """

    terms: list[Term] = field(default_factory=list)
    case_sensitive: bool = False
    fix_safety: FixSafety = FixSafety.UNSAFE
    _matcher: TermMatcher | None = field(default=None, repr=False)

    @property
    def matcher(self) -> TermMatcher:
        if self._matcher is None:
            self._matcher = TermMatcher(self.terms, self.case_sensitive)
        return self._matcher

    def run(self, ctx: RunContext) -> list[Finding]:
        out = []
        for ba in self.blocks(ctx.analysis):
            sentence_ends = {sentence.end for sentence in ba.sentences}
            tokens = ctx.tokens(ba)
            starts = [t[0] for t in tokens]
            for start, end, matched, term in self.matcher.finditer(ba.block.text, tokens):
                i = bisect_left(starts, start)
                j = bisect_left(starts, end)
                text = ba.block.text
                # The words just before the match, nearest last, up to a punctuation mark.
                before: list[str] = []
                k = i - 1
                while k >= 0 and len(before) < 3 and not text[tokens[k][1] : (tokens[k + 1][0] if k + 1 < len(tokens) else start)].strip():
                    before.insert(0, tokens[k][3])
                    if tokens[k][3].endswith(".") and k < i - 1:
                        break
                    k -= 1
                if term.not_after and before and before[-1] in term.not_after:
                    continue
                if _quoted(text, start, end):
                    continue  # «andregenerasjons innvandrere»: the word is mentioned, not used
                after = tokens[j][3] if j < len(tokens) and not text[end : tokens[j][0]].strip() else ""
                if term.not_before and after.lower() in term.not_before:
                    continue
                s, e = ba.block.source_span(start, end)
                # "… epler, pærer osv." : the abbreviation's period also ends the sentence.
                following = text[end:].lstrip()[:1]
                keep_period = matched.endswith(".") and end in sentence_ends and not (following.isdigit() or following.islower())
                fixes = []
                # "transport, samt informasjon": in a list «og» takes no comma, before a clause
                # it does; which one this is, the rule cannot tell, so it offers no fix.
                head = text[:start].rstrip()
                comma = len(head) - 1 if head.endswith(",") else -1
                for new, safety in self._replacements(term, matched, before, after):
                    if keep_period and not new.endswith("."):
                        new += "."
                    edit = Edit(s, e, new)
                    if comma >= 0 and new.lower() in _LIST_WORDS:
                        break  # «, samt»: whether the comma goes (a list) or stays (a clause) is the author's call
                    fixes.append(Fix(_REPLACE_TITLE.get(ctx.lang, _REPLACE_TITLE["nb"]).format(new), (edit,), safety))
                severity = Severity.parse(term.severity) if term.severity else None
                out.append(
                    self.finding(
                        ctx, ba.block, start, end, fixes,
                        {"term": term.term, "alternatives": list(term.replace), "note": term.note},
                        severity if severity and ctx.severity is self.severity else None,
                        match=matched, suggestions=_suggestions(tuple(dict.fromkeys(term.replace)), ctx.lang), note=term.note,
                    )
                )
        return out

    def _replacements(self, term: Term, matched: str, before: list[str], after: str) -> list[tuple[str, FixSafety]]:
        """The fixes for one match: each replacement in the matched form, with its safety;
        none when the term offers none or the form cannot be replaced with certainty."""
        if term.fix == "none":
            return []
        alternatives = list(term.replace[:4])
        if term.when:
            prev = before[-1] if before else ""
            held = [alt for alt, (p, n) in zip(term.replace, term.when) if (p or n) and _holds(p, prev) and _holds(n, after)]
            alternatives = held or [alt for alt, (p, n) in zip(term.replace, term.when) if not p and not n]
        exact = matched.lower() == term.term.lower()
        safety = FixSafety(term.fix) if term.fix else self.fix_safety
        if not exact:
            safety = FixSafety.DISPLAY if safety is FixSafety.DISPLAY else FixSafety.UNSAFE
        out = []
        if term.verb:
            words = matched.split()
            # The replacements are in the rule's language: a Nynorsk pack's are conjugated
            # the Nynorsk way («startar», «starta», not «starter», «startet»).
            lang = "nn" if self.languages == ("nn",) else "nb"
            category = verb_category(term, words[0], before, after, lang)
            if category is None:
                return []
            for alternative in alternatives:
                new = conjugate(alternative, category, lang)
                if new is None:
                    continue  # a replacement we cannot put in this form: leave it out
                if " " in new and after.lower() in _SPLITS_PARTICLE:
                    # «medfører dette at» → «fører dette til at», not «fører til dette at»:
                    # the subject or an adverb goes between verb and particle; no sure fix.
                    continue
                new = new if self.case_sensitive else _match_case(new, words[0])
                out.append((new, safety))
            return out
        # An inflected match keeps its ending on a one-word replacement:
        # «helsesøsteren» → «helsesykepleieren», «NAVs» → «Navs».
        head = matched[: len(term.term)]
        ending = matched[len(term.term) :] if head.lower() == term.term.lower() and " " not in term.term else None
        if term.ending == "exact" and not exact:
            return []
        if term.ending == "drop":
            ending = None
            head = matched
        for alternative in alternatives:
            if self.case_sensitive:
                new = alternative  # the preferred form is written exactly as declared
            else:
                new = _match_case(alternative, head if ending is not None else matched)
            if ending and " " not in alternative:
                new += ending
            out.append((new, safety))
        return out
