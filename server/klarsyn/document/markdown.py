"""Markdown front end (markdown-it-py, CommonMark + tables).

Every character of a block's plain text gets its place in the file from the parser, in
two steps, and never from a search for "the next equal character":

1. *Content to source.* markdown-it hands each inline token the string its inline parser
   reads (``token.content``): the block's lines with the block markup (``>``, list
   indentation, ``#``) cut off and trimmed, line breaks turned into ``\\n``, NUL into
   U+FFFD, and in a table cell ``\\|`` into ``|``. :class:`_ContentMap` maps that string
   back onto the source, line by line (``token.map``), or cell by cell for tables.
2. *Tokens to content.* Every inline rule is wrapped (:func:`_recorded`) so that the tokens
   it emits record the range of the content they were made from: an entity ``&aring;`` or
   an escape ``\\*`` (``text_special`` tokens; markdown-it's ``text_join`` is switched off
   so they stay apart), code, HTML, links with their targets, images, emphasis markers,
   line breaks. A text token always starts where the token before it ended, so its place
   follows from the others.

An entity or escape therefore stands for its whole ``&...;`` or ``\\x`` span, and no range
can point past the end of the file. Code, HTML, images and front matter are not prose.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import regex
import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from klarsyn.document.model import Block, BlockKind, Document, Link, SourceNote
from klarsyn.document.offsets import OffsetMap, TextBuilder
from klarsyn.errors import ConfigError
from klarsyn.yamlfile import compose_text, scalar

try:  # markdown-it-py 4 trims block content with CommonMark's whitespace set
    from markdown_it.common.utils import MD_TRIM_CHARS as _TRIM
except ImportError:  # pragma: no cover - markdown-it-py 3 used str.strip()
    _TRIM = None  # type: ignore[assignment]

_LINE_BREAK = regex.compile(r"\r\n|\r|\n")
_FRONT_MATTER_OPEN = regex.compile(r"\A---[ \t]*(?:\r\n|\r|\n)")
# A closing line: it starts after any of the three line breaks markdown-it knows (a CR-only
# file included) and ends at one or at the end of the text.
_FRONT_MATTER_CLOSE = regex.compile(r"(?<=[\r\n])(?:---|\.\.\.)[ \t]*(?=[\r\n]|\Z)")
_ATX_CLOSING = regex.compile(r"[ \t]+#+[ \t]*\Z")
_BRACKETS = regex.compile(r"\\.|[\[\]]", regex.DOTALL)

# Deeper nesting of [ ] than this in one paragraph is not prose, and markdown-it's link
# parser takes seconds on it (each "[" re-scans the rest up to its nesting limit of 20):
# such a paragraph is reported (rule ikke-sjekket) and not parsed. Real drafts stay below 5.
MAX_BRACKET_DEPTH = 32

_POS = "klarsyn.pos"  # token.meta: (start, end) in the inline content the token came from
_TOO_DEEP = "klarsyn.too_deep"  # inline token.meta: nesting depth that stopped the parse

_parser: MarkdownIt | None = None


def _markdown() -> MarkdownIt:
    global _parser
    if _parser is None:
        md = MarkdownIt("commonmark").enable("table")
        # Keep entities and escapes as their own text_special tokens (markup = the source
        # text), instead of merging them into the text around them.
        md.disable("text_join")
        # Ruler has no public getter for a rule's function; ``at`` is the public setter.
        # The text rule only gathers pending text (no tokens): it runs at every position,
        # so it is left as it is.
        for rule in list(md.inline.ruler.__rules__):
            if rule.name != "text":
                md.inline.ruler.at(rule.name, _recorded(rule.name, rule.fn), {"alt": rule.alt})
        md.inline.ruler2.before("fragments_join", "klarsyn_markers", _claim_spent_markers)
        md.core.ruler.at("inline", _inline_unless_too_deep)
        _parser = md
    return _parser


# --- step 2: the inline parser reports where each token came from ----------------------


def _recorded(name: str, rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    """``rule``, noting on the tokens it pushes which range of the content they stand for."""

    def run(state: StateInline, silent: bool) -> bool:
        if silent:
            return rule(state, silent)
        start, first = state.pos, len(state.tokens)
        ok = rule(state, silent)
        if ok and len(state.tokens) > first:
            _mark(name, state.tokens, first, start, state.pos)
        return ok

    return run


def _mark(name: str, tokens: list[Token], first: int, start: int, end: int) -> None:
    # tokens[first] may be the pending text the rule flushed before its own token(s); text
    # tokens are placed by contiguity later, so only the rule's own tokens are marked.
    new = tokens[first:]
    if name in ("emphasis", "strikethrough"):
        # One text token per marker run, at the end of the consumed range: ``*``, ``~~``.
        pos = end
        for token in reversed(new):
            if pos <= start:
                break
            pos -= len(token.content)
            token.meta[_POS] = (pos, pos + len(token.content))
        return
    if name in ("link", "autolink"):
        # The link's text was tokenized by the nested rule calls (already marked).
        for token in new:
            if token.type == "link_open" and _POS not in token.meta:
                token.meta[_POS] = (start, start + 1)
                break
        last = new[-1]
        if last.type == "link_close":
            # A link's "](target)" starts where its text ends (-1: found when walking).
            last.meta[_POS] = (end - 1, end) if name == "autolink" else (-1, end)
        return
    last = new[-1]
    if _POS not in last.meta:
        last.meta[_POS] = (start, end)


def _claim_spent_markers(state: StateInline) -> None:
    """``**`` becomes one strong_open and one emptied text token per marker; the emptied
    one is then merged into the text next to it. Give its character to the tag beside it
    first, so the text keeps starting where the markup ends."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        pos = token.meta.get(_POS)
        if token.type != "text" or token.content or pos is None:
            continue
        for j in (i + 1, i - 1):
            if 0 <= j < len(tokens) and tokens[j].nesting:
                other = tokens[j].meta.get(_POS)
                if other and (other[0] == pos[1] or other[1] == pos[0]):
                    tokens[j].meta[_POS] = (min(pos[0], other[0]), max(pos[1], other[1]))
                    del token.meta[_POS]
                    break


