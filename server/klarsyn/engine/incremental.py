"""Checking a document again after a small edit, re-using the work for the parts that
did not change — what the language server needs to answer within milliseconds on a
100-page programme.

The text is cut into *chunks* at paragraph boundaries where the cut cannot change how
the rest is read (never inside a code fence or list item, never before a line that
continues a paragraph). Each chunk is parsed, split into sentences and checked by the
block-local rules on its own, and the result is cached under the chunk's text. After
an edit only the touched chunk misses the cache; the others are shifted to their new
place. Rules that look at the whole document (section LIX, an acronym's first use) run
on the assembled result; workspace rules (consistency across files) run separately.
"""

from __future__ import annotations

import logging
import traceback
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass, replace

import regex

from klarsyn.config import Config
from klarsyn.document.loader import parse, resolve_language
from klarsyn.document.markdown import parse_markdown, split_front_matter
from klarsyn.document.model import Block, Document, SourceNote
from klarsyn.document.layout import FileLayout, LineMemo, SettledLayout, settle
from klarsyn.document.plaintext import layout_notes, parse_plaintext, split_source_lines
from klarsyn.engine.edits import changed_span, shift_finding
from klarsyn.engine.rules import Rule, RunContext
from klarsyn.engine.runner import CheckResult, _context, document_phase, enabled_rules, suppress
from klarsyn.findings import Finding
from klarsyn.metrics.analysis import BlockAnalysis, DocumentAnalysis, _sections, analyze_block
from klarsyn.metrics.lix import Counts
from klarsyn.engine.rules import RuleTimeout, with_regex_budget

log = logging.getLogger("klarsyn")
_LIST_OR_QUOTE = regex.compile(r"(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)|>")
_TERMINAL = tuple(".!?:;")


_LINES = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_GAP = regex.compile(r"(?:\r\n|\r|\n)[ \t]*(?:\r\n|\r|\n)(?:[ \t]*(?:\r\n|\r|\n))*")
_FENCE_LINE = regex.compile(r"^[ ]{0,3}(`{3,}|~{3,})", regex.MULTILINE)


def _fenced_ranges(text: str) -> list[tuple[int, int]]:
    """Source ranges of fenced code blocks (an unclosed fence runs to the end)."""
    ranges: list[tuple[int, int]] = []
    if "```" not in text and "~~~" not in text:
        return ranges
    opening: regex.Match[str] | None = None
    for m in _FENCE_LINE.finditer(text):
        if opening is None:
            opening = m
        elif m.group(1)[0] == opening.group(1)[0] and len(m.group(1)) >= len(opening.group(1)):
            ranges.append((opening.start(), m.end()))
            opening = None
    if opening is not None:
        ranges.append((opening.start(), len(text)))
    return ranges


def markdown_chunks(text: str, pos: int = 0, endpos: int | None = None) -> list[int]:
    """Start offsets of the chunks of a Markdown text (the first is always 0): after one or
    more blank lines, before a line that starts in column 0 with something that is not a
    list item or a quote, outside fenced code and front matter. With ``pos``/``endpos``
    (chunk starts of a text without fences or front matter), the starts of that window."""
    starts = [pos]
    if pos == 0:
        _fm, body = split_front_matter(text)
        fences = _fenced_ranges(text)
    else:
        body, fences = pos, []
    end = len(text) if endpos is None else endpos
    f = 0
    for m in _GAP.finditer(text, body, end):
        at = m.end()
        if at >= end:
            break
        while f < len(fences) and fences[f][1] <= at:
            f += 1
        if f < len(fences) and fences[f][0] < at:
            continue  # inside a fence
        first = text[at]
        if first in " \t>" or _LIST_OR_QUOTE.match(text, at):
            continue
        starts.append(at)
    return starts


def plaintext_chunks(text: str, pos: int = 0, endpos: int | None = None) -> list[int]:
    """Chunk starts for plain text: after a paragraph that ends a sentence, before one that
    starts with a capital — so heading guesses and run-on paragraphs stay within a chunk.
    With ``pos``/``endpos`` (line starts), the starts of that window, ``pos`` first."""
    starts = [pos]
    previous_end = ""
    blank_before = False
    for m in _LINES.finditer(text, pos, len(text) if endpos is None else endpos):
        line = m.group()
        if not line:
            break
        stripped = line.strip()
        if not stripped:
            blank_before = True
            continue
        if blank_before and previous_end.endswith(_TERMINAL) and stripped[0].isupper() and line[0] not in " \t\u00a0":
            starts.append(m.start())
        previous_end = stripped
        blank_before = False
    return starts


