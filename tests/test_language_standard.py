"""Bokmål and Nynorsk told apart per passage from 20 words on (text/language.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.engine.runner import check_document
from klarsyn.text.language import detect_language, passage_standard

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# 25 words each: short enough that the old function-word count read three in ten such
# Nynorsk paragraphs of UD as Bokmål.
NYNORSK = (
    "Kommunen skal byggje fleire bustader for unge i sentrum, og vi vil at skulane får "
    "betre tilhøve for elevane sine i dei neste åra."
)
BOKMAL = (
    "Kommunen skal bygge flere boliger for unge i sentrum, og vi vil at skolene får "
    "bedre forhold for elevene sine i de neste årene."
)


def test_a_short_nynorsk_passage_is_nynorsk_and_its_bokmal_twin_bokmal() -> None:
    assert passage_standard(NYNORSK) == "nn"
    assert passage_standard(BOKMAL) == "nb"
    assert detect_language(NYNORSK) == "nn"
    assert detect_language(BOKMAL) == "nb"


def test_under_twenty_words_or_mixed_evidence_is_left_undecided() -> None:
    assert passage_standard("Vi vil byggje fleire bustader.") is None
    mixed = NYNORSK + " " + BOKMAL
    assert passage_standard(mixed) is None


def test_a_short_nynorsk_draft_gets_the_nynorsk_packs_and_messages() -> None:
    source = "# Skule\n\nKommunen skal samt byggje fleire bustader for unge i sentrum, og vi vil at skulane får betre tilhøve for elevane sine.\n"
    doc = parse(source, "utkast.md", "markdown")
    assert doc.language == "nn"
    findings = check_document(doc, Config()).findings
    samt = [f for f in findings if source[f.start : f.end] == "samt"]
    assert samt and all(f.rule.endswith("-nn") for f in samt), [(f.rule, f.message) for f in findings]


def _evaluation():
    spec = importlib.util.spec_from_file_location("eval_passage_language", ROOT / "scripts" / "eval_passage_language.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (SHARED / "data" / "ud").is_dir(), reason="UD Norwegian dev data not beside the checkout")
def test_ud_passages_of_twenty_words_or_more_are_rarely_read_as_the_other_standard() -> None:
    matrix = _evaluation().standard_matrix(SHARED)
    for (gold, label), counts in matrix.items():
        if label == "paragraphs 8-19":
            continue
        total = sum(counts.values())
        other = counts["nn" if gold == "nb" else "nb"]
        assert other <= 0.02 * total, (gold, label, counts)
    # Deciding matters too: a 30-word passage is undecided at most one time in ten.
    for gold in ("nb", "nn"):
        counts = matrix[(gold, "windows of 30")]
        assert counts[None] <= 0.10 * sum(counts.values()), (gold, counts)
        assert counts[gold] >= 0.88 * sum(counts.values())


@pytest.mark.skipif(not (SHARED / "corpus" / "programmes").is_dir(), reason="the programmes are not beside the checkout")
def test_no_paragraph_of_the_bokmal_programmes_reads_as_nynorsk() -> None:
    for path in sorted((SHARED / "corpus" / "programmes").glob("*.txt")):
        paragraphs = [" ".join(p.split()) for p in path.read_text(encoding="utf-8").split("\n\n")]
        wrong = [p for p in paragraphs if passage_standard(p) == "nn"]
        assert wrong == [], (path.name, wrong[:3])