def _bracket_depth(text: str, limit: int) -> int:
    """How deep ``[`` nest in ``text`` (escapes aside); stops counting above ``limit``."""
    if "[" not in text:
        return 0
    depth = deepest = 0
    for m in _BRACKETS.finditer(text):
        ch = m.group()
        if ch == "[":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif ch == "]" and depth:
            depth -= 1
    return deepest


def _inline_unless_too_deep(state: StateCore) -> None:
    """markdown-it's core ``inline`` rule, except for pathologically nested paragraphs."""
    md = state.md
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            depth = _bracket_depth(token.content, MAX_BRACKET_DEPTH)
            if depth > MAX_BRACKET_DEPTH:
                token.meta[_TOO_DEEP] = depth
                continue
            md.inline.parse(token.content, md, state.env, token.children)


# --- front matter ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FrontMatter:
    data: dict[str, Any] = field(default_factory=dict)  # the top-level scalar fields
    end: int = 0  # where the Markdown starts (0: no front matter)
    note: SourceNote | None = None  # why the front matter could not be read


def read_front_matter(source: str) -> FrontMatter:
    """The YAML block between ``---`` lines at the very top.

    It is read with the guarded loader the config uses (no tags run, no aliases, a nesting
    limit), so no front matter can crash a check. Front matter that is not valid YAML, or
    not ``key: value`` fields, is still cut off from the prose, its fields (``lang:``) are
    ignored, and the document gets one finding (rule ``metadata``) that says why. Only
    top-level scalar fields are kept: klarsyn reads nothing else.
    """
    opening = _FRONT_MATTER_OPEN.match(source)
    if not opening:
        return FrontMatter()
    closing = _FRONT_MATTER_CLOSE.search(source, opening.end())
    if not closing:
        return FrontMatter()
    end = closing.end()
    brk = _LINE_BREAK.match(source, end)
    if brk:
        end = brk.end()
    body = source[opening.end() : closing.start()]
    try:
        root = compose_text(body, "front matter")
    except ConfigError as exc:
        problem = " ".join(exc.problem.split())
        return FrontMatter({}, end, _front_matter_note(source, opening.end(), closing, exc.line, problem))
    if root is None:
        return FrontMatter({}, end)
    if not isinstance(root, yaml.MappingNode):
        return FrontMatter({}, end, _front_matter_note(source, opening.end(), closing, 1, None))
    data: dict[str, Any] = {}
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode):
            try:
                data[str(key.value)] = scalar(value)
            except (yaml.YAMLError, ValueError):
                continue  # an unknown tag or a number too long to convert: not a field we read
    return FrontMatter(data, end)


