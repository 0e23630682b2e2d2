"""Code-point offsets (klarsyn's positions) to and from LSP positions in the negotiated
encoding: UTF-16 by default, UTF-8 or UTF-32 when the client offers them."""

from __future__ import annotations

from lsprotocol import types

from klarsyn.document.lines import LineIndex


def _units(text: str, encoding: str) -> int:
    """Length of ``text`` in the encoding's code units (encoding is done in C: fast)."""
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    return len(text.encode("utf-16-le")) // 2


class Converter:
    """Positions for one text in one encoding."""

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.text = text
        self.lines = LineIndex(text)
        self.encoding = encoding
        # Lines of pure ASCII convert 1:1 in every encoding: skip the counting there.
        self._ascii = text.isascii()

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        line, column = self.lines.position(offset)
        start = self.lines.starts[line - 1]
        if self._ascii:
            return types.Position(line - 1, column - 1)
        return types.Position(line - 1, _units(self.text[start:offset], self.encoding))

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
        line = self.text[start:end].rstrip("\r\n")
        if self._ascii:
            return start + min(position.character, len(line))
        units = 0
        for i, ch in enumerate(line):
            if units >= position.character:
                return start + i
            units += _units(ch, self.encoding)
        return start + len(line)
