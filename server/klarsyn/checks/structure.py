"""Accessible structure (universal design): headings, text used as a heading, links,
images, tables, underlining and the document's language. Each check looks at the whole
document and returns (block, start, end, values); the rule files in rules/felles/ give
the messages and the WCAG success criterion each one serves."""

from __future__ import annotations

import re
from typing import Callable

from klarsyn.document.model import Block, BlockKind, Document, SourceNote
from klarsyn.document.offsets import TextBuilder
from klarsyn.metrics.analysis import DocumentAnalysis

Hit = tuple[Block | None, int, int, dict[str, object]]
_WORD = re.compile(r"\w+")
_VAGUE = frozenset(
    """her klikk her trykk her les mer mer lenke link denne lenken denne linken her finner du mer info mer informasjon
    click here here read more more link this link""".split("\n")
)
_VAGUE_TEXTS = frozenset(
    {"her", "klikk her", "trykk her", "les mer", "mer", "lenke", "link", "denne lenken", "denne linken", "mer info",
     "mer informasjon", "les mer her", "se her", "click here", "here", "read more", "more", "this link", "hier"}
)
_FILE_TYPES = {".pdf": ("pdf",), ".docx": ("word", "docx"), ".doc": ("word", "doc"), ".xlsx": ("excel", "xlsx"),
               ".xls": ("excel", "xls"), ".pptx": ("powerpoint", "pptx"), ".odt": ("odt", "opendocument"),
               ".zip": ("zip",), ".csv": ("csv",)}
_IMAGE_FILE = re.compile(r"(?i)^(?:img|dsc|image|bilde|screenshot|skjermbilde)[-_ ]?\d+|\.(?:png|jpe?g|gif|svg|webp|bmp|tiff?)$")


