"""The text of a PDF's pages as lines with boxes, read with PDFium (pypdfium2).

Runs in the worker process (worker.py). For each page it sends the text as PDFium reads it
(content-stream order, with PDFium's own line breaks and word spaces), cut into *segments*:
a run of text on one baseline with no wide gap in it. Two columns that a content stream
draws across the page, baseline by baseline, come out as two segments per baseline rather
than one line that mixes them, so the parent (reading.py) can put the columns in order.

Each segment carries what the parent needs to read the page as a reader does: its box, its
font size and weight (headings by size), the marked-content id of its text (its place in
the tag tree) and whether it is marked as an artifact (running headers and page numbers in
a tagged file). Per page, the structure elements that reach it are sent in tree order.

Python calls into PDFium cost about a microsecond each, so the code asks for boxes only
where a line or a word begins and ends, not for every character.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

# A gap wider than this many times the font size between two words on one baseline is not
# a word space but a gutter between columns (or table cells). Justified text stretches its
# spaces to about one em at worst.
GUTTER_EMS = 1.6
# Structure elements that hold running text: a marked-content id belongs to the nearest of
# these above it (its paragraph, heading, list item body or cell).
_BLOCK_TYPES = frozenset(
    "P H H1 H2 H3 H4 H5 H6 LI LBody Lbl TD TH Caption Note BlockQuote Quote TOCI Title Index BibEntry Code Figure Formula Form".split()
)
# A hostile tag tree is deep or wide: the walk stops after this many elements per page.
MAX_ELEMENTS_PER_PAGE = 20_000


_BLANKS = " \t\u00a0\x00"


class PdfProblem(Exception):
    """The file cannot be read as a PDF; the message says why, in one line."""


@dataclass
class PdfSource:
    """An open PDF: PDFium's document, and the bytes (for the tag lookup with pikepdf)."""

    document: pdfium.PdfDocument
    data: bytes

    def __len__(self) -> int:
        return len(self.document)


def open_pdf(data: bytes) -> PdfSource:
    try:
        return PdfSource(pdfium.PdfDocument(data), data)
    except pdfium.PdfiumError as exc:
        text = str(exc).lower()
        if "password" in text:
            raise PdfProblem("the PDF is encrypted (password-protected); save a copy without a password to have it checked") from None
        if "format" in text or "header" in text:
            raise PdfProblem("the PDF is damaged or not a PDF (PDFium cannot read its structure)") from None
        raise PdfProblem(f"the PDF cannot be opened ({exc})") from None


@dataclass(slots=True)
class _Segment:
    text: list[str]
    x0: float
    y0: float
    x1: float
    y1: float
    first: int  # index of the first character (for its font and marked content)
    size: float  # the height of its first character's loose box: the font size as set


class _Page:
    """Calls into one page's text, with reusable output cells."""

    def __init__(self, textpage: pdfium.PdfTextPage) -> None:
        self.raw = textpage.raw
        self.rect = raw.FS_RECTF()
        self.ref = ctypes.byref(self.rect)

    def box(self, index: int) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) of a character: the loose box (the font's ascent to
        descent), so every letter of a line has the same height, not its ink's."""
        raw.FPDFText_GetLooseCharBox(self.raw, index, self.ref)
        r = self.rect
        return r.left, r.bottom, r.right, r.top


def page_text(textpage: pdfium.PdfTextPage) -> str:
    """The page's characters, one string position per character index (PDFium counts a
    character outside the BMP as one index but writes it as two UTF-16 units)."""
    count = raw.FPDFText_CountChars(textpage.raw)
    if count <= 0:
        return ""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(textpage.raw, 0, count, buffer)
    text = bytes(buffer)[: max(0, written - 1) * 2].decode("utf-16-le", "replace")
    if len(text) != count:
        # A character outside the BMP takes two indexes, its surrogates: the pair becomes the
        # character at the first index and a zero-width space at the second (dropped later).
        units = [raw.FPDFText_GetUnicode(textpage.raw, i) for i in range(count)]
        chars = []
        for i, unit in enumerate(units):
            if 0xD800 <= unit < 0xDC00 and i + 1 < count and 0xDC00 <= units[i + 1] < 0xE000:
                chars.append(chr(0x10000 + ((unit - 0xD800) << 10) + (units[i + 1] - 0xDC00)))
            elif 0xD800 <= unit < 0xE000:
                chars.append("\u200b" if i and 0xD800 <= units[i - 1] < 0xDC00 else "\ufffd")
            else:
                chars.append(chr(unit) if unit else "\ufffd")
        text = "".join(chars)
    return text


