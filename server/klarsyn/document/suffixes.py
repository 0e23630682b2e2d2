"""The file suffixes klarsyn reads, in one place.

The loader picks a front end by these, folder checks collect files by them, and the
command-line help lists them; they live apart from the loader so that building the
argument parser does not import the Markdown and XML front ends.
"""

from __future__ import annotations

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
TEXT_SUFFIXES = frozenset({".txt", ".text"})
RICH_SUFFIXES = {".docx": "docx", ".odt": "odt", ".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf"}
SUPPORTED_SUFFIXES = MARKDOWN_SUFFIXES | TEXT_SUFFIXES | frozenset(RICH_SUFFIXES)

# For people: the common form of each format first (.md before .mkd).
_ORDER = (".md", ".markdown", ".mdown", ".mkd", ".txt", ".text", ".docx", ".odt", ".html", ".htm", ".xhtml", ".pdf")


def suffix_list() -> str:
    """'.md, .markdown, …': every supported suffix, for help texts."""
    ordered = [s for s in _ORDER if s in SUPPORTED_SUFFIXES]
    ordered += sorted(SUPPORTED_SUFFIXES - set(ordered))  # a suffix added above is never left out
    return ", ".join(ordered)
