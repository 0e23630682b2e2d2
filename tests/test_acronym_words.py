"""The acronym rule's word counts of a file, kept from one run to the next: after any
edit they are those of the file as it is now."""

from __future__ import annotations

import random

from klarsyn.engine.kinds import acronym


def _fresh(source: str) -> tuple[dict[str, int], set[str], set[str]]:
    words = acronym._FileWords.of(source)
    return dict(words.uses), set(words.lower), set(words.title)


def _kept(path: str, source: str) -> tuple[dict[str, int], set[str], set[str]]:
    uses, lower, title = acronym._source_words(path, source)
    return dict(uses), set(lower), set(title)


def test_counts_follow_edits_of_lines_anywhere() -> None:
    path = "/tmp/kept-words-test.txt"
    acronym._FILES.pop(path, None)
    text = "NAV og Nav.\nKommunen skal ha SFO.\n\nUDI, UD og NAV.\nEnova er et foretak."
    assert _kept(path, text) == _fresh(text)
    edits = [
        text.replace("SFO", "sfo"),  # a word in capitals goes
        text + "\nNye linjer med NRK og Nrk.",  # lines come at the end
        "Først: KS.\n" + text,  # and at the start
        text.replace("\n\n", "\n"),  # a line goes
        text.replace("Nav.\n", "Nav.\nNAV igjen, NAV.\n"),  # a line comes in the middle
        "",
        text,
    ]
    for edited in edits:
        assert _kept(path, edited) == _fresh(edited)


def test_a_word_that_goes_from_the_file_is_no_longer_in_it() -> None:
    path = "/tmp/kept-words-gone.txt"
    acronym._FILES.pop(path, None)
    uses, lower, title = acronym._source_words(path, "Enova og ENOVA.\nstøtte")
    assert "Enova" in title and "støtte" in lower and uses["ENOVA"] == 1
    uses, lower, title = acronym._source_words(path, "ENOVA.\nhjelp")
    assert "Enova" not in title and "støtte" not in lower and "hjelp" in lower and uses["ENOVA"] == 1


def test_random_edits_keep_the_counts_of_a_fresh_scan() -> None:
    rng = random.Random(15)
    path = "/tmp/kept-words-random.txt"
    acronym._FILES.pop(path, None)
    pieces = ["NAV", "Nav", "nav", "SFO", " ", "\n", "og", "Kommunen", ".", "UDI", "É", "ÆØÅ", "bl.a.", "\n\n"]
    text = ""
    for _ in range(300):
        at = rng.randrange(len(text) + 1)
        if text and rng.random() < 0.4:
            text = text[:at] + text[at + rng.randrange(1, 6):]
        else:
            text = text[:at] + rng.choice(pieces) + text[at:]
        assert _kept(path, text) == _fresh(text)


def test_files_kept_are_bounded() -> None:
    for i in range(acronym._FILES_KEPT + 10):
        acronym._source_words(f"/tmp/kept-words-{i}.txt", f"NAV {i}")
    assert len(acronym._FILES) <= acronym._FILES_KEPT


def test_counts_handed_out_do_not_change_with_the_next_edit() -> None:
    path = "/tmp/kept-words-snapshot.txt"
    acronym._FILES.pop(path, None)
    uses, lower, title = acronym._source_words(path, "NAV og Nav\nskole")
    acronym._source_words(path, "NRK\nbarnehage")
    assert uses == {"NAV": 1} and set(lower) == {"og", "skole"} and set(title) == {"Nav"}