# PDFium writes a hyphen it takes for a word break at a line end as U+FFFE (U+0002 from
# FPDFText_GetUnicode) and joins the two lines without a break: the line ends after it.
_SOFT_HYPHENS = re.compile("[\ufffe\x02]|\r?\n")


def _segments(page: _Page, text: str) -> list[_Segment]:
    """Cut the page's text into segments at PDFium's line breaks and at gutters."""
    segments: list[_Segment] = []
    i = 0
    for m in _SOFT_HYPHENS.finditer(text):
        if m.group() in "\ufffe\x02":
            _cut_line(page, text, i, m.end(), segments)  # the hyphen stays with its line
        else:
            _cut_line(page, text, i, m.start(), segments)
        i = m.end()
    _cut_line(page, text, i, len(text), segments)
    return segments


def _letter_size(page: _Page, text: str, start: int, end: int, first_size: float) -> float:
    """The height of the first letter or digit's box: a bullet or a symbol opening the
    segment is often set in another font with another height (partiet_sentrum.pdf's «•»
    boxes are 15.8 pt against the text's 14.5), which would read as a change of size."""
    for k in range(start, min(end, start + 8)):
        if text[k].isalnum():
            if k == start:
                return first_size
            _, bottom, _, top = page.box(k)
            return top - bottom
    return first_size


def _cut_line(page: _Page, text: str, start: int, end: int, out: list[_Segment]) -> None:
    # A gutter can only lie between two text objects: a line PDFium draws as one rectangle
    # (one text object, the common case in Word's and Google Docs' files) is one segment,
    # found with three calls instead of two per word.
    first, last = start, end - 1
    while first <= last and text[first] in _BLANKS:
        first += 1
    while last >= first and text[last] in _BLANKS:
        last -= 1
    if first > last:
        return
    if raw.FPDFText_CountRects(page.raw, first, last - first + 1) <= 1:
        x0, y0, _, y1 = page.box(first)
        _, b1, x1, t1 = page.box(last)
        out.append(_Segment(text[first:last + 1].split(), x0, min(y0, b1), x1, max(y1, t1), first,
                            _letter_size(page, text, first, last + 1, y1 - y0)))
        return
    current: _Segment | None = None
    last_right = 0.0
    last_size = 0.0
    k = start
    while k < end:
        # The next word: a run without spaces.
        while k < end and text[k] in " \t\u00a0\x00":
            k += 1
        if k >= end:
            break
        w = k
        while w < end and text[w] not in " \t\u00a0\x00":
            w += 1
        x0, y0, _, y1 = page.box(k)
        _, b1, x1, t1 = page.box(w - 1)
        top, bottom = max(y1, t1), min(y0, b1)
        size = max(top - bottom, 1.0)
        word = text[k:w]
        if current is not None and (x0 - last_right > GUTTER_EMS * max(size, last_size) or x0 < current.x0 - 1):
            out.append(current)
            current = None
        if current is None:
            current = _Segment([word], x0, bottom, x1, top, k, _letter_size(page, text, k, end, y1 - y0))
        else:
            current.text.append(word)
            current.x0, current.x1 = min(current.x0, x0), max(current.x1, x1)
            current.y0, current.y1 = min(current.y0, bottom), max(current.y1, top)
        last_right, last_size = x1, size
        k = w
    if current is not None:
        out.append(current)


