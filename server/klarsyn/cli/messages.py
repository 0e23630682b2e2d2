"""Words the CLI itself prints (summaries, table headings), per language."""

from __future__ import annotations

# Counted nouns: (singular, plural).
_COUNTED: dict[str, dict[str, tuple[str, str]]] = {
    "nb": {
        "error": ("feil", "feil"),
        "warning": ("advarsel", "advarsler"),
        "info": ("info", "info"),
        "hint": ("hint", "hint"),
        "finding": ("funn", "funn"),
        "file": ("fil", "filer"),
        "word": ("ord", "ord"),
        "sentence": ("setning", "setninger"),
    },
    "nn": {
        "error": ("feil", "feil"),
        "warning": ("åtvaring", "åtvaringar"),
        "info": ("info", "info"),
        "hint": ("hint", "hint"),
        "finding": ("funn", "funn"),
        "file": ("fil", "filer"),
        "word": ("ord", "ord"),
        "sentence": ("setning", "setningar"),
    },
    "en": {
        "error": ("error", "errors"),
        "warning": ("warning", "warnings"),
        "info": ("info", "info"),
        "hint": ("hint", "hints"),
        "finding": ("finding", "findings"),
        "file": ("file", "files"),
        "word": ("word", "words"),
        "sentence": ("sentence", "sentences"),
    },
}

_TEXT: dict[str, dict[str, str]] = {
    "nb": {
        "total": "Totalt",
        "no_findings": "ingen funn",
        "section": "Seksjon",
        "col_words": "Ord",
        "col_sentences": "Setn.",
        "col_long": "Lange ord",
        "col_band": "Nivå",
        "whole": "Hele dokumentet",
        "intro": "(før første overskrift)",
    },
    "nn": {
        "total": "Totalt",
        "no_findings": "ingen funn",
        "section": "Seksjon",
        "col_words": "Ord",
        "col_sentences": "Setn.",
        "col_long": "Lange ord",
        "col_band": "Nivå",
        "whole": "Heile dokumentet",
        "intro": "(før første overskrift)",
    },
    "en": {
        "total": "Total",
        "no_findings": "no findings",
        "section": "Section",
        "col_words": "Words",
        "col_sentences": "Sent.",
        "col_long": "Long words",
        "col_band": "Band",
        "whole": "Whole document",
        "intro": "(before the first heading)",
    },
}

_LANGUAGE_NAMES = {
    "nb": {"nb": "bokmål", "nn": "nynorsk", "en": "engelsk"},
    "nn": {"nb": "bokmål", "nn": "nynorsk", "en": "engelsk"},
    "en": {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"},
}


def text(lang: str, key: str) -> str:
    return _TEXT.get(lang, _TEXT["nb"])[key]


def count(lang: str, key: str, n: int) -> str:
    """``n`` and the noun in the right number: "1 advarsel", "2 advarsler"."""
    singular, plural = _COUNTED.get(lang, _COUNTED["nb"])[key]
    return f"{n} {singular if n == 1 else plural}"


def language_name(ui_lang: str, lang: str) -> str:
    return _LANGUAGE_NAMES.get(ui_lang, _LANGUAGE_NAMES["nb"]).get(lang, lang)
