"""``capitalization`` rules: text in capitals."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

import regex

from klarsyn.document.model import Block, Document
from klarsyn.engine.kinds.base import Rule, RunContext
from klarsyn.findings import Finding

# Words in capitals with up to three characters between them; a sentence end, colon,
# slash or bracket ends the run («MOMS/MVA: INP», «BARNS BESTE. INP» are not one text).
_CAPS_RUN = regex.compile(r"(?<![\p{L}\p{N}])\p{Lu}[\p{Lu}\p{M}-]*(?:[^\p{L}\n.:;!?/()\[\]]{1,3}\p{Lu}[\p{Lu}\p{M}-]*)*(?![\p{L}])")
# One-letter words that exist: «I» (i), «Å» (å), «Ø» (øy). Any other letter alone inside a
# run is letter-spaced text, a logo or a pdftotext split («S T OR T I N GS P R OGR A M»).
_ONE_LETTER_WORDS = frozenset("IÅØ")
FURNITURE_REPEATS = 3  # a line in capitals alone on its line this often: page furniture


_WORD = regex.compile(r"\p{L}+")
_LETTER = regex.compile(r"\p{L}")


def _letter_spaced(run: str) -> bool:
    tokens = _WORD.findall(run)
    return any(len(t) == 1 and t not in _ONE_LETTER_WORDS for t in tokens[1:])


def _acronym_list(run: str) -> bool:
    """«EU, FN, WEF, WHO, USA»: short acronyms separated by commas, not text in capitals."""
    words = _WORD.findall(run)
    gaps = _WORD.split(run)[1:-1]
    return bool(gaps) and all(len(w) <= 4 for w in words) and all("," in g for g in gaps)


def _alone_on_line(source: str, start: int, end: int) -> bool:
    line_start = max(source.rfind("\n", 0, start), source.rfind("\r", 0, start)) + 1
    ends = [i for i in (source.find("\n", end), source.find("\r", end)) if i >= 0]
    line_end = min(ends) if ends else len(source)
    rest = source[line_start:start] + source[end:line_end]
    return not _LETTER.search(rest)


def typeset_line(document: Document, block: Block, whole: bool, words: int) -> bool:
    """In text extracted from a PDF, a short title wholly in capitals (the cover's
    «VÅRT PROGRAM», a part title «D SIVILT SAMFUNN») was set so by the designer; the author
    writing the .txt cannot change it. Runs of capitals inside prose are still flagged."""
    return document.format == "text" and whole and words <= _TYPESET_WORDS and not block.text.rstrip().endswith(":")


_TYPESET_WORDS = 5  # «C 💉 VELFERD, HELSE OG OMSORG»; a lead-in in capitals ending in «:» is prose


@lru_cache(maxsize=16384)
def _block_runs(text: str) -> tuple[bool, tuple[tuple[int, int, str, tuple[str, ...]], ...]]:
    """What the rule needs from one block's text alone: whether the whole block is in
    capitals, and each run of capitals (start, end, text, its words of two letters or more)
    that is neither letter-spaced nor a list of acronyms. The rule is not local, so it runs
    over every block at each edit; most blocks' texts are unchanged, and this keeps the
    per-block scanning to a cache lookup (about a third of an edit's time before)."""
    letters = _WORD.findall(text)
    whole = len(letters) >= 2 and all(w.isupper() for w in letters) and any(len(w) >= 4 for w in letters)
    runs = []
    for m in _CAPS_RUN.finditer(text):
        run = m.group()
        if _letter_spaced(run) or _acronym_list(run):
            continue
        runs.append((m.start(), m.end(), run, tuple(w for w in _WORD.findall(run) if len(w) >= 2)))
    return whole, tuple(runs)


@dataclass
class CapitalizationRule(Rule):
    """``capitalization``: text in capitals. Flags a run of at least ``min_words`` words
    written in capitals (each of at least two letters), and a whole heading or paragraph in
    capitals from two words; acronyms stand alone and are not runs. No fix is offered.

    Page furniture is not flagged: letter-spaced text or a logo split by pdftotext («PARTI
    ET SENTRU M»), and a line in capitals that stands alone on its line FURNITURE_REPEATS
    times or more in the document (a running header); nor a list of acronyms («EU, FN,
    WHO»). Repetition is counted over the document, so the rule is not local."""

    OPTIONS: ClassVar[tuple[str, ...]] = ("min_words",)

    @property
    def local(self) -> bool:
        return False  # a running header is known by its repeats on other pages

    def run(self, ctx: RunContext) -> list[Finding]:
        min_words = ctx.options.get("min_words", 3)
        source = ctx.analysis.document.source
        candidates = []
        lines: dict[str, int] = {}
        for ba in self.blocks(ctx.analysis):
            # A whole heading or line in capitals counts from two words ("VÅR POLITIKK").
            whole, runs = _block_runs(ba.block.text)
            for start, end, run, words in runs:
                if len(words) < min_words and not (whole and len(words) >= 2):
                    continue
                if typeset_line(ctx.analysis.document, ba.block, whole, len(words)):
                    continue
                s, e = ba.block.source_span(start, end)
                key = " ".join(run.split())
                if _alone_on_line(source, s, e):
                    lines[key] = lines.get(key, 0) + 1
                candidates.append((ba, start, end, s, e, words, key))
        out = []
        for ba, start, end, s, e, words, key in candidates:
            if lines.get(key, 0) >= FURNITURE_REPEATS:
                continue
            # No fix: which words keep their capitals (names, abbreviations: «GPs program»,
            # «Industri og næring» after a part letter) is beyond a rule; five of six such
            # fixes judged on the programmes were wrong.
            out.append(self.finding(ctx, ba.block, start, end, [], words=len(words)))
        return out
