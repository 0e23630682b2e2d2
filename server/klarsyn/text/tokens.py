"""One tokenizer for sentences and words: abbreviations, words, numbers, punctuation.

A word is a run of letters (with accents and æøå), hyphenated compounds and
``50-årsdag`` included; numbers are not words. An abbreviation from the language's
list is one token with its periods (``f.eks.``), so its periods are never read as
sentence ends, and it counts as one word.
"""

from __future__ import annotations

from enum import IntEnum
from functools import lru_cache

import regex

from klarsyn.text.abbreviations import all_abbreviations


class Kind(IntEnum):
    WORD = 1
    ABBREVIATION = 2
    NUMBER = 3
    PUNCT = 4


@lru_cache(maxsize=1)
def _pattern() -> regex.Pattern[str]:
    abbreviations = sorted(all_abbreviations(), key=len, reverse=True)
    alternation = "|".join(regex.escape(a) for a in abbreviations)
    # Every abbreviation starts with a few letters and a period (``f.``, ``bl.``, ``pst.``):
    # the lookahead rules out almost every word at once, where the alternation of 150
    # abbreviations was tried at the start of each (it took half of the tokenizing).
    lead = max(len(a.split(".", 1)[0]) for a in abbreviations)
    return regex.compile(
        rf"(?P<abbr>(?<![\p{{L}}\p{{N}}.])(?=\p{{L}}{{1,{lead}}}\.)(?i:{alternation}))"
        r"|(?P<word>(?:\d+-)?\p{L}[\p{L}\p{M}]*(?:[-'’]\p{L}[\p{L}\p{M}]*)*)"
        r"|(?P<num>\d+(?:[.,:]\d+)*)"
        r"|(?P<punct>\S)"
    )


_KINDS = {"abbr": Kind.ABBREVIATION, "word": Kind.WORD, "num": Kind.NUMBER, "punct": Kind.PUNCT}


def tokenize(text: str) -> list[tuple[Kind, int, int]]:
    """(kind, start, end) for every token of ``text``."""
    kinds = _KINDS
    return [(kinds[m.lastgroup], m.start(), m.end()) for m in _pattern().finditer(text)]  # type: ignore[index]


def letter_count(word: str) -> int:
    """Letters in a word token: hyphens, apostrophes, digits and periods do not count."""
    if word.isalpha():
        return len(word)
    return sum(1 for c in word if c.isalpha())