def _front_matter_note(source: str, body_start: int, closing: regex.Match[str], line: int | None, problem: str | None) -> SourceNote:
    """A note on the front matter line the YAML parser names (else the opening ``---``)."""
    start, stop = 0, 3
    pos = body_start
    for _ in range(max((line or 1) - 1, 0)):
        brk = _LINE_BREAK.search(source, pos, closing.start())
        if not brk:
            pos = closing.start()
            break
        pos = brk.end()
    brk = _LINE_BREAK.search(source, pos)
    text_end = brk.start() if brk else len(source)
    if pos >= closing.start():
        pos, text_end = closing.start(), closing.end()
    stripped = source[pos:text_end].strip()
    if line and stripped:
        start = pos + source[pos:text_end].index(stripped)
        stop = start + len(stripped)
    kind = "front-matter-yaml" if problem is not None else "front-matter-fields"
    return SourceNote(start, stop, kind, problem or "", line)


def split_front_matter(source: str) -> tuple[dict[str, Any], int]:
    """Return (front matter fields, end offset of the front matter) or ({}, 0)."""
    fm = read_front_matter(source)
    return fm.data, fm.end


# --- step 1: inline content to source ----------------------------------------------------


class _ContentMap:
    """Where each character of an inline token's content comes from in the source.

    Runs of content; a *verbatim* run is the same characters in the source, any other run
    (a line break, or indentation that markdown-it rewrote) stands for a source range as a
    whole."""

    __slots__ = ("_c", "_s", "_n", "_w", "length", "anchor")

    def __init__(self, anchor: int) -> None:
        self._c: list[int] = []  # content start
        self._s: list[int] = []  # source start
        self._n: list[int] = []  # content length
        self._w: list[int] = []  # source width; -1 for a verbatim run
        self.length = 0
        self.anchor = anchor  # source offset of the content's end (of an empty content)

    def verbatim(self, length: int, src: int) -> None:
        if length:
            if self._w and self._w[-1] < 0 and self._s[-1] + self._n[-1] == src:
                self._n[-1] += length
            else:
                self._c.append(self.length)
                self._s.append(src)
                self._n.append(length)
                self._w.append(-1)
            self.length += length
        self.anchor = src + length

    def region(self, length: int, src: int, width: int) -> None:
        if length:
            self._c.append(self.length)
            self._s.append(src)
            self._n.append(length)
            self._w.append(width)
            self.length += length
        self.anchor = src + width

    def _run(self, x: int) -> int:
        return bisect_right(self._c, x) - 1

    def start_of(self, x: int) -> int:
        if x >= self.length:
            return self.anchor
        i = self._run(x)
        return self._s[i] + (x - self._c[i] if self._w[i] < 0 else 0)

    def end_of(self, x: int) -> int:
        """Source offset just after content character ``x``."""
        i = self._run(x)
        return self._s[i] + (x - self._c[i] + 1 if self._w[i] < 0 else self._w[i])

    def span(self, a: int, b: int) -> tuple[int, int]:
        if b <= a:
            pos = self.start_of(a)
            return pos, pos
        return self.start_of(a), self.end_of(min(b, self.length) - 1)

    def pieces(self, a: int, b: int) -> list[tuple[int, int, int, int]]:
        """(content start, content end, source start, source width or -1) covering [a, b)."""
        out = []
        i = max(self._run(a), 0)
        while a < b and i < len(self._c):
            c0, n, s, w = self._c[i], self._n[i], self._s[i], self._w[i]
            hi = min(b, c0 + n)
            if hi > a:
                out.append((a, hi, s + (a - c0) if w < 0 else s, w))
                a = hi
            i += 1
        return out


