"""Markdown front end (markdown-it-py, CommonMark + tables).

markdown-it gives line ranges for blocks but no offsets for inline text, so each
inline text token is located in the source by searching forward from a cursor.
Markup (``**``, link targets, escapes, entities) is therefore skipped without
ever shifting a position. Code, HTML and front matter are not prose.
"""

from __future__ import annotations

from typing import Any

import regex
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from klarsyn.document.model import Block, BlockKind, Document, Link
from klarsyn.document.offsets import TextBuilder

_LINE_BREAK = regex.compile(r"\r\n|\r|\n")
_FRONT_MATTER_OPEN = regex.compile(r"\A---[ \t]*(?:\r\n|\r|\n)")
_FRONT_MATTER_CLOSE = regex.compile(r"^(?:---|\.\.\.)[ \t]*$", regex.MULTILINE)

_parser: MarkdownIt | None = None


def _markdown() -> MarkdownIt:
    global _parser
    if _parser is None:
        _parser = MarkdownIt("commonmark").enable("table")
    return _parser


def split_front_matter(source: str) -> tuple[dict[str, Any], int]:
    """Return (front matter mapping, end offset of the front matter) or ({}, 0)."""
    opening = _FRONT_MATTER_OPEN.match(source)
    if not opening:
        return {}, 0
    closing = _FRONT_MATTER_CLOSE.search(source, opening.end())
    if not closing:
        return {}, 0
    end = closing.end()
    brk = _LINE_BREAK.match(source, end)
    if brk:
        end = brk.end()
    try:
        data = yaml.safe_load(source[opening.end() : closing.start()])
    except yaml.YAMLError:
        data = None
    return (data if isinstance(data, dict) else {}), end


class _InlineAligner:
    """Walks markdown-it inline tokens and finds each piece of text in the source."""

    def __init__(self, source: str, line_starts: list[int]) -> None:
        self.source = source
        self.line_starts = line_starts
        self.cursor = 0

    def region(self, token: Token) -> tuple[int, int]:
        lines = token.map or [0, len(self.line_starts)]
        start = self.line_starts[min(lines[0], len(self.line_starts) - 1)]
        end = (
            self.line_starts[lines[1]] if lines[1] < len(self.line_starts) else len(self.source)
        )
        return start, end

    def _place(self, text: str, builder: TextBuilder, limit: int) -> None:
        pos = self.source.find(text, self.cursor, limit)
        if pos >= 0:
            builder.add(text, pos)
            self.cursor = pos + len(text)
            return
        # Escapes and entities make the token differ from the source: align per character.
        for ch in text:
            pos = self.source.find(ch, self.cursor, limit)
            if pos < 0:
                builder.add_synthetic(ch, self.cursor, 0)
                continue
            builder.add(ch, pos)
            self.cursor = pos + 1

    def _skip(self, text: str, limit: int) -> None:
        pos = self.source.find(text, self.cursor, limit) if text else -1
        if pos >= 0:
            self.cursor = pos + len(text)

    def _skip_link_tail(self, limit: int) -> None:
        """After a link's text: step over ``](target "title")`` or ``][ref]``."""
        src, i = self.source, self.cursor
        if i >= limit or src[i] != "]":
            return
        i += 1
        if i < limit and src[i] == "(":
            depth = 0
            while i < limit:
                c = src[i]
                if c == "\\":
                    i += 2
                    continue
                if c == "(":
                    depth += 1
                elif c == ")":
                    depth -= 1
                    if depth == 0:
                        i += 1
                        break
                i += 1
        elif i < limit and src[i] == "[":
            close = src.find("]", i, limit)
            i = close + 1 if close >= 0 else i
        self.cursor = min(i, limit)

    def build(self, token: Token, builder: TextBuilder, links: list[Link], attrs: dict[str, object] | None = None) -> None:
        start, limit = self.region(token)
        self.cursor = max(self.cursor, start)
        open_links: list[tuple[int, str]] = []
        strong = 0
        plain_text = False  # text outside **bold**
        images: list[tuple[int, str, str]] = []
        for child in token.children or []:
            kind = child.type
            if kind == "strong_open":
                strong += 1
            elif kind == "strong_close":
                strong -= 1
            if kind == "text":
                if not strong and child.content.strip():
                    plain_text = True
                self._place(child.content, builder, limit)
            elif kind in ("softbreak", "hardbreak"):
                brk = _LINE_BREAK.search(self.source, self.cursor, limit)
                if brk:
                    builder.add_synthetic(" ", brk.start(), brk.end() - brk.start())
                    self.cursor = brk.end()
                else:
                    builder.add_synthetic(" ", self.cursor, 0)
            elif kind == "code_inline":
                # Not prose; a space keeps the words on either side apart.
                self._skip(child.content, limit)
                builder.add_synthetic(" ", max(self.cursor - 1, 0), 1)
            elif kind == "html_inline":
                self._skip(child.content, limit)
            elif kind == "image":
                images.append((builder.length, child.content, str(child.attrs.get("src", ""))))
                self._skip("![", limit)
                if child.content:
                    self._skip(child.content, limit)
                self._skip_link_tail(limit)
            elif kind == "link_open":
                open_links.append((builder.length, str(child.attrs.get("href", ""))))
                if child.markup == "autolink":
                    self._skip("<", limit)
            elif kind == "link_close":
                if open_links:
                    begin, href = open_links.pop()
                    links.append(Link(begin, builder.length, href))
                if child.markup == "autolink":
                    self._skip(">", limit)
                else:
                    self._skip_link_tail(limit)
        if attrs is not None:
            if images:
                attrs["images"] = images
            if not plain_text and any(c.type == "strong_open" for c in token.children or []):
                attrs["bold"] = True


