"""LIX against hand counts. Long word: more than six letters."""

from __future__ import annotations

import pytest

from klarsyn.document.loader import parse
from klarsyn.metrics.analysis import analyze
from klarsyn.metrics.lix import Counts, band


def doc_counts(text: str, fmt: str = "text") -> Counts:
    return analyze(parse(text, "t", fmt, "nb")).counts


def test_hand_counted_text_with_abbreviation_and_ordinal() -> None:
    # S1: Kommunen* skal bygge flere boliger*            -> 5 words, 2 long
    # S2: Vi vil f.eks. ha (17.) mai-feiring* i alle bydeler*  -> 8 words, 2 long
    text = "Kommunen skal bygge flere boliger. Vi vil f.eks. ha 17. mai-feiring i alle bydeler."
    counts = doc_counts(text)
    assert (counts.words, counts.sentences, counts.long_words) == (13, 2, 4)
    assert counts.lix == pytest.approx(13 / 2 + 100 * 4 / 13)


def test_hand_counted_text_with_time_section_sign_and_jf() -> None:
    # S1: Møtet starter* kl. (14.30) i sal (3.)          -> 5 words, 1 long
    # S2: Saken gjelder* (§ 3-1) i loven, jf. forskriften*  -> 6 words, 2 long
    text = "Møtet starter kl. 14.30 i sal 3. Saken gjelder § 3-1 i loven, jf. forskriften."
    counts = doc_counts(text)
    assert (counts.words, counts.sentences, counts.long_words) == (11, 2, 3)
    assert counts.lix == pytest.approx(11 / 2 + 100 * 3 / 11)


def test_headings_do_not_count_but_list_items_do() -> None:
    text = "# Overskrift med langeeeee ord\n\nKort setning her.\n\n- Listepunkt teller også\n"
    counts = doc_counts(text, "markdown")
    # "Kort setning her." = 3 words (setning* long), "Listepunkt* teller også" = 3 words (Listepunkt long)
    assert (counts.words, counts.sentences, counts.long_words) == (6, 2, 2)


def test_section_includes_subsections() -> None:
    text = (
        "# Kapittel\n\nEn to tre.\n\n## Del\n\nFire fem seks sju.\n\n# Neste\n\nÅtte ni.\n"
    )
    analysis = analyze(parse(text, "t", "markdown", "nb"))
    by_title = {s.title: s.counts for s in analysis.sections}
    assert by_title["Kapittel"].words == 7
    assert by_title["Del"].words == 4
    assert by_title["Neste"].words == 2
    assert [s.path for s in analysis.sections] == [("Kapittel",), ("Kapittel", "Del"), ("Neste",)]


def test_empty_text_has_no_lix() -> None:
    assert Counts().lix is None
    assert band(None) == ""


@pytest.mark.parametrize(
    "lix, nb, en",
    [(25, "svært lettlest", "very easy"), (35, "lettlest", "easy"), (47, "middels", "medium"),
     (55, "vanskelig", "hard"), (60, "svært vanskelig", "very hard")],
)
def test_bands(lix: float, nb: str, en: str) -> None:
    assert band(lix, "nb") == nb
    assert band(lix, "en") == en
