"""From findings to what an office file gets: comments on ranges of the extracted text and
tracked changes for the safe fixes. Format-neutral: offsets are the Document's (one line per
paragraph), so a Word writer and an OpenDocument writer take the same plan."""

from __future__ import annotations

from bisect import bisect_right

from dataclasses import dataclass, field

from klarsyn.findings import Finding, FixSafety

_LABELS = {
    "nb": {"suggestion": "Forslag", "why": "Hvorfor"},
    "nn": {"suggestion": "Framlegg", "why": "Kvifor"},
    "en": {"suggestion": "Suggestion", "why": "Why"},
}
# The rule's description is long in places (sources, examples): the comment gets its first
# sentences, so that it stays a note in the margin.
_REASON_CHARS = 280


@dataclass(frozen=True, slots=True)
class Note:
    """A comment on ``[start, end)`` of the extracted text (``start == end``: a paragraph
    without text), made of paragraphs."""

    start: int
    end: int
    paragraphs: tuple[str, ...]
    rule: str


@dataclass(frozen=True, slots=True)
class Change:
    """A tracked change: ``[start, end)`` of the extracted text becomes ``new_text``."""

    start: int
    end: int
    new_text: str
    rule: str
    fix: int  # which fix it belongs to: a fix's edits are applied together or not at all


@dataclass
class Plan:
    notes: list[Note] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    overlapping: int = 0  # safe fixes left out because they overlap another
    unsuited: int = 0  # safe fixes that cannot be a tracked change (across paragraphs)


def line_starts(lines: list) -> list[int]:  # type: ignore[type-arg]
    """Where each line of the extracted text starts (each line is ``length`` characters and
    a line break)."""
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += line.length + 1
    return starts


class Locator:
    """From an offset of the extracted text to the traced piece of the reader's tree it
    falls in, for both writers (``lines`` are the reader's line traces: each has
    ``length`` and ``pieces``, each piece starting with its offset in the line and its
    length). A start is the character at the offset, an end the one before it."""

    def __init__(self, lines: list) -> None:  # type: ignore[type-arg]
        self.lines = lines
        self.starts = line_starts(lines)
        self._piece_starts: dict[int, list[int]] = {}

    def locate(self, offset: int, side: str) -> tuple[int, int | None, int]:
        """(line number, index of the piece or None for a line without text, offset in
        that piece; in the line when there is none)."""
        probe = offset - 1 if side == "end" and offset > 0 else offset
        number = min(max(0, bisect_right(self.starts, probe) - 1), len(self.lines) - 1)
        trace = self.lines[number]
        at = max(0, min(offset - self.starts[number], trace.length))
        pieces = trace.pieces
        if not pieces:
            return number, None, at
        starts = self._piece_starts.get(number)
        if starts is None:
            starts = self._piece_starts[number] = [p[0] for p in pieces]
        probe = at - 1 if side == "end" and at > 0 else at
        i = max(0, min(bisect_right(starts, probe) - 1, len(pieces) - 1))
        lo, length = pieces[i][0], pieces[i][1]
        return number, i, max(0, min(at - lo, length))


def short_reason(description: str) -> str:
    """The first sentences of a rule's description, at most about _REASON_CHARS."""
    text = " ".join(description.split())
    if len(text) <= _REASON_CHARS:
        return text
    cut = text.rfind(". ", 0, _REASON_CHARS)
    return text[: cut + 1] if cut > 40 else text[: _REASON_CHARS - 1].rstrip() + "…"


def _line_of(source: str, offset: int) -> tuple[int, int]:
    offset = max(0, min(offset, len(source)))
    start = source.rfind("\n", 0, offset) + 1
    end = source.find("\n", offset)
    return start, len(source) if end < 0 else end


def _anchor(source: str, f: Finding) -> tuple[int, int]:
    """The flagged range; a finding without one (about the file, an empty heading) is
    anchored on its whole paragraph, or the first paragraph with text."""
    if f.end > f.start:
        return f.start, f.end
    start, end = _line_of(source, f.start)
    if end == start and f.start == 0:
        for line_start, line in _lines(source):
            if line.strip():
                return line_start, line_start + len(line)
    return start, end