class _Lines:
    """The source's lines as markdown-it numbers them (``\\r\\n``, ``\\r`` and ``\\n``)."""

    def __init__(self, source: str) -> None:
        self.starts = [0]
        self.ends: list[int] = []  # where each line's text ends (its break starts)
        for m in _LINE_BREAK.finditer(source):
            self.ends.append(m.start())
            self.starts.append(m.end())
        self.ends.append(len(source))

    def __len__(self) -> int:
        return len(self.starts)


def _line_map(content: str, first_line: int, line_count: int, lines: _Lines, text: str, atx: bool) -> _ContentMap | None:
    """Map a paragraph's or heading's content onto its ``line_count`` source lines.

    Each ``\\n``-separated piece of the content is the end of its source line (the block
    markup and indentation were cut from the front); the last piece is also trimmed at the
    end (and an ATX heading loses its closing ``#``s). Lines of nothing but white space
    (U+00A0 is not blank to CommonMark) can be trimmed away whole at either end, so the
    pieces may start a line or two down. ``text`` is the source with NUL as U+FFFD, as
    markdown-it reads it."""
    pieces = content.split("\n")
    for skipped in range(max(line_count - len(pieces), 0) + 1):
        cmap = _map_pieces(pieces, first_line + skipped, lines, text, atx)
        if cmap is not None:
            return cmap
    return None


def _map_pieces(pieces: list[str], first_line: int, lines: _Lines, text: str, atx: bool) -> _ContentMap | None:
    if first_line + len(pieces) > len(lines):
        return None
    cmap = _ContentMap(lines.starts[first_line])
    for i, piece in enumerate(pieces):
        line = first_line + i
        ls, le = lines.starts[line], lines.ends[line]
        core = piece.lstrip(" \t")
        lead = len(piece) - len(core)
        last = i == len(pieces) - 1
        stop = le
        if last:
            stop = ls + len(text[ls:le].rstrip(_TRIM))
            if atx:
                closing = _ATX_CLOSING.search(text, ls, stop)
                if closing:
                    stop = ls + len(text[ls : closing.start()].rstrip(_TRIM))
        if text.endswith(core, ls, stop) and stop - len(core) >= ls:
            at = stop - len(core)
            if atx and at < _after_atx_opening(text, ls, le):
                at = text.find(core, _after_atx_opening(text, ls, le), le)
        else:
            # Not where the block rules leave it: take it where it stands on its own line
            # (the text is the same; only a markup we do not model put it elsewhere).
            at = text.find(core, ls, le)
        if at < 0:
            return None
        cmap.region(lead, ls, at - ls)
        cmap.verbatim(len(core), at)
        if not last:
            cmap.region(1, le, lines.starts[line + 1] - le)  # the line break
    return cmap


def _after_atx_opening(text: str, ls: int, le: int) -> int:
    hashes = text.find("#", ls, le)
    if hashes < 0:
        return ls
    while hashes < le and text[hashes] == "#":
        hashes += 1
    return hashes


