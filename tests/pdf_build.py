"""Small test PDFs made with pikepdf: pages of text lines at given positions, tagged or not.

    build_pdf([Page([Line("Skole", 72, 760, size=18, tag="H1"), Line("Vi vil …", 72, 730)])],
              lang="nb-NO", title="Program", display_title=True) -> bytes

Text is drawn in Helvetica with WinAnsiEncoding (so æøå work); Helvetica is not embedded,
``font="embedded"`` draws with a Type3 font of plain boxes that is (with a ToUnicode map),
``font="no-unicode"`` with the same font without that map (its glyph names g32, g33 … say
nothing about the letters: text that cannot be extracted).

Tagged files get a StructTreeRoot with a Document element, one element per line (or per
figure) with its marked-content id, /StructParents on each page and a ParentTree, as Word
and InDesign write them (``link_pages=False`` leaves out the last two, as macOS Quartz does).
A line's ``tag`` may be a path: ``"Table/TR/TH"`` puts a TH in a TR in a Table; consecutive
lines that share a leading part of the path share those elements (``"TR#2"`` starts a new
one with the same type). ``tag="Artifact"`` marks a running header or footer as an artifact.
``Line(order=…)`` puts a line's element elsewhere in the tree than its place in the drawing
(the reading order a tagged file gives, against the content stream's).

``document_from_spec`` reads the small YAML spec that PDF rule examples are written in.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, String

PAGE_W, PAGE_H = 595, 842  # A4 in points


@dataclass
class Line:
    text: str
    x: float = 72
    y: float = 760
    size: float = 11
    tag: str = "P"
    lang: str | None = None  # /Lang on the line's element
    # Where the line's element stands in the tag tree, when that is not the drawing order
    # (the tree gives the reading order): top-level elements are sorted by it, those without
    # one keep their place (their count so far).
    order: float | None = None


@dataclass
class Figure:
    x: float = 72
    y: float = 400
    w: float = 200
    h: float = 150
    alt: str | None = None  # /Alt on the Figure element
    tag: str | None = "Figure"  # None: an untagged image (a scanned page); "Artifact": decoration


@dataclass
class Page:
    lines: list[Line] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _helvetica(pdf: pikepdf.Pdf) -> pikepdf.Object:
    return pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica,
                                        Encoding=Name.WinAnsiEncoding))


def _type3(pdf: pikepdf.Pdf, to_unicode: bool) -> pikepdf.Object:
    """A Type3 font whose every glyph (codes 32–255) is a box: embedded by definition."""
    box = pdf.make_stream(b"500 0 0 0 450 700 d1 0 0 450 700 re f")
    names = [Name(f"/g{code}") for code in range(32, 256)]
    font = Dictionary(
        Type=Name.Font, Subtype=Name.Type3, FontBBox=Array([0, 0, 500, 700]), FontMatrix=Array([0.001, 0, 0, 0.001, 0, 0]),
        CharProcs=Dictionary({f"/g{code}": box for code in range(32, 256)}),
        Encoding=Dictionary(Type=Name.Encoding, Differences=Array([32, *names])),
        FirstChar=32, LastChar=255, Widths=Array([500] * 224), Resources=Dictionary(),
    )
    if to_unicode:
        cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Klarsyn def "
                b"1 begincodespacerange <00> <FF> endcodespacerange 2 beginbfrange "
                b"<20> <7E> <0020> <A0> <FF> <00A0> endbfrange endcmap CMapName currentdict /CMap defineresource pop end end")
        font.ToUnicode = pdf.make_stream(cmap)
    return pdf.make_indirect(font)


def _image(pdf: pikepdf.Pdf) -> pikepdf.Object:
    return pdf.make_stream(b"\x80\x80\x80" * 4, Type=Name.XObject, Subtype=Name.Image, Width=2, Height=2,
                           ColorSpace=Name.DeviceRGB, BitsPerComponent=8)


class _PageTags:
    """The structure elements of one page: containers stay open for the next line while
    its path starts the same way; each leaf gets the page's next marked-content id."""

    def __init__(self, pdf: pikepdf.Pdf, page: pikepdf.Object, root: pikepdf.Object, order: list[float]) -> None:
        self.pdf, self.page, self.root = pdf, page, root
        self.marked: list[pikepdf.Object] = []  # the element of each MCID on this page
        self.open_path: list[tuple[str, pikepdf.Object]] = []
        self.order = order  # the sort key of each of root's kids, shared by all pages

    def _attach(self, parent: pikepdf.Object, child: pikepdf.Object, order: float | None) -> None:
        parent.K.append(child)
        if parent is self.root:
            self.order.append(order if order is not None else len(self.order))

    def add(self, path: str, lang: str | None = None, alt: str | None = None, order: float | None = None) -> int:
        parts = path.split("/")
        keep = 0
        while keep < len(self.open_path) and keep < len(parts) - 1 and self.open_path[keep][0] == parts[keep]:
            keep += 1
        del self.open_path[keep:]
        parent = self.open_path[-1][1] if self.open_path else self.root
        for label in parts[keep:-1]:
            container = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + label.split("#")[0]), P=parent,
                                                          Pg=self.page, K=Array()))
            self._attach(parent, container, order)
            self.open_path.append((label, container))
            parent = container
        mcid = len(self.marked)
        leaf = Dictionary(Type=Name.StructElem, S=Name("/" + parts[-1].split("#")[0]), P=parent, Pg=self.page, K=mcid)
        if lang:
            leaf.Lang = String(lang)
        if alt is not None:
            leaf.Alt = String(alt)
        leaf = self.pdf.make_indirect(leaf)
        self._attach(parent, leaf, order)
        self.marked.append(leaf)
        return mcid


