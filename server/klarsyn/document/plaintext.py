"""Plain-text front end, tuned for drafts pasted or extracted from PDF and Word.

- Paragraphs are separated by blank lines; wrapped lines are joined with a space, a word
  hyphenated at the line end is joined whole, and a ligature (U+FB01 …) reads as its letters
  (document/hyphenation.py).
- A line that starts with a list marker (``1.``, ``2)``, ``a)``, ``iv)``, ``-``, ``•``) starts a
  list item, which is a block (so a sentence) of its own even without a final full stop.
  A marker alone on its line (pdftotext writes ``•`` and the item's text on separate
  lines) starts a list item with the next line of text.
- Page layout is not prose: running headers and footers, page numbers, table-of-contents
  lines, photo credits and lost-ligature debris (document/layout.py) are read as blank
  lines, so they make no block and a paragraph they interrupt continues across them.
- A line indented after a line that ended a sentence starts a new paragraph (PDF
  extraction often loses the blank line but keeps the indent).
- A paragraph that starts in lower case continues the previous unfinished one
  (a blank line that a page break left inside a sentence).
- Heading guesses: a single short line without final punctuation that is followed
  by more text. ``2. Klima og natur`` is a level-2 heading when what follows is not
  another numbered line; ``2.1 Tiltak`` is level 3; an unnumbered guess is level 1
  when it opens the document and level 2 after that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from klarsyn.document.hyphenation import Join, add_text, join
from klarsyn.document.layout import BULLETS, LONE_MARKER, LONE_MARKER_CHARS, FileLayout, analyse, layout_lines
from klarsyn.document.model import Block, BlockKind, Document, SourceNote
from klarsyn.document.offsets import TextBuilder

_BREAK = regex.compile(r"\r\n|\r|\n")
_BREAK_KEPT = regex.compile(r"(\r\n|\r|\n)")
_LIST_MARKER = regex.compile(
    r"[ \t\u00a0\f]*(?:(?:(\d{1,3}(?:\.\d{1,3})*)[.)]|\(?(?:[ivx]{1,5}|[a-zæøå])\)|\(\d{1,3}\)|[-*–])[ \t\u00a0]+"
    r"|[" + BULLETS + r"][ \t\u00a0]*)(?=\S)"
)
_NUMBERED_HEADING = regex.compile(r"[ \t\u00a0\f]*(\d{1,3}(?:\. ?\d{1,3})*)\.?[ \t\u00a0]+\p{L}")  # "13. 1": PDF extraction put a space in "13.1"
_BLANK = regex.compile(r"[\s\u00a0]*")
_SPACE = " \t\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u3000"
_TERMINAL = ".!?:;,…"
_MAX_HEADING_WORDS = 12
# A line that ends in one of these leads into what follows («Partiet Sentrum vil» before
# its list, «Vi ønsker å» before a wrapped line): a heading does not end in a modal verb,
# an infinitive marker, a conjunction or a preposition.
LEAD_IN_ENDS = frozenset(
    "vil skal må kan bør ønsker mener går jobbe jobber arbeide arbeider å at og eller samt men "
    "for til om med som av i på fra ved mot etter under over blant ".split()
)


@dataclass
class _Line:
    start: int  # offset of the first character
    end: int  # offset after the last non-break character
    brk: int  # length of the line break (0 on the last line)
    text: str

    @property
    def content(self) -> str:
        return self.text.strip(_SPACE)


@dataclass
class _Unit:
    lines: list[_Line] = field(default_factory=list)
    numbered: str | None = None  # "2" or "2.1" when the unit starts with a number
    marker_end: int = 0  # offset where the text after a list marker begins
    is_list: bool = False
    # Bullets printed apart from their items («•⏎•⏎•» then the items' lines, as pdftotext
    # writes a two-column bullet list): how many more items this unit's lines hold.
    items_left: int = 0

    @property
    def last_char(self) -> str:
        content = self.lines[-1].content
        return content[-1] if content else ""

    @property
    def first_char(self) -> str:
        content = self.lines[0].content
        if self.is_list:
            content = self.lines[0].text[self.marker_end - self.lines[0].start :].strip(_SPACE)
        return content[:1]


def _split_lines(source: str) -> list[_Line]:
    """The lines of ``source`` with their breaks (CR LF, CR or LF); a break at the very end
    starts no empty line. One split of the whole text, not a match per line."""
    parts = _BREAK_KEPT.split(source)  # line, break, line, break, …, what follows the last break
    lines = []
    pos = 0
    for i in range(0, len(parts) - 1, 2):
        body, brk = parts[i], parts[i + 1]
        end = pos + len(body)
        lines.append(_Line(pos, end, len(brk), body))
        pos = end + len(brk)
    if parts[-1]:
        lines.append(_Line(pos, pos + len(parts[-1]), 0, parts[-1]))
    return lines


def split_source_lines(source: str) -> list[str]:
    """The source's lines without their breaks, as :func:`_split_lines` cuts them."""
    lines = _BREAK.split(source)
    if lines and not lines[-1]:
        lines.pop()  # the source ends with a line break: no empty last line
    return lines


