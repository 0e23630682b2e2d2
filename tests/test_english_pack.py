"""The English pack (rules/en): an English draft gets it, with English messages and fixes in
the matched form; Bokmål and Nynorsk drafts never do, and the Norwegian word packs stay off
English text."""

from __future__ import annotations

import json
from pathlib import Path

from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.engine.packs import builtin_rules
from klarsyn.engine.rules import TermRule
from klarsyn.engine.runner import check_document, enabled_rules

RULES = builtin_rules()
BY_ID = {r.id: r for r in RULES}
EN_RULES = sorted(r.id for r in RULES if r.pack == "en")
NORWEGIAN_WORD_PACKS = ("nb", "nn", "norsk")

ENGLISH = (
    "# Our programme for a fairer city\n\n"
    "In order to build more homes, the council will utilise empty plots prior to 2027. "
    "The chairman of the housing board says rents rise due to the fact that too few homes are built.\n\n"
    "- Better services for the disabled, e.g. step-free buses.\n"
    "- A disabled toilet at every station.\n"
)
BOKMAL = (
    "Kommunen vil bygge flere boliger samt utvide kollektivtilbudet. Talsmannen sier at tiltakene "
    "må iverksettes straks, og at «chairman» er et ord vi ikke bruker her.\n"
)
NYNORSK = "Kommunen vil byggje fleire bustader og utvide kollektivtilbodet. Det er ikkje nok, seier talsmannen.\n"


def _check(text: str, lang: str | None = None, **config: object):
    doc = parse(text, "draft.md", "markdown", lang)
    result = check_document(doc, Config(catalog=RULES, **config))  # type: ignore[arg-type]
    return doc, [(doc.source[f.start : f.end], f) for f in result.findings]


def test_the_english_pack_is_english_only_with_english_messages_first() -> None:
    assert EN_RULES == ["abbreviations-en", "inclusive-en", "plain-words-en"]
    for rule_id in EN_RULES:
        rule = BY_ID[rule_id]
        assert rule.languages == ("en",), rule_id
        assert list(rule.message)[0] == "en" and set(rule.message) == {"en", "nb", "nn"}, rule_id


def test_an_english_draft_gets_the_english_pack_with_english_messages() -> None:
    doc, findings = _check(ENGLISH)
    assert doc.language == "en"  # detected, not declared
    by_rule: dict[str, list] = {}
    for text, f in findings:
        by_rule.setdefault(f.rule, []).append((text, f))
    assert not {f.rule for _t, f in findings} & {r.id for r in RULES if r.pack in NORWEGIAN_WORD_PACKS}
    flagged = {rule: [t for t, _f in items] for rule, items in by_rule.items()}
    assert flagged["plain-words-en"] == ["In order to", "utilise", "prior to", "due to the fact that"]
    assert flagged["inclusive-en"] == ["chairman", "the disabled"]  # not «A disabled toilet»
    assert flagged["abbreviations-en"] == ["e.g."]

    _t, in_order = by_rule["plain-words-en"][0]
    assert in_order.message.startswith("“In order to” is a wordy or stiff way to say it. Plain English has “to”.")
    assert in_order.fixes[0].edits[0].new_text == "To" and in_order.fixes[0].safety.value == "safe"
    _t, chairman = by_rule["inclusive-en"][0]
    assert "“chair” or “chairperson”" in chairman.message and chairman.fixes[0].edits[0].new_text == "chair"
    _t, disabled = by_rule["inclusive-en"][1]
    assert disabled.fixes[0].edits[0].new_text == "disabled people"
    _t, eg = by_rule["abbreviations-en"][0]
    assert eg.message.startswith("Spell out the abbreviation: write “for example” or “such as” instead of “e.g.”.")


def test_a_verb_form_gets_a_fix_in_the_same_form() -> None:
    _doc, findings = _check("The city has utilised the land, commences work and endeavours to help every family.\n", "en")
    fixes = {text: f.fixes[0].edits[0].new_text for text, f in findings if f.rule == "plain-words-en"}
    assert fixes == {"utilised": "used", "commences": "starts", "endeavours to": "tries to"}


