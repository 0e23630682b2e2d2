"""Comments and tracked changes written into a copy of a Word file.

The offsets of a plan (klarsyn.annotate.notes) are in the extracted text; the reader's own
walk (klarsyn.document.docx.read_docx with ``traced``) says which w:t, w:tab or w:br each
piece of that text came from, so a range maps back to (run, character) without a second
traversal. Runs are split at every boundary first (each part keeps a copy of the run's
w:rPr, so its formatting), then the safe fixes become w:del/w:ins, then the comments get
their w:commentRangeStart/End and w:commentReference.

Only word/document.xml, the comments part, word/_rels/document.xml.rels and
[Content_Types].xml may change; every other member of the zip is copied unchanged, in its
order."""

from __future__ import annotations

import copy
import posixpath
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from klarsyn.annotate.notes import Change, Locator, Note, Plan
from klarsyn.annotate.package import NOT_XML, rezip
from klarsyn.document.docx import PKG, DocxSource, W
from klarsyn.document.rich import LineTrace
from klarsyn.document.safexml import parse_xml, read_part

AUTHOR, INITIALS = "klarsyn", "KS"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DOCUMENT, RELS, TYPES = "word/document.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"
# Characters XML 1.0 cannot hold: a message never has them, but a quoted word might.
# Run children that hold the text the reader reads, and how many characters each gives.
_ONE_CHAR = frozenset({"tab", "br", "cr", "noBreakHyphen"})
# What may sit in a run that a tracked deletion wraps; anything else (a drawing, a field
# character, a footnote reference) is left alone and the fix is not made a change.
_DELETABLE = frozenset({"rPr", "t", "tab", "br", "cr", "noBreakHyphen", "lastRenderedPageBreak", "softHyphen"})
# Where a w:del/w:ins may go: paragraph content, not inside an existing change or a field.
_CHANGE_PARENTS = frozenset({"p", "hyperlink", "smartTag", "sdtContent", "customXml"})
# Marks between the runs of a deletion, moved into the w:del with them (allowed there).
_MARKS = frozenset({"proofErr", "bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd"})


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _units(child: etree._Element) -> int:
    tag = _local(child)
    if tag == "t":
        return len(child.text or "")
    return 1 if tag in _ONE_CHAR else 0


@dataclass
class Summary:
    comments: int = 0
    changes: int = 0  # fixes written as tracked changes
    overlapping: int = 0  # safe fixes left out: they overlap another
    unplaced: int = 0  # safe fixes left out: across paragraphs, or over a field, drawing or earlier change


# A place between runs: ("before", run) or ("after", run); ("in", paragraph) for a paragraph
# without text.
Boundary = tuple[str, etree._Element]


