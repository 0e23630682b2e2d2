"""Every rule's examples: each bad text yields that rule's finding (at the given span),
each good text yields none. The examples are also the rules' documentation."""

from __future__ import annotations

import pytest

from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.engine.packs import builtin_rules
from klarsyn.engine.rules import TermRule
from klarsyn.engine.runner import check_document

RULES = builtin_rules()
CASES = [(r, kind, i) for r in RULES for kind in ("bad", "good") for i in range(len(getattr(r, kind)))]


def _findings(rule, text: str, lang: str | None = None, fmt: str = "markdown"):
    lang = lang or (rule.languages[0] if rule.languages else "nb")
    if fmt == "html":
        from klarsyn.document.html import parse_html

        doc = parse_html(text, "example.html")
        doc.language = lang
    elif fmt == "pdf":
        # A PDF built from the example's spec (the PDF checks read the file, not its text).
        from tests.pdf_build import document_from_spec

        doc = document_from_spec(text, lang)
    else:
        doc = parse(text, "example.md", fmt, lang)
    result = check_document(doc, Config(select=(rule.id,), catalog=RULES))
    return doc, [f for f in result.findings if f.rule == rule.id]


@pytest.mark.parametrize("rule, kind, index", CASES, ids=[f"{r.id}-{k}{i}" for r, k, i in CASES])
def test_rule_example(rule, kind: str, index: int) -> None:
    example = getattr(rule, kind)[index]
    doc, findings = _findings(rule, example.text, example.lang, example.format)
    if kind == "good":
        assert findings == [], [doc.source[f.start : f.end] for f in findings]
        return
    assert findings, f"{rule.id} did not flag: {example.text}"
    flagged = [doc.source[f.start : f.end] for f in findings]
    if example.match is not None:
        assert example.match in flagged, flagged
    if example.fix is not None:
        # The first fix of the finding (the one covering ``match``, when given).
        finding = next(f for f, text in zip(findings, flagged) if example.match is None or text == example.match)
        if example.fix == "none":
            assert finding.fixes == [], [f.edits[0].new_text for f in finding.fixes]
        else:
            assert finding.fixes, f"{rule.id} offered no fix: {example.text}"
            assert finding.fixes[0].edits[0].new_text == example.fix, [f.edits[0].new_text for f in finding.fixes]
    if isinstance(rule, TermRule):
        forms = {form for t in rule.terms for form in rule.matcher.forms_of(t)}
        for text in flagged:
            key = " ".join(text.split())
            assert (key if rule.case_sensitive else key.lower()) in forms, text


def test_every_rule_has_messages_in_all_languages() -> None:
    for rule in RULES:
        langs = rule.languages or ("nb", "nn", "en")
        for lang in langs:
            assert lang in rule.message, (rule.id, lang)


def test_rule_ids_are_unique() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
