"""Offsets to lines and columns, for renderers.

Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r`` (as in CommonMark). Lines and
columns are 1-based; columns count code points, a tab being one.
"""

from __future__ import annotations

from bisect import bisect_right

import regex

_LINE_BREAK = regex.compile(r"\r\n|\r|\n")


class LineIndex:
    __slots__ = ("starts", "_length")

    def __init__(self, source: str) -> None:
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(source)]
        self._length = len(source)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a code-point offset."""
        offset = max(0, min(offset, self._length))
        line = bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def offset(self, line: int, column: int) -> int:
        """Inverse of :meth:`position`."""
        return self.starts[line - 1] + column - 1

    @property
    def count(self) -> int:
        return len(self.starts)
