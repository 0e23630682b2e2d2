"""Comments and tracked changes written into a copy of an OpenDocument text (.odt).

The plan's offsets are in the extracted text; the reader's own walk
(klarsyn.document.odt.read_odt with ``traced``) says which text node (an element's text or
tail, or a text:s / text:tab / text:line-break) each piece of that text came from. Every
boundary first gets a placeholder element cut into its text node, all at once and from the
end of each node backwards, so no offset moves under another. Then the safe fixes become
tracked changes as LibreOffice writes them (text:change for the deleted text, whose words
move into a text:changed-region; text:change-start/-end around the inserted text), their
boundaries lifted out of text:span first (the span split in two, both halves keeping its
style), and the comments become office:annotation / office:annotation-end pairs.

Only content.xml changes; every other member of the zip is copied unchanged, in its order,
so `mimetype` stays first and stored."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from klarsyn.annotate.docx import AUTHOR, INITIALS, Summary
from klarsyn.annotate.notes import Change, Locator, Note, Plan
from klarsyn.annotate.package import NOT_XML, rezip
from klarsyn.document.odt import DC, OFFICE, TAIL_OF, TEXT, TEXT_OF, WHOLE, OdtSource

META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
CONTENT = "content.xml"
_MARK = "klarsyn-placeholder"  # no namespace, so none is declared; never written: every placeholder is replaced or dropped
# Where a comment or change mark may sit; inside a field (text:date, text:page-number …) it
# may not, so a mark there moves out to the field's edge.
_HOLDERS = frozenset({(TEXT, "p"), (TEXT, "h"), (TEXT, "span"), (TEXT, "a")})
# What a tracked deletion may take out of the body: text and its spans, spaces and tabs.
_DELETABLE = frozenset({"span", "s", "tab", "line-break", "soft-page-break"})
# Marks that may sit in the deleted words: they move out to the edge of the deletion (a
# bookmark's end, like a comment's end, after it; the others before it).
_MOVABLE = frozenset({"bookmark", "bookmark-start", "bookmark-end"})
# The order of marks at one offset: a change ends inside a comment that ends there, and a
# comment that starts there starts before the change does (it covers the whole change).
CHANGE_END, NOTE_END, NOTE_START, CHANGE_START = range(4)


def _t(tag: str) -> str:
    return f"{{{TEXT}}}{tag}"


def _o(tag: str) -> str:
    return f"{{{OFFICE}}}{tag}"


def _key(element: etree._Element) -> tuple[str, str]:
    if not isinstance(element.tag, str):
        return ("", "")
    q = etree.QName(element)
    return q.namespace or "", q.localname


def _movable(element: etree._Element) -> bool:
    return element.tag == _MARK or (_key(element)[0] == TEXT and _key(element)[1] in _MOVABLE)


def _detach(element: etree._Element) -> None:
    """Remove ``element`` from its parent, its tail staying where it was."""
    parent = element.getparent()
    tail = element.tail or ""
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    element.tail = None
    parent.remove(element)


def _put_after(anchor: etree._Element, element: etree._Element) -> None:
    """``element`` right after ``anchor``, before the text that follows it."""
    tail = anchor.tail
    anchor.tail = None
    anchor.addnext(element)
    element.tail = tail


@dataclass
class _Mark:
    offset: int
    side: str  # "start" or "end"
    order: int
    element: etree._Element | None = None


class _Writer:
    def __init__(self, source: OdtSource, date: str) -> None:
        self.root = source.root
        self.lines = source.lines
        self.date = date
        self.locator = Locator(self.lines)
        self.marks: list[_Mark] = []
        self.by_element: dict[etree._Element, _Mark] = {}

    def mark(self, offset: int, side: str, order: int) -> _Mark:
        m = _Mark(offset, side, order)
        self.marks.append(m)
        return m

    # --- from offsets to text nodes -----------------------------------------------------

    def _location(self, offset: int, side: str) -> tuple[etree._Element, int, int]:
        """(element, TEXT_OF | TAIL_OF, index in that string) of a start or end offset."""
        number, i, inner = self.locator.locate(offset, side)
        trace = self.lines[number]
        if i is None:
            return trace.element, TEXT_OF, 0  # type: ignore[return-value]  # a paragraph without text
        _lo, length, (element, kind) = trace.pieces[i]  # type: ignore[misc]
        if kind != WHOLE:
            return element, kind, inner
        # text:s, text:tab, text:line-break: a mark goes before or after the element (one in
        # the middle of a run of spaces goes to the nearer edge).
        if inner >= length or (side == "end" and inner > 0) or (0 < inner and 2 * inner >= length):
            return element, TAIL_OF, 0
        previous = element.getprevious()
        if previous is not None:
            return previous, TAIL_OF, len(previous.tail or "")
        parent = element.getparent()
        return parent, TEXT_OF, len(parent.text or "")

    def place_all(self) -> None:
        """Cut a placeholder into the text for every mark, each text node from its end
        backwards (and, at one place, the last mark first), so no index moves."""
        located = []
        for m in self.marks:
            element, kind, index = self._location(m.offset, m.side)
            located.append((element, kind, index, m))
        located.sort(key=lambda x: (id(x[0]), x[1], -x[2], -x[3].order))
        for element, kind, index, m in located:
            placeholder = etree.Element(_MARK)
            m.element = placeholder
            if kind == TEXT_OF:
                text = element.text or ""
                element.text = text[:index] or None
                placeholder.tail = text[index:] or None
                element.insert(0, placeholder)
            else:
                text = element.tail or ""
                element.tail = text[:index] or None
                element.addnext(placeholder)
                placeholder.tail = text[index:] or None
        for element, _kind, _index, m in located:
            self._out_of_fields(m)

    def _out_of_fields(self, m: _Mark) -> None:
        placeholder = m.element
        assert placeholder is not None
        outer = None
        for ancestor in placeholder.iterancestors():
            if _key(ancestor) in _HOLDERS:
                break
            outer = ancestor
        if outer is None:
            return
        _detach(placeholder)
        if m.side == "start":
            outer.addprevious(placeholder)
        else:
            _put_after(outer, placeholder)

    # --- tracked changes ---------------------------------------------------------------

    def _lift(self, placeholder: etree._Element) -> None:
        """Move ``placeholder`` out of the text:span(s) around it, splitting each in two."""
        while _key(span := placeholder.getparent()) == (TEXT, "span"):
            twin = etree.Element(span.tag, attrib=dict(span.attrib))
            twin.text = placeholder.tail
            placeholder.tail = None
            for sibling in list(placeholder.itersiblings()):
                twin.append(sibling)  # its tail comes along
            span.remove(placeholder)
            tail = span.tail
            span.tail = None
            span.addnext(placeholder)
            placeholder.addnext(twin)
            twin.tail = tail
            if not twin.text and not len(twin):
                _detach(twin)
            if not span.text and not len(span):
                _detach(span)

    def changes(self, changes: list[tuple[Change, _Mark, _Mark | None]], regions: etree._Element, ids: set[str]) -> tuple[int, int]:
        """The changes, a fix's edits all or none; (fixes written, fixes left out)."""
        by_fix: dict[int, list[tuple[Change, _Mark, _Mark | None]]] = {}
        for item in changes:
            by_fix.setdefault(item[0].fix, []).append(item)
        written = left = 0
        for edits in by_fix.values():
            plans = []
            for c, start, end in edits:
                s = start.element
                assert s is not None
                if end is None:
                    plans.append((c, s, None, []))
                    continue
                e = end.element
                assert e is not None
                self._lift(s)
                self._lift(e)
                between = self._between(s, e)
                if between is None:
                    break
                plans.append((c, s, e, between))
            else:
                for c, s, e, between in plans:
                    self._write_change(c, s, e, between, regions, ids)
                written += 1
                continue
            left += 1
            for _c, start, end in edits:
                for m in (start, end):
                    if m is not None and m.element is not None and m.element.getparent() is not None:
                        _detach(m.element)
                    if m is not None:
                        m.element = None
        return written, left

    def _between(self, s: etree._Element, e: etree._Element) -> list[etree._Element] | None:
        """The siblings from ``s`` to ``e`` when a deletion may take them (text, spans of
        text, spaces and tabs; another comment's mark moves out of the way)."""
        parent = s.getparent()
        if parent is None or e.getparent() is not parent or _key(parent) not in _HOLDERS:
            return None
        for before in s.itersiblings(preceding=True):  # not inside another author's insertion
            if _key(before) == (TEXT, "change-end"):
                break
            if _key(before) == (TEXT, "change-start"):
                return None
        found: list[etree._Element] = []
        for sibling in s.itersiblings():
            if sibling is e:
                return self._clear_marks(s, e, found)
            if _movable(sibling):
                found.append(sibling)
                continue
            ns, tag = _key(sibling)
            if ns != TEXT or tag not in _DELETABLE:
                return None
            for inner in sibling.iter():
                if inner is sibling or _movable(inner):
                    continue
                ns, tag = _key(inner)
                if ns != TEXT or tag not in _DELETABLE:
                    return None
            found.append(sibling)
        return None

    def _clear_marks(self, s: etree._Element, e: etree._Element, found: list[etree._Element]) -> list[etree._Element]:
        """A comment mark inside the deleted words moves to the edge of the deletion: its
        start before it, its end after it."""
        kept = []
        for element in found:
            inner = [element] if _movable(element) else [m for m in element.iter() if _movable(m)]
            for m in inner:
                mark = self.by_element.get(m)
                _detach(m)
                if (mark is not None and mark.side == "end") or _key(m) == (TEXT, "bookmark-end"):
                    _put_after(e, m)
                else:
                    s.addprevious(m)
            if not _movable(element):
                kept.append(element)
        return kept

    def _region(self, regions: etree._Element, ids: set[str], kind: str) -> tuple[str, etree._Element]:
        n = len(ids)
        while f"ctklarsyn{n}" in ids:
            n += 1
        ident = f"ctklarsyn{n}"
        ids.add(ident)
        region = etree.SubElement(regions, _t("changed-region"))
        region.set(XML_ID, ident)
        region.set(_t("id"), ident)
        change = etree.SubElement(region, _t(kind))
        info = etree.SubElement(change, _o("change-info"))
        etree.SubElement(info, f"{{{DC}}}creator").text = AUTHOR
        etree.SubElement(info, f"{{{DC}}}date").text = self.date
        return ident, change

    def _write_change(self, c: Change, s: etree._Element, e: etree._Element | None, between: list[etree._Element],
                      regions: etree._Element, ids: set[str]) -> None:
        at = s
        style_like = None
        if e is not None:
            paragraph = next((a for a in s.iterancestors() if _key(a) in ((TEXT, "p"), (TEXT, "h"))), None)
            ident, deletion = self._region(regions, ids, "deletion")
            words = etree.SubElement(deletion, _t("p"))
            style = paragraph.get(_t("style-name")) if paragraph is not None else None
            if style:
                words.set(_t("style-name"), style)
            words.text = s.tail
            for element in between:
                words.append(copy.deepcopy(element))
            s.tail = None
            for element in between:
                element.getparent().remove(element)  # its tail was deleted text too
            style_like = next((x for x in between if _key(x) == (TEXT, "span")), None) if between and _key(between[0]) == (TEXT, "span") else None
            _detach(e)
            s.tag = _t("change")
            s.set(_t("change-id"), ident)
            if not c.new_text:
                return
            begin = etree.Element(_t("change-start"))
            _put_after(s, begin)
            at = begin
        else:
            at.tag = _t("change-start")
            begin = at
        ident, _ = self._region(regions, ids, "insertion")
        begin.set(_t("change-id"), ident)
        finish = etree.Element(_t("change-end"))
        finish.set(_t("change-id"), ident)
        text = NOT_XML.sub("", c.new_text)
        if style_like is not None:
            span = etree.Element(style_like.tag, attrib=dict(style_like.attrib))
            span.text = text
            _put_after(begin, span)
            _put_after(span, finish)
        else:
            _put_after(begin, finish)
            begin.tail = text

    # --- comments ------------------------------------------------------------------------

    def comment(self, note: Note, start: _Mark, end: _Mark | None, name: str) -> None:
        s = start.element
        assert s is not None
        s.tag = _o("annotation")
        if end is not None:
            s.set(_o("name"), name)
        etree.SubElement(s, f"{{{DC}}}creator", nsmap={"dc": DC}).text = AUTHOR
        etree.SubElement(s, f"{{{DC}}}date", nsmap={"dc": DC}).text = self.date
        etree.SubElement(s, f"{{{META}}}creator-initials", nsmap={"meta": META}).text = INITIALS
        for text in note.paragraphs:
            etree.SubElement(s, _t("p")).text = NOT_XML.sub("", text)
        if end is not None and end.element is not None:
            end.element.tag = _o("annotation-end")
            end.element.set(_o("name"), name)


