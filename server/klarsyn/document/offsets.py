"""Plain text that remembers where each of its characters came from in the source.

A front end builds a block's plain text piece by piece with :class:`TextBuilder`:
``add`` copies a run of source text verbatim, ``add_synthetic`` inserts text that
stands for some source (a space for a soft line break). The resulting
:class:`OffsetMap` turns any plain-text range back into a source range, so a finding
on the plain text always points at the right characters in the file.
"""

from __future__ import annotations

from bisect import bisect_right


class OffsetMap:
    """Maps plain-text offsets to source offsets, stored as runs (not per character)."""

    __slots__ = ("_plain_starts", "_src_starts", "_lengths", "_synthetic_len", "anchor", "_shift")

    def __init__(self, anchor: int = 0) -> None:
        # Where an empty block (an empty heading) sits in the source.
        self.anchor = anchor
        self._plain_starts: list[int] = []
        self._src_starts: list[int] = []
        self._lengths: list[int] = []
        # 0 for a verbatim run; for a synthetic run, the length of the source it stands for.
        self._synthetic_len: list[int] = []
        self._shift = 0  # added to every source offset (a block reused at another place)

    def shifted(self, delta: int) -> "OffsetMap":
        """The same map for text that now starts ``delta`` characters later in the source."""
        view = OffsetMap.__new__(OffsetMap)
        view._plain_starts, view._src_starts = self._plain_starts, self._src_starts
        view._lengths, view._synthetic_len = self._lengths, self._synthetic_len
        view.anchor, view._shift = self.anchor, self._shift + delta
        return view

    def sliced(self, start: int, end: int) -> "OffsetMap":
        """The map of the plain-text range ``[start, end)`` as a text of its own (a front
        end that cuts one parsed paragraph into several blocks)."""
        view = OffsetMap(self.start_of(start) - self._shift if start < self.length else self.anchor)
        view._shift = self._shift
        for p, src, n, syn in zip(self._plain_starts, self._src_starts, self._lengths, self._synthetic_len):
            a, b = max(p, start), min(p + n, end)
            if a >= b:
                continue
            view._plain_starts.append(a - start)
            view._src_starts.append(src if syn else src + (a - p))
            view._lengths.append(b - a)
            view._synthetic_len.append(syn)
        return view

    def _run(self, plain: int) -> int:
        i = bisect_right(self._plain_starts, plain) - 1
        if i < 0:
            raise IndexError(plain)
        return i

    def start_of(self, plain: int) -> int:
        """Source offset where plain-text character ``plain`` begins."""
        i = self._run(plain)
        if self._synthetic_len[i]:
            return self._src_starts[i] + self._shift
        return self._src_starts[i] + (plain - self._plain_starts[i]) + self._shift

    def end_of(self, plain: int) -> int:
        """Source offset just after plain-text character ``plain``."""
        i = self._run(plain)
        if self._synthetic_len[i]:
            return self._src_starts[i] + self._synthetic_len[i] + self._shift
        return self._src_starts[i] + (plain - self._plain_starts[i]) + 1 + self._shift

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Source range for the plain-text range ``[start, end)``."""
        if not self._plain_starts:
            return self.anchor + self._shift, self.anchor + self._shift
        if end <= start:
            pos = self.start_of(start) if start < self.length else self.end_of(self.length - 1)
            return pos, pos
        return self.start_of(start), self.end_of(end - 1)

    @property
    def length(self) -> int:
        if not self._plain_starts:
            return 0
        return self._plain_starts[-1] + self._lengths[-1]


class TextBuilder:
    """Collects plain text and its offset map for one block."""

    __slots__ = ("_parts", "_map", "_length")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._map = OffsetMap()
        self._length = 0

    def _push(self, text: str, src_start: int, synthetic_len: int) -> None:
        m = self._map
        # Extend the previous verbatim run when this one continues it in the source.
        if (
            not synthetic_len
            and m._lengths
            and not m._synthetic_len[-1]
            and m._src_starts[-1] + m._lengths[-1] == src_start
        ):
            m._lengths[-1] += len(text)
        else:
            m._plain_starts.append(self._length)
            m._src_starts.append(src_start)
            m._lengths.append(len(text))
            m._synthetic_len.append(synthetic_len)
        self._parts.append(text)
        self._length += len(text)

    def add(self, text: str, src_start: int) -> None:
        """Append ``text``, which is found verbatim at ``src_start`` in the source."""
        if text:
            self._push(text, src_start, 0)

    def add_synthetic(self, text: str, src_start: int, src_len: int) -> None:
        """Append ``text`` standing for ``src_len`` source characters at ``src_start``."""
        if text:
            self._push(text, src_start, max(src_len, 1))

    @property
    def length(self) -> int:
        return self._length

    def last_char(self) -> str:
        return self._parts[-1][-1] if self._parts else ""

    def build(self, anchor: int = 0) -> tuple[str, OffsetMap]:
        if not self._parts:
            self._map.anchor = anchor
        return "".join(self._parts), self._map
