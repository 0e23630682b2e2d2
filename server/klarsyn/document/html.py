"""HTML front end: headings, paragraphs, list items, quotes, table cells (th and thead rows
as headers), links, images with their alt text, bold, underlining and lang attributes.
Scripts, styles, code and comments are not prose.

Unlike Word and OpenDocument, an HTML file is text the author edits, so offsets point into
the HTML source itself: a finding's line and column are where the words stand in the file,
in the CLI and in an editor alike. The stdlib tokenizer (html.parser) reports where every
tag, text run and entity begins, which lxml.html does not (it knows only line numbers); it
never fetches anything and never fails on broken markup, so it is also safe."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from klarsyn.document.model import Block, BlockKind, Document, Link
from klarsyn.document.offsets import TextBuilder
from klarsyn.document.rich import structure_attrs
from klarsyn.errors import InputError

_BLOCKS = {"p": BlockKind.PARAGRAPH, "li": BlockKind.LIST_ITEM, "td": BlockKind.TABLE_CELL, "th": BlockKind.TABLE_CELL,
           "dd": BlockKind.PARAGRAPH, "dt": BlockKind.PARAGRAPH, "figcaption": BlockKind.PARAGRAPH, "caption": BlockKind.PARAGRAPH}
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_SKIP = {"script", "style", "code", "pre", "noscript", "template", "head", "svg", "math", "title", "textarea"}
_CONTAINERS = {"div", "section", "article", "main", "body", "header", "footer", "nav", "aside", "ul", "ol", "dl", "table",
               "thead", "tbody", "tfoot", "tr", "blockquote", "form", "fieldset", "details", "figure", "html", "hr"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SIBLINGS = {"li": ("li",), "td": ("td", "th"), "th": ("td", "th"), "dt": ("dt", "dd"), "dd": ("dt", "dd")}
_HOLDER_PARENTS = {"ul", "ol", "dl", "table", "tr", "thead", "tbody", "tfoot"}
_TOKENS = re.compile(r"\S+|\s+")


class _Open:
    """A block being read: its text with source offsets and what the markup said about it."""

    def __init__(self, kind: BlockKind, level: int, attrs: dict[str, object]) -> None:
        self.kind, self.level = kind, level
        self.text = TextBuilder()
        self.pending: tuple[int, int] | None = None  # a white-space run not yet written (start, length)
        self.bold: list[bool] = []
        self.lang_letters: dict[str | None, int] = {}
        self.links: list[Link] = []
        self.underlined: list[tuple[int, int]] = []
        self.images: list[tuple[int, str | None, str]] = []
        self.attrs = attrs

    def space(self, start: int, length: int) -> None:
        if self.pending is None:
            self.pending = (start, length)

    def word(self, text: str, start: int, bold: bool, lang: str | None, verbatim: bool = True, src_len: int = 0) -> None:
        if self.pending is not None and self.text.length:
            s, n = self.pending
            if n == 1 and s >= 0:
                self.text.add(" ", s)
            else:
                self.text.add_synthetic(" ", max(s, 0), n)
        self.pending = None
        if verbatim:
            self.text.add(text, start)
        else:
            self.text.add_synthetic(text, start, src_len)
        self.bold.append(bold)
        self.lang_letters[lang] = self.lang_letters.get(lang, 0) + sum(c.isalpha() for c in text)

    @property
    def position(self) -> int:
        """Where the next visible character will land in the block's text."""
        return self.text.length + (1 if self.pending is not None and self.text.length else 0)


