"""A Document from the worker's messages: the pages' lines in reading order become the
source text, which the plain-text front end then reads (paragraphs, lists, hyphenation,
ligatures, the table of contents), told what the PDF knows about headings.

The source is klarsyn's own text of the PDF: one line per line of the page, a blank line
where a paragraph ends (a new tag-tree element, a gap wider than the line spacing, a
change of font size) and after each page. ``Document.page_lines`` maps each
source line back to its page and its line on the page, for positions such as
``program.pdf:p12:34``.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections import Counter

from klarsyn.document.layout import BULLETS, LONE_MARKER
from klarsyn.document.model import Document
from klarsyn.document.pdf.reading import (
    Page,
    Segment,
    furniture,
    page_from_wire,
    reading_order,
)
from klarsyn.document.plaintext import LEAD_IN_ENDS, SENTENCE_INSIDE, parse_plaintext

# Title is the document's title, not a level of its outline (generasjonspartiet.pdf tags a
# chapter's motto «Vår hovedsak» as Title between H2 and H3).
_HEADING_ROLES = {"H": 1, "H1": 1, "H2": 2, "H3": 3, "H4": 4, "H5": 5, "H6": 6}
# Text the tags say is not running prose: the table of contents (its titles and page
# numbers), and words drawn inside a figure (a chart's labels; the figure's alternative
# text stands for it).
_NOT_PROSE_ROLES = frozenset({"TOCI", "TOC", "Figure", "Formula"})
# A line set at least this much larger than the body text is a heading (untagged files).
_HEADING_STEP = 1.0  # points
_MAX_HEADING_WORDS = 15
_MAX_LEVELS = 4


def body_size(pages: list[Page]) -> float:
    """The font size of most of the text (weighted by characters)."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for s in page.segments:
            sizes[round(s.size * 2) / 2] += len(s.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _heading_sizes(pages: list[Page], body: float) -> dict[float, int]:
    """Heading levels by font size: the sizes of short lines set larger than the body,
    largest first. A size used on fewer than three lines (a cover's title) takes level 1
    without pushing the real levels down."""
    counts: Counter[float] = Counter()
    for page in pages:
        for s in page.segments:
            size = round(s.size * 2) / 2
            if size >= body + _HEADING_STEP and len(s.text.split()) <= _MAX_HEADING_WORDS:
                counts[size] += 1
    common = sorted((size for size, n in counts.items() if n >= 3), reverse=True)
    levels = {size: min(i + 1, _MAX_LEVELS) for i, size in enumerate(common)}
    levels.update({size: 1 for size, n in counts.items() if n < 3})
    return levels


def _line_size(line: list[Segment]) -> float:
    longest = max(line, key=lambda s: len(s.text))
    return round(longest.size * 2) / 2


def _heading_hint(line: list[Segment], tagged: bool, body: float, levels: dict[float, int]) -> int | None:
    """A heading level, 0 (not a heading) or None (let the text decide)."""
    first = line[0]
    if tagged and first.role:
        return _HEADING_ROLES.get(first.role, 0)
    text = " ".join(s.text for s in line)
    size = _line_size(line)
    words = text.split()
    if (size in levels and len(words) <= _MAX_HEADING_WORDS and not text.rstrip().endswith((".", ",", ";", ":"))
            and words[-1].lower() not in LEAD_IN_ENDS and not SENTENCE_INSIDE.search(text)
            and not LONE_MARKER.match(text[:2]) and text[:1] not in BULLETS):
        return levels[size]  # not a lead-in («Vi vil:», «Partiet Sentrum vil»), a sentence or an item set large
    if abs(size - body) <= 0.5 and not any(s.bold for s in line):
        return 0  # body text in the body font is not a heading, however short
    return None


def _breaks_paragraph(before: list[Segment], line: list[Segment], by_tags: bool) -> bool:
    """Whether a paragraph ends between two lines that follow each other in reading order.
    ``by_tags``: the file's tag elements are paragraphs (not one element per line)."""
    a, b = before[0], line[0]
    if by_tags and a.block >= 0 and b.block >= 0:
        return a.block != b.block
    if abs(_line_size(before) - _line_size(line)) > 0.5:
        return True
    last, first = before[-1].text.rstrip(), line[0].text.lstrip()
    if first[:1].islower() and last[-1:] not in _SENTENCE_END:
        return False  # «… positivt for samfunnet, | ettersom …»: the sentence goes on
    gap = min(s.y0 for s in before) - max(s.y1 for s in line)
    height = max(max(s.height for s in before), max(s.height for s in line), 1.0)
    # Lines of a paragraph touch (loose boxes run from descent to ascent); a new paragraph
    # leaves space. A jump up (the next column) ends the line's run as a page break does:
    # the text's own rules then join a sentence that goes on in small letters.
    return gap > 0.35 * height or gap < -height


_SENTENCE_END = ".!?:…»\"”)"


def _tags_are_paragraphs(pages: list[Page]) -> bool:
    """Whether a tagged file's paragraph elements hold paragraphs: Affinity tags every line
    as a /P of its own (norgesdemokratene.pdf: 1.0 lines per element), Word and Google Docs
    tag paragraphs."""
    lines = blocks = 0
    for page in pages:
        seen = {s.block for s in page.segments if s.block >= 0}
        blocks += len(seen)
        lines += sum(1 for s in page.segments if s.block >= 0)
    return blocks > 0 and lines >= 1.3 * blocks


def _x_overlap(a: list[Segment], b: list[Segment]) -> bool:
    return min(s.x0 for s in a) < max(s.x1 for s in b) and min(s.x0 for s in b) < max(s.x1 for s in a)


def _headings_first(lines: list[list[Segment]], hints: list[int | None]) -> None:
    """Put a heading before the text under it: InDesign may draw a chapter's text before
    its heading (partiet_sentrum.pdf, «Utlendingsforvaltningen» after its paragraph). A
    heading line moves up to the first line before it in reading order that stands below
    it in the same column; the lines of a wrapped heading move together."""
    i = 0
    while i < len(lines):
        if not hints[i]:
            i += 1
            continue
        end = i + 1
        while end < len(lines) and hints[end] == hints[i]:
            end += 1
        top = min(s.y0 for s in lines[i])
        target = next((j for j in range(i) if max(s.y1 for s in lines[j]) <= top and _x_overlap(lines[j], lines[i])
                       and not hints[j]), None)
        if target is not None:
            lines[target:end] = lines[i:end] + lines[target:i]
            hints[target:end] = hints[i:end] + hints[target:i]
        i = end


def _flat(text: str) -> str:
    return " ".join(text.replace("-\n", "").split()).casefold()


def body_text(pages: list[Page], body: float) -> str:
    """The text set at body size or smaller, all pages, flattened (for pull quotes)."""
    return _flat("\n".join(s.text for page in pages for s in page.segments if round(s.size * 2) / 2 < body + _HEADING_STEP))


def _without_pull_quotes(lines: list[list[Segment]], body: float, flat_body: str) -> list[list[Segment]]:
    """Leave out text set larger than the body that repeats the body text: a pull quote
    (partiet_sentrum.pdf sets «Kvinner er oftere utsatt for vold og overgrep. …» from its
    paragraph on page 25 again in large type on pages 25 and 40). Read twice, it would be two
    findings, and a heading."""
    return [line for line in lines
            if not (_line_size(line) >= body + _HEADING_STEP and len(line_words := _flat(" ".join(s.text for s in line))) >= 20
                    and len(line_words.split()) >= 4 and line_words in flat_body)]


def _page_lines(page: Page, drop: set[tuple[int, int]], body: float, levels: dict[float, int],
                flat_body: str) -> tuple[list[list[Segment]], list[int | None]]:
    tagged = page.tagged
    lines = [line for line in reading_order(page, drop) if not (tagged and line[0].role in _NOT_PROSE_ROLES)]
    if not tagged:
        lines = _without_pull_quotes(lines, body, flat_body)
    hints = [_heading_hint(line, tagged, body, levels) for line in lines]
    if not tagged:
        # Large text over three lines or more, or holding a sentence, is a pull quote or a
        # cover, not a heading (judged on partiet_sentrum.pdf).
        i = 0
        while i < len(lines):
            size = _line_size(lines[i])
            end = i + 1
            while end < len(lines) and _line_size(lines[end]) == size:
                end += 1
            if size >= body + _HEADING_STEP:
                joined = " ".join(s.text for line in lines[i:end] for s in line).strip()
                if end - i >= 3 or SENTENCE_INSIDE.search(joined) or joined.endswith((".", "!", "?")):
                    hints[i:end] = [0] * (end - i)
            i = end
        _headings_first(lines, hints)
    return lines, hints


def build_document(messages: list[dict[str, object]], path: str, data: bytes) -> Document:
    """The Document of a PDF from the worker's messages (worker.py)."""
    pages = [page_from_wire(m) for m in messages if m.get("kind") == "page"]
    facts_message = next((m for m in messages if m.get("kind") == "facts"), None)
    drop = furniture(pages)
    body = body_size(pages)
    levels = _heading_sizes(pages, body)
    by_tags = _tags_are_paragraphs(pages)
    flat_body = body_text(pages, body)
    texts: list[str] = []
    hints: list[int | None] = []
    where: list[tuple[int, int]] = []
    langs: list[Counter[str]] = []  # per source line: characters per tagged language
    for page in pages:
        lines, page_hints = _page_lines(page, drop, body, levels, flat_body)
        for number, (line, hint) in enumerate(zip(lines, page_hints), start=1):
            if number > 1 and (_breaks_paragraph(lines[number - 2], line, by_tags and page.tagged)
                               or bool(hint) != bool(page_hints[number - 2])):
                texts.append("")
                hints.append(None)
                where.append((page.number, 0))
                langs.append(Counter())
            texts.append(" ".join(" ".join(s.text.split()) for s in line))
            hints.append(hint)
            where.append((page.number, number))
            counts: Counter[str] = Counter()
            if page.tagged:
                for s in line:
                    counts[s.lang] += len(s.text)
            langs.append(counts)
        if lines:
            # A page break ends no paragraph by itself; a blank line keeps the next page's
            # first line from being read as part of a heading.
            texts.append("")
            hints.append(None)
            where.append((page.number, 0))
            langs.append(Counter())
    source = "\n".join(texts) + ("\n" if texts else "")
    document = parse_plaintext(source, path, headings=hints)
    document.format = "pdf"
    document.page_lines = where
    _mark_languages(document, texts, langs)
    document.raw_digest = hashlib.sha256(data).hexdigest()
    if facts_message is not None:
        from klarsyn.document.pdf.facts import PdfFacts

        document.pdf = PdfFacts.from_dict(facts_message["facts"])  # type: ignore[arg-type]
        document.declared_language = document.pdf.lang or None  # type: ignore[attr-defined]
    else:
        document.declared_language = None
    return document


# A block is in a tagged language when that language covers this share of its characters
# (a Norwegian paragraph with one English title in it is still Norwegian).
_LANG_SHARE = 0.8


def _mark_languages(document: Document, texts: list[str], langs: list[Counter[str]]) -> None:
    """Give each block the language its tags set (``attrs["lang"]``, as the Word and HTML
    readers do), so a passage the author marked as English is not reported as unmarked."""
    if not any(c.keys() - {""} for c in langs):
        return
    starts, at = [], 0  # where each source line starts (the source is texts joined by \n)
    for text in texts:
        starts.append(at)
        at += len(text) + 1
    for block in document.blocks:
        if not block.text:
            continue
        start, end = block.source_span(0, len(block.text))
        first, last = bisect_right(starts, start) - 1, bisect_right(starts, max(end - 1, start)) - 1
        counts: Counter[str] = Counter()
        for c in langs[first : last + 1]:
            counts.update(c)
        lang, n = counts.most_common(1)[0] if counts else ("", 0)
        if lang and n >= _LANG_SHARE * sum(counts.values()):
            block.attrs["lang"] = lang


def load_pdf(data: bytes, path: str) -> Document:
    """Parse in the worker process (sandbox.py: time and memory bounded) and build."""
    from klarsyn.document.pdf.sandbox import read_pdf

    return build_document(read_pdf(data, path), path, data)