def _start_unit(line: _Line, item: bool = False) -> _Unit:
    """``item``: the line follows a list marker that stood alone on its line."""
    unit = _Unit([line])
    if item and not _LIST_MARKER.match(line.text):
        unit.is_list = True
        unit.marker_end = line.start + len(line.text) - len(line.text.lstrip(_SPACE))
        return unit
    marker = _LIST_MARKER.match(line.text)
    if marker:
        unit.is_list = True
        unit.numbered = marker.group(1)
        unit.marker_end = line.start + marker.end()
    return unit


def _units(lines: list[_Line], layout: list[str | None]) -> list[_Unit]:
    units: list[_Unit] = []
    current: _Unit | None = None
    after_blank = True
    lone_marker = 0  # list markers that stood alone on their lines just before
    for line, reason in zip(lines, layout):
        if reason is not None or _BLANK.fullmatch(line.text):
            after_blank = True
            continue
        content = line.content
        # The length test first: it spares almost every line the pattern.
        if len(content) <= LONE_MARKER_CHARS and LONE_MARKER.fullmatch(line.text):
            lone_marker += 1
            after_blank = True
            continue
        starts_item = bool(_LIST_MARKER.match(line.text))
        if starts_item and current is not None and not after_blank and _dash_aside(line.text, current):
            starts_item = False  # «… veier, bygg som sykehus⏎– altså investeringer …»: an aside
        if starts_item and current is not None and not after_blank and _wrapped_ordinal(line.text, current):
            starts_item = False  # «abort t.o.m.⏎12. svangerskapsuke»: an ordinal the line wrapped before
        indented = line.text[:1] in _SPACE and line.text[:1] not in "\f\v"  # a form feed opens a page, not a paragraph
        if lone_marker:
            current = _start_unit(line, item=True)
            current.items_left = lone_marker - 1
            units.append(current)
            lone_marker = 0
        elif current is not None and current.items_left and not after_blank and content[:1].isupper() and current.last_char not in ",-–":
            # The next of the items whose bullets stood apart: it starts with a capital.
            left = current.items_left - 1
            current = _start_unit(line, item=True)
            current.items_left = left
            units.append(current)
        elif current is None:
            current = _start_unit(line)
            units.append(current)
        elif after_blank:
            # A paragraph in lower case continues an unfinished one across a stray blank line.
            if content[:1].islower() and current.last_char not in _TERMINAL:
                current.lines.append(line)
            else:
                current = _start_unit(line)
                units.append(current)
        elif starts_item or (indented and current.last_char in ".!?…:"):
            current = _start_unit(line)
            units.append(current)
        elif _SECTION_ITEM.match(line.text):
            # «§48 Vedr. retten til selvforsvar»: a list of a law's sections, one a line.
            current = _start_unit(line, item=True)
            units.append(current)
        elif _leads_into_item(current) and content[:1].isupper():
            # «Partiet Sentrum vil» then «Ikke åpne opp …»: the bullets were lost, not the break.
            current = _start_unit(line)
            units.append(current)
        elif _looks_like_heading_line(current) and len(current.lines) == 1 and content[:1].isupper() and not (current.is_list and current.numbered is None):
            # "4. En god oppvekst varer hele livet" directly followed by its first paragraph.
            current = _start_unit(line)
            units.append(current)
        elif content[:1].isupper() and _ended_early(current, content):
            # «… gi nydyrkingstilskudd⏎INP ønsker …»: the line broke before a word that would
            # have fitted on it, so the break was the author's (an item or paragraph ends
            # without a full stop), not the column's.
            current = _start_unit(line)
            units.append(current)
        else:
            current.lines.append(line)
        after_blank = False
    return units


