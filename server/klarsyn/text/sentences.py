"""Sentences and words of one block of text.

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or
brackets after it) when white space and then a capital letter, a digit, an opening
quote or a dash follow, or the block ends. A colon ends a sentence when a capital
letter, a quote or a dash follows it; a semicolon never does. Abbreviations,
ordinals (``17. mai``), decimals and times (``14.30``), ``§ 3-1`` and initials
(``Finn A. Eilertsen``) never end one.
"""

from __future__ import annotations

from dataclasses import dataclass

from klarsyn.text.abbreviations import FINAL, INNER
from klarsyn.text.tokens import Kind, letter_count, tokenize

_TERMINAL = frozenset(".!?…")
_CLOSERS = frozenset("»\"”’')]")
_OPENERS = frozenset("«\"“‘'([–—-•")
_QUOTE_OR_DASH = frozenset("«\"“–—-")

LONG_WORD_LETTERS = 6  # LIX: a long word has more than six letters


@dataclass(slots=True)
class Word:
    start: int
    end: int
    letters: int

    @property
    def is_long(self) -> bool:
        return self.letters > LONG_WORD_LETTERS


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    words: list[Word]

    @property
    def long_words(self) -> int:
        return sum(1 for w in self.words if w.letters > LONG_WORD_LETTERS)


def _starts_sentence(text: str, pos: int) -> bool:
    ch = text[pos]
    return ch.isupper() or ch.isdigit() or ch in _OPENERS


def split_sentences(text: str, lang: str = "nb") -> list[Sentence]:
    """Split one block's plain text into sentences with their words."""
    tokens = tokenize(text)
    inner = INNER.get(lang, INNER["nb"])
    final = FINAL.get(lang, FINAL["nb"])
    sentences: list[Sentence] = []
    words: list[Word] = []
    start = -1
    n = len(tokens)
    i = 0
    # Locals: this loop runs for every token of the document.
    word_kind, abbreviation_kind, punct_kind = Kind.WORD, Kind.ABBREVIATION, Kind.PUNCT
    while i < n:
        kind, a, b = tokens[i]
        if start < 0:
            start = a
        end_here = -1  # end offset of the sentence if it ends at this token
        if kind is word_kind:
            token_text = text[a:b]
            words.append(Word(a, b, len(token_text) if token_text.isalpha() else letter_count(token_text)))
        elif kind is abbreviation_kind:
            token_text = text[a:b]
            words.append(Word(a, b, letter_count(token_text)))
            low = token_text.lower()
            if low in final and low not in inner:
                nxt = tokens[i + 1][1] if i + 1 < n else -1
                if nxt < 0 or (nxt > b and text[nxt].isupper()):
                    end_here = b
        elif kind is punct_kind and text[a] == ":":
            # A colon ends a sentence when a full sentence (capital letter, quote or
            # dash) follows it, as in Norwegian style and Björnsson's LIX.
            nxt = tokens[i + 1][1] if i + 1 < n else -1
            if nxt > b and (text[nxt].isupper() or text[nxt] in _QUOTE_OR_DASH):
                end_here = b
        elif kind is punct_kind and text[a] in _TERMINAL:
            # Take the whole run of terminals and closing quotes: "?!", "...", ".»"
            j = i
            while j + 1 < n and tokens[j + 1][0] is Kind.PUNCT and tokens[j + 1][1] == tokens[j][2] and (
                text[tokens[j + 1][1]] in _TERMINAL or text[tokens[j + 1][1]] in _CLOSERS
            ):
                j += 1
            run_end = tokens[j][2]
            nxt = tokens[j + 1][1] if j + 1 < n else -1
            if nxt < 0:
                end_here = run_end
            elif nxt > run_end and _starts_sentence(text, nxt) and not _initial(tokens, i, text, nxt):
                end_here = run_end
            elif nxt > run_end and text[a] == "." and j == i and _lower_case_start(tokens, i, j, text):
                end_here = run_end
            i = j
        if end_here >= 0:
            sentences.append(Sentence(start, end_here, words))
            words = []
            start = -1
        i += 1
    if start >= 0:
        end = tokens[-1][2]
        sentences.append(Sentence(start, end, words))
    return sentences


# Words that begin a new sentence someone forgot to capitalise («… i offentlig regi. og
# statlige tilbud …»); after a full word and a full stop they never continue an abbreviation.
_LOWER_STARTS = frozenset("og men vi det dette de den derfor".split())


def _lower_case_start(tokens: list[tuple[Kind, int, int]], i: int, j: int, text: str) -> bool:
    """A full stop after a word of four letters or more, then one of _LOWER_STARTS."""
    if i == 0 or j + 1 >= len(tokens):
        return False
    kind, a, b = tokens[i - 1]
    nkind, na, nb = tokens[j + 1]
    return (kind is Kind.WORD and b == tokens[i][1] and b - a >= 4 and text[a:b].isalpha()
            and nkind is Kind.WORD and text[na:nb] in _LOWER_STARTS)


def _initial(tokens: list[tuple[Kind, int, int]], i: int, text: str, nxt: int) -> bool:
    """``A. Eilertsen``: a single capital letter and a period before a capitalised name."""
    if i == 0 or text[tokens[i][1]] != ".":
        return False
    kind, a, b = tokens[i - 1]
    return kind is Kind.WORD and b - a == 1 and text[a].isupper() and b == tokens[i][1] and text[nxt].isupper()
