"""Words broken where a PDF lost its ligatures: «re slig» is «rettslig», «nega ve» is
«negative», «Konserva vt» is «Konservativt». pdftotext drops the ligature's letters and
leaves a space; the file then says so once (rule tapte-ligaturer). Sentence and paragraph
figures over such words are wrong (two short words for one long), so the metric rules do
not judge a unit that holds one."""

from __future__ import annotations

import regex

from klarsyn.checks.variants import known
from klarsyn.document.layout import LIGATURE_FRAGMENTS

_WORD = regex.compile(r"\p{L}+")


def has_broken_word(text: str, lex: frozenset[str]) -> bool:
    """Two neighbouring pieces that make a known word with a ligature's letters between
    them, while the first piece alone is no word."""
    words = [m.group().lower() for m in _WORD.finditer(text)]
    for first, second in zip(words, words[1:]):
        if len(first) > 12 or known(first, lex) and len(first) > 3:
            continue
        for letters in LIGATURE_FRAGMENTS:
            if known(first + letters + second, lex):
                return True
    return False