def heading_skip(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    if analysis.document.format in ("text", "pdf"):
        # Plain text has no heading levels, only klarsyn's guesses from numbering ("2.2.1"),
        # and a guess is no ground for telling the author a level was skipped: all ten such
        # findings judged on the programmes were wrong (eval/judged/before-b.tsv). A PDF's
        # heading tags are checked by pdf-overskriftsniva (checks/pdf_access.py); its
        # blocks' levels may be guessed from font size.
        return []
    hits: list[Hit] = []
    previous = 0
    for ba in analysis.blocks:
        b = ba.block
        if not b.is_heading:
            continue
        if previous and b.level > previous + 1:
            hits.append((b, 0, len(b.text), {"level": b.level, "previous": previous, "expected": previous + 1}))
        previous = b.level
    return hits


def empty_heading(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    return [(ba.block, 0, 0, {}) for ba in analysis.blocks if ba.block.is_heading and not ba.block.text.strip()]


def long_heading(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    limit = int(options.get("max", 15))
    hits: list[Hit] = []
    for ba in analysis.blocks:
        if ba.block.is_heading:
            words = len(_WORD.findall(ba.block.text))
            if words > limit:
                hits.append((ba.block, 0, len(ba.block.text), {"words": words, "limit": limit}))
    return hits


_HEADING_FORMATS = frozenset({"markdown", "docx", "odt", "html"})


def fake_heading(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    """A short paragraph in bold or capitals, without final punctuation, before more text:
    it works as a heading for the eye but not for a screen reader.

    Only in formats that have heading markup (Markdown, DOCX, ODT, HTML): a plain-text
    file has no heading styles to use, its headings are short lines by nature, and a
    line in capitals there is as often a running header or a logo («PARTI ET SENTRU M»,
    repeated on every page of a converted PDF) as a heading."""
    hits: list[Hit] = []
    if analysis.document.format not in _HEADING_FORMATS:
        return hits
    blocks = analysis.blocks
    for i, ba in enumerate(blocks):
        b = ba.block
        if b.kind is not BlockKind.PARAGRAPH or b.quoted or i + 1 >= len(blocks):
            continue
        text = b.text.strip()
        words = _WORD.findall(text)
        if not words or len(words) > 10 or text[-1] in ".!?:;,":
            continue
        letters = [c for c in text if c.isalpha()]
        capitals = len(words) >= 2 and letters and all(c.isupper() for c in letters)
        if b.attrs.get("bold") or capitals:
            hits.append((b, 0, len(b.text), {"match": text, "how": "bold" if b.attrs.get("bold") else "caps"}))
    return hits


def underline(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    hits: list[Hit] = []
    for ba in analysis.blocks:
        for a, b in ba.block.attrs.get("underlined", []) or []:  # type: ignore[union-attr]
            text = ba.block.text[a:b]
            if text.strip():
                hits.append((ba.block, a, b, {"match": text.strip()}))
    return hits


def link_text(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    hits: list[Hit] = []
    for ba in analysis.blocks:
        block = ba.block
        for link in block.links:
            text = block.text[link.start : link.end].strip()
            low = " ".join(text.lower().strip(" .:!»«\"").split())
            target = link.target.split("#")[0].split("?")[0].lower()
            if not text:
                hits.append((block, link.start, link.end, {"match": link.target, "problem": "empty"}))
            elif low in _VAGUE_TEXTS:
                hits.append((block, link.start, link.end, {"match": text, "problem": "vague"}))
            elif re.match(r"(?i)^(?:https?://|www\.)\S+$", text):
                hits.append((block, link.start, link.end, {"match": text, "problem": "url"}))
            else:
                for suffix, names in _FILE_TYPES.items():
                    if target.endswith(suffix) and not any(n in low for n in names):
                        hits.append((block, link.start, link.end, {"match": text, "problem": "file", "type": suffix[1:].upper()}))
                        break
    return hits


def image_alt(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    hits: list[Hit] = []
    for ba in analysis.blocks:
        block = ba.block
        for position, alt, name in block.attrs.get("images", []) or []:  # type: ignore[union-attr]
            base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
            end = min(position + 1, len(block.text)) if block.text else position
            if alt is None or not str(alt).strip():
                hits.append((block, position, end, {"match": base or "bilde", "problem": "missing"}))
            elif _IMAGE_FILE.search(str(alt).strip()) or str(alt).strip() == base:
                hits.append((block, position, end, {"match": str(alt).strip(), "problem": "filename"}))
    return hits


def table_header(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    if analysis.document.format == "pdf":
        return []  # a PDF's table tags are checked by pdf-tabelloverskrift
    tables: dict[object, list[Block]] = {}
    for ba in analysis.blocks:
        block = ba.block
        if block.kind is BlockKind.TABLE_CELL and "table" in block.attrs:
            tables.setdefault(block.attrs["table"], []).append(block)
    hits: list[Hit] = []
    for cells in tables.values():
        if not any(c.header_cell or c.attrs.get("table_header") for c in cells):
            first = cells[0]
            hits.append((first, 0, len(first.text), {"cells": len(cells)}))
    return hits


def document_language(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    document: Document = analysis.document
    if document.format == "pdf":
        return []  # a PDF's /Lang is checked by pdf-dokumentsprak (checks/pdf_access.py)
    if document.declared_language is None:
        first = next((ba.block for ba in analysis.blocks), None)
        return [(first, 0, 0, {"language": document.language})]
    return []


_PASSAGE_KINDS = (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE, BlockKind.TABLE_CELL)
_FAMILY_NAMES = {"en": {"nb": "engelsk", "nn": "engelsk", "en": "English", "code": "en"},
                 "no": {"nb": "norsk", "nn": "norsk", "en": "Norwegian", "code": "nb"}}


def passage_language(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    """A paragraph clearly in English in a Norwegian document (or the other way round) whose
    language is not marked: a screen reader reads it with the wrong pronunciation. Only for
    formats that can mark a passage's language (Word, OpenDocument, HTML)."""
    from klarsyn.text.language import language_family, passage_family

    document: Document = analysis.document
    if document.declared_language == "":
        return []
    if document.format == "pdf":
        from klarsyn.checks.pdf_access import language_contradicted

        if language_contradicted(analysis) is not None:
            return []  # the whole file's /Lang is wrong: pdf-feil-sprak says so once
    page = language_family(document.declared_language) or language_family(document.language)
    hits: list[Hit] = []
    for ba in analysis.blocks:
        block = ba.block
        if block.kind not in _PASSAGE_KINDS:
            continue
        found = passage_family(block.text)
        if found is None:
            continue
        marked = block.attrs.get("lang")
        expected = language_family(str(marked)) if marked else page
        if marked and expected is None:
            continue  # marked as some other language (German, Sami …): the author has said what it is
        if found != expected:
            names = _FAMILY_NAMES[found]
            hits.append((block, 0, len(block.text), {"found_nb": names["nb"], "found_nn": names["nn"],
                                                      "found_en": names["en"], "code": names["code"]}))
    return hits


def _note_block(document: Document, note: SourceNote) -> Block:
    """A stand-in block for a piece of source that is no block (front matter, a paragraph
    left unparsed), so the finding points at exactly that text."""
    builder = TextBuilder()
    builder.add(document.source[note.start : note.end], note.start)
    text, offsets = builder.build(anchor=note.start)
    return Block(kind=BlockKind.PARAGRAPH, text=text, offsets=offsets)


_NOT_FIELDS = {"nb": "den er ikke felt på formen «nøkkel: verdi»", "nn": "han er ikkje felt på forma «nøkkel: verdi»",
               "en": "it is not “key: value” fields"}


def front_matter(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    """Front matter (the block between --- lines at the top of a Markdown file) that could
    not be read: its lang: is ignored, and the author should know."""
    document: Document = analysis.document
    hits: list[Hit] = []
    for note in document.notes:
        if note.kind.startswith("front-matter"):
            block = _note_block(document, note)
            problem = {lang: note.detail for lang in ("nb", "nn", "en")} if note.detail else _NOT_FIELDS
            hits.append((block, 0, len(block.text), {f"problem_{lang}": text for lang, text in problem.items()}))
    return hits


def _note_hits(analysis: DocumentAnalysis, kind: str, field: str) -> list[Hit]:
    """A finding over the block of each source note of ``kind``, its detail as ``field``."""
    document: Document = analysis.document
    return [(block, 0, len(block.text), {field: note.detail})
            for note in document.notes if note.kind == kind for block in [_note_block(document, note)]]


def unparsed(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    """A paragraph that was not parsed or checked (brackets nested far too deep)."""
    return _note_hits(analysis, "nesting", "depth")


def mixed_columns(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    """Plain text where two columns were mixed line by line: one finding at the first such
    stretch, for lines that are left out of every other check (document/columns.py)."""
    return _note_hits(analysis, "columns", "lines")


def lost_ligatures(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    """Plain text whose ligatures (fi, ti, tt …) fell out in extraction: the letters stand
    alone on lines of their own and the words they belonged to are broken."""
    return _note_hits(analysis, "ligatures", "lines")


CHECKS: dict[str, Callable[[DocumentAnalysis, dict[str, float]], list[Hit]]] = {
    "heading-skip": heading_skip,
    "empty-heading": empty_heading,
    "long-heading": long_heading,
    "fake-heading": fake_heading,
    "underline": underline,
    "link-text": link_text,
    "image-alt": image_alt,
    "table-header": table_header,
    "document-language": document_language,
    "passage-language": passage_language,
    "front-matter": front_matter,
    "unparsed": unparsed,
    "mixed-columns": mixed_columns,
    "lost-ligatures": lost_ligatures,
}

# The PDF accessibility checks read the file's own facts (Document.pdf), not its blocks.
from klarsyn.checks.pdf_access import CHECKS as _PDF_CHECKS  # noqa: E402

CHECKS.update(_PDF_CHECKS)
