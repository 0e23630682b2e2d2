"""Lines of a plain-text file that are page layout, not prose.

Text extracted from a PDF (pdftotext) keeps what the page showed besides the prose:
running headers and footers, page numbers, the table of contents, photo credits, and
the letter pairs a lost ligature left on a line of their own. Read as prose they make
findings no editor wants (a doubled «ti» a thousand times, a «sentence» of twenty
table-of-contents entries), so the plain-text front end treats these lines as blank
lines: they make no block, a paragraph broken by them continues across them, and the
offsets of every other character stay those of the source.

They are dropped rather than kept as blocks that checks skip because every check and
every figure (LIX, word counts) would have to learn to skip them; a line that makes no
block cannot be counted or flagged by mistake.

Some decisions need the whole file (a running header is a line that repeats on many
pages), so they are made once per file (:func:`file_layout`) and handed to the parser
of each piece of it, which keeps the language server's piecewise parse equal to a full
parse.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

import regex

from klarsyn.document.columns import LineShape, line_shape, mixed_columns

# Bullets as PDFs and word processors write them (U+F0B7 and U+F0A7 are Symbol-font
# bullets that pdftotext leaves in the private use area).
BULLETS = "•▪◦●○■□►▶➢➤✓✔\uf0b7\uf0a7\uf0d8\uf0fc"
# A list marker alone on its line: pdftotext writes "•" and the item's text apart.
LONE_MARKER = regex.compile(r"[ \t\u00a0\f]*(?:[-–" + BULLETS + r"]|\(?(?:[ivx]{1,5}|[a-zæøå]|\d{1,3})\))[ \t\u00a0]*")

LONE_MARKER_CHARS = 7  # the longest marker LONE_MARKER takes: «(viiii)»

# Letter pairs that a ligature (fi, fl, ff, ffi, ft, tt, ti …) leaves behind when the
# PDF's font maps it to nothing: pdftotext puts them on lines of their own.
LIGATURE_FRAGMENTS = frozenset(
    {"ti", "tt", "ft", "ff", "fl", "fi", "tti", "tf", "fj", "ttf", "ffi", "ffl", "fft", "fb", "fh", "fk", "tj", "tl"}
)
# A file needs this many fragment lines before a lone «ti» (ten) is taken for debris.
MIN_FRAGMENT_LINES = 3
# A running header or footer repeats as a line of its own on at least this many pages…
MIN_RUNNING_REPEATS = 3
# … and most of its occurrences sit next to a page break or a page number.
_PAGE_EDGE_DISTANCE = 3  # non-blank lines
_MAX_RUNNING_CHARS = 80

_SPACE = " \t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u3000\f\v"
_PAGE_NUMBER = regex.compile(
    r"(?i)(?:\d{1,3}|[-–—]\s*\d{1,3}\s*[-–—]|(?:side|s\.|page)\s*\d{1,3}(?:\s*(?:av|/|of)\s*\d{1,3})?|\d{1,3}\s*(?:av|/)\s*\d{1,3})"
)
# "Tittel ........ 30", "Tittel . . . . 30", "Tittel………30"
_LEADERS = ("....", ". . . .", "……")
_PHOTO_CREDIT = regex.compile(
    r"(?i)(?:foto|fotos|fotograf|photo|bilde|illustrasjon|ill\.|foto/ill\.?)(?:\s*:|\s+by\b|\s*/|\s*©)\s*\S.*|©\s*\S.*"
)
_CREDIT_STARTS = frozenset("FfPpBbIi©")
_MAX_CREDIT_WORDS = 12
_MAX_TOC_TITLE_WORDS = 14
# "1.2 Ekteskapet 6": a title and its page number on one line, without dot leaders.
_TITLE_AND_PAGE = regex.compile(r"(?:\d{1,3}(?:\.\d{1,3})*\.?\s+)?\p{L}[^.!?]{0,100}?\p{L}\)?\s+(\d{1,3})")


@dataclass(frozen=True, slots=True)
class FileLayout:
    """What only the whole file can tell: the running header and footer lines, and
    whether lone ligature fragments are debris here."""

    running: frozenset[str] = frozenset()
    fragments: bool = False
    # Where the first fragment line is and how many there are, for the one finding that
    # says the text lost letters (its words are broken where the ligatures were).
    fragments_at: tuple[int, int] | None = None
    # Lines (their normalized contents) of stretches where two columns were mixed line by
    # line (document/columns.py), and where the first stretch is: (first line, last line,
    # number of lines in all stretches), for the one finding that says so.
    mixed: frozenset[str] = frozenset()
    mixed_at: tuple[int, int, int] | None = None


def normalize(line: str) -> str:
    """A line's content for comparison: no surrounding space, form feed, or doubled space."""
    return " ".join(line.strip(_SPACE).split())