def _tracked_changes(body: etree._Element) -> etree._Element:
    """office:text's text:tracked-changes, made where ODF wants it (after office:forms, before
    everything else) when the file has none."""
    found = body.find(_t("tracked-changes"))
    if found is not None:
        return found
    regions = etree.Element(_t("tracked-changes"))
    regions.set(_t("track-changes"), "false")  # recording stays as the author had it: off
    forms = body.find(_o("forms"))
    if forms is not None:
        _put_after(forms, regions)
    else:
        body.insert(0, regions)
        regions.tail, body.text = body.text, None
    return regions


def annotate_odt(data: bytes, path: str, source: OdtSource, plan: Plan, now: datetime | None = None) -> tuple[bytes, Summary]:
    """The annotated copy of ``data`` (the .odt ``source`` was read from) and what went in.
    ``source.root`` is changed in place: read the file again to annotate it again."""
    summary = Summary(overlapping=plan.overlapping, unplaced=plan.unsuited)
    body = source.root.find(f"{_o('body')}/{_o('text')}")
    if body is None or not source.lines or (not plan.notes and not plan.changes):
        return data, summary
    # LibreOffice writes local time without a zone; UTC without one reads the same way.
    date = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    writer = _Writer(source, date)
    note_marks = []
    for note in plan.notes:
        start = writer.mark(note.start, "start", NOTE_START)
        end = writer.mark(note.end, "end", NOTE_END) if note.end > note.start else None
        note_marks.append((note, start, end))
    change_marks = []
    for change in plan.changes:
        start = writer.mark(change.start, "start", CHANGE_START)
        end = writer.mark(change.end, "end", CHANGE_END) if change.end > change.start else None
        change_marks.append((change, start, end))
    writer.place_all()
    writer.by_element = {m.element: m for m in writer.marks if m.element is not None}
    if change_marks:
        had = body.find(_t("tracked-changes")) is not None
        regions = _tracked_changes(body)
        ids = {r.get(_t("id")) or "" for r in source.root.iter(_t("changed-region"))}
        summary.changes, left = writer.changes(change_marks, regions, ids)
        summary.unplaced += left
        if not had and not len(regions):  # none of the fixes could be a change: add nothing
            _detach(regions)
    names = {a.get(_o("name")) for a in source.root.iter(_o("annotation"))}
    n = 0
    for note, start, end in note_marks:
        n += 1
        while f"klarsyn{n}" in names:
            n += 1
        writer.comment(note, start, end, f"klarsyn{n}")
    summary.comments = len(plan.notes)
    for leftover in list(source.root.iter(_MARK)):
        _detach(leftover)
    content = etree.tostring(source.root, xml_declaration=True, encoding="UTF-8")
    return rezip(source.package.archive, {CONTENT: content}, path), summary
