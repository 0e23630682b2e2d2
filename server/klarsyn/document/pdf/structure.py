"""The facts the PDF accessibility checks read (facts.PdfFacts), with pikepdf (qpdf).

Runs in the PDF child process on untrusted bytes. Every walk here is iterative with a
visited set by object id and a cap, because a hostile file can nest its structure tree
100,000 deep, link it in loops or claim a million pages; and every failure inside the file
becomes ``StructureProblem``, never another exception.

PDFium (extract.py) reads tags per page through /StructParents and the ParentTree; here
the whole tree is walked from StructTreeRoot, so a file whose tags exist but are not linked
to its pages (konservativt.pdf, written by macOS Quartz) is told apart from an untagged one.
"""

from __future__ import annotations

import html
import io
import re
import time
import zlib
from collections.abc import Iterator
from typing import Any

from klarsyn.document.pdf.facts import Figure, Font, Heading, PdfFacts, Table

# Structure elements walked before the tree counts as cut. qpdf parses each element when
# it is first touched, 17 to 30 µs apiece here: the 14,451 elements of the 100-page Word
# programme take 0.25 to 0.45 s, 50,000 about 1.5 s. A count, not a clock, decides, so the
# facts (and the findings) of a file do not depend on how busy the machine is.
MAX_ELEMENTS = 50_000
MAX_NODES = 1_000_000  # every kid looked at (elements, marked-content ids, references)
# A safety net only, for a tree that is slow per element: the child has 2 s per message.
TREE_SECONDS = 1.5
MAX_XMP_BYTES = 1 << 20  # the XMP packet decompressed: a title needs a few hundred bytes
MAX_PAGES = 5_000  # pages whose resources are read (fonts, images)
MAX_XOBJECT_DEPTH = 8  # forms inside forms
MAX_OUTLINE = 10_000  # bookmarks counted
MAX_LANGS = 50
FONT_PAGES = 5  # pages kept per font, for the message

_HEADING = re.compile(r"H([1-6])?")
_SUBSET = re.compile(r"^[A-Z]{6}\+")
_STANDARD_ENCODINGS = frozenset({"/WinAnsiEncoding", "/MacRomanEncoding", "/StandardEncoding", "/PDFDocEncoding", "/MacExpertEncoding"})
_STANDARD_14 = frozenset({"Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica", "Helvetica-Bold",
                          "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman", "Times-Bold", "Times-Italic",
                          "Times-BoldItalic", "Symbol", "ZapfDingbats"})
# A glyph name a reader can map to a character: a word of letters ("aring", "comma"), a
# uniXXXX or uXXXX name, optionally with a suffix (".sc"). Names like g12 or cid345 cannot.
_GLYPH_NAME = re.compile(r"^/(?:[A-Za-z]+|uni[0-9A-Fa-f]{4,}|u[0-9A-Fa-f]{4,6})(?:[._]\w+)?$")
_CID_ORDERINGS = frozenset({"Japan1", "GB1", "CNS1", "Korea1"})  # collections a reader knows


def _get(node: Any, key: Any) -> Any:
    """``node.get(key)`` in a third of the time: pikepdf's get of a missing key raises and
    catches inside, which costs 4 µs, and a big tree asks for missing keys 100,000 times."""
    return node[key] if key in node else None  # noqa: SIM401 (the point: no .get)


class StructureProblem(Exception):
    """The PDF cannot be read for its structure (damaged past repair, or encrypted)."""


def read_facts(data: bytes) -> PdfFacts:
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise StructureProblem("the PDF is encrypted with a password") from exc
    except Exception as exc:  # qpdf's errors, and Python ones from a file past repair
        raise StructureProblem(f"the PDF cannot be read: {_short(exc)}") from exc
    try:
        with pdf:
            return _facts(pdf)
    except StructureProblem:
        raise
    except RecursionError as exc:
        raise StructureProblem("the PDF nests its objects too deep to read") from exc
    except Exception as exc:
        raise StructureProblem(f"the PDF cannot be read: {_short(exc)}") from exc


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _facts(pdf: Any) -> PdfFacts:
    import pikepdf

    root = pdf.Root
    facts = PdfFacts(pages=len(pdf.pages), encrypted=bool(pdf.is_encrypted))
    page_numbers = {}
    for i, page in enumerate(pdf.pages):
        if i >= MAX_PAGES:
            break
        page_numbers[page.obj.objgen] = i + 1
        if "/StructParents" in page.obj:
            facts.pages_with_struct_parents += 1
    mark_info = root.get("/MarkInfo")
    facts.marked = isinstance(mark_info, pikepdf.Dictionary) and bool(mark_info.get("/Marked", False) is True)
    lang = root.get("/Lang")
    # A string by the standard; some writers use a name (/en-US), which readers accept.
    facts.lang = _text(lang).strip().lstrip("/") if isinstance(lang, (pikepdf.String, pikepdf.Name)) else ""
    facts.title = _title(pdf)
    prefs = root.get("/ViewerPreferences")
    facts.display_doc_title = isinstance(prefs, pikepdf.Dictionary) and prefs.get("/DisplayDocTitle", False) is True
    facts.outline_items = _outline_count(root)
    tree = root.get("/StructTreeRoot")
    if isinstance(tree, pikepdf.Dictionary):
        facts.has_struct_tree = True
        facts.parent_tree = isinstance(tree.get("/ParentTree"), pikepdf.Dictionary)
        _walk_tree(tree, page_numbers, facts)
    _read_pages(pdf, facts)
    return facts


