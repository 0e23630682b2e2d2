"""Sentences, words and readability counts for every block and section of a document.

Counting conventions (docs/readability.md): headings and table cells are not
counted in paragraph, section or document LIX (they are labels, not sentences);
paragraphs, list items and quotes are. A section runs from its heading to the
next heading of the same or a higher level, so a chapter's figures include its
subsections. Text before the first heading forms a section of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from klarsyn.document.model import Block, BlockKind, Document
from klarsyn.metrics.lix import Counts
from klarsyn.text.sentences import Sentence, split_sentences

COUNTED_KINDS = frozenset({BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE})


@dataclass(slots=True)
class BlockAnalysis:
    index: int
    block: Block
    sentences: list[Sentence]
    counts: Counts
    # Derived data that several rules need (word tokens per sentence), computed once.
    scratch: dict[str, object] = field(default_factory=dict)

    @property
    def counted(self) -> bool:
        return self.block.kind in COUNTED_KINDS


@dataclass(slots=True)
class Section:
    heading: BlockAnalysis | None  # None for text before the first heading
    level: int
    first: int  # index of the first block (the heading itself)
    last: int  # index after the last block
    counts: Counts = field(default_factory=Counts)
    path: tuple[str, ...] = ()  # heading texts from the top level down

    @property
    def title(self) -> str:
        return self.heading.block.text.strip() if self.heading else ""


@dataclass(slots=True)
class DocumentAnalysis:
    document: Document
    blocks: list[BlockAnalysis]
    sections: list[Section]
    counts: Counts
    # Per-document scratch space shared by rules (term tokens of each block).
    cache: dict[object, object] = field(default_factory=dict)


def analyze_block(index: int, block: Block, lang: str) -> BlockAnalysis:
    return _block_analysis(index, block, split_sentences(block.text, lang))


def _block_analysis(index: int, block: Block, sentences: list[Sentence]) -> BlockAnalysis:
    counts = Counts()
    for s in sentences:
        counts.words += len(s.words)
        counts.long_words += s.long_words
    counts.sentences = sum(1 for s in sentences if s.words)
    return BlockAnalysis(index, block, sentences, counts)


def analyze(document: Document, sentences: list[list[Sentence]] | None = None) -> DocumentAnalysis:
    """The analysis of ``document``. ``sentences`` (one list per block) are the block
    sentences of an earlier analysis of the same text, from the result cache: splitting is
    the costly part, the figures and sections are rebuilt from them."""
    lang = document.language
    if sentences is None:
        blocks = [analyze_block(i, b, lang) for i, b in enumerate(document.blocks)]
    else:
        if len(sentences) != len(document.blocks):
            raise ValueError("one list of sentences per block is needed")
        blocks = [_block_analysis(i, b, s) for i, (b, s) in enumerate(zip(document.blocks, sentences))]
    total = Counts()
    for ba in blocks:
        if ba.counted:
            total.add(ba.counts)
    return DocumentAnalysis(document, blocks, _sections(blocks), total)


def _sections(blocks: list[BlockAnalysis]) -> list[Section]:
    sections: list[Section] = []
    open_sections: list[Section] = []  # the chain of enclosing sections
    first_heading = next((i for i, b in enumerate(blocks) if b.block.is_heading), len(blocks))
    if first_heading > 0:
        intro = Section(None, 0, 0, first_heading)
        for ba in blocks[:first_heading]:
            if ba.counted:
                intro.counts.add(ba.counts)
        sections.append(intro)
    # A block's counts go to the innermost open section; a section's counts go to its
    # parent when it closes. The sums are those of adding each block to every enclosing
    # section, without a walk up the chain per block (this runs at every keystroke).
    for ba in blocks[first_heading:]:
        if ba.block.is_heading:
            level = ba.block.level
            while open_sections and open_sections[-1].level >= level:
                _close(open_sections).last = ba.index
            path = (*open_sections[-1].path, ba.block.text.strip()) if open_sections else (ba.block.text.strip(),)
            section = Section(ba, level, ba.index, len(blocks), path=path)
            sections.append(section)
            open_sections.append(section)
        elif ba.counted and open_sections:
            open_sections[-1].counts.add(ba.counts)
    while open_sections:
        _close(open_sections)
    return sections


def _close(open_sections: list[Section]) -> Section:
    """Take the innermost open section off the chain; its counts join its parent's."""
    section = open_sections.pop()
    if open_sections:
        open_sections[-1].counts.add(section.counts)
    return section
