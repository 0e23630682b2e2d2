"""OpenDocument text (.odt) front end: content.xml (with its automatic styles) and
meta.xml, read with lxml only. Headings from text:h and their outline level, lists,
tables (header rows), links, images with their title/description; tracked deletions and
annotations left out; the language from meta.xml (dc:language) or the default style."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from klarsyn.document.model import BlockKind, Document, Link
from klarsyn.document.rich import LineTrace, Piece, RichBuilder, TooMuchText, small_int, too_much_text
from klarsyn.document.safexml import Package, open_zip, parse_xml, read_part

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
XLINK = "http://www.w3.org/1999/xlink"
DC = "http://purl.org/dc/elements/1.1/"
# Where a traced piece of text came from: (element, TEXT_OF) is element.text, (element,
# TAIL_OF) its tail, (element, WHOLE) an element that stands for its characters (text:s,
# text:tab, text:line-break).
TEXT_OF, TAIL_OF, WHOLE = 0, 1, 2


def _ln(element: etree._Element) -> tuple[str, str]:
    q = etree.QName(element)
    return q.namespace or "", q.localname


class _Styles:
    def __init__(self, *roots: etree._Element | None) -> None:
        self.bold: set[str] = set()
        self.underline: set[str] = set()
        self.heading_paragraph: dict[str, int] = {}
        self.language_of: dict[str, str] = {}  # style name -> the language it sets
        self.language: str | None = None
        for root in roots:
            if root is None:
                continue
            for style in root.iter(f"{{{STYLE}}}style", f"{{{STYLE}}}default-style"):
                name = style.get(f"{{{STYLE}}}name") or ""
                props = style.find(f"{{{STYLE}}}text-properties")
                if props is not None:
                    if props.get(f"{{{FO}}}font-weight") in ("bold", "700", "800", "900"):
                        self.bold.add(name)
                    if props.get(f"{{{STYLE}}}text-underline-style") not in (None, "none"):
                        self.underline.add(name)
                    code = props.get(f"{{{FO}}}language")
                    if code and code != "none":
                        country = props.get(f"{{{FO}}}country")
                        code += f"-{country}" if country and country != "none" else ""
                        if style.tag == f"{{{STYLE}}}default-style":
                            self.language = self.language or code
                        else:
                            self.language_of[name] = code
                level = style.get(f"{{{STYLE}}}default-outline-level")
                if small_int(level, -1) >= 0:
                    self.heading_paragraph[name] = small_int(level, 0, limit=10)


def parse_odt(data: bytes, path: str) -> Document:
    return read_odt(data, path)[0]


@dataclass
class OdtSource:
    """What a writer needs beside the Document: the opened package, the parsed content.xml
    (the very tree the text was read from) and one LineTrace per line of the extracted text,
    whose pieces' origins are (element, TEXT_OF | TAIL_OF | WHOLE)."""

    package: Package
    root: etree._Element
    lines: list[LineTrace]


def read_odt(data: bytes, path: str, traced: bool = False) -> tuple[Document, OdtSource | None]:
    """The Document, and with ``traced`` the source it was read from (see OdtSource)."""
    archive = open_zip(data, path)
    # All parts unpacked (and their sizes checked) before any is parsed.
    content_data = read_part(archive, "content.xml", path) or b""
    styles_data = read_part(archive, "styles.xml", path, required=False)
    meta_data = read_part(archive, "meta.xml", path, required=False)
    content = parse_xml(content_data, "content.xml", path)
    del content_data  # the tree has it now: do not hold the bytes as well while building
    styles = _Styles(content, parse_xml(styles_data, "styles.xml", path) if styles_data else None)
    language = None
    if meta_data:
        lang = parse_xml(meta_data, "meta.xml", path).find(f".//{{{DC}}}language")
        language = lang.text.strip() if lang is not None and lang.text else None
    builder = RichBuilder(path, "odt", traced)
    body = content.find(f"{{{OFFICE}}}body/{{{OFFICE}}}text")
    if body is not None:
        try:
            _container(body, builder, styles, [0], in_list=False)
        except TooMuchText:
            raise too_much_text(path) from None
    source = OdtSource(archive, content, builder.traces) if builder.traces is not None else None
    return builder.document(language or styles.language), source


