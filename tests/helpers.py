"""Shared assertions for tests."""

from __future__ import annotations

import re

from klarsyn.document.model import Document
from klarsyn.text.sentences import split_sentences

_MARKUP = re.compile(r"[*_`\\]")


def assert_words_map_exactly(doc: Document) -> int:
    """Every word of every block points at that word in the source (markup aside)."""
    checked = 0
    for block in doc.blocks:
        for sentence in split_sentences(block.text, doc.language):
            for w in sentence.words:
                start, end = block.source_span(w.start, w.end)
                word = block.text[w.start : w.end]
                assert _MARKUP.sub("", doc.source[start:end]) == word, (word, doc.source[start:end])
                checked += 1
    return checked