def build_pdf(pages: list[Page], *, tagged: bool = True, lang: str | None = None, title: str | None = None,
              display_title: bool = False, bookmarks: list[tuple[str, int]] | None = None, font: str = "helvetica",
              link_pages: bool = True) -> bytes:
    """The PDF's bytes. ``bookmarks``: (title, 0-based page) for each outline item."""
    pdf = pikepdf.new()
    font_obj = {"helvetica": _helvetica, "embedded": lambda p: _type3(p, True), "no-unicode": lambda p: _type3(p, False)}[font](pdf)
    image = _image(pdf)
    doc_elem = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    parent_nums = Array()
    order: list[float] = []
    for index, spec in enumerate(pages):
        page = pdf.add_blank_page(page_size=(PAGE_W, PAGE_H))
        resources = Dictionary()
        if spec.lines:
            resources.Font = Dictionary(F1=font_obj)
        if spec.figures:
            resources.XObject = Dictionary(Im1=image)
        page.obj.Resources = resources
        content: list[bytes] = []
        tags = _PageTags(pdf, page.obj, doc_elem, order)
        for line in spec.lines:
            draw = b"BT /F1 %g Tf %g %g Td (%s) Tj ET" % (line.size, line.x, line.y, _escape(line.text))
            if not tagged:
                content.append(draw)
            elif line.tag == "Artifact":
                content.append(b"/Artifact <</Type /Pagination>> BDC " + draw + b" EMC")
            else:
                mcid = tags.add(line.tag, line.lang, order=line.order)
                content.append(b"/%s <</MCID %d>> BDC %s EMC" % (line.tag.split("/")[-1].split("#")[0].encode(), mcid, draw))
        for figure in spec.figures:
            draw = b"q %g 0 0 %g %g %g cm /Im1 Do Q" % (figure.w, figure.h, figure.x, figure.y)
            if not tagged or figure.tag is None:
                content.append(draw)
            elif figure.tag == "Artifact":
                content.append(b"/Artifact BMC " + draw + b" EMC")
            else:
                mcid = tags.add(figure.tag, alt=figure.alt)
                content.append(b"/Figure <</MCID %d>> BDC %s EMC" % (mcid, draw))
        page.obj.Contents = pdf.make_stream(b"\n".join(content))
        if tagged and link_pages:
            page.obj.StructParents = index
            parent_nums.extend([index, Array(tags.marked)])
    if tagged and any(line.order is not None for spec in pages for line in spec.lines):
        kids = list(doc_elem.K)
        doc_elem.K = Array([kid for _key, _i, kid in sorted(zip(order, range(len(kids)), kids), key=lambda t: (t[0], t[1]))])
    if tagged:
        tree = Dictionary(Type=Name.StructTreeRoot, K=doc_elem)
        if link_pages:
            tree.ParentTree = pdf.make_indirect(Dictionary(Nums=parent_nums))
            tree.ParentTreeNextKey = len(pages)
        pdf.Root.StructTreeRoot = pdf.make_indirect(tree)
        doc_elem.P = pdf.Root.StructTreeRoot
        pdf.Root.MarkInfo = Dictionary(Marked=True)
    if lang:
        pdf.Root.Lang = String(lang)
    if title is not None:
        pdf.docinfo.Title = String(title)
    if display_title:
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    if bookmarks:
        with pdf.open_outline() as outline:
            outline.root.extend(pikepdf.OutlineItem(text, page) for text, page in bookmarks)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def text_page(texts: list[str], tag: str = "P") -> Page:
    """A page of lines, one under the other from the top."""
    return Page([Line(text, 72, 760 - 20 * i, tag=tag) for i, text in enumerate(texts)])