def _text(value: Any) -> str:
    try:
        return str(value)
    except Exception:  # noqa: BLE001 (a string in a hostile file may not decode; it is then no text)
        return ""


def _title(pdf: Any) -> str:
    """Info /Title, or XMP dc:title when the Info dictionary has none."""
    import pikepdf

    info = pdf.trailer.get("/Info")
    if isinstance(info, pikepdf.Dictionary) and "/Title" in info:
        title = _text(info.get("/Title")).strip()
        if title:
            return title
    return _xmp_title(pdf.Root.get("/Metadata"))


_DC_TITLE = re.compile(rb"<dc:title\b.*?<rdf:li\b[^>]*>(.*?)</rdf:li>", re.DOTALL)


def _xmp_title(stream: Any) -> str:
    """dc:title from the XMP packet, inflated at most MAX_XMP_BYTES (a small stream can
    inflate to gigabytes) and read with a pattern rather than an XML parser."""
    import pikepdf

    if not isinstance(stream, pikepdf.Stream):
        return ""
    filters = stream.get("/Filter")
    raw = stream.read_raw_bytes()
    if filters is None:
        packet = raw[:MAX_XMP_BYTES]
    elif filters == "/FlateDecode" or (isinstance(filters, pikepdf.Array) and list(filters) == ["/FlateDecode"]):
        try:
            packet = zlib.decompressobj().decompress(raw, MAX_XMP_BYTES)
        except zlib.error:
            return ""
    else:
        return ""  # other filters on XMP are unheard of; not worth a decoder on hostile bytes
    found = _DC_TITLE.search(packet)
    if not found:
        return ""
    return " ".join(html.unescape(found.group(1).decode("utf-8", "replace")).split())


def _outline_count(root: Any) -> int:
    """Bookmarks, counted breadth-first through /First and /Next with a visited set."""
    import pikepdf

    outlines = root.get("/Outlines")
    if not isinstance(outlines, pikepdf.Dictionary):
        return 0
    count = 0
    seen: set[tuple[int, int]] = set()
    stack = [outlines.get("/First")]
    while stack and count < MAX_OUTLINE:
        item = stack.pop()
        while isinstance(item, pikepdf.Dictionary) and count < MAX_OUTLINE:
            if item.is_indirect:
                if item.objgen in seen:
                    break
                seen.add(item.objgen)
            count += 1
            child = item.get("/First")
            if child is not None:
                stack.append(child)
            item = item.get("/Next")
    return count


def _role_map(tree: Any) -> dict[str, str]:
    import pikepdf

    roles = tree.get("/RoleMap")
    out: dict[str, str] = {}
    if isinstance(roles, pikepdf.Dictionary):
        for key in sorted(roles.keys())[:1000]:
            value = roles.get(key)
            if isinstance(value, pikepdf.Name):
                out[str(key)[1:]] = str(value)[1:]
    return out


def _standard_type(raw: str, roles: dict[str, str]) -> str:
    from klarsyn.document.pdf.tags import standard_type

    return standard_type(raw, roles)


