"""The Nynorsk word packs (rules/nn): a Nynorsk document gets them, with Nynorsk messages
and fixes; a Bokmål document does not, and the Bokmål word packs stay off Nynorsk text."""

from __future__ import annotations

from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.engine.packs import builtin_rules
from klarsyn.engine.runner import check_document, enabled_rules
from klarsyn.text.lexicon import lemmas

RULES = builtin_rules()
BY_ID = {r.id: r for r in RULES}
NB_WORD_RULES = ["kanselli", "forkortelser", "akronymer", "termer", "inkludering-funksjon", "inkludering-kjonn", "inkludering-minoritet", "personforst"]
NN_WORD_RULES = [f"{r}-nn" for r in NB_WORD_RULES]

NYNORSK = (
    "Kommunen vil byggje fleire sykkelvegar samt utvide kollektivtilbodet, herunder nye busslinjer. "
    "Ta kontakt med NAV, t.d. på telefon. Bedrifta har fått støtte frå SIVA. "
    "Talsmannen for aksjonen seier at tiltaka må iverksetjast straks.\n"
)
BOKMAL = (
    "Kommunen vil bygge flere sykkelveier samt utvide kollektivtilbudet, herunder nye busslinjer. "
    "Ta kontakt med NAV, f.eks. på telefon. Bedriften har fått støtte fra SIVA. "
    "Talsmannen for aksjonen sier at tiltakene må iverksettes straks.\n"
)


def _check(text: str, lang: str | None):
    doc = parse(text, "utkast.md", "markdown", lang)
    result = check_document(doc, Config(catalog=RULES))
    return doc, result.findings


def test_every_bokmal_word_rule_has_a_nynorsk_counterpart() -> None:
    for nb_id, nn_id in zip(NB_WORD_RULES, NN_WORD_RULES):
        nb, nn = BY_ID[nb_id], BY_ID[nn_id]
        assert nb.languages == ("nb",) and nn.languages == ("nn",), (nb_id, nn_id)
        assert nn.pack == "nn" and nn.type == nb.type and nn.enabled == nb.enabled
        assert list(nn.message)[0] == "nn" and set(nn.message) == {"nn", "nb", "en"}


def test_a_nynorsk_document_gets_the_nynorsk_packs_with_nynorsk_messages() -> None:
    doc, findings = _check(NYNORSK, None)
    assert doc.language == "nn"
    by_rule = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append((doc.source[f.start : f.end], f))
    assert not set(by_rule) & set(NB_WORD_RULES), sorted(by_rule)
    flagged = {rule: [t for t, _f in items] for rule, items in by_rule.items()}
    assert flagged["kanselli-nn"] == ["samt", "herunder", "iverksetjast"]
    assert flagged["forkortelser-nn"] == ["t.d."]
    assert flagged["termer-nn"] == ["NAV"]
    assert flagged["akronymer-nn"] == ["SIVA"]
    assert flagged["inkludering-kjonn-nn"] == ["Talsmannen"]
    _text, herunder = by_rule["kanselli-nn"][1]
    assert "kansellispråk" in herunder.message and "mellom anna" in herunder.message
    assert herunder.fixes[0].edits[0].new_text == "mellom anna"
    _text, td = by_rule["forkortelser-nn"][0]
    assert td.message.startswith("Skriv forkortinga heilt ut") and td.fixes[0].edits[0].new_text == "til dømes"
    _text, talsmann = by_rule["inkludering-kjonn-nn"][0]
    assert "seier noko om kjønn" in talsmann.message and talsmann.fixes[0].edits[0].new_text == "Talspersonen"
    _text, siva = by_rule["akronymer-nn"][0]
    assert "ikkje forklart" in siva.message and "Selskapet for industrivekst (SIVA)" in siva.message


def test_a_bokmal_document_gets_none_of_the_nynorsk_packs() -> None:
    doc, findings = _check(BOKMAL, None)
    assert doc.language == "nb"
    rules = {f.rule for f in findings}
    assert not rules & set(NN_WORD_RULES), sorted(rules)
    assert {"kanselli", "forkortelser", "termer", "inkludering-kjonn"} <= rules