def chunk_starts(text: str, fmt: str, old: tuple[str, list[int]] | None) -> list[int]:
    """The chunk starts of ``text``, found again only around what changed since ``old``
    (the last text and its starts): a start depends on its own line and the lines just
    before it, so outside the changed chunks the old starts stand, moved by the edit.
    Markdown with code fences is chunked whole (a fence changes everything after it)."""
    find = markdown_chunks if fmt == "markdown" else plaintext_chunks
    if old is None or (fmt == "markdown" and ("```" in text or "~~~" in text or text.startswith(("---", "+++", "\ufeff")))):
        return find(text)
    span = changed_span(old[0], text)
    if span is None:
        return old[1]
    starts = old[1]
    k = bisect_right(starts, span.start) - 1  # the chunk the edit begins in
    j = bisect_right(starts, span.old_end)  # the first chunk that starts after it
    lo = starts[max(k - 1, 0)]  # one chunk earlier: the edit may remove the start of chunk k
    if lo == 0 or j + 1 >= len(starts):
        return find(text)  # near either end: the whole text, as the front end sees it
    hi = starts[j + 1] + span.delta  # chunk j's own start may change; the one after it cannot
    window = find(text, lo, hi)
    return starts[: max(k - 1, 0)] + window + [at + span.delta for at in starts[j + 1 :]]


@dataclass
class _Chunk:
    document: Document  # chunk-relative offsets
    blocks: list[BlockAnalysis]
    findings: list[Finding]  # from the block-local rules, chunk-relative offsets
    has_heading: bool


def _shifted_block(b: Block, delta: int) -> Block:
    return Block(b.kind, b.text, b.offsets.shifted(delta), b.level, b.quoted, b.header_cell, b.links, b.attrs)


@dataclass
class _Placed:
    """A chunk's blocks, findings and notes at its place in one text."""

    chunk: _Chunk
    analyses: list[BlockAnalysis]
    findings: list[Finding]
    notes: list[SourceNote]


@dataclass
class _Assembly:
    """The last check of a file: its text, chunk starts and placed chunks (by start, chunk
    and index of the first block)."""

    text: str
    starts: list[int]
    pieces: dict[tuple[int, int, int], _Placed]


_LAST_FILES = 64  # files whose last assembly is kept (the open drafts and then some)


def _place(chunk: _Chunk, at: int, first_index: int) -> _Placed:
    analyses = [BlockAnalysis(first_index + i, _shifted_block(ba.block, at) if at else ba.block, ba.sentences, ba.counts, ba.scratch)
                for i, ba in enumerate(chunk.blocks)]
    notes = [SourceNote(n.start + at, n.end + at, n.kind, n.detail, n.line) for n in chunk.document.notes]
    return _Placed(chunk, analyses, [shift_finding(f, at) for f in chunk.findings], notes)


