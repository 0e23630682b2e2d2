"""Words broken where a PDF lost its ligatures: «re slig» is «rettslig», «nega ve» is
«negative», «Konserva vt» is «Konservativt». pdftotext drops the ligature's letters and
leaves a space; the file then says so once (rule tapte-ligaturer). Sentence and paragraph
figures over such words are wrong (two short words for one long), so the metric rules do
not judge a unit that holds one."""

from __future__ import annotations

from functools import lru_cache

import regex

from klarsyn.checks.variants import known
from klarsyn.document.layout import LIGATURE_FRAGMENTS
from klarsyn.text.lexicon import both_standards

_WORD = regex.compile(r"\p{L}+")


def has_broken_word(text: str) -> bool:
    """Two neighbouring pieces that make a known word (Bokmål or Nynorsk) with a ligature's
    letters between them, while the first piece alone is no word."""
    words = [m.group().lower() for m in _WORD.finditer(text)]
    for first, second in zip(words, words[1:]):
        if len(first) > 12 or _known(first):
            continue  # a piece that is a word by itself is read as that word
        for letters in LIGATURE_FRAGMENTS:
            if _known(first + letters + second):
                return True
    return False


@lru_cache(maxsize=65536)
def _known(word: str) -> bool:
    return known(word, both_standards())