def _row_cells(text: str, ls: int, le: int, quote_depth: int) -> list[tuple[str, _ContentMap]]:
    """A table row's cells as markdown-it's table rule cuts them (escapedSplit, then trim),
    each with where its characters are: an escaped pipe ``\\|`` loses its backslash."""
    pos = ls
    for _ in range(quote_depth):  # a table in a quote: the row starts after its ">"s
        while pos < le and text[pos] in " \t":
            pos += 1
        if pos < le and text[pos] == ">":
            pos += 1
    row = text[pos:le]
    stripped = row.strip(_TRIM)
    pos += len(row) - len(row.lstrip(_TRIM))
    end = pos + len(stripped)
    # Each column: source segments (start, end, escaped pipe?); an escaped pipe is one
    # content character "|" that stands for the two source characters "\\|".
    columns: list[list[tuple[int, int, bool]]] = []
    current: list[tuple[int, int, bool]] = []
    escaped = False
    last = pos
    for p in range(pos, end):
        ch = text[p]
        if ch == "|":
            if not escaped:
                current.append((last, p, False))
                columns.append(current)
                current, last = [], p + 1
            else:
                current.append((last, p - 1, False))
                current.append((p - 1, p + 1, True))
                last = p + 1
        escaped = ch == "\\"
    current.append((last, end, False))
    columns.append(current)

    def column_text(segments: list[tuple[int, int, bool]]) -> str:
        return "".join("|" if pipe else text[a:b] for a, b, pipe in segments)

    if columns and column_text(columns[0]) == "":
        columns.pop(0)
    if columns and column_text(columns[-1]) == "":
        columns.pop()
    cells = []
    for segments in columns:
        raw = column_text(segments)
        content = raw.strip(_TRIM)
        skip = len(raw) - len(raw.lstrip(_TRIM))  # trimmed characters never include a pipe
        cmap = _ContentMap(segments[0][0] if segments else ls)
        left = len(content)
        for a, b, pipe in segments:
            if pipe:
                if left > 0:
                    cmap.region(1, a, 2)
                    left -= 1
                continue
            take = min(b - a, skip)
            a += take
            skip -= take
            n = min(b - a, left)
            if n > 0:
                cmap.verbatim(n, a)
                left -= n
        cells.append((content, cmap))
    return cells


def _found_map(content: str, text: str, ls: int, le: int, cursor: int) -> _ContentMap | None:
    """A one-line content found verbatim on its line at or after ``cursor``: only for a
    table row our model of the table rule did not reproduce (a table on a list marker line)."""
    if "\n" in content:
        return None
    at = text.find(content, max(cursor, ls), le)
    if at < 0:
        return None
    cmap = _ContentMap(at)
    cmap.verbatim(len(content), at)
    return cmap


def _misaligned(what: str) -> None:
    """Called where the parser's output does not fit the model above; the block or token is
    then left out rather than placed somewhere wrong. (Tests turn this into an error.)"""


# --- building the blocks -----------------------------------------------------------------


def _add_text(builder: TextBuilder, cmap: _ContentMap, content: str, a: int, b: int) -> None:
    for x, y, src, width in cmap.pieces(a, b):
        if width < 0:
            builder.add(content[x:y], src)
        elif width > 0:
            builder.add_synthetic(content[x:y], src, width)


def _add_standing_for(builder: TextBuilder, cmap: _ContentMap, text: str, plain: str, a: int, b: int) -> None:
    """``plain`` (an entity's character, an escaped character) for content [a, b)."""
    s, e = cmap.span(a, b)
    if e <= s:
        _misaligned("empty source span")
        return
    if text[s:e] == plain:
        builder.add(plain, s)
    else:
        builder.add_synthetic(plain, s, e - s)