def _walk_tree(tree: Any, page_numbers: dict[tuple[int, int], int], facts: PdfFacts) -> None:
    """Preorder walk of the structure tree: headings in reading order, figures, tables,
    lists, languages. Iterative: a stack of (node, parent element, inside an artifact,
    table index); an element's page is looked up only for what is recorded."""
    import pikepdf
    from pikepdf import Name

    Dictionary, Array = pikepdf.Dictionary, pikepdf.Array
    S, K, LANG = Name("/S"), Name("/K"), Name("/Lang")
    roles = _role_map(tree)
    seen: set[tuple[int, int]] = set()
    langs: dict[str, None] = {}
    table_counts: list[list[int]] = []  # per table: [page, header cells, cells]
    stack: list[tuple[Any, Any, bool, int]] = [(_get(tree, K), None, False, -1)]
    nodes = 0
    deadline = time.monotonic() + TREE_SECONDS
    while stack:
        node, parent, artifact, table = stack.pop()
        nodes += 1
        if nodes > MAX_NODES or facts.elements >= MAX_ELEMENTS or (nodes % 512 == 0 and time.monotonic() > deadline):
            facts.tree_cut = True
            break
        if isinstance(node, Array):
            # Marked-content ids (plain integers) are most kids: left out here, not popped.
            stack.extend([(kid, parent, artifact, table) for kid in reversed(list(node)) if not isinstance(kid, int)])
            continue
        if not isinstance(node, Dictionary):
            continue  # a marked-content id, or junk
        if node.is_indirect:
            if node.objgen in seen:
                continue  # a loop, or an element linked twice
            seen.add(node.objgen)
        raw = _get(node, S)
        if not isinstance(raw, Name):
            continue  # a marked-content or object reference (/MCR, /OBJR)
        facts.elements += 1
        raw_type = str(raw)[1:]
        kind = _standard_type(raw_type, roles)
        artifact = artifact or raw_type == "Artifact" or kind == "Artifact"
        if LANG in node and len(langs) < MAX_LANGS:
            code = _text(node[LANG]).strip()
            if code:
                langs[code] = None
        heading = _HEADING.fullmatch(kind)
        if heading:
            facts.headings.append(Heading(level=int(heading.group(1) or 0), page=_page_of(node, page_numbers)))
        elif kind == "Figure":
            alt = _alt(node)
            facts.figures.append(Figure(page=_page_of(node, page_numbers), alt=bool(alt), artifact=artifact, alt_text=alt))
        elif kind == "Table":
            table_counts.append([_page_of(node, page_numbers), 0, 0])
            table = len(table_counts) - 1
        elif kind in ("TH", "TD") and table >= 0:
            table_counts[table][2] += 1
            if kind == "TH":
                table_counts[table][1] += 1
        elif kind == "L":
            facts.lists += 1
        elif kind == "LI":
            facts.list_items += 1
        elif kind == "P":
            facts.paragraphs += 1
        if K in node:
            stack.append((node[K], node, artifact, table))
    facts.element_langs = list(langs)
    facts.tables = [Table(page=p, header_cells=h, cells=c) for p, h, c in table_counts]


def _page_of(node: Any, page_numbers: dict[tuple[int, int], int]) -> int:
    """The element's page: its /Pg, that of its first kid that names one, or its nearest
    ancestor's (up the /P links, a few steps)."""
    import pikepdf
    from pikepdf import Name

    PG, K, P = Name("/Pg"), Name("/K"), Name("/P")
    for _ in range(16):
        if not isinstance(node, pikepdf.Dictionary):
            return 0
        page = _get(node, PG)
        if isinstance(page, pikepdf.Dictionary) and page.is_indirect:
            return page_numbers.get(page.objgen, 0)
        kids = _get(node, K)
        if isinstance(kids, pikepdf.Dictionary):
            kids = [kids]
        if isinstance(kids, (pikepdf.Array, list)):
            for kid in list(kids)[:4]:
                if isinstance(kid, pikepdf.Dictionary):
                    page = _get(kid, PG)
                    if isinstance(page, pikepdf.Dictionary) and page.is_indirect:
                        return page_numbers.get(page.objgen, 0)
        node = _get(node, P)
    return 0


def _alt(node: Any) -> str:
    """The element's /Alt, else its /ActualText, whitespace collapsed, at most 200 characters."""
    for key in ("/Alt", "/ActualText"):
        value = _get(node, key)
        text = " ".join(_text(value).split()) if value is not None else ""
        if text:
            return text[:200]
    return ""


def _resources(page: Any) -> Any:
    """A page's /Resources, inherited from the page tree when the page has none."""
    import pikepdf

    node = page
    for _ in range(32):
        if not isinstance(node, pikepdf.Dictionary):
            return None
        resources = node.get("/Resources")
        if resources is not None:
            return resources
        node = node.get("/Parent")
    return None


def _page_resources(page: Any) -> Iterator[Any]:
    """The page's resources and those of the forms it draws, nested a few levels deep."""
    import pikepdf

    seen: set[tuple[int, int]] = set()
    stack = [(_resources(page), 0)]
    while stack:
        resources, depth = stack.pop()
        if not isinstance(resources, pikepdf.Dictionary):
            continue
        if resources.is_indirect:
            if resources.objgen in seen:
                continue
            seen.add(resources.objgen)
        yield resources
        xobjects = resources.get("/XObject")
        if not isinstance(xobjects, pikepdf.Dictionary) or depth >= MAX_XOBJECT_DEPTH:
            continue
        for key in sorted(xobjects.keys())[:500]:
            xobject = xobjects.get(key)
            if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form":
                stack.append((xobject.get("/Resources"), depth + 1))


