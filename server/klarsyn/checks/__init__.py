"""Analyses that are more than word lists. Each is a function from one block to hits;
a rule of type ``analysis`` in a pack names it and supplies severity, messages and
examples, so the wording and thresholds stay data like every other rule."""

from __future__ import annotations

from typing import Callable

from klarsyn.checks.base import Hit
from klarsyn.checks.style import (
    det_er_som,
    hyphen_comma,
    lengre_lenger,
    missing_hyphen,
    noun_density,
    noun_happens,
    paragraph_of_long_sentences,
    passive_paragraph,
    passive_voice,
    repeated_preposition,
    weak_verb_noun,
)
from klarsyn.checks.standard_mix import bokmal_in_nynorsk, nynorsk_in_bokmal
from klarsyn.metrics.analysis import BlockAnalysis

Analysis = Callable[[BlockAnalysis, str, dict[str, float]], list[Hit]]

ANALYSES: dict[str, Analysis] = {
    "passive": passive_voice,
    "passive-paragraph": passive_paragraph,
    "weak-verb-noun": weak_verb_noun,
    "noun-happens": noun_happens,
    "noun-density": noun_density,
    "det-er-som": det_er_som,
    "repeated-preposition": repeated_preposition,
    "lengre-lenger": lengre_lenger,
    "hyphen-comma": hyphen_comma,
    "missing-hyphen": missing_hyphen,
    "long-sentences-paragraph": paragraph_of_long_sentences,
    "bokmal-in-nynorsk": bokmal_in_nynorsk,
    "nynorsk-in-bokmal": nynorsk_in_bokmal,
}

# Numeric options each analysis reads, with defaults (a project may override them).
OPTIONS: dict[str, dict[str, float]] = {
    "noun-density": {"min_count": 3, "min_share": 0.2},
    "long-sentences-paragraph": {"max_words": 20, "min_count": 3},
    "passive-paragraph": {"min_count": 3, "min_share": 0.5},
}