def _walk(children: list[Token], content: str, cmap: _ContentMap, text: str,
          builder: TextBuilder, links: list[Link], attrs: dict[str, object], breaks: list[int] | None = None) -> None:
    """Turn the inline tokens into plain text, each piece placed by the parser's ranges;
    ``breaks`` gets the plain-text position of each line break's space."""
    c = 0  # content position: where the previous token ended
    open_links: list[tuple[int, str]] = []
    autolink_end = -1
    strong = 0
    plain_text = False  # text outside **bold**
    images: list[tuple[int, str, str]] = []
    for child in children:
        kind = child.type
        pos: tuple[int, int] | None = child.meta.get(_POS)
        if kind == "text":
            if autolink_end >= 0:
                # An autolink's text is the normalised URL: it stands for the URL as written.
                if content[c:autolink_end] == child.content:
                    _add_text(builder, cmap, content, c, autolink_end)
                elif autolink_end > c:
                    s, e = cmap.span(c, autolink_end)
                    builder.add_synthetic(child.content, s, e - s)
                c = autolink_end
                continue
            piece = child.content
            if not content.startswith(piece, c):
                _misaligned("text token does not continue the previous one")
                continue
            if not strong and piece.strip():
                plain_text = True
            _add_text(builder, cmap, content, c, c + len(piece))
            c += len(piece)
            continue
        if kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong -= 1
        if pos is None:
            _misaligned(f"{kind} without a position")
            continue
        start, end = pos
        if kind == "link_close" and start < 0:
            start = c  # a link's "](target)" begins where its text ended
            if content[c : c + 1] != "]":
                _misaligned("link text does not end at ]")
        if start < c:
            _misaligned(f"{kind} overlaps the token before it")
        if kind == "text_special":
            if child.content:
                _add_standing_for(builder, cmap, text, child.content, start, end)
                if not strong and child.content.strip():
                    plain_text = True
        elif kind in ("softbreak", "hardbreak"):
            nl = content.find("\n", start, end)
            if nl >= 0:
                s, e = cmap.span(nl, nl + 1)
                if breaks is not None:
                    breaks.append(builder.length)
                builder.add_synthetic(" ", s, e - s)
        elif kind == "code_inline":
            # Not prose; a space, standing for the whole code span, keeps the words on
            # either side apart.
            s, e = cmap.span(start, end)
            builder.add_synthetic(" ", s, e - s)
        elif kind == "image":
            images.append((builder.length, child.content, str(child.attrs.get("src", ""))))
        elif kind == "link_open":
            open_links.append((builder.length, str(child.attrs.get("href", ""))))
            if child.markup == "autolink":
                # The autolink's text runs up to the ">" that its link_close stands for.
                autolink_end = _autolink_close(children, child, content, end)
        elif kind == "link_close":
            autolink_end = -1
            if open_links:
                begin, href = open_links.pop()
                links.append(Link(begin, builder.length, href))
        c = max(c, end)
    if images:
        attrs["images"] = images
    if not plain_text and any(t.type == "strong_open" for t in children):
        attrs["bold"] = True


def _autolink_close(children: list[Token], opening: Token, content: str, default: int) -> int:
    i = next((k for k, t in enumerate(children) if t is opening), -1)
    for t in children[i + 1 :]:
        if t.type == "link_close":
            pos = t.meta.get(_POS)
            return pos[0] if pos and pos[0] >= 0 else default
    return default


def parse_markdown(source: str, path: str = "", front_matter: bool = True) -> Document:
    """``front_matter``: the text is the start of the file, so it may open with front matter
    (false for a later piece of a file, which the language server parses on its own)."""
    fm = read_front_matter(source) if front_matter else FrontMatter()
    notes: list[SourceNote] = [fm.note] if fm.note else []
    # Blank out the front matter but keep every one of its line breaks as a line break of
    # its own ("\r" then "\n" must not become one "\r\n"), so markdown-it's line numbers
    # still match the source.
    parsed = source
    if fm.end:
        parsed = "\n" * len(_LINE_BREAK.findall(source, 0, fm.end)) + source[fm.end :]
    # The source as markdown-it reads it, offset for offset (normalize turns NUL into U+FFFD).
    text = source.replace("\0", "\ufffd") if "\0" in source else source
    lines = _Lines(source)

    blocks: list[Block] = []
    quote_depth = 0
    list_depth = 0
    heading_level = 0
    atx = False
    cell_header = False
    in_cell = False
    row: list[tuple[str, _ContentMap]] = []
    row_line = 0
    row_cursor = 0
    for token in _markdown().parse(parsed):
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
            atx = token.markup.startswith("#")
        elif kind == "heading_close":
            heading_level = 0
        elif kind == "tr_open":
            row_line = token.map[0] if token.map else 0
            row = _row_cells(text, lines.starts[row_line], lines.ends[row_line], quote_depth) if row_line < len(lines) else []
            row_cursor = lines.starts[row_line] if row_line < len(lines) else len(source)
        elif kind in ("th_open", "td_open"):
            in_cell, cell_header = True, kind == "th_open"
        elif kind in ("th_close", "td_close"):
            in_cell = False
        elif kind == "inline":
            anchor = lines.starts[min(token.map[0], len(lines) - 1)] if token.map else 0
            if token.meta.get(_TOO_DEEP):
                notes.append(_nesting_note(source, lines, token, anchor))
                continue
            cmap: _ContentMap | None
            if in_cell:
                cmap = None
                if row and row[0][0] == token.content:
                    cmap = row.pop(0)[1]
                elif not token.content:
                    cmap = _ContentMap(row_cursor)  # a cell the table rule added empty
                    row = row[1:]
                else:
                    row = []  # our cut of the row went wrong: place the rest one by one
                    cmap = _found_map(token.content, text, lines.starts[row_line], lines.ends[row_line], row_cursor)
                if cmap is not None:
                    row_cursor = cmap.anchor
            elif token.map:
                count = token.map[1] - token.map[0]
                cmap = _line_map(token.content, token.map[0], count, lines, text, atx and bool(heading_level))
            else:
                cmap = None
            if cmap is None:
                _misaligned("inline content not found in its lines")
                continue
            builder = TextBuilder()
            links: list[Link] = []
            attrs: dict[str, object] = {}
            breaks: list[int] = []
            _walk(token.children or [], token.content, cmap, text, builder, links, attrs, breaks)
            plain, offsets = builder.build(anchor=anchor)
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
            if block_kind is not BlockKind.HEADING and block_kind is not BlockKind.TABLE_CELL and "images" not in attrs:
                items = _pseudo_items(plain, breaks)
                if items:
                    blocks.extend(_item_blocks(plain, offsets, items, block_kind, quote_depth > 0, links, attrs))
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
    return Document(path=path, source=source, format="markdown", blocks=blocks, front_matter=fm.data, notes=notes)