class IncrementalChecker:
    """Per-document checker with a cache of chunk results shared across edits."""

    def __init__(self, max_chunks: int = 20_000) -> None:
        self._cache: OrderedDict[tuple[object, ...], _Chunk] = OrderedDict()
        self._max = max_chunks
        self.hits = 0
        self.misses = 0
        self.failures = 0
        self._language_key: tuple[object, ...] = ()
        self._language_length = 0
        self._language = "nb"
        # The layout facts of each line text seen (document/layout.py): the whole file's
        # layout is settled again on every check, and most lines are the same as last time.
        self._line_memo: LineMemo = {}
        self._settled: dict[str, SettledLayout] = {}  # per path: the layout of the last check
        self._last: dict[str, _Assembly] = {}  # per path, oldest first

    def _run(self, rule: Rule, ctx: RunContext) -> list[Finding]:
        """One rule's findings; a rule that fails is logged and skipped, never fatal (the
        language server keeps serving the other rules)."""
        try:
            return rule.run(ctx)
        except RuleTimeout as exc:
            # The pattern's fault, not klarsyn's: say so once per check, without a traceback
            # (every chunk after the budget ran out raises again).
            self.failures += 1
            if not exc.again:
                log.warning("%s (the rule is skipped)", exc)
            return []
        except Exception:  # noqa: BLE001
            self.failures += 1
            _log_failure(rule)
            return []

    def _layout(self, path: str, lines: list[str]) -> FileLayout:
        settled = self._settled.get(path)
        if settled is None:
            settled = self._settled[path] = settle(lines, self._line_memo)
            return settled.layout
        return settled.update(lines, self._line_memo)

    def _rules(self, config: Config, language: str) -> tuple[list[Rule], list[Rule], tuple[object, ...]]:
        rules = enabled_rules(config, language)
        local = [r for r in rules if r.local]
        rest = [r for r in rules if not r.local]
        signature = (config.message_language,) + tuple((r.id, str(config.rules.get(r.id))) for r in local)
        return local, rest, signature

    @with_regex_budget  # one check of the document, whichever chunks it re-runs
    def check(self, text: str, path: str, fmt: str, config: Config) -> CheckResult:
        """Findings of the per-document rules (workspace rules aside), as check_document."""
        if fmt not in ("markdown", "text"):
            # HTML has no cheap paragraph chunks (a block may span many lines of markup):
            # the whole page is checked; pages are short next to a programme draft.
            document = parse(text, path, fmt, config.language)
            analysis, findings = document_phase(document, config)
            findings = suppress(document, config, findings)
            findings.sort(key=Finding.sort_key)
            return CheckResult(analysis, findings)
        # The language is settled again when the front matter or the settings change, or
        # the text has grown or shrunk by a few paragraphs: not on every keystroke.
        front = text[: split_front_matter(text)[1]] if fmt == "markdown" else ""
        key = (fmt, config.language, front)
        if key != self._language_key or abs(len(text) - self._language_length) > 2_000:
            self._language_key, self._language_length = key, len(text)
            self._language = _language(text, path, fmt, config)
        language = self._language
        local, document_rules, signature = self._rules(config, language)
        last = self._last.pop(path, None)
        starts = chunk_starts(text, fmt, (last.text, last.starts) if last is not None else None)
        bounds = list(zip(starts, starts[1:] + [len(text)]))
        blocks: list[Block] = []
        analyses: list[BlockAnalysis] = []
        findings: list[Finding] = []
        seen_heading = False
        # Running headers are a fact of the whole file: every chunk is parsed with it.
        layout = self._layout(path, split_source_lines(text)) if fmt == "text" else FileLayout()
        front_matter: dict[str, object] = {}
        notes: list[SourceNote] = layout_notes(text, layout) if fmt == "text" else []
        file_notes = tuple(notes)
        # The chunks placed as in the last check of this file (before the edit, and after it
        # when its length did not change) are taken as they were: re-placing each block and
        # finding of a 100-page programme at every keystroke was a tenth of an edit's time.
        before = last.pieces if last is not None else {}
        pieces: dict[tuple[int, int, int], _Placed] = {}
        for i, (a, b) in enumerate(bounds):
            chunk = self._chunk(text[a:b], path, fmt, language, i == 0, seen_heading, local, config, signature, layout, file_notes)
            seen_heading = seen_heading or chunk.has_heading
            if i == 0:
                front_matter = chunk.document.front_matter
            key = (a, id(chunk), len(analyses))
            placed = before.get(key)
            if placed is None or placed.chunk is not chunk:
                placed = _place(chunk, a, len(analyses))
            pieces[key] = placed
            notes.extend(placed.notes)
            analyses.extend(placed.analyses)
            blocks.extend(ba.block for ba in placed.analyses)
            findings.extend(placed.findings)
        self._last[path] = _Assembly(text, starts, pieces)
        while len(self._last) > _LAST_FILES:
            self._last.pop(next(iter(self._last)))
        document = Document(path=path, source=text, format=fmt, blocks=blocks, language=language, front_matter=front_matter,
                            notes=notes)
        total = Counts()
        for ba in analyses:
            if ba.counted:
                total.add(ba.counts)
        analysis = DocumentAnalysis(document, analyses, _sections(analyses), total)
        for rule in document_rules:
            if not hasattr(rule, "run_workspace"):
                findings.extend(self._run(rule, _context(rule, config, analysis)))
        findings = suppress(document, config, findings)
        findings.sort(key=Finding.sort_key)
        return CheckResult(analysis, findings)

    def _chunk(self, text: str, path: str, fmt: str, language: str, first: bool, seen_heading: bool,
               rules: list[Rule], config: Config, signature: tuple[object, ...], layout: FileLayout,
               file_notes: tuple[SourceNote, ...] = ()) -> _Chunk:
        # What of the layout a chunk's parse and rules depend on: not where the first
        # fragment or column line is (an Enter above it moves it, and every chunk missed).
        parse_layout = (layout.running, layout.fragments, layout.mixed, tuple(n.kind for n in file_notes))
        key = (fmt, language, first, seen_heading if fmt == "text" else False, parse_layout, signature, text)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            self.hits += 1
            return cached
        self.misses += 1
        if fmt == "markdown":
            # Only the file's first chunk can open with front matter: a later chunk that
            # starts with "---" is a thematic break, as in the whole file.
            document = parse_markdown(text, path, front_matter=first)
            document.language, document.language_source = language, "config"
        else:
            document = parse_plaintext(text, path, seen_heading, layout)
            document.language = language
        blocks = [analyze_block(i, block, language) for i, block in enumerate(document.blocks)]
        # The block-local rules see the file's notes too (the text lost its ligatures: its
        # broken words are not long sentences), as in a check of the whole file; only their
        # kinds matter to those rules, so the chunk is cached without their places.
        seen = replace(document, notes=document.notes + list(file_notes)) if file_notes else document
        analysis = DocumentAnalysis(seen, blocks, [], Counts())
        found: list[Finding] = []
        for rule in rules:
            found.extend(self._run(rule, _context(rule, config, analysis)))
        chunk = _Chunk(document, blocks, found, any(b.block.is_heading for b in blocks))
        self._cache[key] = chunk
        if len(self._cache) > self._max:
            self._cache.popitem(last=False)
        return chunk


def _log_failure(rule: Rule) -> None:
    log.error("rule %s failed and was skipped:\n%s", rule.id, traceback.format_exc())


def _language(text: str, path: str, fmt: str, config: Config) -> str:
    """The document's language, settled as the loader does (config, front matter, detection)."""
    return resolve_language(text, fmt, config.language)[0]
