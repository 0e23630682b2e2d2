"""The server's copy of an open draft, kept equal to the editor's.

pygls applies changes with ``str.splitlines()``, which also breaks lines at \\f, \\v,
\\x1c–\\x1e, \\x85, U+2028 and U+2029; LSP breaks only at \\n, \\r\\n and \\r. Every
PDF-extracted programme has form feeds, so an edit below one landed on the wrong line and
every finding after it pointed at the wrong words. This module applies changes by LSP's
rules instead:

- lines end at \\n, \\r\\n or \\r only;
- a character past a line's end means the line's end (before its line break), a line past
  the last means the end of the text;
- characters count in the negotiated encoding. In UTF-16 the editor may put a position
  between the two halves of an emoji; the character is then split into its two surrogates,
  as the editor's text has them, and joined again once an edit makes a valid pair.

The line starts are updated around each edit rather than recomputed (a scan of a 250 KB
draft costs ~8 ms, a burst has hundreds of edits).
"""

from __future__ import annotations

from bisect import bisect_left

from lsprotocol import types

from klarsyn.lsp.positions import LINE_BREAK, UTF16, column_offset, content_end, line_starts


def _surrogates(ch: str) -> str:
    """An astral character as its two UTF-16 halves (two code points in a Python str)."""
    n = ord(ch) - 0x10000
    return chr(0xD800 + (n >> 10)) + chr(0xDC00 + (n & 0x3FF))


class SyncedText:
    """A document's text plus its LSP line starts."""

    __slots__ = ("text", "starts", "encoding")

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.starts = line_starts(text)
        self.encoding = encoding

    def _locate(self, position: types.Position) -> tuple[int, bool]:
        line, character = position.line, position.character
        if line < 0:
            return 0, False
        if line >= len(self.starts):
            return len(self.text), False
        start = self.starts[line]
        end = self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)
        return column_offset(self.text, start, content_end(self.text, start, end), character, self.encoding)

    def offset(self, position: types.Position) -> int:
        return self._locate(position)[0]

    def apply(self, change: object) -> None:
        """Apply one TextDocumentContentChangeEvent (a range edit or the whole text)."""
        rng = getattr(change, "range", None)
        new = getattr(change, "text", "")
        if rng is None:
            self.text = new
            self.starts = line_starts(new)
            return
        a, b = rng.start, rng.end
        if (b.line, b.character) < (a.line, a.character):
            a, b = b, a  # a reversed range means the same text (as vscode-languageserver's TextDocument does)
        (s, s_inside), (e, e_inside) = self._locate(a), self._locate(b)
        # Inside a UTF-8 sequence the position was rounded down to the character's start. In
        # UTF-16 the emoji the position falls inside is split, as the editor's text has it.
        if self.encoding == UTF16 and (s_inside or e_inside):
            split = sorted({i for i, inside in ((s, s_inside), (e, e_inside)) if inside})
            for i in reversed(split):
                self._replace(i, i + 1, _surrogates(self.text[i]))

            def moved(x: int, inside: bool) -> int:  # each split before x adds a code point
                return x + sum(1 for i in split if i < x) + (1 if inside else 0)

            s, e = moved(s, s_inside), moved(e, e_inside)
        self._replace(s, e, new)
        if self.encoding == UTF16:
            self._join_pairs(s, s + len(new))

    def _join_pairs(self, *places: int) -> None:
        """Join a high and a low surrogate that an edit made adjacent into one character."""
        for place in sorted(set(places), reverse=True):
            for i in (place, place - 1):
                if 0 <= i < len(self.text) - 1 and "\ud800" <= self.text[i] <= "\udbff" and "\udc00" <= self.text[i + 1] <= "\udfff":
                    pair = self.text[i : i + 2].encode("utf-16-le", "surrogatepass").decode("utf-16-le")
                    self._replace(i, i + 2, pair)
                    break

    def _replace(self, s: int, e: int, new: str) -> None:
        """Replace text[s:e] with ``new`` and update the line starts around the edit."""
        old, starts = self.text, self.starts
        text = old[:s] + new + old[e:]
        # Breaks that end before the edit stay; one ending right at it stays if it is a \n
        # (a lone \r there could join a \n the edit brings).
        lo = bisect_left(starts, s)
        keep = starts[:lo] if s > 0 else [0]
        if s > 0 and lo < len(starts) and starts[lo] == s and old[s - 1] == "\n":
            keep.append(s)
        # Breaks that start in the new text, or one character either side of it, are found again.
        first = s - 1 if s > 0 and text[s - 1] == "\r" else s
        limit = s + len(new) + 1  # breaks starting before here (the old text's index e)
        middle = [m.end() for m in LINE_BREAK.finditer(text, first, limit + 1) if m.start() < limit]
        # Breaks that start after the old text's index e are the same, shifted.
        hi = bisect_left(starts, e + 2)
        if hi < len(starts) and starts[hi] == e + 2 and old[e : e + 2] == "\r\n":
            hi += 1
        delta = len(new) - (e - s)
        self.text = text
        self.starts = keep + middle + [p + delta for p in starts[hi:]]