def is_page_number(content: str) -> bool:
    # The length test first: most lines are prose, and a regex per line adds up.
    return len(content) <= 16 and bool(_PAGE_NUMBER.fullmatch(content))


def _is_dot_leader(content: str) -> bool:
    body = content.rstrip("0123456789").rstrip()
    return body.endswith(_LEADERS) and bool(body.strip(". …"))


@dataclass(frozen=True, slots=True)
class LineFacts:
    """What the layout passes need of one line, computed once per line text (the language
    server keeps them from one check to the next, when only a line or two changed)."""

    content: str  # normalized
    lone_marker: bool
    static: str | None  # "page-number", "toc" (dot leaders) or "photo-credit": reasons of the line alone
    title_page: int  # the page number a title line ends in, else -1
    shape: LineShape


LineMemo = dict[str, LineFacts]
_MEMO_LIMIT = 200_000  # line texts kept


def _facts(line: str) -> LineFacts:
    c = normalize(line)
    static = None
    title_page = -1
    if c:
        if is_page_number(c):
            static = "page-number"
        elif _is_dot_leader(c):
            static = "toc"
        elif c[:1] in _CREDIT_STARTS and _PHOTO_CREDIT.fullmatch(c) and len(c.split()) <= _MAX_CREDIT_WORDS:
            static = "photo-credit"
        if c[-1].isdigit() and _is_toc_title(c):
            m = _TITLE_AND_PAGE.fullmatch(c)
            title_page = int(m.group(1)) if m else -1
    # A lone marker is at most LONE_MARKER_CHARS characters besides spaces: the length
    # test spares almost every line the pattern.
    lone = len(c) <= LONE_MARKER_CHARS and bool(LONE_MARKER.fullmatch(line))
    return LineFacts(c, lone, static, title_page, line_shape(line))


def line_facts(lines: list[str], memo: LineMemo | None = None) -> list[LineFacts]:
    if memo is None:
        return [_facts(t) for t in lines]
    if len(memo) > _MEMO_LIMIT:
        memo.clear()
    out = []
    for t in lines:
        f = memo.get(t)
        if f is None:
            f = memo[t] = _facts(t)
        out.append(f)
    return out


def file_layout(lines: list[str], memo: LineMemo | None = None) -> FileLayout:
    return analyse(lines, memo)[0]


