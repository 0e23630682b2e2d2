"""Words the CLI itself prints (summaries, table headings), per language."""

from __future__ import annotations

_TEXT: dict[str, dict[str, str]] = {
    "nb": {
        "error": "feil",
        "warning": "advarsler",
        "info": "info",
        "hint": "hint",
        "findings": "funn",
        "files": "filer",
        "file": "fil",
        "total": "Totalt",
        "no_findings": "ingen funn",
        "words": "ord",
        "sentences": "setninger",
        "section": "Seksjon",
        "col_words": "Ord",
        "col_sentences": "Setn.",
        "col_long": "Lange ord",
        "col_band": "Nivå",
        "whole": "Hele dokumentet",
        "intro": "(før første overskrift)",
        "language": {"nb": "bokmål", "nn": "nynorsk", "en": "engelsk"},  # type: ignore[dict-item]
    },
    "nn": {
        "error": "feil",
        "warning": "åtvaringar",
        "info": "info",
        "hint": "hint",
        "findings": "funn",
        "files": "filer",
        "file": "fil",
        "total": "Totalt",
        "no_findings": "ingen funn",
        "words": "ord",
        "sentences": "setningar",
        "section": "Seksjon",
        "col_words": "Ord",
        "col_sentences": "Setn.",
        "col_long": "Lange ord",
        "col_band": "Nivå",
        "whole": "Heile dokumentet",
        "intro": "(før første overskrift)",
        "language": {"nb": "bokmål", "nn": "nynorsk", "en": "engelsk"},  # type: ignore[dict-item]
    },
    "en": {
        "error": "errors",
        "warning": "warnings",
        "info": "info",
        "hint": "hints",
        "findings": "findings",
        "files": "files",
        "file": "file",
        "total": "Total",
        "no_findings": "no findings",
        "words": "words",
        "sentences": "sentences",
        "section": "Section",
        "col_words": "Words",
        "col_sentences": "Sent.",
        "col_long": "Long words",
        "col_band": "Band",
        "whole": "Whole document",
        "intro": "(before the first heading)",
        "language": {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"},  # type: ignore[dict-item]
    },
}


def text(lang: str, key: str) -> str:
    return str(_TEXT.get(lang, _TEXT["nb"])[key])


def language_name(ui_lang: str, lang: str) -> str:
    names = _TEXT.get(ui_lang, _TEXT["nb"])["language"]
    assert isinstance(names, dict)
    return str(names.get(lang, lang))
