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
        "gjennom fremtiden framtiden sammen arbeid".split()
    ),
    "nn": frozenset(
        "ikkje eg kva korleis kvifor kven dersom òg berre nokon noko mykje mange frå "
        "til å vere vera blir vert vart vorte kommunen ho dei deira vår våre skal vil "
        "ønskjer mellom enn etter kvar både slik dette desse eller men av ein eit ei som "
        "har gjennom framtida saman arbeid sjølv også medan fordi difor".split()
    ),
    "en": frozenset(
        "the and of in is are was were been that this these with not we you they "
        "it from our their which will would should can have has".split()
    ),
}
# Words shared by Bokmål and Nynorsk say nothing about which of the two it is.
_SHARED = _MARKERS["nb"] & _MARKERS["nn"]
_DISTINCT = {lang: words - _SHARED if lang != "en" else words for lang, words in _MARKERS.items()}
_WORD = regex.compile(r"\p{L}+")
_SAMPLE_CHARS = 20_000
_MIN_HITS = 3


def detect_language(text: str) -> str | None:
    """The most likely language code, or None when the text says too little."""
    counts = dict.fromkeys(LANGUAGES, 0)
    for m in _WORD.finditer(text[:_SAMPLE_CHARS]):
        word = m.group().lower()
        for lang in LANGUAGES:
            if word in _DISTINCT[lang]:
                counts[lang] += 1
    best = max(LANGUAGES, key=lambda lang: counts[lang])
    if counts[best] < _MIN_HITS:
        return None
    return best


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
