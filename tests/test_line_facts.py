"""What the layout pass reads of each line, told by cheaper means than the patterns it
replaced: the same answers."""

from __future__ import annotations


def test_a_line_ends_a_sentence_as_the_pattern_says() -> None:
    import random

    import regex

    from klarsyn.document.columns import line_shape

    ends_sentence = regex.compile(r"[.!?:][»\"”’)]*\Z")
    rng = random.Random(7)
    alphabet = ["a", "B", " ", ".", "!", "?", ":", "»", '"', "”", "’", ")", "-", "«", "\t", "5", "…"]
    lines = ["", " ", ".", "»", "Slutt.", "Slutt.»", "Slutt.» ", "utdan-", "ord", "(ja)", "Hva?!»)"]
    lines += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 12))) for _ in range(3000)]
    for line in lines:
        expected = bool(ends_sentence.search(line.rstrip()))
        assert (line_shape(line).end == "sentence") == expected, repr(line)


def test_the_longest_lone_marker_fits_the_length_test() -> None:
    from klarsyn.document.layout import LONE_MARKER_CHARS, LONE_MARKER, line_facts

    for marker in ("•", "-", "a)", "(a)", "12)", "(123)", "(viiii)", " \t(xv) ", "\f•"):
        assert LONE_MARKER.fullmatch(marker) and line_facts([marker])[0].lone_marker, marker
    assert not LONE_MARKER.fullmatch("(" + "i" * (LONE_MARKER_CHARS - 1) + ")")
    assert not line_facts(["• Skolen skal"])[0].lone_marker