class _Writer:
    def __init__(self, source: DocxSource, date: str) -> None:
        self.root = source.root
        self.lines = source.lines
        self.date = date
        self.locator = Locator(self.lines)
        self.next_id = 0
        self.cuts: dict[etree._Element, set[int]] = {}  # run -> unit offsets to split at
        self.split: dict[etree._Element, list[tuple[int, etree._Element]]] = {}
        self.totals: dict[etree._Element, int] = {}
        self.dels: set[etree._Element] = set()
        self.ins_after: dict[etree._Element, etree._Element] = {}
        self.ours: set[etree._Element] = set()

    # --- ids ---------------------------------------------------------------------------

    def reserve_ids(self, *roots: etree._Element | None) -> None:
        """Comments and changes share one id space in Word: start above every id in use."""
        key = _w("id")
        top = -1
        for root in roots:
            if root is None:
                continue
            for element in root.iter():
                value = element.get(key) if isinstance(element.tag, str) else None
                if value and value.isascii() and value.isdigit() and len(value) < 10:
                    top = max(top, int(value))
        self.next_id = top + 1

    def new_id(self) -> str:
        self.next_id += 1
        return str(self.next_id - 1)

    # --- from offsets to runs --------------------------------------------------------

    def point(self, offset: int, side: str) -> tuple[etree._Element, int] | tuple[None, LineTrace]:
        """(run, unit offset in it): the character at ``offset`` for a start, the one before
        it for an end; (None, line) when the paragraph has no text."""
        number, i, inner = self.locator.locate(offset, side)
        trace = self.lines[number]
        if i is None:
            return None, trace
        element = trace.pieces[i][2]
        run = element.getparent()
        before = 0
        for child in run:
            if child is element:
                break
            before += _units(child)
        return run, before + inner

    def want(self, offset: int, side: str) -> None:
        run, k = self.point(offset, side)
        if run is not None:
            self.cuts.setdefault(run, set()).add(k)

    # --- splitting ---------------------------------------------------------------------

    def split_all(self) -> None:
        for run, cuts in self.cuts.items():
            total = sum(_units(c) for c in run)
            self.totals[run] = total
            inner = sorted(k for k in cuts if 0 < k < total)
            self.split[run] = self._split(run, inner) if inner else [(0, run)]

    def _copy_rpr(self, rpr: etree._Element) -> etree._Element:
        twin = copy.deepcopy(rpr)
        for element in twin.iter():  # a tracked formatting change (w:rPrChange) needs its own id
            if isinstance(element.tag, str) and element.get(_w("id")) is not None:
                element.set(_w("id"), self.new_id())
        return twin

    def _split(self, run: etree._Element, cuts: list[int]) -> list[tuple[int, etree._Element]]:
        """Split ``run`` at the unit offsets ``cuts``; the first part is ``run`` itself."""
        rpr = run.find(_w("rPr"))
        content = [c for c in run if c is not rpr]
        parts: list[list[etree._Element]] = [[] for _ in range(len(cuts) + 1)]
        pos = 0
        for child in content:
            units = _units(child)
            index = bisect_right(cuts, pos)  # an empty element at a cut goes with what follows
            if _local(child) == "t" and units:
                text = child.text or ""
                lo = pos
                first = True
                for j in range(index, len(cuts) + 1):
                    hi = min(cuts[j], pos + units) if j < len(cuts) else pos + units
                    if hi <= lo:
                        continue
                    piece = child if first else etree.Element(_w("t"))
                    piece.text = text[lo - pos : hi - pos]
                    piece.set(XML_SPACE, "preserve")  # a space at a cut must stay a space
                    if not first:
                        piece.tail = None
                    parts[j].append(piece)
                    first = False
                    lo = hi
            else:
                parts[index].append(child)
            pos += units
        for child in content:
            run.remove(child)
        out = [(0, run)]
        for element in parts[0]:
            run.append(element)
        previous = run
        for j, elements in enumerate(parts[1:]):
            twin = etree.Element(run.tag, attrib=dict(run.attrib))
            if rpr is not None:
                twin.append(self._copy_rpr(rpr))
            for element in elements:
                twin.append(element)
            previous.addnext(twin)
            previous = twin
            out.append((cuts[j], twin))
        return out

    def boundary(self, offset: int, side: str) -> Boundary:
        run, k = self.point(offset, side)
        if run is None:
            return ("in", k.element)  # type: ignore[union-attr]
        parts = self.split[run]
        total = self.totals[run]
        if side == "start":
            if k >= total:
                return ("after", parts[-1][1])
            for start, part in parts:
                if start == k:
                    return ("before", part)
        else:
            if k <= 0:
                return ("before", parts[0][1])
            for j, (start, part) in enumerate(parts):
                end = parts[j + 1][0] if j + 1 < len(parts) else total
                if end == k:
                    return ("after", part)
        raise AssertionError("a boundary that was not cut")  # split_all cut at every wanted point

    # --- placing elements ----------------------------------------------------------------

    def put(self, where: Boundary, element: etree._Element) -> etree._Element:
        """Insert ``element`` at a boundary, outside any w:del/w:ins of ours that starts or
        ends there (a comment covers the whole change, not half of it)."""
        how, target = where
        if how == "in":
            ppr = target.find(_w("pPr"))
            target.insert(1 if ppr is not None and target.index(ppr) == 0 else 0, element)
            # Later markers for the same paragraph follow this one.
            return element
        if how == "before":
            while target.getparent() in self.ours and target.getprevious() is None:
                target = target.getparent()
            target.addprevious(element)
        else:
            while target.getparent() in self.ours and target.getnext() is None:
                target = target.getparent()
            if target in self.ins_after:
                target = self.ins_after[target]
            target.addnext(element)
        return element

    # --- tracked changes ---------------------------------------------------------------

    def _mark(self, tag: str) -> etree._Element:
        element = etree.Element(_w(tag))
        element.set(_w("id"), self.new_id())
        element.set(_w("author"), AUTHOR)
        element.set(_w("date"), self.date)
        self.ours.add(element)
        return element

    def _new_run(self, like: etree._Element | None, text: str) -> etree._Element:
        run = etree.Element(_w("r"))
        rpr = like.find(_w("rPr")) if like is not None else None
        if rpr is not None:
            twin = self._copy_rpr(rpr)
            for change in twin.findall(_w("rPrChange")):  # new text has no formatting history
                twin.remove(change)
            run.append(twin)
        t = etree.SubElement(run, _w("t"))
        t.text = NOT_XML.sub("", text)
        t.set(XML_SPACE, "preserve")
        return run

    def _runs_between(self, first: Boundary, last: Boundary) -> list[etree._Element] | None:
        """The runs a deletion wraps, when they are siblings that may be deleted."""
        if first[0] != "before" or last[0] != "after":
            return None
        start, end = first[1], last[1]
        parent = start.getparent()
        if parent is None or _local(parent) not in _CHANGE_PARENTS or end.getparent() is not parent:
            return None
        runs: list[etree._Element] = []
        element: etree._Element | None = start
        while element is not None:
            tag = _local(element)
            if tag == "r":
                if any(_local(c) not in _DELETABLE for c in element):
                    return None
            elif tag not in _MARKS:
                return None
            runs.append(element)
            if element is end:
                return runs
            element = element.getnext()
        return None

    def changes(self, changes: list[Change]) -> tuple[int, int]:
        """Write the changes, a fix's edits all or none; (fixes written, fixes left out)."""
        by_fix: dict[int, list[Change]] = {}
        for change in changes:
            by_fix.setdefault(change.fix, []).append(change)
        written = left = 0
        for edits in by_fix.values():
            placed = []
            for c in edits:
                if c.end > c.start:
                    runs = self._runs_between(self.boundary(c.start, "start"), self.boundary(c.end, "end"))
                    if runs is None:
                        break
                    placed.append((c, runs, None))
                else:
                    where = self.boundary(c.start, "start")
                    if where[0] == "in" or _local(where[1].getparent()) not in _CHANGE_PARENTS:
                        break
                    placed.append((c, None, where))
            else:
                for c, runs, where in placed:
                    self._write_change(c, runs, where)
                written += 1
                continue
            left += 1
        return written, left

    def _write_change(self, c: Change, runs: list[etree._Element] | None, where: Boundary | None) -> None:
        if runs is None:
            assert where is not None
            ins = self._mark("ins")
            ins.append(self._new_run(where[1], c.new_text))
            self.put(where, ins)
            return
        deletion = self._mark("del")
        runs[0].addprevious(deletion)
        for run in runs:
            deletion.append(run)
            for t in run.iter(_w("t")) if _local(run) == "r" else ():
                t.tag = _w("delText")
        self.dels.add(deletion)
        if c.new_text:
            ins = self._mark("ins")
            ins.append(self._new_run(runs[0], c.new_text))
            deletion.addnext(ins)
            self.ins_after[deletion] = ins

    # --- comments ------------------------------------------------------------------------

    def comment(self, note: Note, comments: etree._Element) -> None:
        ident = self.new_id()
        start = etree.Element(_w("commentRangeStart"))
        start.set(_w("id"), ident)
        end = etree.Element(_w("commentRangeEnd"))
        end.set(_w("id"), ident)
        reference = etree.Element(_w("r"))
        etree.SubElement(reference, _w("commentReference")).set(_w("id"), ident)
        first = self.boundary(note.start, "start")
        last = self.boundary(note.end, "end") if note.end > note.start else first
        if first[0] == "in" or last[0] == "in" or last is first:
            # A paragraph without text: the comment marks a point in it.
            where = first if first[0] == "in" or last[0] != "in" else last
            self.put(where, start).addnext(end)
        else:
            self.put(first, start)
            self.put(last, end)
        end.addnext(reference)
        body = etree.SubElement(comments, _w("comment"))
        body.set(_w("id"), ident)
        body.set(_w("author"), AUTHOR)
        body.set(_w("date"), self.date)
        body.set(_w("initials"), INITIALS)
        for i, text in enumerate(note.paragraphs):
            p = etree.SubElement(body, _w("p"))
            if i == 0:  # the mark Word shows at the start of a comment
                etree.SubElement(etree.SubElement(p, _w("r")), _w("annotationRef"))
            t = etree.SubElement(etree.SubElement(p, _w("r")), _w("t"))
            t.text = NOT_XML.sub("", text)
            t.set(XML_SPACE, "preserve")


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _comments_part(rels: etree._Element | None) -> str | None:
    """The comments part the document's relationships name, if any."""
    if rels is None:
        return None
    for rel in rels.iter(f"{{{PKG}}}Relationship"):
        if rel.get("Type") == COMMENTS_REL and rel.get("TargetMode") != "External":
            target = rel.get("Target") or ""
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("word", target))
    return None


