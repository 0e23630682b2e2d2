"""Guess a document's language: Bokmål, Nynorsk or English, from marker words.

Each language has words that are frequent in it and rare or absent in the others
(``ikke``/``ikkje``/``not``). The language with the most marker hits wins; a text
with too few hits is taken as Bokmål, the most common case for our users.
"""

from __future__ import annotations

import regex

LANGUAGES = ("nb", "nn", "en")

_MARKERS: dict[str, frozenset[str]] = {
    "nb": frozenset(
        "ikke jeg hva hvordan hvorfor hvem hvis også bare noen noe mye mange fra "
        "til å være blir ble blitt kommunen hun dem deres vår våre skal vil ønsker "
        "mellom enn etter hvor både slik dette disse eller men av en et ei som har "
        "gjennom fremtiden framtiden sammen arbeid og er det med på om alle".split()
    ),
    "nn": frozenset(
        "ikkje eg kva korleis kvifor kven dersom òg berre nokon noko mykje mange frå "
        "til å vere vera blir vert vart vorte kommunen ho dei deira vår våre skal vil "
        "ønskjer mellom enn etter kvar både slik dette desse eller men av ein eit ei som "
        "har gjennom framtida saman arbeid sjølv også medan fordi difor og er det med på om alle".split()
    ),
    "en": frozenset(
        "the and of in is are was were been that this these with not we you they "
        "it from our their which will would should can have has an or its into what when "
        "there who does than each every about could must them his she if one out only also but".split()
    ),
}
# Words shared by Bokmål and Nynorsk say nothing about which of the two it is.
_SHARED = _MARKERS["nb"] & _MARKERS["nn"]
_DISTINCT = {lang: words - _SHARED if lang != "en" else words for lang, words in _MARKERS.items()}
_NORWEGIAN = _MARKERS["nb"] | _MARKERS["nn"]
_WORD = regex.compile(r"\p{L}+")
_SAMPLE_CHARS = 20_000
_MIN_HITS = 3


def detect_language(text: str) -> str | None:
    """The most likely language code, or None when the text says too little.

    English against Norwegian first, counting every Norwegian marker word; then Bokmål
    against Nynorsk by the words that tell them apart (a tie is Bokmål)."""
    counts = dict.fromkeys(LANGUAGES, 0)
    english = norwegian = 0
    for m in _WORD.finditer(text[:_SAMPLE_CHARS]):
        word = m.group().lower()
        english += word in _MARKERS["en"]
        norwegian += word in _NORWEGIAN
        for lang in ("nb", "nn"):
            if word in _DISTINCT[lang]:
                counts[lang] += 1
    if max(english, norwegian) < _MIN_HITS:
        return None
    if english > norwegian:
        return "en"
    return "nn" if counts["nn"] > counts["nb"] else "nb"


# A passage is only called English (or Norwegian) on clear evidence: enough marker words,
# a clear majority over the other family, and a share of all its words. Short passages
# (slogans, names, titles of works) say too little and are left alone.
_PASSAGE_MIN_WORDS = 8
_PASSAGE_MIN_HITS = 3
_PASSAGE_MIN_SHARE = 0.15


def passage_family(text: str) -> str | None:
    """"en" or "no" (Bokmål or Nynorsk) for a passage that clearly is one of them, else None."""
    words = [m.group().lower() for m in _WORD.finditer(text)]
    if len(words) < _PASSAGE_MIN_WORDS:
        return None
    en = sum(1 for w in words if w in _MARKERS["en"])
    no = sum(1 for w in words if w in _NORWEGIAN)
    for family, hits, other in (("en", en, no), ("no", no, en)):
        if hits >= _PASSAGE_MIN_HITS and hits >= 3 * other + 1 and hits / len(words) >= _PASSAGE_MIN_SHARE:
            return family
    return None


def language_family(code: str | None) -> str | None:
    """"no" for Bokmål and Nynorsk, "en" for English, None for anything else."""
    lang = normalize_language(code) if code else None
    return None if lang is None else ("en" if lang == "en" else "no")


def normalize_language(value: str) -> str | None:
    """Map common spellings (``nb-NO``, ``no``, ``nob``, ``nno``, ``en-GB``) to nb/nn/en."""
    v = value.strip().lower().replace("_", "-")
    base = v.split("-")[0]
    if base in ("nb", "nob", "no", "nor", "bokmål", "bokmal"):
        return "nb"
    if base in ("nn", "nno", "nynorsk"):
        return "nn"
    if base in ("en", "eng", "english"):
        return "en"
    return None
