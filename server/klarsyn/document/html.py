"""HTML front end (lxml.html): headings, paragraphs, list items, quotes, table cells (th as
header), links, images with their alt text, and lang attributes. Scripts, styles, code and
comments are not prose. Offsets are into the extracted text (a line per block)."""

from __future__ import annotations

from lxml import etree, html as lxml_html

from klarsyn.document.model import BlockKind, Document, Link
from klarsyn.document.rich import Piece, RichBuilder
from klarsyn.errors import InputError

_BLOCKS = {"p": BlockKind.PARAGRAPH, "li": BlockKind.LIST_ITEM, "td": BlockKind.TABLE_CELL, "th": BlockKind.TABLE_CELL,
           "dd": BlockKind.PARAGRAPH, "dt": BlockKind.PARAGRAPH, "figcaption": BlockKind.PARAGRAPH, "caption": BlockKind.PARAGRAPH}
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_SKIP = {"script", "style", "code", "pre", "noscript", "template", "head", "svg", "math"}
_CONTAINERS = {"div", "section", "article", "main", "body", "header", "footer", "nav", "aside", "ul", "ol", "dl", "table",
               "thead", "tbody", "tfoot", "tr", "blockquote", "form", "fieldset", "details", "figure", "html"}


def parse_html(text: str, path: str) -> Document:
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = lxml_html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(path, f"is not readable HTML ({exc})") from None
    builder = RichBuilder(path, "html")
    declared = (root.get("lang") or "").strip() or None
    body = root.find("body")
    _walk(body if body is not None else root, builder, quoted=False, tables=[0], row=[0], header_row=[False])
    return builder.document(declared)


def _walk(element: etree._Element, builder: RichBuilder, quoted: bool, tables: list[int], row: list[int], header_row: list[bool]) -> None:
    loose = Piece(lang=_lang_of(element))
    for child in element:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        if tag in _SKIP:
            continue
        if tag in _HEADINGS or tag in _BLOCKS:
            if loose.length or loose.images:
                builder.finish(loose)
                loose = Piece(lang=_lang_of(element))
            piece = Piece(kind=BlockKind.HEADING if tag in _HEADINGS else _BLOCKS[tag], level=_HEADINGS.get(tag, 0))
            if quoted and piece.kind is BlockKind.PARAGRAPH:
                piece.kind = BlockKind.QUOTE
            if tag in ("td", "th"):
                piece.attrs.update({"table": tables[0], "row": row[0], "table_header": tag == "th" or header_row[0]})
            # The nearest lang attribute, on the block or around it, is the passage's language.
            piece.lang = _lang_of(child)
            nested = [c for c in child if isinstance(c.tag, str) and (c.tag.lower() in _BLOCKS or c.tag.lower() in _HEADINGS or c.tag.lower() in ("ul", "ol"))]
            _inline(child, piece, skip_blocks=bool(nested))
            builder.finish(piece)
            if nested:
                _walk(child, builder, quoted, tables, row, header_row)
        elif tag in _CONTAINERS:
            if loose.length or loose.images:
                builder.finish(loose)
                loose = Piece(lang=_lang_of(element))
            if tag == "table":
                tables[0] += 1
                row[0] = -1
            if tag == "tr":
                row[0] += 1
            if tag == "thead":
                header_row[0] = True
            _walk(child, builder, quoted or tag == "blockquote", tables, row, header_row)
            if tag == "thead":
                header_row[0] = False
        else:
            _inline_one(child, loose)
    if loose.length or loose.images:
        builder.finish(loose)


def _inline(element: etree._Element, piece: Piece, skip_blocks: bool = False) -> None:
    piece.add(_space(element.text))
    for child in element:
        if isinstance(child.tag, str):
            tag = child.tag.lower()
            if skip_blocks and (tag in _BLOCKS or tag in _HEADINGS or tag in ("ul", "ol")):
                piece.add(_space(child.tail))
                continue
            _inline_one(child, piece)
        else:
            piece.add(_space(child.tail))


def _inline_one(child: etree._Element, piece: Piece) -> None:
    tag = child.tag.lower() if isinstance(child.tag, str) else ""
    if tag in _SKIP:
        piece.add(" ")
    elif tag == "a":
        start = piece.length
        _inline(child, piece)
        piece.links.append(Link(start, piece.length, child.get("href") or ""))
    elif tag == "img":
        piece.images.append((piece.length, (child.get("alt") or "").strip() if child.get("alt") is not None else None, child.get("src") or ""))  # type: ignore[arg-type]
    elif tag == "br":
        piece.add(" ")
    elif tag in ("u", "ins"):
        start = piece.length
        _inline(child, piece)
        piece.underlined.append((start, piece.length))
    elif tag in ("b", "strong"):
        before = len(piece.bold)
        _inline(child, piece)
        piece.bold[before:] = [True] * (len(piece.bold) - before)
    elif child.get("lang"):
        outer, piece.lang = piece.lang, child.get("lang")
        _inline(child, piece)
        piece.lang = outer
    else:
        _inline(child, piece)
    piece.add(_space(child.tail))


def _lang_of(element: etree._Element) -> str | None:
    """The nearest lang attribute on the element or around it (the passage's language)."""
    for e in (element, *element.iterancestors()):
        if e.get("lang") is not None:
            return e.get("lang") or None
    return None


def _space(text: str | None) -> str:
    """HTML white space: any run of it is one space."""
    if not text:
        return ""
    collapsed = " ".join(text.split())
    if not collapsed:
        return " "
    return (" " if text[0].isspace() else "") + collapsed + (" " if text[-1].isspace() else "")
