"""Precision fixes from reading the findings on real party programmes
(/work/shared/corpus/programmes): what the rules must not flag, and fixes that must not
be offered as safe."""

from __future__ import annotations

from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.engine.packs import builtin_rules
from klarsyn.engine.runner import check_document
from klarsyn.findings import FixSafety

RULES = builtin_rules()


def _findings(rule: str, text: str, fmt: str = "text", path: str = "example.txt"):
    doc = parse(text, path, fmt, "nb")
    return doc, [f for f in check_document(doc, Config(select=(rule,), catalog=RULES)).findings if f.rule == rule]


def test_a_doubled_word_across_a_wrapped_line_is_flagged_with_an_unsafe_fix() -> None:
    doc, [f] = _findings("dobbelt-ord", "Vi vil styrke og\nog utvikle skolen i hele kommunen.\n")
    assert doc.source[f.start : f.end] == "og\nog"
    assert f.fixes and all(fix.safety is not FixSafety.SAFE for fix in f.fixes)


def test_a_doubled_word_on_one_line_keeps_its_safe_fix() -> None:
    doc, [f] = _findings("dobbelt-ord", "Vi vil styrke og og utvikle skolen.\n")
    assert f.fixes[0].safety is FixSafety.SAFE


def test_no_doubled_word_across_a_paragraph_break_or_a_line_alone() -> None:
    for text in ("ti\n\nti\n\ntt\n\ntt\n", "Tekst.\nti\nti\n", "Skolen skal styrke og\n\nog utvikle seg.\n",
                 "Rasisme\nRasisme innebærer diskriminering.\n", "Vi vil styrke og\r\n\r\nog utvikle.\r\n"):
        assert _findings("dobbelt-ord", text)[1] == [], text


def _count(text: str) -> int:
    [rule] = [r for r in RULES if r.id == "mange-bindeord"]
    from klarsyn.engine.terms import TermMatcher, term_tokens

    rule._matcher = rule._matcher or TermMatcher(rule.terms)
    return len(rule._counted(text, term_tokens(text)))


def test_only_coordinating_conjunctions_are_counted() -> None:
    assert _count("Vi vil sørge for at det finnes tilbud for alle.") == 0  # preposition
    assert _count("Vi vil det, for vi tror på det.") == 1  # conjunction (fordi)
    assert _count("Vi vil, for å sikre det, for det første bygge.") == 0
    assert _count("Det er så mye, så lenge det varer.") == 0  # adverb
    assert _count("Vi har lite penger, så vi må spare.") == 1
    assert _count("foreldre og/eller foresatte") == 1
    assert _count("helse- og omsorgstjenester og skole") == 1


def test_a_line_in_capitals_once_is_flagged_but_not_as_a_running_header() -> None:
    # Six words in capitals on a line of their own: more than a typeset title of a PDF.
    once = "Vi vil bygge skoler.\n\nVÅRT PROGRAM FOR SKOLE OG BARNEHAGE 2025\n\nVi vil ha flere lærere.\n"
    doc, [f] = _findings("versaler", once)
    assert doc.source[f.start : f.end] == "VÅRT PROGRAM FOR SKOLE OG BARNEHAGE"
    line = "\nVÅRT PROGRAM FOR SKOLE OG BARNEHAGE 2025\n\nTekst.\n"
    assert _findings("versaler", once + line + line)[1] == []
    assert _findings("versaler", "Vi vil bygge skoler.\n\nPARTI ET SENTRU M\n\nTekst her.\n")[1] == []
