"""The document model shared by every front end and every check."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

from klarsyn.document.lines import LineIndex
from klarsyn.document.offsets import OffsetMap


class BlockKind(str, Enum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    QUOTE = "quote"
    TABLE_CELL = "table_cell"


@dataclass(slots=True)
class Link:
    """A link inside a block: plain-text range of its text, and its target."""

    start: int
    end: int
    target: str


@dataclass(slots=True)
class Block:
    kind: BlockKind
    text: str
    offsets: OffsetMap
    level: int = 0  # heading level 1..6; 0 for other blocks
    quoted: bool = False  # inside a block quote (quoted text is not the author's own)
    header_cell: bool = False  # a table header cell
    links: list[Link] = field(default_factory=list)
    # Facts from rich formats (DOCX, ODT, HTML) for the structure checks: "bold" (every
    # run is bold), "underlined" (plain ranges), "images" ((position, alt text, file name)),
    # "table", "row" (the cell's table and row numbers), "table_header" (the row is marked
    # as a header), "lang" (a language set on the passage).
    attrs: dict[str, object] = field(default_factory=dict)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source range for the plain-text range ``[start, end)`` of this block."""
        return self.offsets.span(start, end)

    @property
    def is_heading(self) -> bool:
        return self.kind is BlockKind.HEADING


@dataclass(frozen=True, slots=True)
class SourceNote:
    """A part of the source that klarsyn could not read as prose the way the author meant,
    reported by a finding so it is never skipped in silence: front matter that is not YAML
    (``metadata``), a paragraph nested too deep to parse (``ikke-sjekket``), plain text
    where two columns were mixed line by line (``blandede-spalter``) or that lost the letters
    of its ligatures (``tapte-ligaturer``)."""

    start: int  # source range the finding points at
    end: int
    kind: str  # "front-matter-yaml", "front-matter-fields", "nesting", "columns" or "ligatures"
    detail: str = ""  # the YAML parser's problem; the nesting depth; the lines left out
    line: int | None = None  # 1-based source line (front matter: line within it)


@dataclass
class Document:
    path: str
    source: str
    format: str  # "markdown" | "text" | "docx" | "odt" | "html" | "pdf"
    blocks: list[Block]
    language: str = "nb"
    # Where the language came from: "config", "front-matter", "detected" or "default".
    language_source: str = "default"
    front_matter: dict[str, object] = field(default_factory=dict)
    # The language the file itself declares (w:lang, dc:language, <html lang>), if any;
    # None when the format can declare one and the file does not; "" when it cannot.
    declared_language: str | None = ""
    # For formats whose extracted text does not hold everything (bold, tables, images):
    # a digest of the file's bytes, so caches see every change.
    raw_digest: str = ""
    # Parts of the source that were not read as prose, for the findings that say so.
    notes: list[SourceNote] = field(default_factory=list)
    # A PDF's accessibility facts (klarsyn.document.pdf.facts.PdfFacts), for the PDF checks;
    # None for every other format.
    pdf: object | None = None
    # A PDF's pages: for each source line (0-based), its page and its line on the page
    # (both 1-based; line 0 for a blank line klarsyn put between paragraphs), so a position
    # reads as ``program.pdf:p12:34``. Empty for other formats.
    page_lines: list[tuple[int, int]] = field(default_factory=list)

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.source)

    def page_position(self, offset: int) -> tuple[int, int] | None:
        """(page, line on the page) of an offset in a PDF's text; None for other formats."""
        if not self.page_lines:
            return None
        line, _ = self.lines.position(offset)
        return self.page_lines[min(line, len(self.page_lines)) - 1]

    def place(self, offset: int) -> str:
        """Where an offset is, for people: ``12:5`` (line and column), or ``p3:12:5`` in a
        PDF (page, line on the page, column)."""
        line, col = self.lines.position(offset)
        on_page = self.page_position(offset)
        if on_page is not None:
            return f"p{on_page[0]}:{on_page[1]}:{col}"
        return f"{line}:{col}"