def _wrapped_heading(unit: _Unit) -> bool:
    """«4.5 Innvandring, integrering og⏎inkludering»: a numbered heading wrapped in two,
    the first line ending in a word that needs the next, the whole still short."""
    first, second = unit.lines[0].content, unit.lines[1].content
    words = first.split() + second.split()
    return (bool(_NUMBERED_HEADING.match(unit.lines[0].text)) and len(words) <= _MAX_HEADING_WORDS
            and first.split()[-1].lower() in _WRAP_WORDS and bool(second) and second[-1] not in _TERMINAL)


_WRAP_WORDS = frozenset("og eller i for til av med på om fra mot under ved".split())


_SECTION_ITEM = regex.compile(r"[ \t\u00a0]*§[ \u00a0]?\d{1,4}[a-z]?[ \t\u00a0]+\p{Lu}")


def _wrapped_ordinal(text: str, unit: _Unit) -> bool:
    """«12. svangerskapsuke» on a new line inside a paragraph (not after a lead-in colon, not
    in a list): the number is an ordinal of the running sentence, not a list item."""
    marker = _LIST_MARKER.match(text)
    if marker is None or not marker.group(1) or unit.is_list or unit.last_char == ":":
        return False
    rest = text[marker.end():]
    return rest[:1].islower()


def _dash_aside(text: str, unit: _Unit) -> bool:
    """A dash opening a line is an aside, not a bullet, when the line before runs on (no
    final punctuation) and the dash is followed by a small letter."""
    body = text.lstrip(_SPACE)
    return (body[:1] in "-–" and body[1:2] in _SPACE and body[2:3].islower() and unit.last_char not in _TERMINAL
            and not unit.is_list)  # under a list item, a dash line is the next item


SENTENCE_INSIDE = regex.compile(r"[.!?:]\s+[\p{Lu}«\"]")


def _ended_early(unit: _Unit, next_content: str) -> bool:
    """The unit's last line, without final punctuation, is so short that the next line's
    first word would have fitted on it. The column's width is the longest line of the unit
    so far; it takes two lines to know it."""
    if len(unit.lines) < 2:
        return False
    last = unit.lines[-1].content
    if not last or last[-1] in _TERMINAL or last[-1] in "-–(":
        return False
    if SENTENCE_INSIDE.search(last):
        return False  # «… familiens behov. Partiet⏎Sentrum ønsker»: a sentence began on the line
    if last[-1] == "," or last.rsplit(maxsplit=1)[-1].lower() in _RUNS_ON:
        return False  # «… arbeidsmarkedsbyrå (ELA) og⏎EUs banktilsynsbyrå»: the sentence goes on
    width = max(len(line.content) for line in unit.lines)
    first_word = next_content.split(maxsplit=1)[0]
    return len(last) + 1 + len(first_word) < width - 2


# Words a sentence cannot end on: a line ending in one goes on, however short it is.
_RUNS_ON = _WRAP_WORDS | frozenset("at som samt enn eller men der da når hvis fordi den det de en et ei".split())


_MODAL_LEAD_INS = frozenset("vil skal må bør ønsker".split())


def _leads_into_item(unit: _Unit) -> bool:
    """The unit's last line ends in a modal verb: a capital after it opens an item."""
    words = unit.lines[-1].content.split()
    return bool(words) and words[-1] in _MODAL_LEAD_INS


def _looks_like_heading_line(unit: _Unit) -> bool:
    line = unit.lines[0]
    content = line.content
    if not content or content[-1] in _TERMINAL or not content[:1].isupper() and not content[:1].isdigit():
        return False
    numbered = _NUMBERED_HEADING.match(line.text)
    if content[:1].isdigit() and not numbered:
        return False
    words = content.split()
    if words[-1].lower() in LEAD_IN_ENDS:
        return False
    return 0 < len(words) <= _MAX_HEADING_WORDS


