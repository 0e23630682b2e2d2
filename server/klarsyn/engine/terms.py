"""Term lists that match inflected forms, compiled into one pass per rule.

A term's forms are generated with regular Norwegian endings (noun, adjective and
verb suffixes on the base and on the base without a final ``-e``); irregular forms
(``formenn``) are listed in the pack. All forms of a rule go into one table keyed by
their first word, so a rule with hundreds of terms costs one dictionary probe per word
of text. A term matches only whole tokens: ``formann`` never fires inside
``formannskapet`` or ``formann-rollen``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

SUFFIXES = (
    "e", "en", "et", "er", "ere", "ene", "a", "s", "es", "ens", "ets", "enes",
    "r", "t", "te", "de", "ede", "ne", "n", "st", "ende",
)  # fmt: skip

# Same length as the text it replaces, so offsets stay valid: all white space is one space.
_WHITESPACE = str.maketrans({c: " " for c in "\t\n\r\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u3000"})


def normalize_space(text: str) -> str:
    return text.translate(_WHITESPACE)


@dataclass(frozen=True)
class Term:
    term: str
    replace: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    inflect: bool = True
    note: str = ""
    severity: str | None = None
    line: int = 0  # where the entry is in its YAML file


def inflected_forms(term: Term) -> set[str]:
    base = " ".join(term.term.split())
    forms = {base, *(" ".join(f.split()) for f in term.forms)}
    if not term.inflect or "." in base:
        return forms
    head, _, rest = base.partition(" ")
    tail = f" {rest}" if rest else ""
    stems = {head}
    if head.endswith("e") and len(head) > 2:
        stems.add(head[:-1])
    for stem in stems:
        for suffix in SUFFIXES:
            forms.add(f"{stem}{suffix}{tail}")
    return forms


# A token for term matching: letters and digits, joined by inner periods, apostrophes
# or hyphens (so "f.eks.", "NAVs" and "formann-rollen" are each one token), with a
# final period kept so abbreviations match; the period is tried off as well.
_TOKEN = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:[.'’\-][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*\.?")

Token = tuple[int, int, str, str]  # start, end, text, text in lower case


def term_tokens(text: str) -> list[Token]:
    return [(m.start(), m.end(), (w := m.group()), w.lower()) for m in _TOKEN.finditer(text)]


@dataclass
class TermMatcher:
    """Finds terms by looking tokens up in a table of forms: one dictionary probe per
    token, whatever the number of terms, instead of a regular expression over the text."""

    terms: list[Term]
    case_sensitive: bool = False
    # first word -> [(the following words, term)], longest phrases first
    _index: dict[str, list[tuple[tuple[str, ...], Term]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, list[tuple[tuple[str, ...], Term]]] = {}
        seen: set[str] = set()
        # Terms as written first, so "heime" belongs to the term "heime" and not to the
        # generated forms of "heim"; then the generated forms, earlier terms winning.
        written = [(t, {" ".join(t.term.split()), *(" ".join(f.split()) for f in t.forms)}) for t in self.terms]
        generated = [(t, inflected_forms(t)) for t in self.terms]
        for term, forms in written + generated:
            for form in sorted(forms):
                key = form if self.case_sensitive else form.lower()
                if key in seen:
                    continue
                seen.add(key)
                words = key.split(" ")
                index.setdefault(words[0], []).append((tuple(words[1:]), term))
        for candidates in index.values():
            candidates.sort(key=lambda c: -len(c[0]))
        self._index = index

    def _key(self, token: Token) -> str:
        return token[2] if self.case_sensitive else token[3]

    def finditer(self, text: str, tokens: list[Token] | None = None):  # type: ignore[no-untyped-def]
        """(start, end, matched text, term) for each match in ``text``."""
        tokens = term_tokens(text) if tokens is None else tokens
        index = self._index
        field_ = 2 if self.case_sensitive else 3
        n = len(tokens)
        i = 0
        while i < n:
            first = tokens[i][field_]
            candidates = index.get(first)
            if candidates is None:
                if first[-1] != ".":
                    i += 1
                    continue
                first = first[:-1]
                candidates = index.get(first)
                if candidates is None:
                    i += 1
                    continue
            start = tokens[i][0]
            for rest, term in candidates:
                j = i + len(rest)
                if j >= n or (rest and not self._follows(text, tokens, i, first, rest)):
                    continue
                last_end, last_word = tokens[j][1], tokens[j][3]
                expected = rest[-1] if rest else first
                # A sentence's final period is not part of the term, unless the term ends in one.
                stop = last_end - 1 if last_word.endswith(".") and not expected.endswith(".") else last_end
                yield start, stop, text[start:stop], term
                i = j
                break
            i += 1

    def _follows(self, text: str, tokens: list[Token], i: int, first: str, rest: tuple[str, ...]) -> bool:
        """Do the tokens after ``i`` spell ``rest``, separated by white space only?"""
        expected_words = (first, *rest)
        for k, expected in enumerate(rest, start=1):
            prev_end, prev_word = tokens[i + k - 1][1], tokens[i + k - 1][3]
            start = tokens[i + k][0]
            if text[prev_end:start].strip():
                return False
            if prev_word.endswith(".") and not expected_words[k - 1].endswith("."):
                return False  # a phrase never runs across the end of a sentence
            key = self._key(tokens[i + k])
            if key != expected and not (k == len(rest) and key.endswith(".") and key[:-1] == expected):
                return False
        return True

    def forms_of(self, term: Term) -> set[str]:
        out = set()
        for first, candidates in self._index.items():
            for rest, t in candidates:
                if t is term:
                    out.add(" ".join((first, *rest)))
        return out
