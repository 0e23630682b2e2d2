"""Building a Document from a rich format: every paragraph, heading, list item and table
cell becomes one line of the extracted text, so line numbers are paragraph numbers — what
an editor working in Word needs, since Word has no line numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

from klarsyn.document.model import Block, BlockKind, Document, Link
from klarsyn.document.offsets import TextBuilder
from klarsyn.errors import InputError

# The extracted text may be as long as a plain-text draft may be (loader.MAX_BYTES); a
# package within the zip limits can still hold far more text than that, and the checks
# need memory in proportion to the text.
MAX_TEXT_CHARS = 20 * 1024 * 1024


class TooMuchText(Exception):
    """Raised while reading; the front end turns it into an InputError naming the file."""


def too_much_text(path: str) -> InputError:
    return InputError(path, f"holds more than {MAX_TEXT_CHARS // 2**20} MiB of text (the limit for a draft); refused")


def small_int(value: str | None, default: int, limit: int = 10_000) -> int:
    """A count or level from an attribute: ASCII digits only (str.isdigit() also accepts
    "²", which int() refuses; a 5,000-digit number makes int() raise), at most ``limit``."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > 6:
        return default
    return min(int(value), limit)


@dataclass
class Piece:
    """A paragraph being read: its text in runs, and what the runs said about it."""

    kind: BlockKind = BlockKind.PARAGRAPH
    level: int = 0
    parts: list[str] = field(default_factory=list)
    length: int = 0
    bold: list[bool] = field(default_factory=list)  # per run with visible text
    underlined: list[tuple[int, int]] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    images: list[tuple[int, str | None, str]] = field(default_factory=list)  # (position, alt text, file)
    attrs: dict[str, object] = field(default_factory=dict)
    # The language marked on the text being added (w:lang, fo:language, lang=""), None when
    # it inherits the document's; letters per marked language decide the passage's language.
    lang: str | None = None
    lang_letters: dict[str | None, int] = field(default_factory=dict)
    # Only when a writer asked for it (klarsyn annotate): where each added piece of text came
    # from, as (offset in the paragraph's text, length, source element); and the paragraph's
    # own element. The reader and the writer share this one walk, so they cannot drift.
    trace: list[tuple[int, int, object]] | None = None
    element: object = None

    def add(self, text: str, bold: bool = False, underline: bool = False, origin: object = None) -> None:
        if not text:
            return
        if self.length + len(text) > MAX_TEXT_CHARS:
            raise TooMuchText
        if self.trace is not None:
            self.trace.append((self.length, len(text), origin))
        if underline:
            self.underlined.append((self.length, self.length + len(text)))
        if text.strip():
            self.bold.append(bold)
            self.lang_letters[self.lang] = self.lang_letters.get(self.lang, 0) + sum(map(str.isalpha, text))
        self.parts.append(text)
        self.length += len(text)


def structure_attrs(base: dict[str, object], bold: list[bool], underlined: list[tuple[int, int]],
                    images: list[tuple[int, str | None, str]], lang_letters: dict[str | None, int]) -> dict[str, object]:
    """The facts the structure checks read from a rich block (Block.attrs)."""
    attrs = dict(base)
    if bold and all(bold):
        attrs["bold"] = True
    if underlined:
        attrs["underlined"] = underlined
    if images:
        attrs["images"] = images
    # The passage's marked language is the one that covers most of its letters.
    marked = max(lang_letters.items(), key=lambda item: item[1], default=(None, 0))[0]
    if marked:
        attrs["lang"] = marked
    return attrs


@dataclass(slots=True)
class LineTrace:
    """Where one line of the extracted text came from: its paragraph element and, in order,
    (offset in the line, length, element) for every piece of its text."""

    element: object
    pieces: list[tuple[int, int, object]]
    length: int


class RichBuilder:
    def __init__(self, path: str, fmt: str, traced: bool = False) -> None:
        self.path = path
        self.fmt = fmt
        self.lines: list[str] = []
        self.blocks: list[Block] = []
        self.offset = 0
        # One LineTrace per line when a writer needs to map offsets back to the file.
        self.traces: list[LineTrace] | None = [] if traced else None

    def piece(self) -> Piece:
        """A new paragraph being read, traced when this builder is."""
        return Piece(trace=[] if self.traces is not None else None)

    def finish(self, piece: Piece) -> None:
        # One paragraph, one line: line breaks inside it become spaces (the same length, so
        # the trace's offsets hold for the line).
        text = "".join(piece.parts).replace("\r", " ").replace("\n", " ").replace("\u2028", " ")
        start = self.offset
        self.lines.append(text)
        if self.traces is not None:
            self.traces.append(LineTrace(piece.element, piece.trace or [], len(text)))
        self.offset += len(text) + 1
        if self.offset > MAX_TEXT_CHARS:
            raise TooMuchText
        if not text.strip() and piece.kind is not BlockKind.HEADING and not piece.images:
            return
        # The block's text starts at its first visible character.
        lead = len(text) - len(text.lstrip())
        body = text.strip()
        if lead:
            piece.links = [Link(max(0, link.start - lead), max(0, link.end - lead), link.target) for link in piece.links]
            piece.underlined = [(max(0, a - lead), max(0, b - lead)) for a, b in piece.underlined]
            piece.images = [(max(0, pos - lead), alt, name) for pos, alt, name in piece.images]
        builder = TextBuilder()
        builder.add(body, start + lead)
        plain, offsets = builder.build(anchor=start + lead)
        attrs = structure_attrs(piece.attrs, piece.bold, piece.underlined, piece.images, piece.lang_letters)
        self.blocks.append(Block(kind=piece.kind, text=plain, offsets=offsets, level=piece.level, links=piece.links,
                                 header_cell=bool(attrs.get("table_header")), attrs=attrs))

    def document(self, declared_language: str | None) -> Document:
        return Document(path=self.path, source="\n".join(self.lines) + ("\n" if self.lines else ""), format=self.fmt,
                        blocks=self.blocks, declared_language=declared_language)