def _heading_level(unit: _Unit, next_unit: _Unit | None, seen_heading: bool) -> int:
    """0 when the unit is not a heading guess, else the guessed level."""
    if next_unit is None:
        return 0
    if len(unit.lines) == 2:
        if not _wrapped_heading(unit):
            return 0
    elif len(unit.lines) != 1 or not _looks_like_heading_line(unit):
        return 0
    if unit.is_list and unit.numbered is None:
        return 0  # a bulleted or lettered item is never a heading
    first = next_unit.first_char
    if not (first.isupper() or first.isdigit()):
        return 0
    numbered = _NUMBERED_HEADING.match(unit.lines[0].text)
    if numbered:
        # Numbered items followed by their sibling are a list, not headings.
        if next_unit.numbered is not None:
            return 0
        return 1 + numbered.group(1).count(".") + 1
    return 2 if seen_heading else 1


def _block(unit: _Unit, kind: BlockKind, level: int = 0) -> Block:
    pieces: list[tuple[int, str]] = []  # each line's text without its margins, and where it starts
    for i, line in enumerate(unit.lines):
        begin = line.start
        if i == 0 and kind is BlockKind.LIST_ITEM:
            begin = unit.marker_end
        text = line.text[begin - line.start :]
        stripped = text.lstrip(_SPACE)
        begin += len(text) - len(stripped)
        pieces.append((begin, stripped.rstrip(_SPACE)))
    builder = TextBuilder()
    for i, (begin, text) in enumerate(pieces):
        how = join(text, pieces[i + 1][1]) if i + 1 < len(pieces) else Join.SPACE
        # A word broken at the line end: its hyphen maps to nothing in the plain text.
        add_text(builder, text[:-1] if how is Join.DROP_HYPHEN else text, begin)
        if i + 1 < len(pieces) and how is Join.SPACE:
            line = unit.lines[i]
            # The joined line break stands for the line's break.
            builder.add_synthetic(" ", line.end, line.brk)
    plain, offsets = builder.build(anchor=unit.lines[0].start)
    return Block(kind=kind, text=plain, offsets=offsets, level=level)


def parse_plaintext(source: str, path: str = "", seen_heading: bool = False,
                    layout: FileLayout | None = None, headings: list[int | None] | None = None) -> Document:
    """``seen_heading``: a heading came earlier in the file (when parsing a piece of it);
    ``layout``: the file's running headers and such, when ``source`` is a piece of it;
    ``headings``: per source line, what a richer source knows (a PDF's tags or font sizes):
    a heading level, 0 for "not a heading", None for "no idea" (the guess decides)."""
    lines = _split_lines(source)
    line_at = {line.start: i for i, line in enumerate(lines)} if headings is not None else {}
    texts = [line.text for line in lines]
    notes: list[SourceNote] = []
    if layout is None:
        layout, reasons = analyse(texts)
        notes = layout_notes(source, layout)  # a piece's caller reports the whole file's
    else:
        reasons = layout_lines(texts, layout)
    units = _units(lines, reasons)
    blocks: list[Block] = []
    for i, unit in enumerate(units):
        level = _heading_level(unit, units[i + 1] if i + 1 < len(units) else None, seen_heading)
        if headings is not None:
            known = headings[line_at[unit.lines[0].start]]
            if known is not None:
                level = known
        if level:
            blocks.append(_block(unit, BlockKind.HEADING, level))
            seen_heading = True
        elif unit.is_list:
            blocks.append(_block(unit, BlockKind.LIST_ITEM))
        else:
            blocks.append(_block(unit, BlockKind.PARAGRAPH))
    return Document(path=path, source=source, format="text", blocks=blocks, notes=notes)


def layout_notes(source: str, layout: FileLayout) -> list[SourceNote]:
    """One note per file for what its layout hides: two columns mixed line by line (at the
    first stretch; ``detail`` is the number of lines left out of prose), and letters lost
    with the ligatures (at the first fragment line; ``detail`` is the number of such lines)."""
    if layout.mixed_at is None and layout.fragments_at is None:
        return []
    lines = _split_lines(source)
    notes = []
    if layout.mixed_at is not None:
        first, last, count = layout.mixed_at
        start = lines[first].start + len(lines[first].text) - len(lines[first].text.lstrip(_SPACE))
        notes.append(SourceNote(start, lines[last].end, "columns", str(count), first + 1))
    if layout.fragments_at is not None:
        first, count = layout.fragments_at
        line = lines[first]
        start = line.start + len(line.text) - len(line.text.lstrip(_SPACE))
        notes.append(SourceNote(start, start + len(line.content), "ligatures", str(count), first + 1))
    return notes