# Lines that CommonMark reads as text but an author means as list items: lettered and
# Roman items ("a)", "iv)") and bullets that are no Markdown markers ("•", "▪", "–").
_PSEUDO_MARKER = regex.compile(r"(?:\(?(?:[ivx]{1,5}|[a-zæøå])\)|[•▪◦●–\uf0b7])[ \t\u00a0]*(?=\S)")


def _pseudo_items(plain: str, breaks: list[int]) -> list[tuple[int, int]]:
    """Where each pseudo list item of a paragraph begins: (line start, text start), the
    paragraph's first line included when it is one; empty when no line after the first is."""
    starts = [0] + [b + 1 for b in breaks]
    found = [(at, m.end()) for at in starts if (m := _PSEUDO_MARKER.match(plain, at))]
    if not any(at for at, _ in found):
        return []
    return found


def _item_blocks(plain: str, offsets: OffsetMap, items: list[tuple[int, int]], kind: BlockKind, quoted: bool,
                 links: list[Link], attrs: dict[str, object]) -> list[Block]:
    """Cut a paragraph into the text before its first item and one list item per item, so
    an item is a sentence of its own even without a final full stop."""
    pieces: list[tuple[int, int, BlockKind]] = []
    if items[0][0] > 0:
        pieces.append((0, items[0][0] - 1, kind))
    for k, (_line, begin) in enumerate(items):
        end = items[k + 1][0] - 1 if k + 1 < len(items) else len(plain)
        pieces.append((begin, end, BlockKind.LIST_ITEM))
    out = []
    for a, b, piece_kind in pieces:
        b = a + len(plain[a:b].rstrip())
        if b <= a:
            continue
        own = [Link(max(link.start, a) - a, min(link.end, b) - a, link.target) for link in links if link.start < b and link.end > a]
        out.append(Block(kind=piece_kind, text=plain[a:b], offsets=offsets.sliced(a, b), quoted=quoted, links=own,
                         attrs=dict(attrs)))
    return out


def _nesting_note(source: str, lines: _Lines, token: Token, anchor: int) -> SourceNote:
    """The first line of a paragraph that was not checked."""
    line = token.map[0] if token.map else 0
    end = lines.ends[line] if line < len(lines) else len(source)
    first = source[anchor:end]
    start = anchor + len(first) - len(first.lstrip())
    stop = anchor + len(first.rstrip())
    return SourceNote(start, max(stop, start), "nesting", str(MAX_BRACKET_DEPTH))