def parse_markdown(source: str, path: str = "") -> Document:
    front_matter, fm_end = split_front_matter(source)
    # Blank out front matter but keep its line breaks so markdown-it's line numbers
    # still match the source.
    text = source
    if fm_end:
        text = "".join(m.group() for m in _LINE_BREAK.finditer(source, 0, fm_end)) + source[fm_end:]
    line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(source)]
    aligner = _InlineAligner(source, line_starts)

    blocks: list[Block] = []
    quote_depth = 0
    list_depth = 0
    heading_level = 0
    cell_header = False
    in_cell = False
    for token in _markdown().parse(text):
        kind = token.type
        if kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
        elif kind == "list_item_open":
            list_depth += 1
        elif kind == "list_item_close":
            list_depth -= 1
        elif kind == "heading_open":
            heading_level = int(token.tag[1:])
        elif kind == "heading_close":
            heading_level = 0
        elif kind in ("th_open", "td_open"):
            in_cell, cell_header = True, kind == "th_open"
        elif kind in ("th_close", "td_close"):
            in_cell = False
        elif kind == "inline":
            builder = TextBuilder()
            links: list[Link] = []
            attrs: dict[str, object] = {}
            aligner.build(token, builder, links, attrs)
            plain, offsets = builder.build(anchor=aligner.region(token)[0])
            if heading_level:
                block_kind = BlockKind.HEADING
            elif in_cell:
                block_kind = BlockKind.TABLE_CELL
            elif list_depth:
                block_kind = BlockKind.LIST_ITEM
            elif quote_depth:
                block_kind = BlockKind.QUOTE
            else:
                block_kind = BlockKind.PARAGRAPH
            if not plain.strip() and block_kind is not BlockKind.HEADING and "images" not in attrs:
                continue
            blocks.append(
                Block(
                    kind=block_kind,
                    text=plain,
                    offsets=offsets,
                    level=heading_level,
                    quoted=quote_depth > 0,
                    header_cell=in_cell and cell_header,
                    links=links,
                    attrs=attrs,
                )
            )
    return Document(path=path, source=source, format="markdown", blocks=blocks, front_matter=front_matter)
