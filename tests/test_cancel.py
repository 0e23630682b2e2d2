"""The language server's consistency pass stops when the author types (klarsyn.engine.cancel):
stopped, it gives no result; not stopped, or outside a pass, it runs to its end."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from klarsyn.checks.variants import all_groups, corpus_words
from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.engine import cancel
from klarsyn.engine.runner import check_document

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "lokalvalg-2023-utkast.md"


def _analysis():  # type: ignore[no-untyped-def]
    document = parse(SAMPLE.read_text(encoding="utf-8"), str(SAMPLE), "markdown", "nb")
    return check_document(document, Config()).analysis


def test_outside_a_pass_check_does_nothing() -> None:
    cancel.check()
    words = corpus_words([_analysis()], frozenset())
    assert len(words) > 1000
    assert isinstance(all_groups("misspelling", words, "nb", {}), list)


def test_a_set_event_stops_the_word_list_and_the_groups() -> None:
    analysis = _analysis()
    words = corpus_words([analysis], frozenset())
    stop = threading.Event()
    stop.set()
    with cancel.cancellable(stop):
        with pytest.raises(cancel.Cancelled):
            corpus_words([analysis], frozenset())
        with pytest.raises(cancel.Cancelled):
            all_groups("misspelling", words, "nb", {})
    cancel.check()  # the event is this block's only


def test_an_event_set_from_another_thread_stops_the_pass_midway() -> None:
    analysis = _analysis()
    stop = threading.Event()
    seen: list[str] = []

    def work() -> None:
        with cancel.cancellable(stop):
            try:
                for _ in range(10_000):
                    corpus_words([analysis], frozenset())
                seen.append("finished")
            except cancel.Cancelled:
                seen.append("stopped")

    thread = threading.Thread(target=work)
    thread.start()
    stop.set()
    thread.join(10)
    assert seen == ["stopped"]
