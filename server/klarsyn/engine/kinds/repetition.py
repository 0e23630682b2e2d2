"""``repetition`` rules: the same word twice in a row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import regex

from klarsyn.engine.kinds.base import Rule, RunContext
from klarsyn.findings import Edit, Finding, Fix, FixSafety

_GAP_MARKUP = regex.compile(r"<[^<>]*>|[*_~]")
_WORD = regex.compile(r"(?<![\p{L}\p{N}-])\p{L}[\p{L}\p{M}]*(?:-\p{L}[\p{L}\p{M}]*)*")


def _line_break_pair(source: str, first: tuple[int, int], second: tuple[int, int], gap: str,
                     a: str, b: str) -> str:
    """How two equal words separated by a line break in the file are to be read:
    ``"skip"`` (not a doubled word), or ``"flag"`` (a wrapped line: ``og`` at the end of a
    line, ``og`` again at the start of the next).

    Only one kind of pair across a line break is a doubled word: a single line break
    (no blank line between: a blank line ends a paragraph), the first word with other
    words before it on its line, the second with other words after it on its line, and
    the second in lower case. A word alone on its line is a heading, a list of one word,
    a table cell or a pdftotext fragment (``ti``/``tt`` left over from ligatures in
    konservativt.txt); a capital after a line break starts a heading's paragraph
    («Rasisme\nRasisme innebærer …»), a new sentence or the next table row."""
    if gap.count("\n") + gap.count("\r") - gap.count("\r\n") > 1 or "\f" in gap or "\v" in gap:
        return "skip"
    line_start = max(source.rfind("\n", 0, first[0]), source.rfind("\r", 0, first[0])) + 1
    ends = [i for i in (source.find("\n", second[1]), source.find("\r", second[1])) if i >= 0]
    line_end = min(ends) if ends else len(source)
    before = source[line_start : first[0]]
    after = source[second[1] : line_end]
    if not regex.search(r"\p{L}", before) or not regex.search(r"\p{L}", after):
        return "skip"
    if not b[:1].islower():
        return "skip"
    return "flag"


@dataclass
class RepetitionRule(Rule):
    """``repetition``: the same word twice in a row (``og og``). ``allow`` lists words that
    may be doubled on purpose (``det det``). The fix deletes the second copy; it is safe
    only when nothing but spaces stands between the two on one line. Across a line break
    a pair is flagged only when it reads as one wrapped sentence (see _line_break_pair),
    and its fix is unsafe (it joins two lines). An acronym after the same word in small
    letters («alt for FOR») is not a doubled word."""

    allow: frozenset[str] = frozenset()
    _TITLE: ClassVar[dict[str, str]] = {"nb": "Fjern det doble «{0}»", "nn": "Fjern den doble «{0}»", "en": "Remove the repeated “{0}”"}

    def run(self, ctx: RunContext) -> list[Finding]:
        out = []
        document = ctx.analysis.document
        # Letters lost with the PDF's ligatures leave word tails: «rø er er» is «røtter er».
        broken = any(note.kind == "ligatures" for note in document.notes)
        lexicon: frozenset[str] | None = None
        for ba in self.blocks(ctx.analysis):
            text = ba.block.text
            previous: regex.Match[str] | None = None
            before: regex.Match[str] | None = None  # the word before ``previous``
            for m in _WORD.finditer(text):
                if broken and previous is not None and m.group().lower() == previous.group().lower() and before is not None:
                    if lexicon is None:
                        from klarsyn.text.lexicon import lemmas

                        lexicon = lemmas(document.language or "nb")
                    if len(before.group()) <= 4 and before.group().lower() not in lexicon and before.end() == previous.start() - 1:
                        before, previous = previous, m
                        continue
                if (
                    previous is not None
                    and m.group().lower() == previous.group().lower()
                    and text[previous.end() : m.start()].strip() == ""
                    and m.group().lower() not in self.allow
                    and not _acronym_after_word(previous.group(), m.group())
                ):
                    s, _ = ba.block.source_span(previous.end(), previous.end())
                    _, e = ba.block.source_span(m.start(), m.end())
                    # What stands between the two words in the file, markup included.
                    first = ba.block.source_span(previous.start(), previous.end())
                    second = ba.block.source_span(m.start(), m.end())
                    source = ctx.analysis.document.source
                    gap = source[first[1] : second[0]]
                    fixes = []
                    across_lines = any(c in gap for c in "\n\r\f\v\u2028\u2029\x85")
                    if across_lines and _line_break_pair(source, first, second, gap, previous.group(), m.group()) == "skip":
                        before, previous = previous, m
                        continue
                    if not gap.strip() and m.group().lower() in _TYPO_DOUBLES:
                        pass  # «Vi vi derfor»: the second is most often «vil» mistyped, not a copy
                    elif not gap.strip():
                        title = self._TITLE.get(ctx.lang, self._TITLE["nb"]).format(m.group())
                        # Across a line break deleting the second copy also joins the lines:
                        # never offered as safe.
                        fixes.append(Fix(title, (Edit(s, e, ""),), FixSafety.UNSAFE if across_lines else FixSafety.SAFE))
                    elif _GAP_MARKUP.sub("", gap).strip():
                        # Code or other text stands between the two in the file (the plain
                        # text only has a space for it): not a word written twice.
                        before, previous = previous, m
                        continue
                    # Else only markup (**, a tag) stands between them: flag it, but deleting
                    # across the markup would break it, so no fix.
                    out.append(self.finding(ctx, ba.block, previous.start(), m.end(), fixes, word=m.group()))
                before, previous = previous, m
        return out


# Short words whose doubling is most often a typo for a longer word (vi vi: vi vil; de de:
# de det; so so: so som): the finding stands, but deleting a copy would not mend it.
_TYPO_DOUBLES = frozenset({"vi", "de", "so", "ti", "me", "da", "ve"})


def _acronym_after_word(a: str, b: str) -> bool:
    """«for FOR», «sp SP»: one of the two is an acronym in capitals, the other is not."""
    return (len(a) > 1 and a.isupper()) != (len(b) > 1 and b.isupper())