def annotate_docx(data: bytes, path: str, source: DocxSource, plan: Plan, now: datetime | None = None) -> tuple[bytes, Summary]:
    """The annotated copy of ``data`` (the .docx ``source`` was read from) and what went in.
    ``source.root`` is changed in place: read the file again to annotate it again."""
    summary = Summary(overlapping=plan.overlapping, unplaced=plan.unsuited)
    if not plan.notes and not plan.changes:
        return data, summary
    date = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    package = source.package
    rels_data = read_part(package, RELS, path, required=False)
    rels = parse_xml(rels_data, RELS, path) if rels_data else None
    types_data = read_part(package, TYPES, path) or b""
    types = parse_xml(types_data, TYPES, path)
    part = _comments_part(rels)
    existing = read_part(package, part, path, required=False) if part else None
    comments = parse_xml(existing, part, path) if existing else etree.Element(_w("comments"), nsmap={"w": W})
    part = part if existing else "word/comments.xml"

    writer = _Writer(source, date)
    writer.reserve_ids(source.root, comments)
    for note in plan.notes:
        writer.want(note.start, "start")
        writer.want(note.end, "end")
    for change in plan.changes:
        writer.want(change.start, "start")
        if change.end > change.start:
            writer.want(change.end, "end")
    writer.split_all()
    summary.changes, left = writer.changes(plan.changes)
    summary.unplaced += left
    for note in plan.notes:
        writer.comment(note, comments)
    summary.comments = len(plan.notes)

    replaced = {DOCUMENT: _xml(source.root), part: _xml(comments)}
    if rels is None:
        rels = etree.Element(f"{{{PKG}}}Relationships", nsmap={None: PKG})
    if _comments_part(rels) != part:
        used = {rel.get("Id") for rel in rels}
        n = 1
        while f"rIdKlarsyn{n}" in used:
            n += 1
        rel = etree.SubElement(rels, f"{{{PKG}}}Relationship")
        rel.set("Id", f"rIdKlarsyn{n}")
        rel.set("Type", COMMENTS_REL)
        rel.set("Target", posixpath.relpath(part, "word"))
        replaced[RELS] = _xml(rels)
    name = "/" + part
    if not any(o.get("PartName", "").lower() == name.lower() for o in types.iter(f"{{{CT}}}Override")):
        override = etree.SubElement(types, f"{{{CT}}}Override")
        override.set("PartName", name)
        override.set("ContentType", COMMENTS_TYPE)
        replaced[TYPES] = _xml(types)
    return rezip(package.archive, replaced, path), summary