def test_a_project_may_ask_for_norwegian_messages_on_an_english_draft() -> None:
    _doc, findings = _check("We act in order to help.\n", "en", message_language="nb")
    [(text, f)] = [(t, f) for t, f in findings if f.rule == "plain-words-en"]
    assert text == "in order to" and f.message.startswith("«in order to» er tung eller stiv engelsk. Enklere: «to».")


def test_norwegian_drafts_never_get_the_english_pack() -> None:
    config = Config(catalog=RULES)
    assert not set(EN_RULES) & {r.id for r in enabled_rules(config, "nb")}
    assert not set(EN_RULES) & {r.id for r in enabled_rules(config, "nn")}
    assert set(EN_RULES) <= {r.id for r in enabled_rules(config, "en")}
    for text, lang in ((BOKMAL, "nb"), (NYNORSK, "nn")):
        doc, findings = _check(text)
        assert doc.language == lang
        rules = {f.rule for _t, f in findings}
        assert not rules & set(EN_RULES), rules
    # The Norwegian packs still run there: the check is not simply empty.
    assert "inkludering-kjonn" in {f.rule for _t, f in _check(BOKMAL)[1]}


def test_norwegian_endings_are_not_put_on_english_words() -> None:
    """The engine's regular endings are Norwegian («a» + «s» would make «as number of»);
    every English entry matches only as written, its forms listed as entries of their own."""
    for rule_id in EN_RULES:
        rule = BY_ID[rule_id]
        assert isinstance(rule, TermRule)
        for term in rule.terms:
            assert rule.matcher.forms_of(term) == {" ".join(term.term.lower().split())}, (rule_id, term.term)
    _doc, findings = _check("As number of voters grow, utiliser and chairmane are no words.\n", "en")
    assert not [t for t, f in findings if f.rule in EN_RULES]


def test_every_english_entry_has_an_example() -> None:
    """Each term of the English pack is flagged by at least one of its rule's bad examples
    (which tests/test_rule_examples.py runs, with the good ones)."""
    missing = []
    for rule_id in EN_RULES:
        rule = BY_ID[rule_id]
        hit = {term.term for example in rule.bad for _s, _e, _m, term in rule.matcher.finditer(example.text)}
        missing += [(rule_id, term.term) for term in rule.terms if term.term not in hit]
    assert not missing, missing


def test_cli_checks_an_english_file(run_cli, tmp_path: Path) -> None:
    draft = tmp_path / "summary.md"
    draft.write_text(ENGLISH, encoding="utf-8")
    code, out, err = run_cli("check", str(draft), "--select", "*-en", "--fail-on", "info")
    assert code == 1, err  # plain-words-en and abbreviations-en are info, inclusive-en a warning
    lines = [line for line in out.splitlines() if line.startswith(str(draft))]
    assert f"{draft}:3:1: info plain-words-en “In order to” is a wordy or stiff way to say it. Plain English has “to”. “In order” adds nothing to “to”." in lines
    assert any(" warning inclusive-en “chairman” may label, leave out or hurt the people it is about." in line for line in lines)
    assert "7 findings (2 warnings, 5 info)" in out
    # A plain-text file whose language is given on the command line, as JSON.
    text = tmp_path / "summary.txt"
    text.write_text("We will commence the work prior to the election.\n", encoding="utf-8")
    code, out, _err = run_cli("check", str(text), "--lang", "en", "--select", "plain-words-en", "--format", "json")
    [file] = json.loads(out)["files"]
    assert file["language"] == "en"
    flagged = [(text.read_text(encoding="utf-8")[slice(*d["offset"])], d["fixes"][0]["edits"][0]["new_text"] if d.get("fixes") else None) for d in file["diagnostics"]]
    assert flagged == [("commence", "start"), ("prior to", "before")]
