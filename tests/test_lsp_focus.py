"""Sentence- and paragraph-level findings are underlined on their first words only, so an
editor full of long sentences is not a wall of squiggles; the whole range is one click away
in the related information, and the quick fixes still see the whole finding."""

from __future__ import annotations

from klarsyn.findings import Finding, Severity
from klarsyn.lsp.convert import focus
from klarsyn.lsp.positions import Converter
from klarsyn.lsp.wire import diagnostic_dict

SENTENCE = "Vi vil at kommunen skal bygge flere boliger for unge i alle bydelene\r\nog at leieprisene skal holdes nede."
URI = "file:///tmp/program.md"


def _finding(text: str, start: int = 0, end: int | None = None) -> Finding:
    return Finding("lang-setning", Severity.INFO, "Setningen har 27 ord.", start, len(text) if end is None else end)


def test_long_finding_is_drawn_on_its_first_four_words() -> None:
    start, end = focus(SENTENCE, 0, len(SENTENCE))
    assert SENTENCE[start:end] == "Vi vil at kommunen"


def test_short_finding_keeps_its_range() -> None:
    text = "Vi vil herunder satse på skolen."
    assert focus(text, 7, 15) == (7, 15)


def test_a_word_pair_split_by_a_line_break_keeps_its_range() -> None:
    text = "Vi vil styrke og\nog utvikle skolen."
    assert focus(text, 14, 19) == (14, 19)


def test_focus_stays_on_the_first_line() -> None:
    text = "Kort linje\nog så en lang fortsettelse av setningen her med mange ord."
    start, end = focus(text, 0, len(text))
    assert text[start:end] == "Kort linje"


def test_the_diagnostic_is_drawn_on_the_first_words_and_points_at_the_whole_sentence() -> None:
    conv = Converter(SENTENCE)
    plain = diagnostic_dict(_finding(SENTENCE), conv, None, [], URI, "nb")
    assert plain["range"] == {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 18}}
    whole = plain["relatedInformation"][0]
    assert whole["location"]["uri"] == URI
    assert whole["location"]["range"] == {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 35}}
    assert whole["message"] == "Hele teksten som funnet gjelder"
    # The code actions find the finding by the range's start and the length of the whole.
    assert plain["data"] == {"rule": "lang-setning", "length": len(SENTENCE)}


def test_nynorsk_label() -> None:
    plain = diagnostic_dict(_finding(SENTENCE), Converter(SENTENCE), None, [], URI, "nn")
    assert plain["relatedInformation"][0]["message"] == "Heile teksten som funnet gjeld"