def pdf_from_spec(spec: dict) -> bytes:
    """Build from an example spec (see document_from_spec)."""
    pages: list[Page] = []
    for items in spec.get("pages", [["P Vi vil bygge flere skoler."]]):
        page = Page()
        y = 760.0
        for item in items:
            item = str(item)
            head, _, rest = item.partition(" ")
            if head.rstrip(":") in ("Figure", "Image", "Decoration"):
                alt = item.partition(":")[2].strip() if ":" in head else None
                tag = {"Figure": "Figure", "Image": None, "Decoration": "Artifact"}[head.rstrip(":")]
                page.figures.append(Figure(72, y - 150, 200, 140, alt=alt, tag=tag))
                y -= 160
            else:
                size = 18 if head.startswith("H") and head[1:].isdigit() else 11
                page.lines.append(Line(rest, 72, y, size=size, tag=head))
                y -= 24
        pages.append(page)
    pages = pages * int(spec.get("repeat", 1))
    count = int(spec.get("bookmarks", 0))
    return build_pdf(pages, tagged=bool(spec.get("tagged", True)), lang=spec.get("lang"), title=spec.get("title"),
                     display_title=bool(spec.get("show_title", False)), font=str(spec.get("font", "helvetica")),
                     link_pages=bool(spec.get("linked", True)),
                     bookmarks=[(f"Kapittel {i + 1}", min(i, len(pages) - 1)) for i in range(count)])


def document_from_spec(text: str, lang: str = "nb"):  # type: ignore[no-untyped-def]
    """A Document(format="pdf") from the YAML spec of a PDF rule example, e.g.

        tagged: true          # default true
        lang: nb-NO           # the catalog's /Lang; none when left out
        title: Program 2025   # Info /Title
        show_title: true      # /DisplayDocTitle
        font: embedded        # helvetica (default, not embedded), embedded, no-unicode
        linked: false         # leave out /StructParents and the ParentTree
        bookmarks: 3          # outline items
        repeat: 25            # the pages below, this many times over
        pages:
          - [H1 Skole, P Vi vil bygge skoler., Figure, "Figure: Kart over sykkelveiene"]

    A page item is "TAG text" (TAG may be a path, Table/TR/TH), "Figure" (no /Alt),
    "Figure: alt text", "Image" (an untagged image) or "Decoration" (an image marked as an
    artifact). The text is the pages' lines in order: until the PDF loader lands, the
    Document is built here from the facts and that text, as the loader will.
    """
    import yaml
    from klarsyn.document.loader import parse
    from klarsyn.document.pdf.structure import read_facts

    spec = yaml.safe_load(text) or {}
    data = pdf_from_spec(spec)
    facts = read_facts(data)
    lines = [str(item).partition(" ")[2] for page in spec.get("pages", [["P Vi vil bygge flere skoler."]]) for item in page
             if not str(item).startswith(("Figure", "Image", "Decoration"))] * int(spec.get("repeat", 1))
    document = parse("\n\n".join(lines) + "\n", "example.pdf", "text", lang)
    document.format = "pdf"
    document.pdf = facts
    document.declared_language = facts.lang or None
    return document
