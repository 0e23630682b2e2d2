"""A Bokmål word in a Nynorsk text, and the reverse (bokmalsord-nn, nynorskord): every
word of the curated table is flagged with the other standard's form, words both standards
share are not, and quotes, names and whole passages in the other standard are left alone."""

from __future__ import annotations

import pytest

from klarsyn.checks.standard_mix import table
from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.engine.packs import builtin_rules
from klarsyn.engine.runner import check_document
from klarsyn.text.lexicon import lemmas

RULES = builtin_rules()
RULE = {"nn": "bokmalsord-nn", "nb": "nynorskord"}


def _found(text: str, lang: str) -> list[tuple[str, str | None]]:
    """(flagged text, first fix or None) of the mix rule for ``lang`` documents."""
    doc = parse(text, "utkast.md", "markdown", lang)
    findings = check_document(doc, Config(catalog=RULES)).findings
    return [(doc.source[f.start : f.end], f.fixes[0].edits[0].new_text if f.fixes else None)
            for f in findings if f.rule == RULE[lang]]


@pytest.mark.parametrize("word", sorted(table("nb")))
def test_every_bokmal_word_of_the_table_is_flagged_in_nynorsk(word: str) -> None:
    fix, names = table("nb")[word]
    found = _found(f"Vi sa {word} i går.\n", "nn")
    assert found == [(word, fix or None)]
    # The forms the message names are Nynorsk: a lemma or an inflected form, never Bokmål.
    for name in names.split("|"):
        assert name not in table("nb")


@pytest.mark.parametrize("word", sorted(table("nn")))
def test_every_nynorsk_word_of_the_table_is_flagged_in_bokmal(word: str) -> None:
    fix, _names = table("nn")[word]
    assert _found(f"Vi sa {word} i går.\n", "nb") == [(word, fix or None)]


def test_table_words_are_no_words_of_the_documents_standard() -> None:
    """A table word that is a lemma of the document's standard would be skipped unless it
    is a known homograph: the table and the lists must agree."""
    from klarsyn.checks.standard_mix import _HOMOGRAPHS

    for source, target in (("nb", "nn"), ("nn", "nb")):
        own = lemmas(target)
        assert not [w for w in table(source) if w in own and w not in _HOMOGRAPHS], source


def test_words_both_standards_share_are_not_flagged() -> None:
    text = "Det er mellom anna viktig å legge til rette etter skulen, og vi går fram og heim.\n"
    assert _found(text, "nn") == []
    assert _found("Det er viktig å legge til rette mellom husene etter skolen, og vi går fram og heim.\n", "nb") == []


def test_regular_derivations_give_the_other_standards_form() -> None:
    assert _found("Det er eit særlig viktig og vanlig problem.\n", "nn") == [("særlig", "særleg"), ("vanlig", "vanleg")]
    assert _found("Vi har ein hvit bil og ei selvstendig rolle.\n", "nn") == [("hvit", "kvit"), ("selvstendig", "sjølvstendig")]
    assert _found("Det er et særleg viktig spørsmål.\n", "nb") == [("særleg", "særlig")]
    # A definite -heit noun changes gender between the standards: named, no fix.
    assert _found("Vi tenkjer på sikkerheten.\n", "nn") == [("sikkerheten", None)]
    # A noun's endings differ too («fremtiden» is «framtida»): the message names the lemma.
    doc = parse("Vi tenkjer på fremtiden.\n", "utkast.md", "markdown", "nn")
    [finding] = [f for f in check_document(doc, Config(catalog=RULES)).findings if f.rule == "bokmalsord-nn"]
    assert not finding.fixes and "«framtid»" in finding.message


def test_s_passive_after_a_modal_is_flagged_in_nynorsk_only() -> None:
    assert _found("Planen skal legges fram i juni.\n", "nn") == [("legges", None)]
    assert _found("Planen skal leggast fram i juni, og det synes vi er bra.\n", "nn") == []


def test_quotes_names_and_capitals_are_left_alone() -> None:
    assert _found("Han sa: «Jeg vet ikke.» Så gjekk han heim.\n", "nn") == []
    assert _found("Boka «Hvem er vi» kom ut i fjor, og Frøken Hvit las.\n", "nn") == []
    assert _found("Partiet vil fjerne DEI-arbeidet og kutte DEI.\n", "nb") == []


def test_a_passage_in_the_other_standard_is_not_a_finding_per_word() -> None:
    nynorsk = ("Vi vil byggje fleire vegar. Jeg vet ikke hva vi skal gjøre, men vi må finne en løsning "
               "sammen med de andre.\n\nSaka er viktig for kommunen.\n")
    assert _found(nynorsk, "nn") == []
    # A law cited in Nynorsk in a Bokmål programme: one clause, several Nynorsk words.
    bokmal = "Loven sier: Med samtykke frå Stortinget kan departementet fastsetje bompengar på offentleg veg.\n"
    assert _found(bokmal, "nb") == []


def test_direct_speech_after_a_dash_is_a_quote() -> None:
    text = "Ho gler seg.\n\n- Eg gler meg som bare det, seier Tone.\n\nDet blir bare moro.\n"
    assert _found(text, "nn") == [("bare", "berre")]
