"""Words broken over two lines, and ligature characters, read as the words they are.

A PDF or a narrow column breaks ``utdan-`` / ``ning`` at the line end; read as written,
«utdan» and «ning» are two unknown words and every count is off. Whether the hyphen
belongs to the word cannot be known for sure; the rule here:

- ``helse-`` then ``og`` (``eller``, ``til``, ``samt``): a suspended compound, «helse- og
  omsorg»; the lines join with a space, the hyphen stays.
- ``IKT-`` / ``EU-`` / ``2025-`` then a lower-case letter: the hyphen is part of the
  compound («IKT-løsninger»); the lines join with no space.
- another word part then a lower-case letter: a break inside a word; the hyphen is
  dropped and the lines join with no space («utdanning»).
- a word part then a capital: a compound with a name, «Øst-Norge»: the hyphen stays, no space.
- the same vowel on both sides: «re-eksport», where Norwegian writes the hyphen anyway.
- anything else (a dash after a space, a digit after the break): an ordinary line join.

The plain text changes, the source does not: the dropped hyphen and the line break map to
nothing, so a finding on «utdanning» covers ``utdan-\\nning`` in the file.
"""

from __future__ import annotations

from enum import Enum

import regex

from klarsyn.document.offsets import TextBuilder

# Conjunctions and prepositions that follow a suspended compound's first part.
_SUSPENSION_WORDS = frozenset({"og", "eller", "til", "samt"})
_VOWELS = frozenset("aeiouyæøå")
_PART_BEFORE = regex.compile(r"(\w+)-\Z")
_WORD_AFTER = regex.compile(r"\p{L}\w*")

# U+FB00–FB06: one character in the source, its letters in the plain text.
LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
_LIGATURE = regex.compile("[\ufb00-\ufb06]")


class Join(Enum):
    SPACE = "space"  # an ordinary line join: the break reads as a space
    KEEP_HYPHEN = "keep"  # «IKT-» + «løsninger»: no space, the hyphen stays
    DROP_HYPHEN = "drop"  # «utdan-» + «ning»: no space, no hyphen


def join(before: str, after: str) -> Join:
    """How the line ending in ``before`` joins the line starting with ``after``."""
    part = _PART_BEFORE.search(before)
    word = _WORD_AFTER.match(after)
    if part is None or word is None or word.group().lower() in _SUSPENSION_WORDS:
        return Join.SPACE
    stem = part.group(1)
    first = word.group()[0]
    if stem[-1].lower() == first.lower() and first.lower() in _VOWELS:
        return Join.KEEP_HYPHEN
    if first.isupper() or stem[-1].isdigit() or (len(stem) > 1 and stem.isupper()):
        return Join.KEEP_HYPHEN
    return Join.DROP_HYPHEN


def add_text(builder: TextBuilder, text: str, start: int) -> None:
    """``builder.add`` with each ligature read as its letters (standing for its one
    source character)."""
    if not _LIGATURE.search(text):
        builder.add(text, start)
        return
    pos = 0
    for m in _LIGATURE.finditer(text):
        builder.add(text[pos : m.start()], start + pos)
        builder.add_synthetic(LIGATURES[m.group()], start + m.start(), 1)
        pos = m.end()
    builder.add(text[pos:], start + pos)