@dataclass
class SettledLayout:
    """A file's layout as last settled, for the language server: a keystroke that changes
    only prose lines (not repeated, not a page number, a TOC line or a fragment, and no
    columns in the file) cannot change what the whole file tells, so it is kept."""

    lines: list[str]
    layout: FileLayout
    reasons: list[str | None]
    counts: Counter[str]

    def update(self, lines: list[str], memo: LineMemo | None) -> FileLayout:
        if not self._still_holds(lines, memo):
            layout, reasons = analyse(lines, memo)
            facts = line_facts(lines, memo)
            self.layout, self.reasons, self.counts = layout, reasons, Counter(f.content for f in facts if f.content)
        self.lines = lines
        return self.layout

    def _still_holds(self, lines: list[str], memo: LineMemo | None) -> bool:
        old = self.lines
        if self.layout.mixed_at is not None or not old:
            return False
        # The changed lines: what lies between the common first and last lines (typing Enter
        # or a letter on a blank line changes the count of lines; both are everyday edits).
        first = 0
        limit = min(len(old), len(lines))
        while first < limit and old[first] == lines[first]:
            first += 1
        if first == len(old) == len(lines):
            return True
        last = 0
        while last < limit - first and old[-1 - last] == lines[-1 - last]:
            last += 1
        gone, came = old[first : len(old) - last], lines[first : len(lines) - last]
        if len(gone) > _SETTLED_EDITS or len(came) > _SETTLED_EDITS:
            return False
        if any(r is not None for r in self.reasons[first : len(old) - last]) or any("\f" in t for t in gone + came):
            return False
        before, after = line_facts(gone, memo), line_facts(came, memo)
        if any(f.content and not _plain_prose(f) for f in before + after):
            return False  # a page number, a TOC line or a fragment went or came
        # A line that repeats MIN_RUNNING_REPEATS times may be a running header: one of those
        # going or coming (or one more making three), or a line more or less between a page
        # edge and such a line, may change the running headers. Then they are found again
        # (the cheap part of the analysis) and the layout is kept if they are the same.
        if any(self.counts[f.content] >= MIN_RUNNING_REPEATS for f in before if f.content) or \
                any(self.counts[f.content] >= MIN_RUNNING_REPEATS - 1 for f in after if f.content) or \
                (sum(1 for f in before if f.content) != sum(1 for f in after if f.content)
                 and self._near_page_edge(lines, first, len(lines) - last, memo)):
            pages = _pages(lines, line_facts(lines, memo))
            layout = self.layout
            if (pages.running, pages.fragments) != (layout.running, layout.fragments) or any(f.content in pages.running for f in after):
                return False
            if pages.fragments_at != layout.fragments_at:
                self.layout = replace(layout, fragments_at=pages.fragments_at)  # the fragments moved with the lines
        elif len(came) != len(gone) and self.layout.fragments_at is not None and first <= self.layout.fragments_at[0]:
            at, n = self.layout.fragments_at  # the first fragment line is now that many lines later or earlier
            self.layout = replace(self.layout, fragments_at=(at + len(came) - len(gone), n))
        for f in before:
            self.counts[f.content] -= 1
        for f in after:
            self.counts[f.content] += 1
        self.reasons[first : len(old) - last] = [None] * len(came)
        return True

    def _near_page_edge(self, lines: list[str], start: int, end: int, memo: LineMemo | None) -> bool:
        """Whether a page edge (a form feed, a page number) or a line that may be a running
        header sits within the running-header distance of ``lines[start:end]``, counted in
        non-blank lines (the distance _pages measures)."""
        for step, at in ((-1, start - 1), (1, end)):
            seen = 0
            while 0 <= at < len(lines) and seen <= _PAGE_EDGE_DISTANCE:
                text = lines[at]
                if text.strip():
                    f = line_facts([text], memo)[0]
                    if "\f" in text or f.static == "page-number" or self.counts[f.content] >= MIN_RUNNING_REPEATS:
                        return True
                    seen += 1
                at += step
        return False


_SETTLED_EDITS = 3  # changed lines a check may keep the layout for


def _plain_prose(f: LineFacts) -> bool:
    return bool(f.content) and f.static is None and f.title_page < 0 and not f.lone_marker and f.content not in LIGATURE_FRAGMENTS


def settle(lines: list[str], memo: LineMemo | None = None) -> SettledLayout:
    """The first settling of a file's layout (see SettledLayout.update for the next)."""
    settled = SettledLayout([], FileLayout(), [], Counter())
    settled.update(lines, memo)  # no lines before: settled from scratch
    return settled


def analyse(lines: list[str], memo: LineMemo | None = None) -> tuple[FileLayout, list[str | None]]:
    """The file's layout and, for each line, why it is layout (see :func:`layout_lines`)."""
    facts = line_facts(lines, memo)
    layout = _pages(lines, facts)
    reasons = layout_lines(lines, layout, facts)
    prose = [i for i, (f, why) in enumerate(zip(facts, reasons)) if why is None and f.content and not f.lone_marker]
    regions = mixed_columns([facts[i].shape for i in prose])
    if not regions:
        return layout, reasons
    mixed = [prose[k] for a, b in regions for k in range(a, b + 1)]
    first, last = prose[regions[0][0]], prose[regions[0][1]]
    layout = replace(layout, mixed=frozenset(facts[i].content for i in mixed), mixed_at=(first, last, len(mixed)))
    return layout, layout_lines(lines, layout, facts)


def _pages(lines: list[str], facts: list[LineFacts]) -> FileLayout:
    """Running headers and footers, and whether fragment lines are debris."""
    contents = [f.content for f in facts]
    debris = [i for i, c in enumerate(contents) if c in LIGATURE_FRAGMENTS]
    fragments = len(debris) >= MIN_FRAGMENT_LINES
    fragments_at = (debris[0], len(debris)) if fragments else None
    counts = Counter(c for c in contents if c)
    candidates = {
        c
        for c, n in counts.items()
        if n >= MIN_RUNNING_REPEATS and len(c) <= _MAX_RUNNING_CHARS and not is_page_number(c)
        and c not in LIGATURE_FRAGMENTS and any(ch.isalpha() for ch in c)
    }
    if not candidates:
        return FileLayout(fragments=fragments, fragments_at=fragments_at)
    # Page edges: the line a form feed opens, and page-number lines.
    nonblank = [i for i, c in enumerate(contents) if c]
    edge = [("\f" in lines[i]) or facts[i].static == "page-number" for i in nonblank]
    near: Counter[str] = Counter()
    for k, i in enumerate(nonblank):
        c = contents[i]
        if c not in candidates:
            continue
        lo, hi = max(0, k - _PAGE_EDGE_DISTANCE), min(len(nonblank), k + _PAGE_EDGE_DISTANCE + 1)
        # The line itself opening a page counts; so does a form feed on the line after.
        if any(edge[lo:hi]):
            near[c] += 1
    # Most occurrences at a page edge: a lead-in such as «Partiet Sentrum vil» that
    # repeats before every list sits at an edge only by chance.
    running = frozenset(c for c in candidates if near[c] * 2 > counts[c])
    return FileLayout(running=running, fragments=fragments, fragments_at=fragments_at)