def _lines(source: str):  # type: ignore[no-untyped-def]
    at = 0
    for line in source.split("\n"):
        yield at, line
        at += len(line) + 1


def comment_text(f: Finding, description: str, lang: str) -> tuple[str, ...]:
    labels = _LABELS.get(lang, _LABELS["nb"])
    paragraphs = [f"{' '.join(f.message.split())} [{f.rule}]"]
    if f.fixes:
        fix = f.fixes[0]
        news = {e.new_text for e in fix.edits}
        if len(news) == 1 and next(iter(news)).strip():
            paragraphs.append(f"{labels['suggestion']}: «{next(iter(news))}»")
        else:
            paragraphs.append(f"{labels['suggestion']}: {fix.title}")
    if description.strip():
        paragraphs.append(f"{labels['why']}: {short_reason(description)}")
    return tuple(paragraphs)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """As the language server's fix-all decides: ranges that share a character, or two
    insertions at one place."""
    return (a[0] < b[1] and b[0] < a[1]) or (a[0] == a[1] == b[0] == b[1])


def plan(findings: list[Finding], source: str, descriptions: dict[str, str], lang: str, changes: bool) -> Plan:
    out = Plan()
    for f in findings:
        start, end = _anchor(source, f)
        out.notes.append(Note(start, end, comment_text(f, descriptions.get(f.rule, ""), lang), f.rule))
    if not changes:
        return out
    fixes = [(i, f.rule, f.fixes[0]) for i, f in enumerate(findings) if f.fixes and f.fixes[0].safety is FixSafety.SAFE]
    usable = []
    for i, rule, fix in fixes:
        # A change inside one paragraph only: Word's tracked changes do not split or join
        # paragraphs the way an edit with a line break would.
        if not fix.edits or any("\n" in e.new_text or "\n" in source[e.start : e.end] or e.end < e.start for e in fix.edits):
            out.unsuited += 1
            continue
        usable.append((i, rule, fix))
    spans = sorted(((e.start, e.end, n) for n, (_i, _r, fix) in enumerate(usable) for e in fix.edits))
    clashing: set[int] = set()
    for k, (a, b, n) in enumerate(spans):
        for c, d, m in spans[k + 1 :]:
            if c > b:
                break
            if m != n and _overlap((a, b), (c, d)):
                clashing.update((n, m))
    for n, (i, rule, fix) in enumerate(usable):
        if n in clashing:
            out.overlapping += 1
            continue
        out.changes.extend(Change(e.start, e.end, e.new_text, rule, i) for e in fix.edits)
    return out


def apply_changes(source: str, changes: list[Change]) -> str:
    """The text once every change is accepted (what the tests compare a file against)."""
    parts: list[str] = []
    at = 0
    for c in sorted(changes, key=lambda c: (c.start, c.end)):
        parts.append(source[at : c.start])
        parts.append(c.new_text)
        at = c.end
    parts.append(source[at:])
    return "".join(parts)


_LIX_TEXT = {
    "nb": "LIX {lix:.0f} ({band}) i denne delen: {words} ord, {sentences} setninger, {long:.0f} % lange ord.",
    "nn": "LIX {lix:.0f} ({band}) i denne delen: {words} ord, {sentences} setningar, {long:.0f} % lange ord.",
    "en": "LIX {lix:.0f} ({band}) in this section: {words} words, {sentences} sentences, {long:.0f} % long words.",
}
LIX_RULE = "lix"  # the label in the comment; no rule of that id exists


def lix_notes(analysis: object, lang: str) -> list[Note]:
    """A note on each heading with the readability of its section (as `klarsyn stats` gives it)."""
    from klarsyn.metrics.lix import band

    notes: list[Note] = []
    for section in getattr(analysis, "sections", []):
        lix = section.counts.lix
        if section.heading is None or lix is None:
            continue
        block = section.heading.block
        start, end = block.source_span(0, len(block.text))
        text = _LIX_TEXT.get(lang, _LIX_TEXT["nb"]).format(lix=lix, band=band(lix, lang), words=section.counts.words,
                                                         sentences=section.counts.sentences, long=100 * section.counts.long_word_share)
        notes.append(Note(start, end, (f"{text} [{LIX_RULE}]",), LIX_RULE))
    return notes
