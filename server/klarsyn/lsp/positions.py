"""Code-point offsets (klarsyn's positions) to and from LSP positions in the negotiated
encoding: UTF-16 by default, UTF-8 or UTF-32 when the client offers them.

Lines follow LSP, not Python: they end at ``\\n``, ``\\r\\n`` or ``\\r`` only. A form feed,
``\\x85`` or U+2028 is an ordinary character here (``str.splitlines`` would break there and
the server's lines would no longer be the editor's). The same rules are used to apply the
editor's changes (klarsyn.lsp.text_sync), so a position means one place in both directions.
"""

from __future__ import annotations

import re

from lsprotocol import types

from klarsyn.document.lines import LineIndex

UTF8 = types.PositionEncodingKind.Utf8
UTF16 = types.PositionEncodingKind.Utf16
UTF32 = types.PositionEncodingKind.Utf32

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_starts(text: str) -> list[int]:
    """Offsets where LSP lines start (the first is 0)."""
    return [0] + [m.end() for m in LINE_BREAK.finditer(text)]


def units(text: str, encoding: str) -> int:
    """Length of ``text`` in the encoding's code units (encoding is done in C: fast).
    A lone surrogate (valid JSON ``\\ud83d``, not valid Unicode) counts as one UTF-16 unit,
    as in the editor, and three UTF-8 bytes; ``surrogatepass`` keeps it from raising."""
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


_units = units  # the old private name


def content_end(text: str, start: int, end: int) -> int:
    """End of a line's text without its line break; ``end`` is the next line's start."""
    if end > start and text[end - 1] == "\n":
        end -= 1
    if end > start and text[end - 1] == "\r":
        end -= 1
    return end


def column_offset(text: str, start: int, end: int, character: int, encoding: str) -> tuple[int, bool]:
    """The offset of ``character`` code units into the line text[start:end] (no break in it),
    clamped to the line's end as LSP says. The flag is true when the position falls between
    the two UTF-16 halves of one character (the offset is then that character's), or inside
    a UTF-8 sequence (rounded down to the character's start)."""
    if character <= 0:
        return start, False
    if end - start <= 0:
        return start, False
    line = text[start:end]
    if encoding == UTF32 or line.isascii():
        return start + min(character, len(line)), False
    if encoding == UTF8:
        data = line.encode("utf-8", "surrogatepass")
        if character >= len(data):
            return end, False
        prefix = data[:character]
        while True:
            try:
                return start + len(prefix.decode("utf-8", "surrogatepass")), len(prefix) != character
            except UnicodeDecodeError:
                prefix = prefix[:-1]  # the position is inside a multi-byte character
    data = line.encode("utf-16-le", "surrogatepass")
    if 2 * character >= len(data):
        return end, False
    last = int.from_bytes(data[2 * character - 2 : 2 * character], "little")
    following = int.from_bytes(data[2 * character : 2 * character + 2], "little")
    if 0xD800 <= last <= 0xDBFF and 0xDC00 <= following <= 0xDFFF:
        return start + len(data[: 2 * character - 2].decode("utf-16-le", "surrogatepass")), True
    return start + len(data[: 2 * character].decode("utf-16-le", "surrogatepass")), False


def line_index(text: str, starts: list[int]) -> LineIndex:
    """A LineIndex from line starts that are already known (no second scan of the text)."""
    index = LineIndex.__new__(LineIndex)
    index.starts = starts
    index._length = len(text)
    return index


class Converter:
    """Positions for one text in one encoding."""

    def __init__(self, text: str, encoding: str = UTF16, starts: list[int] | None = None) -> None:
        self.text = text
        self.lines = LineIndex(text) if starts is None else line_index(text, starts)
        self.encoding = encoding
        # Lines of pure ASCII convert 1:1 in every encoding: skip the counting there.
        self._ascii = text.isascii()

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        line, column = self.lines.position(offset)
        start = self.lines.starts[line - 1]
        # An offset between the \r and \n of one line break (a finding that ends there)
        # is shown at the end of the line: LSP has no position inside a line break.
        if offset > start and self.text[offset - 1] == "\r":
            offset -= 1
        if self._ascii:
            return types.Position(line - 1, offset - start)
        return types.Position(line - 1, units(self.text[start:offset], self.encoding))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(self.position(start), self.position(end))

    def offset(self, position: types.Position) -> int:
        """Code-point offset of an LSP position (clamped into the text, as the spec asks)."""
        if position.line < 0:
            return 0
        if position.line >= self.lines.count:
            return len(self.text)
        start = self.lines.starts[position.line]
        end = self.lines.starts[position.line + 1] if position.line + 1 < self.lines.count else len(self.text)
        return column_offset(self.text, start, content_end(self.text, start, end), position.character, self.encoding)[0]
