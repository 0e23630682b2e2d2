"""The incremental checker gives exactly what a full check gives, before and after edits."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.engine.incremental import IncrementalChecker, chunk_starts, markdown_chunks, plaintext_chunks
from klarsyn.engine.packs import load_rules
from klarsyn.engine.runner import check_document

from tests.conftest import SAMPLE_MD, SAMPLE_TXT

# Workspace rules run separately in the language server; compare the rest.
LOCAL = Config(ignore=tuple(r.id for r in load_rules() if hasattr(r, "run_workspace")))


def full(text: str, fmt: str) -> list[tuple[str, int, int, str]]:
    result = check_document(parse(text, "d", fmt), LOCAL)
    return [(f.rule, f.start, f.end, f.message) for f in result.findings]


def incremental(checker: IncrementalChecker, text: str, fmt: str) -> list[tuple[str, int, int, str]]:
    result = checker.check(text, "d", fmt, LOCAL)
    return [(f.rule, f.start, f.end, f.message) for f in result.findings]


@pytest.mark.parametrize("path, fmt", [(SAMPLE_MD, "markdown"), (SAMPLE_TXT, "text")])
def test_same_findings_as_a_full_check(path, fmt: str) -> None:
    text = path.read_text(encoding="utf-8")
    checker = IncrementalChecker()
    assert incremental(checker, text, fmt) == full(text, fmt)
    assert len(markdown_chunks(text) if fmt == "markdown" else plaintext_chunks(text)) > 20


@pytest.mark.parametrize("path, fmt", [(SAMPLE_MD, "markdown"), (SAMPLE_TXT, "text")])
def test_same_findings_after_random_edits_and_cache_reuse(path, fmt: str) -> None:
    text = path.read_text(encoding="utf-8")
    rng = random.Random(7)
    checker = IncrementalChecker()
    incremental(checker, text, fmt)
    pieces = ["", "x", " og og ", "\n\n", "Herunder skal det innføres f.eks. ", "🙂", "\r\n", "æøå", "# Ny\n\n", "- punkt\n"]
    for _ in range(25):
        at = rng.randrange(len(text))
        cut = rng.choice([0, 0, 1, 5])
        text = text[:at] + rng.choice(pieces) + text[at + cut :]
        misses_before = checker.misses
        assert incremental(checker, text, fmt) == full(text, fmt)
        assert checker.misses - misses_before <= 4  # only the touched chunks are redone


def test_a_failing_rule_is_skipped_not_fatal(monkeypatch) -> None:
    from klarsyn.engine.rules import TermRule

    def boom(self, ctx):  # noqa: ANN001, ANN202
        raise RuntimeError("broken rule")

    monkeypatch.setattr(TermRule, "run", boom)
    checker = IncrementalChecker()
    result = checker.check("Vi vil f.eks. bygge. Skolen skal bygges. Veien må styrkes. Planen bør utredes.\n", "d", "markdown", LOCAL)
    assert checker.failures > 0
    assert [f.rule for f in result.findings] == ["mye-passiv"]  # the other rules still ran


@pytest.mark.parametrize("path, fmt", [(SAMPLE_MD, "markdown"), (SAMPLE_TXT, "text")])
def test_chunk_starts_found_again_around_an_edit_are_those_of_the_whole_text(path, fmt: str) -> None:
    """chunk_starts looks only around the change; after any edit its starts must be the
    ones a scan of the whole text finds (a wrong start would split a paragraph)."""
    find = markdown_chunks if fmt == "markdown" else plaintext_chunks
    text = path.read_text(encoding="utf-8")
    rng = random.Random(5)
    starts = chunk_starts(text, fmt, None)
    pieces = ["", "x", "\n", "\n\n", "\r\n\r\n", ".\n\nNy", ". ", "\n\n- punkt", "\n\n  innrykk", "\n\n> sitat", "Å", "\t", "\n\n1. ", "```"]
    for _ in range(400):
        at = rng.randrange(len(text) + 1)
        cut = rng.choice([0, 0, 1, 2, 3, 40])
        new = text[:at] + rng.choice(pieces) + text[at + cut :]
        starts = chunk_starts(new, fmt, (text, starts))
        text = new
        assert starts == find(text)


def test_same_findings_after_everyday_edits_of_a_real_programme() -> None:
    """A real programme (text from a PDF: running headers, page numbers, lists whose bullets
    stand alone): typing, Enter, a letter on a blank line, a joined line. After each edit
    the incremental check must give what a full check gives."""
    from tests.conftest import SHARED

    path = SHARED / "corpus" / "programmes" / "partiet_sentrum.txt"
    if not path.is_file():
        pytest.skip("the dev programmes are not here")
    text = path.read_text(encoding="utf-8")[:80_000]
    rng = random.Random(13)
    checker = IncrementalChecker()
    incremental(checker, text, "text")
    for _ in range(12):
        at = rng.randrange(len(text))
        piece, cut = rng.choice([("x", 0), ("\n", 0), ("", 1), ("V", 0), ("\n\nNy linje", 0), ("", 30)])
        text = text[:at] + piece + text[at + cut :]
        assert incremental(checker, text, "text") == full(text, "text")


PROGRAMMES = sorted((Path(__file__).resolve().parents[2] / "shared" / "corpus" / "programmes").glob("*.txt"))


@pytest.mark.skipif(not PROGRAMMES, reason="the dev programmes are not here")
@pytest.mark.parametrize("path", PROGRAMMES, ids=lambda p: p.stem)
def test_chunked_check_of_each_real_programme_equals_the_whole_check(path: Path) -> None:
    """Text from PDFs has few blank lines and numbered headings right after them: the chunk
    cuts there (docs/design.md) must leave every finding as the whole file's parse gives it."""
    text = path.read_text(encoding="utf-8")
    assert incremental(IncrementalChecker(), text, "text") == full(text, "text")
