"""What an analysis returns, and the word tokens analyses share."""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

_TOKEN = regex.compile(r"\p{L}[\p{L}\p{M}]*(?:[-'’]\p{L}[\p{L}\p{M}]*)*-?|\d+(?:[.,:]\d+)*|[^\s\p{L}\d]")


@dataclass
class Hit:
    """One finding of an analysis, in block-text offsets."""

    start: int
    end: int
    # For the message template; a value worded per message language is a dict keyed nb/nn/en.
    values: dict[str, object] = field(default_factory=dict)
    replacement: str | None = None  # the fix: new text for [start, end)
    fix_start: int | None = None  # when the fix covers a different range than the finding
    fix_end: int | None = None


Token = tuple[int, int, str, str]  # start, end, text, lower case


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Words (hyphenated compounds and cut compounds like ``lære-`` whole), numbers and
    single punctuation marks of ``text[start:end]``, with offsets into ``text``."""
    return [(m.start(), m.end(), m.group(), m.group().lower()) for m in _TOKEN.finditer(text, start, end if end is not None else len(text))]


def sentence_tokens(ba) -> list[list[Token]]:  # type: ignore[no-untyped-def]
    """Word tokens per sentence of an analysed block, computed once for all checks."""
    cached = ba.scratch.get("sentence_tokens")
    if cached is None:
        text = ba.block.text
        cached = ba.scratch["sentence_tokens"] = [tokens(text, s.start, s.end) for s in ba.sentences]
    return cached  # type: ignore[no-any-return]
