"""Guess a document's language: Bokmål, Nynorsk or English, from marker words.

Each language has words that are frequent in it and rare or absent in the others
(``ikke``/``ikkje``/``not``). The language with the most marker hits wins; a text
with too few hits is taken as Bokmål, the most common case for our users.
"""

from __future__ import annotations

from functools import lru_cache

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
    against Nynorsk by ``standard_evidence`` (a tie is Bokmål)."""
    sample = text[:_SAMPLE_CHARS]
    english = norwegian = 0
    words = [m.group().lower() for m in _WORD.finditer(sample)]
    for word in words:
        english += word in _MARKERS["en"]
        norwegian += word in _NORWEGIAN
    if max(english, norwegian) < _MIN_HITS:
        return None
    if english > norwegian:
        return "en"
    nb, nn = standard_evidence(words)
    return "nn" if nn > nb else "nb"


# Bokmål or Nynorsk from a short passage. Function words alone leave a 20-word Nynorsk
# passage with one or two markers, and three in ten such UD paragraphs were read as Bokmål.
# Endings tell the two apart in content words too (regjeringa/regjeringen,
# viktigare/viktigere, vanleg/vanlig, kvinner/kvinnene), so every word adds its evidence:
# its marker (weight 2) or its ending (weight 1). The endings are ones that one standard
# writes and the other does not (checked on Norsk ordbank's lemma lists; the few lemmas
# with such an ending in the other standard are listed as exceptions below).
_NN_ENDINGS = (
    "leg", "lege", "legare", "legast", "leggjer",
    "heit", "heita", "heiter", "heitene",
    "inga", "ingar", "ingane",
    "igare", "igast", "ikare",
    "kje", "gje", "kjer", "gjer", "kjast", "gjast",
    "ande", "ane", "aste",
    # plural definite -ane: kommunane, elevane (not -bane: jernbane, karrierebane)
)
_NB_ENDINGS = (
    "lig", "lige", "ligere", "ligst", "ligste",
    "het", "heten", "heter", "hetene",
    "ingen", "inger", "ingene",
    "igere", "igst", "igste",
    "ende", "ene",
)
# Frequent words that end like the other standard but are its own (or both).
_ENDING_EXCEPTIONS = frozenset(
    "ingen mange andre ende vende sende kjende hende spende tende lende rende bende "
    "hele sele mene ene scene arene gjennom gje kje nede ane plane ukraine "
    "het ret mot ut ig lig ande ande kande ".split()
)
# «dersom» is good Bokmål too (and common in programmes): it says nothing here.
_NN_MARKERS = (_DISTINCT["nn"] - {"dersom"}) | frozenset(
    "meir fleire mykje sidan utan hjå fekk gjekk hennar kvarandre då sjå høg seinare heilt "
    "heile eigen eige eigne eit ein nokre noko nokon tek gjev ligg seier gjer gjere gjera "
    "enno berre no vart vorte vore vere vera korleis kva kvifor kven kvar kvart "
    "sjølv sjølve dykk medan difor ikkje eg òg framleis byrja byrje fyrste tilhøve høve".split()
)
_NB_MARKERS = _DISTINCT["nb"] | frozenset(
    "mer flere mye siden uten fikk gikk hennes hverandre da nå se høy senere helt hele egen "
    "eget egne et en noen noe tar gir ligger sier gjør gjøre bare ennå være vært blitt hvordan "
    "hva hvorfor hvem hvor hvert hvilke hvilken selv selve dere mens derfor ikke jeg også "
    "fortsatt begynne første forhold".split()
)
_NB_MARKERS = _NB_MARKERS - _NN_MARKERS
_NN_MARKERS = _NN_MARKERS - _NB_MARKERS


# Ending → its evidence; an ending both standards write (none here) would cancel out.
_ENDING_EVIDENCE: dict[str, tuple[int, int]] = {e: (0, 1) for e in _NN_ENDINGS} | {e: (1, 0) for e in _NB_ENDINGS}
_ENDING_LENGTHS = sorted({len(e) for e in _ENDING_EVIDENCE}, reverse=True)


@lru_cache(maxsize=65_536)
def _word_evidence(word: str) -> tuple[int, int]:
    if word in _NB_MARKERS:
        return 2, 0
    if word in _NN_MARKERS:
        return 0, 2
    if len(word) < 5 or word in _ENDING_EXCEPTIONS or word.endswith("bane"):
        return 0, 0
    # The longest ending decides: "-ingane" is Nynorsk though "-ane" and "-ne" are shared.
    for length in _ENDING_LENGTHS:
        found = _ENDING_EVIDENCE.get(word[-length:])
        if found is not None:
            return found
    return 0, 0


def standard_evidence(words: list[str]) -> tuple[int, int]:
    """(Bokmål, Nynorsk) evidence of lower-cased words: markers count 2, endings 1."""
    nb = nn = 0
    for word in words:
        b, n = _word_evidence(word)
        nb += b
        nn += n
    return nb, nn


_STANDARD_MIN_WORDS = 20
_STANDARD_MIN_EVIDENCE = 3


def passage_standard(text: str) -> str | None:
    """"nb" or "nn" for a Norwegian passage of 20 words or more whose evidence clearly
    points one way (half as much again as the other's, and at least 3), else None (too
    short, too little evidence, or mixed: a quote in the other standard)."""
    words = [m.group().lower() for m in _WORD.finditer(text)]
    if len(words) < _STANDARD_MIN_WORDS:
        return None
    nb, nn = standard_evidence(words)
    if nn >= _STANDARD_MIN_EVIDENCE and 2 * nn >= 3 * nb:
        return "nn"
    if nb >= _STANDARD_MIN_EVIDENCE and 2 * nb >= 3 * nn:
        return "nb"
    return None


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
