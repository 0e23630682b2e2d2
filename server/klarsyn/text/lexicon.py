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
        words = frozenset(handle.read().decode("utf-8").split("\n"))
    return words - {""}


@lru_cache(maxsize=1)
def both_standards() -> frozenset[str]:
    """Bokmål and Nynorsk lemmas together: a Nynorsk draft quotes Bokmål (and the other
    way round), and a word known in either standard is no typo."""
    return lemmas("nb") | lemmas("nn")
