"""What an edit changed (engine/edits.py), and the findings carried across it."""

from __future__ import annotations

import random

from klarsyn.engine.edits import Span, carry, changed_span
from klarsyn.findings import Edit, Finding, Fix, FixSafety, Related, Severity


def test_changed_span_is_the_one_span_that_differs() -> None:
    rng = random.Random(3)
    for _ in range(3000):
        old = "".join(rng.choice("ab\r\n") for _ in range(rng.choice([0, 1, 7, 300, 9000])))
        at = rng.randrange(len(old) + 1)
        new = old[:at] + "".join(rng.choice("ab\n") for _ in range(rng.choice([0, 1, 3]))) + old[at + rng.choice([0, 1, 5000]) :]
        span = changed_span(old, new)
        if span is None:
            assert old == new
            continue
        assert old[: span.start] == new[: span.start] and old[span.old_end :] == new[span.new_end :]
        # As small as it can be: one more character on either side would differ.
        assert span.start == min(len(old), len(new)) or old[span.start] != new[span.start] or span.start in (span.old_end, span.new_end)
        assert span.start <= span.old_end and span.start <= span.new_end


def _finding(start: int, end: int, related: list[Related] | None = None, fix_at: tuple[int, int] | None = None) -> Finding:
    fixes = [Fix("bytt", (Edit(*fix_at, "y"),), FixSafety.SAFE)] if fix_at else []
    return Finding("skrivefeil", Severity.WARNING, "m", start, end, fixes, {}, related or [])


def test_carry_keeps_what_the_edit_did_not_touch_and_moves_what_follows() -> None:
    span = Span(start=50, old_end=52, new_end=55)  # two characters became five
    before, touched, beside, after = _finding(10, 20), _finding(48, 51), _finding(40, 50), _finding(60, 70, fix_at=(60, 70))
    kept = carry([before, touched, beside, after], span, "/a.md")
    assert [(f.start, f.end) for f in kept] == [(10, 20), (63, 73)]  # typing right after a word changes the word
    assert kept[1].fixes[0].edits[0].start == 63


def test_carry_moves_related_places_in_the_same_file_only() -> None:
    span = Span(start=50, old_end=50, new_end=51)
    f = _finding(60, 70, related=[Related("/a.md", 10, 20, "here"), Related("/a.md", 80, 90, "later"), Related("/b.md", 80, 90, "other")])
    [moved] = carry([f], span, "/a.md")
    assert [(r.path, r.start, r.end) for r in moved.related] == [("/a.md", 10, 20), ("/a.md", 81, 91), ("/b.md", 80, 90)]
    pointing_into_the_edit = _finding(60, 70, related=[Related("/a.md", 45, 55, "edited")])
    assert carry([pointing_into_the_edit], span, "/a.md") == []


def test_a_draft_carries_the_newest_pass_findings_not_an_older_carry() -> None:
    from klarsyn.lsp.state import Draft

    d = Draft("file:///a.md", "/a.md", "markdown", "Vi vil ha felleskapet.\n")
    old_text = d.text
    d.workspace_findings, d.workspace_text = [_finding(10, 21)], old_text
    d.text = "X" + old_text  # an edit before the word
    assert [(f.start, f.end) for f in d.cross_file()] == [(11, 22)]
    d.workspace_findings = [_finding(3, 6)]  # a newer pass, still on the older text, found another
    assert [(f.start, f.end) for f in d.cross_file()] == [(4, 7)]
