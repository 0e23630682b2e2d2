"""The first fix of a word-list finding, applied to its sentence, gives correct Norwegian:
what an author gets from one click."""

from __future__ import annotations

import pytest

from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.engine.runner import check_document
from tests.conftest import SHARED


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


def test_nynorsk_er_verb_replacement() -> None:
    from klarsyn.engine.terms import conjugate

    # «vurdere»: present «vurderer», past «vurderte», «har vurdert», passive «vurderast»;
    # after «vart» the participle agrees (vurdert, vurderte): no form.
    forms = [conjugate("vurdere", c, "nn") for c in ("pres", "past", "part", "pass", "ppart")]
    assert forms == ["vurderer", "vurderte", "vurdert", "vurderast", None]


_UD_NYNORSK = SHARED / "data" / "ud" / "no_nynorsk-ud-dev.conllu"
# Where UD Nynorsk dev has the verb in a form other than the table's, and the table's is
# also right in the 2012 norm (or UD's is a slip).
_ALSO_RIGHT = {
    ("gi", "past"),  # «ga» and «gav»
    ("delta", "part"),  # «deltatt» and «delteke»
    ("selje", "part"),  # UD «seld» is the adjective; «har selt»
    ("lage", "past"),  # «lagde» and «laga»
    ("kontrollere", "pres"),  # UD «kontroller», a slip
}


@pytest.mark.skipif(not _UD_NYNORSK.exists(), reason="the shared UD data is not here")
def test_the_nynorsk_verb_table_agrees_with_ud_nynorsk() -> None:
    # Each present, past and participle of the table that UD Nynorsk dev has for the same
    # verb is one of UD's forms: the table is not Bokmål («startet», «fikk») in disguise.
    from klarsyn.engine.terms import NN_VERBS

    seen: dict[tuple[str, str], set[str]] = {}
    for line in _UD_NYNORSK.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) < 6 or cols[3] not in ("VERB", "AUX"):
            continue
        feats = cols[5]
        kind = "pres" if "Tense=Pres" in feats else "past" if "Tense=Past" in feats else (
            "part" if feats == "VerbForm=Part" or "Gender=Neut" in feats else None)
        if kind:
            seen.setdefault((cols[2], kind), set()).add(cols[1].lower())
    checked, wrong = 0, []
    for verb, forms in NN_VERBS.items():
        for kind, form in zip(("pres", "past", "part"), forms):
            ud = seen.get((verb, kind))
            if ud and form != "-" and (verb, kind) not in _ALSO_RIGHT:
                checked += 1
                if form not in ud:
                    wrong.append((verb, kind, form, sorted(ud)))
    assert checked > 100 and not wrong
