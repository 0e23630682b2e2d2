"""langt-ord: a long word is one question for the author, asked where it first stands; a
name inside a sentence is never asked about (it cannot be written shorter)."""

from __future__ import annotations

from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.engine.packs import builtin_rules
from klarsyn.engine.runner import check_document

RULES = builtin_rules()


def _long_words(text: str) -> list[str]:
    doc = parse(text, "utkast.md", "markdown")
    findings = check_document(doc, Config(catalog=RULES, select=("langt-ord",))).findings
    return [doc.source[f.start : f.end] for f in findings]


def test_a_long_word_is_flagged_once_where_it_first_stands() -> None:
    text = ("# Trygghet\n\nVi styrker det kriminalitetsforebyggende arbeidet i hele kommunen.\n\n"
            "Det Kriminalitetsforebyggende arbeidet er viktig. Kriminalitetsforebyggende tiltak virker.\n")
    doc = parse(text, "utkast.md", "markdown")
    [finding] = check_document(doc, Config(catalog=RULES, select=("langt-ord",))).findings
    assert doc.source[finding.start : finding.end] == "kriminalitetsforebyggende"
    assert finding.start == text.index("kriminalitetsforebyggende")


def test_a_name_inside_a_sentence_is_not_a_long_word_but_a_sentence_start_is_checked() -> None:
    assert _long_words("Vi vil styrke Folkehelseinstituttet og Kunnskapsdepartementet.\n") == []
    assert _long_words("Arbeidstilretteleggingsordningen skal styrkes.\n") == ["Arbeidstilretteleggingsordningen"]
