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

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source range for the plain-text range ``[start, end)`` of this block."""
        return self.offsets.span(start, end)

    @property
    def is_heading(self) -> bool:
        return self.kind is BlockKind.HEADING


@dataclass
class Document:
    path: str
    source: str
    format: str  # "markdown" | "text"
    blocks: list[Block]
    language: str = "nb"
    # Where the language came from: "config", "front-matter", "detected" or "default".
    language_source: str = "default"
    front_matter: dict[str, object] = field(default_factory=dict)

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.source)
