"""LIX (läsbarhetsindex, Björnsson 1968): words/sentences + 100 × long words/words.

A long word has more than six letters. Bands follow the Norwegian scale used by
Norwegian plain-language practitioners (under 30 very easy … 60 and over very hard);
see docs/readability.md for the sources and our counting conventions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(slots=True)
class Counts:
    words: int = 0
    sentences: int = 0
    long_words: int = 0

    def add(self, other: "Counts") -> None:
        self.words += other.words
        self.sentences += other.sentences
        self.long_words += other.long_words

    @property
    def lix(self) -> float | None:
        """LIX, or None for text without words."""
        if not self.words or not self.sentences:
            return None
        return self.words / self.sentences + 100.0 * self.long_words / self.words

    @property
    def long_word_share(self) -> float:
        return self.long_words / self.words if self.words else 0.0

    def as_dict(self) -> dict[str, object]:
        lix = self.lix
        return {
            "words": self.words,
            "sentences": self.sentences,
            "long_words": self.long_words,
            "lix": None if lix is None else round(lix, 1),
        }


def whole(lix: float | None) -> int | None:
    """LIX as a whole number, the way every display of a whole figure shows it (the CLI
    summary, code lenses, the editor's status bar, the report's bars).

    Rounded once, from the exact value, half up. Rounding the one-decimal figure again
    (47.45 → 47.5 → 48) would make the status bar disagree with the CLI's 47, so clients
    are sent this number rather than left to round themselves.
    """
    if lix is None:
        return None
    return math.floor(lix + 0.5)


# Upper bounds (exclusive) and band names, easiest first.
_BANDS: tuple[tuple[float, dict[str, str]], ...] = (
    (30, {"nb": "svært lettlest", "nn": "svært lettlesen", "en": "very easy"}),
    (40, {"nb": "lettlest", "nn": "lettlesen", "en": "easy"}),
    (50, {"nb": "middels", "nn": "middels", "en": "medium"}),
    (60, {"nb": "vanskelig", "nn": "vanskeleg", "en": "hard"}),
    (float("inf"), {"nb": "svært vanskelig", "nn": "svært vanskeleg", "en": "very hard"}),
)


def band(lix: float | None, lang: str = "nb") -> str:
    """The name of the LIX band in the given language ("" for no figure)."""
    if lix is None:
        return ""
    for upper, names in _BANDS:
        if lix < upper:
            return names.get(lang, names["nb"])
    return ""  # unreachable: the last band is open