def _read_pages(pdf: Any, facts: PdfFacts) -> None:
    """Fonts (once each) and pages drawn with images but with no font at all: text needs a
    font, so such a page holds no text (a scan without OCR, or a picture of text). A page
    that shares a resource dictionary full of fonts with text pages is not caught: we
    prefer to miss a scan to calling a text page one."""
    import pikepdf

    fonts: dict[tuple[int, int], Font] = {}
    for index, page in enumerate(pdf.pages):
        if index >= MAX_PAGES:
            break
        has_font = has_image = False
        for resources in _page_resources(page.obj):
            font_dict = resources.get("/Font")
            if isinstance(font_dict, pikepdf.Dictionary):
                for key in sorted(font_dict.keys())[:500]:
                    font = font_dict.get(key)
                    if not isinstance(font, pikepdf.Dictionary):
                        continue
                    has_font = True
                    ident = font.objgen if font.is_indirect else (-1, len(fonts))
                    known = fonts.get(ident)
                    if known is None:
                        fonts[ident] = _font(font, index + 1)
                    elif len(known.pages) < FONT_PAGES and known.pages[-1] != index + 1:
                        fonts[ident] = Font(known.name, known.subtype, known.embedded, known.to_unicode,
                                            known.extractable, known.pages + (index + 1,))
            xobjects = resources.get("/XObject")
            if isinstance(xobjects, pikepdf.Dictionary) and not has_image:
                has_image = any(isinstance(x, pikepdf.Stream) and x.get("/Subtype") == "/Image"
                                for x in (xobjects.get(k) for k in sorted(xobjects.keys())[:500]))
        if has_image and not has_font:
            facts.image_only_pages.append(index + 1)
    facts.fonts = list(fonts.values())


def _font(font: Any, page: int) -> Font:
    import pikepdf

    subtype = _text(font.get("/Subtype", "")).lstrip("/")
    name = _SUBSET.sub("", _text(_get(font, "/BaseFont") or _get(font, "/Name") or "").lstrip("/")) or subtype or "?"
    descriptor = font.get("/FontDescriptor")
    descendant = None
    if subtype == "Type0":
        descendants = font.get("/DescendantFonts")
        if isinstance(descendants, pikepdf.Array) and len(descendants) and isinstance(descendants[0], pikepdf.Dictionary):
            descendant = descendants[0]
            descriptor = descendant.get("/FontDescriptor")
    if subtype == "Type3":
        embedded = True  # its glyphs are drawn by the file itself
    else:
        embedded = isinstance(descriptor, pikepdf.Dictionary) and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    to_unicode = isinstance(font.get("/ToUnicode"), pikepdf.Stream) or font.get("/ToUnicode") == "/Identity-H"
    return Font(name=name, subtype=subtype, embedded=embedded, to_unicode=to_unicode,
                extractable=to_unicode or _encoding_maps(font, subtype, name, descriptor, descendant), pages=(page,))


def _encoding_maps(font: Any, subtype: str, name: str, descriptor: Any, descendant: Any) -> bool:
    """Without a ToUnicode map, whether a reader can still map the codes to letters."""
    import pikepdf

    encoding = font.get("/Encoding")
    if subtype == "Type0":
        if isinstance(encoding, pikepdf.Name) and str(encoding) in ("/Identity-H", "/Identity-V"):
            info = descendant.get("/CIDSystemInfo") if isinstance(descendant, pikepdf.Dictionary) else None
            ordering = _text(info.get("/Ordering", "")) if isinstance(info, pikepdf.Dictionary) else ""
            return ordering in _CID_ORDERINGS
        return isinstance(encoding, pikepdf.Name)  # a predefined CMap (UniJIS-UCS2-H …)
    if isinstance(encoding, pikepdf.Name):
        return str(encoding) in _STANDARD_ENCODINGS
    if isinstance(encoding, pikepdf.Dictionary):
        differences = encoding.get("/Differences")
        names = [str(d) for d in list(differences)[:1000] if isinstance(d, pikepdf.Name)] if isinstance(differences, pikepdf.Array) else []
        return all(_GLYPH_NAME.match(n) for n in names)
    if subtype == "Type3":
        return False
    # No encoding: the font's own. Fine for a standard or non-symbolic font.
    flags = descriptor.get("/Flags", 0) if isinstance(descriptor, pikepdf.Dictionary) else 0
    try:
        symbolic = bool(int(flags) & 4)
    except (TypeError, ValueError):
        symbolic = False
    return name in _STANDARD_14 or not symbolic
