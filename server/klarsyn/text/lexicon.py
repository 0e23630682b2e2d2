"""Norsk ordbank lemma lists (CC BY 4.0, see data/NOTICE.md), loaded on first use."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent.parent / "data"
_FILES = {"nb": "ordbank-nob-2005-lemmas.txt.gz", "nn": "ordbank-nno-2012-lemmas.txt.gz"}


@lru_cache(maxsize=2)
def lemmas(lang: str) -> frozenset[str]:
    """Every lemma of Norsk ordbank for nb or nn (empty for other languages)."""
    name = _FILES.get(lang)
    if name is None:
        return frozenset()
    with gzip.open(_DATA / name, "rb") as handle:
        # Empty lines left out while the set is built (a set difference after copied it all).
        return frozenset(filter(None, handle.read().decode("utf-8").split("\n")))


class _Either:
    """Membership in either of two word sets, without building their union (40 ms)."""

    __slots__ = ("_a", "_b")

    def __init__(self, a: frozenset[str], b: frozenset[str]) -> None:
        self._a, self._b = a, b

    def __contains__(self, word: object) -> bool:
        return word in self._a or word in self._b

    def __bool__(self) -> bool:
        return bool(self._a or self._b)


@lru_cache(maxsize=1)
def both_standards() -> _Either:
    """Bokmål and Nynorsk lemmas together: a Nynorsk draft quotes Bokmål (and the other
    way round), and a word known in either standard is no typo."""
    return _Either(lemmas("nb"), lemmas("nn"))
