"""Term lists that match inflected forms, compiled into one pass per rule.

A term's forms are generated with regular Norwegian endings (noun, adjective and
verb suffixes on the base and on the base without a final ``-e``); irregular forms
(``formenn``) are listed in the pack. All forms of a rule go into one ``regex``
named list, which the regex module turns into a trie, so a rule with hundreds of
terms is still one scan of the text. A term matches only as a whole word: no letter,
digit or hyphen may touch it, so ``formann`` never fires inside ``formannskapet``.
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


@dataclass
class TermMatcher:
    terms: list[Term]
    case_sensitive: bool = False
    _by_form: dict[str, Term] = field(init=False, repr=False)
    _pattern: regex.Pattern[str] | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        self._by_form = {}
        for term in self.terms:
            for form in inflected_forms(term):
                key = form if self.case_sensitive else form.lower()
                # The first entry wins; a form shared by two terms belongs to the earlier one.
                self._by_form.setdefault(key, term)

    @property
    def pattern(self) -> regex.Pattern[str]:
        if self._pattern is None:
            flags = "" if self.case_sensitive else "(?i)"
            self._pattern = regex.compile(
                rf"{flags}(?<![\p{{L}}\p{{N}}\-])\L<forms>(?![\p{{L}}\p{{N}}])(?!-\p{{L}})",
                forms=list(self._by_form),
            )
        return self._pattern

    def finditer(self, text: str):  # type: ignore[no-untyped-def]
        """(start, end, matched text, term) for each match in ``text``."""
        for m in self.pattern.finditer(normalize_space(text)):
            key = m.group() if self.case_sensitive else m.group().lower()
            term = self._by_form.get(key)
            if term is not None:
                yield m.start(), m.end(), text[m.start() : m.end()], term

    def forms_of(self, term: Term) -> set[str]:
        return {f for f, t in self._by_form.items() if t is term}
