"""Which pages each of the workers reading one PDF at once reads (sandbox.read_pdf).

Pages are dealt out in turn, so each worker has pages from the whole file (a long chapter
of dense text does not all go to one). The last worker also reads the structure facts,
which cost about as much as a third of the pages of a tagged programme (0.45 s against
0.7 s for the 100 pages of generasjonspartiet.pdf), so of two workers the first reads two
pages in three and the last one in three.
"""

from __future__ import annotations


def reads(index: int, part: int, parts: int) -> bool:
    """Whether worker ``part`` of ``parts`` reads page ``index`` (0-based)."""
    if parts <= 1:
        return True
    if parts == 2:
        return (index % 3 == 2) == (part == 1)
    return index % parts == part


def pages_of(part: int, parts: int, count: int) -> list[int]:
    return [i for i in range(count) if reads(i, part, parts)]


def next_page(after: int, part: int, parts: int, count: int) -> int:
    """The page this worker reads after page ``after`` (``count`` when none is left)."""
    for i in range(after + 1, count):
        if reads(i, part, parts):
            return i
    return count