def layout_lines(lines: list[str], layout: FileLayout, facts: list[LineFacts] | None = None) -> list[str | None]:
    """For each line, why it is layout ("running", "page-number", "toc", "photo-credit",
    "fragment", "columns"), or None for prose and blank lines. ``facts``: the lines'
    facts, when the caller has them."""
    if facts is None:
        facts = line_facts(lines)
    reasons: list[str | None] = [None] * len(lines)
    for i, f in enumerate(facts):
        c = f.content
        if not c:
            continue
        if c in layout.running:
            reasons[i] = "running"
        elif c in layout.mixed:
            reasons[i] = "columns"
        elif f.static == "page-number":
            reasons[i] = "page-number"
        elif layout.fragments and c in LIGATURE_FRAGMENTS:
            reasons[i] = "fragment"
        else:
            reasons[i] = f.static
    # A dot-leader entry wrapped over two lines: its first line sits between toc lines.
    for i in range(1, len(lines) - 1):
        if reasons[i] is None and facts[i].content and reasons[i - 1] == "toc" and reasons[i + 1] == "toc":
            reasons[i] = "toc"
    _toc_entries(facts, reasons)
    return reasons


def _is_toc_title(content: str) -> bool:
    return 0 < len(content.split()) <= _MAX_TOC_TITLE_WORDS and content[-1] not in ".!?;,"


def _toc_entries(facts: list[LineFacts], reasons: list[str | None]) -> None:
    """Table-of-contents titles whose page numbers pdftotext put on lines of their own:
    title, number, title, number … (at least three pairs, numbers not decreasing), or a
    paragraph of titles followed by a paragraph of page numbers only."""
    contents = [f.content for f in facts]
    nonblank = [i for i, c in enumerate(contents) if c and reasons[i] in (None, "page-number", "toc")]
    # Titles ending in their page number, three or more in a row, numbers not decreasing.
    k = 0
    while k < len(nonblank):
        j, last = k, -1
        while j < len(nonblank) and reasons[nonblank[j]] is None:
            page = facts[nonblank[j]].title_page
            if page < 0 or page < last:  # -1: no title ending in a page number
                break
            last = page
            j += 1
        if j - k >= 3:
            for i in nonblank[k:j]:
                reasons[i] = "toc"
        k = max(j, k + 1)
    # Title, number pairs.
    k = 0
    while k + 1 < len(nonblank):
        run: list[int] = []
        last = -1
        j = k
        while j + 1 < len(nonblank):
            t, n = nonblank[j], nonblank[j + 1]
            if reasons[t] is not None or not _is_toc_title(contents[t]) or reasons[n] != "page-number":
                break
            number = int(regex.sub(r"\D+", " ", contents[n]).split()[0])
            if number < last:
                break
            last = number
            run.append(t)
            j += 2
        if len(run) >= 3:
            for t in run:
                reasons[t] = "toc"
            k = j
        else:
            k += 1
    # A paragraph of titles, then a paragraph of two or more page numbers.
    paragraphs: list[list[int]] = []
    current: list[int] = []
    for i, c in enumerate(contents):
        if not c or reasons[i] in ("running", "fragment", "photo-credit"):
            if current and not c:
                paragraphs.append(current)
                current = []
            continue
        current.append(i)
    if current:
        paragraphs.append(current)
    for titles, numbers in zip(paragraphs, paragraphs[1:]):
        if len(numbers) < 2 or any(reasons[i] != "page-number" for i in numbers):
            continue
        if len(titles) < 2 or not all(reasons[i] in (None, "toc") and _is_toc_title(contents[i]) for i in titles):
            continue
        if len(numbers) * 2 < len(titles):
            continue
        for i in titles:
            reasons[i] = "toc"
