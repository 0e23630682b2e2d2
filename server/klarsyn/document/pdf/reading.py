"""A PDF page's segments put in the order a reader reads them, without page furniture.

- **Furniture.** Running headers and footers and page numbers are left out: in a tagged
  file what is marked as an artifact; in any file a segment in the top or bottom band of
  the page that is a page number, or whose text (digits aside) recurs in that band on
  several pages.
- **Order.** A tagged page is read in the order of its marked content, which is the tag
  tree's order in every tagged programme measured (docs/design.md). An untagged page is
  read in content-stream order, unless that order goes back and forth between two columns
  line by line (a content stream drawn baseline by baseline across the page); then it is
  read column by column, between the lines that span both columns.
- **Lines.** Segments on one baseline in one column are one line again (a table-of-contents
  title and its page number, words a wide space apart).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from klarsyn.document.layout import is_page_number

# The bands at the top and bottom of a page where headers, footers and page numbers sit.
_EDGE_BAND = 0.09
# A text in an edge band is a running header or footer when it recurs there on this many
# pages (and on at least a tenth of the pages).
_MIN_REPEATS = 3
_DIGITS = re.compile(r"\d+")
# Columns: a gutter at least this wide, within the middle of the page.
_MIN_GUTTER = 8.0
_MIDDLE = (0.3, 0.7)


@dataclass(slots=True)
class Segment:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    bold: bool
    mcid: int
    mark: str
    role: str
    block: int
    lang: str = ""  # the tags' /Lang for this text ("" when none is set)

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(slots=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    segments: list[Segment]

    @property
    def tagged(self) -> bool:
        """Most of the page's text is marked content with ids (the tags reach the page)."""
        marked = sum(len(s.text) for s in self.segments if s.mcid >= 0 or s.mark == "Artifact")
        return marked * 2 > sum(len(s.text) for s in self.segments)


def page_from_wire(message: dict[str, object]) -> Page:
    segments = []
    for item in message.get("lines", []) or []:  # type: ignore[union-attr]
        text, x0, y0, x1, y1, size, bold, mcid, mark, role, block, lang = item  # type: ignore[misc]
        segments.append(Segment(str(text), float(x0), float(y0), float(x1), float(y1), float(size), bool(bold),
                                int(mcid), str(mark), str(role), int(block), str(lang)))
    return Page(int(message["index"]) + 1, float(message["width"]), float(message["height"]), segments)  # type: ignore[arg-type]


def _edge(page: Page, s: Segment) -> bool:
    band = _EDGE_BAND * page.height
    return s.y0 >= page.height - band or s.y1 <= band


def _pattern(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.split())).casefold()


def furniture(pages: list[Page]) -> set[tuple[int, int]]:
    """(page number, segment index) of every header, footer and page number."""
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({_pattern(s.text) for s in page.segments if _edge(page, s)})
    needed = max(_MIN_REPEATS, len(pages) // 10)
    out: set[tuple[int, int]] = set()
    for page in pages:
        for i, s in enumerate(page.segments):
            if s.mark == "Artifact":
                out.add((page.number, i))
            elif _edge(page, s):
                text = " ".join(s.text.split())
                if is_page_number(text) or counts[_pattern(text)] >= needed:
                    out.add((page.number, i))
    return out


def _gutter(page: Page, segments: list[Segment]) -> float | None:
    """The x of a gutter between two columns, or None for a one-column page: a strip in the
    middle of the page that no narrow segment crosses, with text on both sides."""
    lo, hi = _MIDDLE[0] * page.width, _MIDDLE[1] * page.width
    narrow = [s for s in segments if s.x1 - s.x0 < 0.55 * page.width]
    if len(narrow) < 6:
        return None
    # Sweep the middle for the widest x range that no narrow segment covers.
    spans = sorted((max(s.x0, lo), min(s.x1, hi)) for s in narrow if s.x1 > lo and s.x0 < hi)
    best, best_width, x = None, 0.0, lo
    for a, b in spans:
        if a - x > best_width:
            best, best_width = (x + a) / 2, a - x
        x = max(x, b)
    if hi - x > best_width:
        best, best_width = (x + hi) / 2, hi - x
    if best is None or best_width < _MIN_GUTTER:
        return None
    left = sum(len(s.text) for s in narrow if s.x1 <= best)
    right = sum(len(s.text) for s in narrow if s.x0 >= best)
    total = left + right
    if total == 0 or min(left, right) < 0.2 * total:
        return None
    return best


def _switches(order: list[Segment], gutter: float) -> int:
    """How often content order jumps between the columns."""
    sides = [s.x0 >= gutter for s in order if s.x1 <= gutter or s.x0 >= gutter]
    return sum(1 for a, b in zip(sides, sides[1:]) if a != b)


def _interleaved(order: list[Segment], gutter: float) -> bool:
    """Content order goes back and forth between the columns line by line. A story-ordered
    page jumps a few times (a framed list after the text, its lead-in drawn last: up to 4
    jumps on partiet_sentrum.pdf's pages), which column order would make worse by cutting
    its paragraphs at the frame."""
    in_columns = sum(1 for s in order if s.x1 <= gutter or s.x0 >= gutter)
    switches = _switches(order, gutter)
    return switches >= 4 and switches >= 0.25 * in_columns


def _by_columns(segments: list[Segment], gutter: float) -> list[Segment]:
    """Bands between lines that cross the gutter; in each band the left column top to
    bottom, then the right one."""
    ordered = sorted(segments, key=lambda s: (-s.y1, s.x0))
    out: list[Segment] = []
    left: list[Segment] = []
    right: list[Segment] = []
    for s in ordered:
        if s.x0 < gutter < s.x1:
            out.extend(left + right)
            left, right = [], []
            out.append(s)
        elif s.x1 <= gutter:
            left.append(s)
        else:
            right.append(s)
    out.extend(left + right)
    return out


def reading_order(page: Page, drop: set[tuple[int, int]]) -> list[list[Segment]]:
    """The page's lines in reading order, each a list of segments on one baseline."""
    kept = [s for i, s in enumerate(page.segments) if (page.number, i) not in drop and s.text.strip()]
    gutter = None if page.tagged else _gutter(page, kept)
    if gutter is not None and _interleaved(kept, gutter):
        kept = _by_columns(kept, gutter)
    lines: list[list[Segment]] = []
    for s in kept:
        if lines and _same_line(lines[-1][-1], s, gutter):
            lines[-1].append(s)
        else:
            lines.append([s])
    return lines


def _same_line(a: Segment, b: Segment, gutter: float | None) -> bool:
    if b.x0 <= a.x1 - 1:
        return False  # back to the left: a new line
    if gutter is not None and (a.x1 <= gutter) != (b.x1 <= gutter):
        return False  # the other column
    middle_a, middle_b = (a.y0 + a.y1) / 2, (b.y0 + b.y1) / 2
    return abs(middle_a - middle_b) < 0.5 * max(a.height, b.height, 1.0)