def _container(element: etree._Element, builder: RichBuilder, styles: _Styles, tables: list[int], in_list: bool) -> None:
    for child in element:
        if not isinstance(child.tag, str):
            continue
        ns, tag = _ln(child)
        if ns == TEXT and tag in ("p", "h"):
            piece = builder.piece()
            piece.element = child
            style = child.get(f"{{{TEXT}}}style-name") or ""
            if tag == "h":
                level = child.get(f"{{{TEXT}}}outline-level") or "1"
                piece.kind, piece.level = BlockKind.HEADING, small_int(level, 1, limit=10)
            elif style in styles.heading_paragraph:
                piece.kind, piece.level = BlockKind.HEADING, styles.heading_paragraph[style]
            elif in_list:
                piece.kind = BlockKind.LIST_ITEM
            piece.attrs["style"] = style
            piece.lang = styles.language_of.get(style)
            _inline(child, piece, styles, bold=style in styles.bold, underline=style in styles.underline, link=False)
            builder.finish(piece)
        elif ns == TEXT and tag in ("list", "list-item", "list-header"):
            _container(child, builder, styles, tables, in_list=True)
        elif ns == TEXT and tag in ("section", "index-body"):
            _container(child, builder, styles, tables, in_list)
        elif ns == TABLE and tag == "table":
            tables[0] += 1
            row_number = 0
            for part in child:
                if not isinstance(part.tag, str):
                    continue
                pns, ptag = _ln(part)
                rows = [part] if ptag == "table-row" else list(part.iter(f"{{{TABLE}}}table-row")) if ptag in ("table-header-rows", "table-rows") else []
                for row in rows:
                    for cell in row.iter(f"{{{TABLE}}}table-cell"):
                        for p in cell.iter(f"{{{TEXT}}}p", f"{{{TEXT}}}h"):
                            piece = builder.piece()
                            piece.kind, piece.element = BlockKind.TABLE_CELL, p
                            piece.attrs.update({"table": tables[0], "row": row_number, "table_header": ptag == "table-header-rows"})
                            _inline(p, piece, styles, False, False, False)
                            builder.finish(piece)
                    row_number += 1
        # text:tracked-changes (deleted text), office:annotation and the like are left out.


def _inline(element: etree._Element, piece: Piece, styles: _Styles, bold: bool, underline: bool, link: bool) -> None:
    traced = piece.trace is not None  # the origins are built only for a writer
    piece.add(element.text or "", bold, underline and not link, (element, TEXT_OF) if traced else None)
    for child in element:
        if not isinstance(child.tag, str):
            piece.add(child.tail or "", bold, underline and not link, (child, TAIL_OF) if traced else None)
            continue
        ns, tag = _ln(child)
        if ns == TEXT and tag == "span":
            style = child.get(f"{{{TEXT}}}style-name") or ""
            outer = piece.lang
            piece.lang = styles.language_of.get(style, outer)
            _inline(child, piece, styles, bold or style in styles.bold, underline or style in styles.underline, link)
            piece.lang = outer
        elif ns == TEXT and tag == "a":
            start = piece.length
            _inline(child, piece, styles, bold, underline, True)
            piece.links.append(Link(start, piece.length, child.get(f"{{{XLINK}}}href") or ""))
        elif ns == TEXT and tag == "s":
            count = child.get(f"{{{TEXT}}}c") or "1"
            # text:c="1000000000" would build a gigabyte of spaces: a run of spaces is short.
            piece.add(" " * small_int(count, 1, limit=1000), bold, origin=(child, WHOLE) if traced else None)
        elif ns == TEXT and tag == "tab":
            piece.add("\t", bold, origin=(child, WHOLE) if traced else None)
        elif ns == TEXT and tag == "line-break":
            piece.add(" ", bold, origin=(child, WHOLE) if traced else None)
        elif ns == DRAW and tag == "frame":
            title = child.find(f"{{{SVG}}}title")
            desc = child.find(f"{{{SVG}}}desc")
            alt = " ".join(t.text.strip() for t in (desc, title) if t is not None and t.text and t.text.strip())
            image = child.find(f"{{{DRAW}}}image")
            name = (image.get(f"{{{XLINK}}}href") if image is not None else "") or child.get(f"{{{DRAW}}}name") or ""
            piece.images.append((piece.length, alt, name))
        elif ns == OFFICE and tag == "annotation":
            pass
        elif ns == TEXT and tag in ("tracked-changes", "change", "change-start", "change-end", "bookmark", "bookmark-start", "bookmark-end", "note"):
            pass
        else:
            _inline(child, piece, styles, bold, underline, link)
        piece.add(child.tail or "", bold, underline and not link, (child, TAIL_OF) if traced else None)
