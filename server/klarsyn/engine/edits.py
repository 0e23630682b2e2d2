"""What an edit changed, and findings carried across it.

The language server gets a new text at every keystroke. Much of what it knew about the
old text still holds outside the few characters that changed: the cross-file findings
of the last consistency pass, the JSON of each diagnostic, the chunk boundaries. This
module finds the changed span of two texts and moves findings past it, so that work is
kept instead of thrown away (a cross-file squiggle that vanished at every keystroke and
came back after the pause was the flicker of issue 15).
"""

from __future__ import annotations

from dataclasses import dataclass

from klarsyn.findings import Edit, Finding, Fix, Related

# Slices compared at once while looking for the common prefix: large enough that the
# comparison runs in C, small enough that a change near the start is found quickly.
_STEP = 4096


@dataclass(frozen=True)
class Span:
    """``old[start:old_end]`` became ``new[start:new_end]``; the rest is the same."""

    start: int
    old_end: int
    new_end: int

    @property
    def delta(self) -> int:
        return self.new_end - self.old_end


def _common_prefix(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    at = 0
    while at < limit:  # whole steps first: a slice comparison is a memcmp
        step = min(_STEP, limit - at)
        if a[at : at + step] == b[at : at + step]:
            at += step
            continue
        lo, hi = at, at + step  # the first difference is in [lo, hi)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if a[lo:mid] == b[lo:mid]:
                lo = mid
            else:
                hi = mid
        return lo if a[lo] != b[lo] else hi
    return limit


def _common_suffix(a: str, b: str, limit: int) -> int:
    """Length of the common end of ``a`` and ``b``, at most ``limit``."""
    n = 0
    la, lb = len(a), len(b)
    while n < limit:
        step = min(_STEP, limit - n)
        if a[la - n - step : la - n] == b[lb - n - step : lb - n]:
            n += step
            continue
        lo, hi = n, n + step  # a common end of lo characters, not of hi
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if a[la - mid : la - lo] == b[lb - mid : lb - lo]:
                lo = mid
            else:
                hi = mid
        return lo
    return limit


def changed_span(old: str, new: str) -> Span | None:
    """The one span that differs between two texts (None when they are equal). Several
    edits come out as one span from the first change to the last."""
    if old is new or old == new:
        return None
    start = _common_prefix(old, new)
    suffix = _common_suffix(old, new, min(len(old), len(new)) - start)
    return Span(start, len(old) - suffix, len(new) - suffix)


def shift_finding(f: Finding, delta: int) -> Finding:
    """The finding and its fixes ``delta`` characters later (earlier when negative)."""
    if not delta:
        return f
    fixes = [Fix(fix.title, tuple(Edit(e.start + delta, e.end + delta, e.new_text) for e in fix.edits), fix.safety)
             for fix in f.fixes] if f.fixes else []
    return Finding(f.rule, f.severity, f.message, f.start + delta, f.end + delta, fixes, f.data, f.related)


def carry(findings: list[Finding], span: Span, path: str) -> list[Finding]:
    """The findings of the old text that still stand in the new one, at their new places.

    A finding is dropped when the change touches it, its fixes or its related places in
    the same file (typing right after a flagged word changes the word): what is left is
    text the edit did not reach, about which the old verdict still holds until the next
    pass confirms it."""
    kept: list[Finding] = []
    for f in findings:
        if f.end < span.start:
            if any(e.end >= span.start for fix in f.fixes for e in fix.edits):
                continue
            moved = f
        elif f.start > span.old_end:
            if any(e.start <= span.old_end for fix in f.fixes for e in fix.edits):
                continue
            moved = shift_finding(f, span.delta)
        else:
            continue
        related: list[Related] = []
        for r in moved.related:
            if r.path != path:
                related.append(r)
                continue
            if r.end >= span.start and r.start <= span.old_end:
                break  # the place it points at was edited
            delta = span.delta if r.start > span.old_end else 0
            related.append(Related(r.path, r.start + delta, r.end + delta, r.message))
        else:
            kept.append(Finding(moved.rule, moved.severity, moved.message, moved.start, moved.end, moved.fixes, moved.data,
                                related) if related != moved.related else moved)
    return kept
