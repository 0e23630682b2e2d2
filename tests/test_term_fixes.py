"""The first fix of a word-list finding, applied to its sentence, gives correct Norwegian:
what an author gets from one click."""

from __future__ import annotations

import pytest

from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.engine.runner import check_document


def _fixed(text: str, rule: str = "kanselli") -> str | None:
    doc = parse(text, "utkast.md", "markdown", "nb")
    [finding] = [f for f in check_document(doc, Config(select=(rule,))).findings if f.rule == rule]
    if not finding.fixes:
        return None
    [edit] = finding.fixes[0].edits
    return text[: edit.start] + edit.new_text + text[edit.end :]


@pytest.mark.parametrize("text, expected", [
    # After a comma «og» may need the comma (a clause) or not (a list): no fix.
    ("Vi vil satse på veier og transport, samt informasjon til alle.", None),
    ("Vi vil satse på veier samt informasjon til alle.", "Vi vil satse på veier og informasjon til alle."),
    # The replacement verb takes the flagged verb's form.
    ("Dette medfører store kostnader for kommunen.", "Dette fører til store kostnader for kommunen."),
    # «føre til» would need the subject or the adverb between verb and particle
    # («fører dette til»): the one-word alternative comes first instead.
    ("Samtidig medfører dette at flere flytter.", "Samtidig innebærer dette at flere flytter."),
    ("Dette medfører ofte redusert kvalitet.", "Dette innebærer ofte redusert kvalitet."),
    ("Landbruket, herunder teknologi for matproduksjon, skal styrkes.", "Landbruket, blant annet teknologi for matproduksjon, skal styrkes."),
])
def test_first_fix_reads_right(text: str, expected: str | None) -> None:
    assert _fixed(text) == expected


# -- Nynorsk verbs: a verb entry of a Nynorsk pack gets its fix in the Nynorsk form ------
#
# The entries are kanselli-nn's («iverksetje», «motta», «medføre»), written the way a
# Bokmål verb entry is (``verb: [present, past, participle]``), in a project pack of
# language nn: the replacement verb must take the Nynorsk form of the flagged one, and
# where that form is not certain (a strong participle after «vart», which agrees with its
# subject) there is no fix rather than a wrong one.

_NN_PACK = """\
id: nn-verb
type: substitution
severity: warning
message: {nn: "Skriv heller {suggestions}."}
description: Kanselliverb i nynorsk.
fix_safety: unsafe
terms:
  - term: iverksetje
    replace: [starte]
    verb: [iverkset, iverksette, iverksett]
    inflect: false
  - term: motta
    replace: [få]
    verb: [mottek, mottok, motteke]
    inflect: false
  - term: medføre
    replace: [føre til]
    verb: [medfører, medførte, medført]
    inflect: false
  - term: utferdige
    replace: [skrive]
    verb: [utferdigar, utferdiga, utferdiga]
    inflect: false
examples:
  bad: ["Kommunen iverkset tiltaket."]
  good: ["Kommunen startar tiltaket."]
"""


@pytest.fixture(scope="module")
def nn_catalog(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from klarsyn.engine.packs import load_rules

    folder = tmp_path_factory.mktemp("nn-pack")
    (folder / "pack.yml").write_text("id: prosjekt-nn\nlanguage: nn\n", encoding="utf-8")
    (folder / "nn-verb.yml").write_text(_NN_PACK, encoding="utf-8")
    return load_rules((folder,))


def _fixed_nn(text: str, catalog) -> str | None:  # type: ignore[no-untyped-def]
    doc = parse(text, "utkast.md", "markdown", "nn")
    [finding] = [f for f in check_document(doc, Config(select=("nn-verb",), catalog=catalog)).findings if f.rule == "nn-verb"]
    if not finding.fixes:
        return None
    [edit] = finding.fixes[0].edits
    return text[: edit.start] + edit.new_text + text[edit.end :]


@pytest.mark.parametrize("text, expected", [
    # An a-verb: -ar, -a, -a (Bokmål would give «starter», «startet»).
    ("Kommunen iverkset tiltaket no.", "Kommunen startar tiltaket no."),
    ("Vi iverksette tiltaket i fjor.", "Vi starta tiltaket i fjor."),
    # «iverksette» after a noun may be the plural participle («dei iverksette tiltaka»),
    # as in Bokmål: no fix.
    ("Kommunen iverksette tiltaket i fjor.", None),
    ("Kommunen har iverksett tiltaket.", "Kommunen har starta tiltaket."),
    ("Kommunen skal iverksetje tiltaket.", "Kommunen skal starte tiltaket."),
    # The s-passive in -ast, and the participle after «vart» (an a-verb's does not agree).
    ("Tiltaket må iverksetjast straks.", "Tiltaket må startast straks."),
    ("Tiltaket vart iverksett i fjor.", "Tiltaket vart starta i fjor."),
    # A strong verb: «får», «fekk», «fått» (Bokmål «fikk»).
    ("Kommunen mottek søknaden.", "Kommunen får søknaden."),
    ("Kommunen mottok søknaden i går.", "Kommunen fekk søknaden i går."),
    ("Kommunen har motteke søknaden.", "Kommunen har fått søknaden."),
    # An e-verb with a particle: the same in both standards.
    ("Det medfører store kostnader.", "Det fører til store kostnader."),
    ("Dei medførte store kostnader.", "Dei førte til store kostnader."),
    # «skrive»: «skreiv», «har skrive»; after «vart» the participle agrees with the subject
    # («brevet vart skrive», «søknaden vart skriven»): no fix.
    ("Kommunen utferdiga brevet.", "Kommunen skreiv brevet."),
    ("Kommunen har utferdiga brevet.", "Kommunen har skrive brevet."),
    ("Brevet vart utferdiga i går.", None),
])
def test_nynorsk_verb_fix_takes_the_nynorsk_form(text: str, expected: str | None, nn_catalog) -> None:  # type: ignore[no-untyped-def]
    assert _fixed_nn(text, nn_catalog) == expected