class _Objects:
    """Marked content of text objects, looked up once per object."""

    def __init__(self, textpage: pdfium.PdfTextPage) -> None:
        self.raw = textpage.raw
        self.cache: dict[int, tuple[int, str]] = {}
        self.name = (ctypes.c_ushort * 64)()
        self.name_len = ctypes.c_ulong()

    def of_char(self, index: int) -> tuple[int, str]:
        """(marked-content id or -1, the tag of its marked content) of a character's text
        object: the tag is "Artifact" when any mark around it says so, else the name of the
        innermost mark (P, H1, LBody, Span … in a tagged file)."""
        obj = raw.FPDFText_GetTextObject(self.raw, index)
        if not obj:
            return -1, ""
        key = ctypes.cast(obj, ctypes.c_void_p).value or 0
        found = self.cache.get(key)
        if found is None:
            mcid = raw.FPDFPageObj_GetMarkedContentID(obj)
            tag = ""
            for m in range(min(raw.FPDFPageObj_CountMarks(obj), 16)):
                mark = raw.FPDFPageObj_GetMark(obj, m)
                if mark and raw.FPDFPageObjMark_GetName(mark, self.name, ctypes.sizeof(self.name), ctypes.byref(self.name_len)):
                    name = bytes(self.name)[: max(0, self.name_len.value - 2)].decode("utf-16-le", "replace")
                    if tag != "Artifact":
                        tag = name
            found = (mcid, tag)
            self.cache[key] = found
        return found


def _utf16(call, handle) -> str:  # type: ignore[no-untyped-def]
    size = call(handle, None, 0)
    if size <= 2 or size > 4096:
        return ""
    buffer = (ctypes.c_ubyte * size)()
    call(handle, buffer, size)
    return bytes(buffer)[: size - 2].decode("utf-16-le", "replace")


def page_message(document: pdfium.PdfDocument, index: int, tagged: bool,
                 roles: dict[int, tuple[str, int, str]] | None = None) -> dict[str, object]:
    """One page: its size and its segments, each ``[text, x0, y0, x1, y1, font size, bold,
    mcid, mark, role, block, lang]`` (PDF points, y up; ``mark`` is the name of the marked
    content around the text, "Artifact" for page furniture; ``role`` and ``block`` are the tag
    tree's running-text element for the mcid and its number, "" and -1 when unknown; ``lang``
    the tags' language for it, "" when none is set)."""
    roles = roles or {}
    page = document[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            text = page_text(textpage)
            calls = _Page(textpage)
            segments = _segments(calls, text)
            objects = _Objects(textpage) if tagged else None
            lines = []
            for s in segments:
                # The box, not FPDFText_GetFontSize: a file may set its text at size 1 and
                # scale it with the text matrix (Pages does), which the nominal size ignores.
                size = s.size
                weight = raw.FPDFText_GetFontWeight(textpage.raw, s.first)
                mcid, tag = objects.of_char(s.first) if objects else (-1, "")
                joined = " ".join(s.text).replace("\u200b", "").replace("\ufffe", "-").replace("\x02", "-")
                role, block, lang = roles.get(mcid, ("", -1, ""))
                lines.append([joined, round(s.x0, 1), round(s.y0, 1), round(s.x1, 1), round(s.y1, 1),
                              round(size, 1), weight >= 600, mcid, tag, role, block, lang])
        finally:
            textpage.close()
        return {"kind": "page", "index": index, "width": round(width, 1), "height": round(height, 1),
                "lines": lines}
    finally:
        page.close()


def is_tagged(document: pdfium.PdfDocument) -> bool:
    return bool(raw.FPDFCatalog_IsTagged(document.raw))


def page_messages(source: PdfSource, part: int = 0, parts: int = 1) -> Iterator[dict[str, object]]:
    """The page messages of the pages worker ``part`` of ``parts`` reads (parts.py): two
    workers at once read a long file in well under the time of one."""
    from klarsyn.document.pdf.parts import pages_of
    from klarsyn.document.pdf.tags import page_roles

    tagged = is_tagged(source.document)
    indexes = pages_of(part, parts, len(source.document))
    roles = page_roles(source.data, set(indexes)) if tagged else {}
    for index in indexes:
        yield page_message(source.document, index, tagged, roles.get(index))