class _Reader(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.blocks: list[Block] = []
        self.current: _Open | None = None
        self.declared: str | None = None
        self.skip: list[str] = []
        self.langs: list[tuple[str, str]] = []  # (tag, lang) of open elements that set one
        self.bold = 0
        self.quoted = 0
        self.tables = 0
        self.row = -1
        self.header_row = False
        self.inline: list[tuple[str, int]] = []  # open <a>/<u> with the text position they began at
        self.link_targets: list[str] = []
        # Open list items, cells and definitions: a <p> inside one, or loose text after it,
        # belongs to it (kind and table facts).
        self.holders: list[tuple[str, BlockKind, dict[str, object]]] = []
        self.marks: list[tuple[str, int]] = []  # len(holders) when each open list, table or row began

    # -- positions ---------------------------------------------------------------------
    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _lang(self) -> str | None:
        return self.langs[-1][1] if self.langs else None

    # -- blocks ------------------------------------------------------------------------
    def _finish(self) -> None:
        block, self.current = self.current, None
        if block is None:
            return
        plain, offsets = block.text.build(anchor=self._offset())
        if not plain.strip() and block.kind is not BlockKind.HEADING and not block.images:
            return
        images = [(min(p, len(plain)), alt, src) for p, alt, src in block.images]
        attrs = structure_attrs(block.attrs, block.bold, block.underlined, images, block.lang_letters)
        self.blocks.append(Block(kind=block.kind, text=plain, offsets=offsets, level=block.level,
                                 quoted=bool(self.quoted) and block.kind is not BlockKind.HEADING,
                                 header_cell=bool(attrs.get("table_header")), links=block.links, attrs=attrs))

    def _open(self, kind: BlockKind, level: int = 0, attrs: dict[str, object] | None = None) -> _Open:
        self._finish()
        if self.quoted and kind is BlockKind.PARAGRAPH:
            kind = BlockKind.QUOTE
        self.current = _Open(kind, level, attrs or {})
        return self.current

    def _block(self) -> _Open:
        """The open block, or a new one for loose text (text straight inside a container)."""
        if self.current is None:
            if self.holders:
                _, kind, attrs = self.holders[-1]
                return self._open(kind, 0, dict(attrs))
            return self._open(BlockKind.PARAGRAPH)
        return self.current

    # -- tokenizer events --------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs}
        if tag == "html" and self.declared is None:
            self.declared = (values.get("lang") or "").strip() or None
        if self.skip and self.skip[0] == "code" and (tag in _BLOCKS or tag in _HEADINGS or tag in _CONTAINERS):
            self.skip.clear()  # an unclosed <code> ends where the next block begins
        if self.skip:
            if tag not in _VOID:
                self.skip.append(tag)
            return
        if tag in _SKIP:
            if self.current is not None:
                self.current.space(self._offset(), 0)
            self.skip.append(tag)
            return
        if "lang" in values and tag not in _VOID:
            self.langs.append((tag, values.get("lang") or ""))
        if tag in _HEADINGS:
            self._open(BlockKind.HEADING, _HEADINGS[tag])
        elif tag == "p":
            if self.holders:
                _, kind, extra = self.holders[-1]
                self._open(kind, 0, dict(extra))
            else:
                self._open(BlockKind.PARAGRAPH)
        elif tag in _BLOCKS:
            # An unclosed <li>, <td> or <dt> ends where the next one of its family begins.
            while self.holders and self.holders[-1][0] in _SIBLINGS.get(tag, ()):
                self.holders.pop()
            extra = {}
            if tag in ("td", "th"):
                extra = {"table": self.tables, "row": self.row, "table_header": tag == "th" or self.header_row}
            self.holders.append((tag, _BLOCKS[tag], extra))
            self._open(_BLOCKS[tag], 0, dict(extra))
        elif tag in _CONTAINERS:
            self._finish()
            if tag in _HOLDER_PARENTS:
                self.marks.append((tag, len(self.holders)))
            if tag == "table":
                self.tables += 1
                self.row = -1
            elif tag == "tr":
                self.row += 1
            elif tag == "tbody":
                self.header_row = False  # a <thead> left open ends here
            elif tag == "thead":
                self.header_row = True
            elif tag == "blockquote":
                self.quoted += 1
        elif tag in ("a", "u", "ins"):
            block = self._block()
            self.inline.append((tag, block.position))
            if tag == "a":
                self.link_targets.append(values.get("href") or "")
        elif tag in ("b", "strong"):
            self.bold += 1
        elif tag == "img":
            alt = values.get("alt")
            block = self._block()
            block.images.append((block.position, alt.strip() if alt is not None else None, values.get("src") or ""))
        elif tag == "br":
            if self.current is not None:
                self.current.space(self._offset(), len(self.get_starttag_text() or "<br>"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag in self.skip:
                while self.skip and self.skip.pop() != tag:
                    pass
            return
        if self.langs and self.langs[-1][0] == tag:
            self.langs.pop()
        if tag in _HEADINGS or tag in _BLOCKS:
            self._finish()
            if tag != "p" and any(h[0] == tag for h in self.holders):
                while self.holders and self.holders.pop()[0] != tag:
                    pass
        elif tag in _CONTAINERS:
            self._finish()
            if any(t == tag for t, _ in self.marks):
                # Closing a list, row or table closes the items, cells and rows left open in it.
                while self.marks:
                    t, mark = self.marks.pop()
                    del self.holders[mark:]
                    if t == tag:
                        break
            if tag == "thead":
                self.header_row = False
            elif tag == "blockquote" and self.quoted:
                self.quoted -= 1
        elif tag in ("a", "u", "ins"):
            self._close_inline(tag)
        elif tag in ("b", "strong") and self.bold:
            self.bold -= 1

    def _close_inline(self, tag: str) -> None:
        for i in range(len(self.inline) - 1, -1, -1):
            if self.inline[i][0] == tag:
                _, start = self.inline.pop(i)
                target = self.link_targets.pop() if tag == "a" and self.link_targets else ""
                if self.current is None:
                    return
                end = self.current.text.length
                if tag == "a":
                    self.current.links.append(Link(min(start, end), end, target))
                elif end > start:
                    self.current.underlined.append((start, end))
                return

    def handle_data(self, data: str) -> None:
        if self.skip or not data:
            return
        start = self._offset()
        block: _Open | None = self.current
        for m in _TOKENS.finditer(data):
            if m.group()[0].isspace():
                if block is not None:
                    block.space(start + m.start(), len(m.group()))
            else:
                block = block or self._block()
                block.word(m.group(), start + m.start(), bool(self.bold), self._lang())

    def _reference(self, raw_prefix: str, name: str) -> None:
        if self.skip:
            return
        start = self._offset()
        raw = f"{raw_prefix}{name};"
        length = len(raw) if self.source.startswith(raw, start) else len(raw) - 1
        text = html.unescape(self.source[start:start + length] if length == len(raw) else raw)
        if text.isspace() and text != "\xa0":
            if self.current is not None:
                self.current.space(start, length)
            return
        self._block().word(text, start, bool(self.bold), self._lang(), verbatim=False, src_len=length)

    def handle_entityref(self, name: str) -> None:
        self._reference("&", name)

    def handle_charref(self, name: str) -> None:
        self._reference("&#", name)


def parse_html(text: str, path: str) -> Document:
    reader = _Reader(text)
    try:
        reader.feed(text)
        reader.close()
    except (AssertionError, ValueError, IndexError) as exc:  # the tokenizer's own complaints
        raise InputError(path, f"is not readable HTML ({exc})") from None
    reader._finish()
    return Document(path=path, source=text, format="html", blocks=reader.blocks, declared_language=reader.declared)