def test_the_language_decides_which_pack_runs() -> None:
    config = Config(catalog=RULES)
    nn_ids = {r.id for r in enabled_rules(config, "nn")}
    nb_ids = {r.id for r in enabled_rules(config, "nb")}
    enabled_nn = [r for r in NN_WORD_RULES if BY_ID[r].enabled]
    enabled_nb = [r for r in NB_WORD_RULES if BY_ID[r].enabled]
    assert set(enabled_nn) <= nn_ids and not set(enabled_nn) & nb_ids
    assert set(enabled_nb) <= nb_ids and not set(enabled_nb) & nn_ids
    # English drafts get neither.
    en_ids = {r.id for r in enabled_rules(config, "en")}
    assert not en_ids & (set(NN_WORD_RULES) | set(NB_WORD_RULES))


def test_nynorsk_suggestions_are_nynorsk_words() -> None:
    """Every word of the Nynorsk inclusion packs' suggestions is a lemma of Norsk ordbank
    nynorsk 2012, a regular inflected form of one (tilpassa, fotografar), or a compound of
    two (rullestol+brukar)."""
    nno = lemmas("nn")
    endings = ("", "ar", "ane", "e", "a", "en", "et", "t", "d", "ne", "er")
    # The preposition «i» is no entry of the list; «foreldre» is the irregular plural of «forelder».
    words = {"i", "foreldre"}

    def lemma(word: str) -> bool:
        if word in words or (word.endswith("lar") and word[:-3] + "el" in nno):  # konstabel, konstablar
            return True
        for ending in endings:
            if ending and not word.endswith(ending):
                continue
            stem = word[: len(word) - len(ending)]
            if stem in nno or stem + "e" in nno:
                return True
        return False

    def nynorsk(word: str) -> bool:
        word = word.lower()
        if lemma(word):
            return True
        return any(word[:i] in nno and (lemma(word[i:]) or (word[i] == "s" and lemma(word[i + 1 :]))) for i in range(2, len(word) - 2))

    missing = []
    for rule_id in ("inkludering-funksjon-nn", "inkludering-kjonn-nn", "inkludering-minoritet-nn", "personforst-nn"):
        for term in BY_ID[rule_id].terms:
            for suggestion in term.replace:
                for word in suggestion.replace("-", " ").split():
                    if word not in ("Downs", "CP") and not nynorsk(word):
                        missing.append((rule_id, term.term, word))
    assert not missing, missing


def test_nynorsk_inflection_stays_in_the_nynorsk_packs() -> None:
    """-ar/-ane plurals are generated for the Nynorsk packs only: «lesbar» (readable) is
    no form of the Bokmål «lesbe»."""
    minoritet = BY_ID["inkludering-minoritet"]
    forms = {f for t in minoritet.terms for f in minoritet.matcher.forms_of(t)}
    assert "lesbar" not in forms and "homsar" not in forms
    funksjon = BY_ID["inkludering-funksjon-nn"]
    forms_nn = {f for t in funksjon.terms for f in funksjon.matcher.forms_of(t)}
    assert {"dvergar", "døvetolkane", "spastikarar"} <= forms_nn


def test_every_nynorsk_entry_has_an_example() -> None:
    """Each term of the Nynorsk word packs is flagged by at least one of its rule's bad
    examples (which tests/test_rule_examples.py runs, with the good ones)."""
    from klarsyn.engine.rules import TermRule

    missing = []
    for rule in RULES:
        if rule.pack != "nn" or not isinstance(rule, TermRule):
            continue
        hit = {term.term for example in rule.bad for _s, _e, _m, term in rule.matcher.finditer(example.text)}
        missing += [(rule.id, term.term) for term in rule.terms if term.term not in hit]
    assert not missing, missing


def test_the_nynorsk_acronym_rule_knows_every_acronym_the_bokmal_rule_knows() -> None:
    # The acronyms Norwegian readers know are the same in both standards. The pack format
    # has no way to share one list, so the Nynorsk rule keeps a copy (with more, judged on
    # Nynorsk news); an acronym added to the Bokmål list only would be flagged in Nynorsk.
    nb, nn = BY_ID["akronymer"], BY_ID["akronymer-nn"]
    assert nb.known - nn.known == set()  # type: ignore[attr-defined]
    # An expansion the Bokmål rule offers as a fix is an acronym to explain in Nynorsk too,
    # unless the Nynorsk judgements found readers know it (SFO).
    assert set(nb.expansions) - set(nn.expansions) - nn.known <= {"TPS"}  # type: ignore[attr-defined]
