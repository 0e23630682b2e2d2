"""Word (.docx) front end: word/document.xml with its styles, read with lxml only.

Headings from Heading/Overskrift styles and outline levels; list paragraphs; tables (a row
marked "repeat as header row" is a header); hyperlinks with their targets; images with
their alternative text; deleted text (tracked changes) and comments left out; the
document's language from the default run language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from klarsyn.document.model import BlockKind, Document, Link
from klarsyn.document.rich import LineTrace, Piece, RichBuilder, TooMuchText, small_int, too_much_text
from klarsyn.document.safexml import Package, open_zip, parse_xml, read_part

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEADING_NAME = re.compile(r"^(?:heading|overskrift)\s*(\d)$", re.IGNORECASE)


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _on(element: etree._Element | None) -> bool:
    """A toggle property (w:b, w:u …) that is present and not switched off."""
    if element is None:
        return False
    value = element.get(_w("val"))
    return value not in ("0", "false", "none", "off")


class _Styles:
    def __init__(self, root: etree._Element | None) -> None:
        self.heading: dict[str, int] = {}
        self.list_styles: set[str] = set()
        self.default_language: str | None = None
        if root is None:
            return
        names: dict[str, str] = {}
        based: dict[str, str] = {}
        outline: dict[str, int] = {}
        for style in root.iter(_w("style")):
            style_id = style.get(_w("styleId")) or ""
            name = style.find(_w("name"))
            names[style_id] = (name.get(_w("val")) if name is not None else "") or ""
            base = style.find(_w("basedOn"))
            if base is not None:
                based[style_id] = base.get(_w("val")) or ""
            level = style.find(f"{_w('pPr')}/{_w('outlineLvl')}")
            if level is not None and small_int(level.get(_w("val")), -1) >= 0:
                outline[style_id] = small_int(level.get(_w("val")), 0) + 1
        for style_id, name in names.items():
            m = _HEADING_NAME.match(name) or _HEADING_NAME.match(style_id)
            level = int(m.group(1)) if m else outline.get(style_id) or outline.get(based.get(style_id, ""), 0)
            if level and level <= 9:
                self.heading[style_id] = level
            if "list" in name.lower() or "liste" in name.lower():
                self.list_styles.add(style_id)
        lang = root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}/{_w('lang')}")
        if lang is not None:
            self.default_language = lang.get(_w("val"))


def parse_docx(data: bytes, path: str) -> Document:
    return read_docx(data, path)[0]


@dataclass
class DocxSource:
    """What a writer needs beside the Document: the opened package, the parsed
    word/document.xml (the very tree the text was read from) and one LineTrace per line of
    the extracted text."""

    package: Package
    root: etree._Element
    lines: list[LineTrace]


def read_docx(data: bytes, path: str, traced: bool = False) -> tuple[Document, DocxSource | None]:
    """The Document, and with ``traced`` the source it was read from (see DocxSource)."""
    archive = open_zip(data, path)
    # Every part is unpacked (and its size checked) before any is parsed: the limit on all
    # parts together is met before lxml spends memory on the first.
    document_data = read_part(archive, "word/document.xml", path) or b""
    styles_data = read_part(archive, "word/styles.xml", path, required=False)
    rels_data = read_part(archive, "word/_rels/document.xml.rels", path, required=False)
    document = parse_xml(document_data, "word/document.xml", path)
    del document_data  # the tree has it now: do not hold the bytes as well while building
    styles = _Styles(parse_xml(styles_data, "word/styles.xml", path) if styles_data else None)
    targets: dict[str, str] = {}
    if rels_data:
        for rel in parse_xml(rels_data, "word/_rels/document.xml.rels", path).iter(f"{{{PKG}}}Relationship"):
            targets[rel.get("Id") or ""] = rel.get("Target") or ""
    builder = RichBuilder(path, "docx", traced)
    body = document.find(_w("body"))
    if body is not None:
        try:
            _container(body, builder, styles, targets, table_index=[0])
        except TooMuchText:
            raise too_much_text(path) from None
    source = DocxSource(archive, document, builder.traces) if builder.traces is not None else None
    return builder.document(styles.default_language), source


def _container(element: etree._Element, builder: RichBuilder, styles: _Styles, targets: dict[str, str], table_index: list[int]) -> None:
    for child in element:
        tag = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if tag == "p":
            builder.finish(_paragraph(child, builder.piece(), styles, targets))
        elif tag == "tbl":
            table_index[0] += 1
            for r, row in enumerate(child.findall(_w("tr"))):
                header = _on(row.find(f"{_w('trPr')}/{_w('tblHeader')}"))
                for cell in row.findall(_w("tc")):
                    for p in cell.iter(_w("p")):
                        piece = _paragraph(p, builder.piece(), styles, targets)
                        piece.kind = BlockKind.TABLE_CELL
                        piece.attrs.update({"table": table_index[0], "row": r, "table_header": header})
                        builder.finish(piece)
        elif tag in ("sdt", "sdtContent", "customXml", "ins", "smartTag"):
            _container(child, builder, styles, targets, table_index)


def _paragraph(p: etree._Element, piece: Piece, styles: _Styles, targets: dict[str, str]) -> Piece:
    piece.element = p
    ppr = p.find(_w("pPr"))
    style = ""
    if ppr is not None:
        style_el = ppr.find(_w("pStyle"))
        style = (style_el.get(_w("val")) if style_el is not None else "") or ""
        level = styles.heading.get(style, 0)
        outline = ppr.find(_w("outlineLvl"))
        if outline is not None and small_int(outline.get(_w("val")), 9) < 9:
            level = small_int(outline.get(_w("val")), 0) + 1
        if level:
            piece.kind, piece.level = BlockKind.HEADING, level
        elif ppr.find(_w("numPr")) is not None or style in styles.list_styles:
            piece.kind = BlockKind.LIST_ITEM
    piece.attrs["style"] = style
    _runs(p, piece, targets, link=None)
    return piece


def _runs(element: etree._Element, piece: Piece, targets: dict[str, str], link: str | None) -> None:
    for child in element:
        if not isinstance(child.tag, str):
            continue
        tag = etree.QName(child).localname
        if tag == "r":
            _run(child, piece, underline_ok=link is None)
        elif tag == "hyperlink":
            target = targets.get(child.get(f"{{{R}}}id") or "", "") or ("#" + (child.get(_w("anchor")) or ""))
            start = piece.length
            _runs(child, piece, targets, link=target)
            piece.links.append(Link(start, piece.length, target))
        elif tag in ("ins", "smartTag", "sdt", "sdtContent", "customXml", "fldSimple"):
            _runs(child, piece, targets, link)
        # w:del (deleted text), comments, bookmarks and proofing marks are left out.


def _run(r: etree._Element, piece: Piece, underline_ok: bool) -> None:
    rpr = r.find(_w("rPr"))
    bold = _on(rpr.find(_w("b"))) if rpr is not None else False
    underline = underline_ok and rpr is not None and _on(rpr.find(_w("u")))
    lang = rpr.find(_w("lang")) if rpr is not None else None
    piece.lang = lang.get(_w("val")) if lang is not None and lang.get(_w("val")) else None
    for child in r:
        if not isinstance(child.tag, str):
            continue
        tag = etree.QName(child).localname
        if tag == "t":
            piece.add(child.text or "", bold, underline, child)
        elif tag == "tab":
            piece.add("\t", bold, origin=child)
        elif tag in ("br", "cr"):
            piece.add(" ", bold, origin=child)
        elif tag == "noBreakHyphen":
            piece.add("-", bold, origin=child)
        elif tag == "drawing":
            for doc_pr in child.iter(f"{{{WP}}}docPr"):
                alt = (doc_pr.get("descr") or doc_pr.get("title") or "").strip()
                piece.images.append((piece.length, alt, doc_pr.get("name") or ""))
