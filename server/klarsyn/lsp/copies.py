"""Copies of one draft under two names or formats (utkast.md and its export utkast.txt, an
old utkast-v1.md beside utkast-v2.md) count once in the consistency pass. Counted twice,
every spelling doubles, and a typo fixed in the draft but still in the copy turned into a
«two forms» finding between the two.

Texts are compared on their word sequence, not their bytes, so Markdown and the plain-text
export of it are the same. Which one is kept: the open one, else the newer file."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from klarsyn.engine.runner import CheckResult

if TYPE_CHECKING:
    from klarsyn.lsp.state import Draft

# A near copy (an old version with a few paragraphs edited) also counts once: its words are
# the draft's words again, and the paragraphs fixed since would still "disagree" with the
# draft. 90 % of the paragraphs of the longer text is far above what two real chapters
# share (a repeated contact line or heading at most), and the rule only applies from
# NEAR_COPY_MIN_PARAGRAPHS on: two short notes that share their only paragraphs are not
# evidence of a copy, so below that only an identical word sequence is one.
NEAR_COPY_SHARE = 0.9
NEAR_COPY_MIN_PARAGRAPHS = 5

Fingerprint = tuple[int, frozenset[int], int]  # (word sequence, paragraphs, paragraph count)


def fingerprint(result: CheckResult) -> Fingerprint:
    whole: list[int] = []
    paragraphs: set[int] = set()
    count = 0
    for ba in result.analysis.blocks:
        text = ba.block.text
        words = tuple(text[w.start:w.end].casefold() for s in ba.sentences for w in s.words)
        if not words:
            continue
        h = hash(words)
        whole.append(h)
        paragraphs.add(h)
        count += 1
    return hash(tuple(whole)), frozenset(paragraphs), count


def is_copy(a: Fingerprint, b: Fingerprint) -> bool:
    if a[0] == b[0] and a[2] > 0:
        return True
    if min(a[2], b[2]) < NEAR_COPY_MIN_PARAGRAPHS:
        return False
    return len(a[1] & b[1]) >= NEAR_COPY_SHARE * max(len(a[1]), len(b[1]))


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


def distinct(drafts: list[tuple["Draft", Fingerprint]]) -> tuple[list["Draft"], list["Draft"]]:
    """(kept, left out as copies of a kept one). The open ones first, then the newer, then
    by path, so the choice does not flicker between passes."""
    order = sorted(drafts, key=lambda item: (not item[0].is_open, -_mtime(item[0].path), item[0].path))
    kept: list[tuple["Draft", Fingerprint]] = []
    dropped: list["Draft"] = []
    for draft, fp in order:
        if any(is_copy(fp, other) for _d, other in kept):
            dropped.append(draft)
        else:
            kept.append((draft, fp))
    return [d for d, _fp in kept], dropped
