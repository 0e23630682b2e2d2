"""Seeded random Markdown drafts: every finding and every fix edit stays inside the file,
and a finding covers exactly the words its message quotes.

The drafts mix what makes markdown-it's text differ from the source (entities, escapes,
NUL, ``\\|`` in tables, tabs, CR/LF/CRLF, emphasis, links, code, HTML, front matter) with
phrases the default packs flag, so the findings land right next to the tricky markup.
"""

from __future__ import annotations

import html
import random
import re

import pytest

from klarsyn.config import Config
from klarsyn.document import markdown
from klarsyn.document.loader import parse
from klarsyn.engine.runner import check_document

SEED = 20231
DOCUMENTS = 300

# Phrases the default packs flag (kanselli, forkortelser, dobbelt-ord, substantivsyke,
# akronymer, passiv …) and plain words around them.
PHRASES = [
    "har mulighet til å", "herunder", "gjelder gjelder", "f.eks.", "pst.", "ikke ikke",
    "gjennomføre en vurdering av", "SFO", "NAV", "skal økes", "foreta en gjennomgang",
    "i forbindelse med", "vedrørende", "og og",
]
WORDS = ["Vi", "vil", "bygge", "skoler", "for", "alle", "barn", "i", "kommunen", "og", "det",
         "skal", "være", "trygt", "å", "bo", "her", "Æ", "øy", "så", "dette", "gjelder"]
ENTITIES = ["&aring;", "&oslash;", "&AElig;", "&gt;", "&lt;", "&amp;", "&mdash;", "&#229;",
            "&#xE5;", "&nbsp;", "&NotEqualTilde;", "&quot;", "&ouml;", "&#0;", "&bogus;"]
ESCAPES = ["\\*", "\\_", "\\|", "\\\\", "\\[", "\\]", "\\#", "\\.", "\\a", "\\&", "\\`"]
ODD = ["\x00", "\ufffd", "\t", "🙂", "👩‍👧", "\u00a0", "\ud83d"]
BREAKS = ["\n", "\r\n", "\r"]


def _inline(rng: random.Random, depth: int = 0) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(3, 12)):
        r = rng.random()
        if r < 0.25:
            parts.append(rng.choice(PHRASES))
        elif r < 0.45:
            parts.append(rng.choice(WORDS))
        elif r < 0.55:
            parts.append(rng.choice(ENTITIES) + rng.choice(["", " ", rng.choice(PHRASES)]))
        elif r < 0.63:
            parts.append(rng.choice(ESCAPES) + rng.choice(["", rng.choice(WORDS)]))
        elif r < 0.68:
            parts.append(rng.choice(ODD) + rng.choice(["", rng.choice(PHRASES)]))
        elif r < 0.76 and depth < 2:
            mark = rng.choice(["*", "**", "_", "***", "__"])
            parts.append(f"{mark}{_inline(rng, depth + 1)}{mark}")
        elif r < 0.80:
            parts.append(rng.choice(["*", "_", "**", "[", "]", "`", "<", "!"]))  # unmatched markup
        elif r < 0.85 and depth < 2:
            text = _inline(rng, depth + 1)
            parts.append(rng.choice([f"[{text}](https://x.no/{rng.choice(WORDS)} \"t)\")", f"[{text}][ref]",
                                     f"[{text}]", f"![{text}](bilde.png)", f"[{text}](<a b>)"]))
        elif r < 0.88:
            parts.append(rng.choice(["<https://x.no/%C3%A6?a=1>", "<post@x.no>", "<span>herunder</span>",
                                     "<!-- herunder -->", "<br>"]))
        elif r < 0.92:
            parts.append(rng.choice(["`kode`", "``a ` herunder``", "`` ` ``", "`ikke ikke`"]))
        elif r < 0.96:
            parts.append(rng.choice(["  ", "\\"]) + rng.choice(BREAKS))  # hard breaks
        else:
            parts.append(rng.choice(BREAKS))  # soft break
    return " ".join(parts)


def _one_line(rng: random.Random) -> str:
    return re.sub(r"[\r\n]+", " ", _inline(rng))


def _table(rng: random.Random, brk: str) -> str:
    cols = rng.randint(1, 3)
    cell = lambda: _one_line(rng).replace("|", "\\|") if rng.random() < 0.7 else _one_line(rng)  # noqa: E731
    rows = ["| " + " | ".join(cell() for _ in range(cols)) + " |", "|" + "---|" * cols]
    for _ in range(rng.randint(1, 3)):
        rows.append(rng.choice(["| ", ""]) + " | ".join(cell() for _ in range(rng.randint(1, cols + 1))) + rng.choice([" |", ""]))
    return brk.join(rows)


def _block(rng: random.Random, brk: str) -> str:
    r = rng.random()
    if r < 0.35:
        return _inline(rng)
    if r < 0.45:
        return "#" * rng.randint(1, 3) + " " + _one_line(rng) + rng.choice(["", " ##", " #"])
    if r < 0.5:
        return _one_line(rng) + brk + rng.choice(["===", "---"])
    if r < 0.62:
        marker = rng.choice(["- ", "* ", "1. ", "2) "])
        return brk.join(marker + _one_line(rng) + rng.choice(["", brk + "  " + _one_line(rng)]) for _ in range(rng.randint(1, 3)))
    if r < 0.72:
        prefix = rng.choice(["> ", ">", "> > ", ">\t"])
        return brk.join(prefix + _one_line(rng) for _ in range(rng.randint(1, 3)))
    if r < 0.84:
        table = _table(rng, brk)
        return table if rng.random() < 0.8 else brk.join("> " + line for line in table.split(brk))
    if r < 0.9:
        return "```" + brk + _one_line(rng) + brk + "```"
    if r < 0.95:
        return "    " + _one_line(rng)  # indented code
    return "\t" + _inline(rng)


def _front_matter(rng: random.Random) -> str:
    b = lambda: rng.choice(BREAKS)  # noqa: E731 - mixed line breaks inside the front matter (D3)
    return rng.choice([
        f"---{b()}lang: nb{b()}tittel: Program{b()}---{b()}",
        f"---{b()}lang: [nb{b()}---{b()}",
        f"---{b()}" + "[" * 600 + f"{b()}---{b()}",
        f"---{b()}herunder{b()}...{b()}",
        f"---{b()}a: &x 1{b()}b: *x{b()}---{b()}",
    ])


def document(rng: random.Random) -> str:
    brk = rng.choice(BREAKS)
    blocks = [_block(rng, brk) for _ in range(rng.randint(1, 7))]
    text = (brk * rng.randint(1, 2)).join(blocks)
    if rng.random() < 0.3:
        text = _front_matter(rng) + text
    if rng.random() < 0.3:
        text += brk + brk + "[ref]: https://x.no/ref"
    return text + rng.choice(["", brk])


# --- what "covers exactly the quoted words" means ----------------------------------------

# Rules whose message quotes what they flag («...»): the flagged source, with its markup
# taken out, must be one of the quoted texts.
QUOTE_IS_MATCH = {"kanselli", "forkortelser", "akronymer", "passiv", "substantivsyke", "langt-ord",
                  "skrivefeil", "saerskriving", "bindebokstav", "termer", "gjentatt-preposisjon"}
_CODE = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", re.S)
_LINK_TAIL = re.compile(r"\]\((?:<[^>]*>|[^)\s]*)(?:\s+\"[^\"]*\")?\)|\]\[[^\]]*\]")
_TAG = re.compile(r"<[^<>]*>")


def rendered(source: str) -> str:
    """Source text as a reader sees it: markup, link targets and tags out, entities and
    escapes decoded, NUL as U+FFFD, runs of space as one."""
    text = _CODE.sub(" ", source)
    text = _LINK_TAIL.sub("", text)
    text = _TAG.sub("", text)
    text = re.sub(r"\\(.)", r"\1", text, flags=re.S)
    text = html.unescape(text).replace("\x00", "\ufffd")
    text = re.sub(r"[*_\[\]!`\\]", "", text)
    return " ".join(text.split())


def plain(quoted: str) -> str:
    return " ".join(re.sub(r"[*_\[\]!`\\]", "", quoted).split())


def _assert_offsets(source: str, doc, findings) -> None:  # noqa: ANN001
    n = len(source)
    for block in doc.blocks:
        for i in range(len(block.text)):
            s, e = block.source_span(i, i + 1)
            assert 0 <= s <= e <= n, (block.text, i, s, e)
    for f in findings:
        where = (f.rule, f.start, f.end, source[f.start : f.end], f.message)
        assert 0 <= f.start <= f.end <= n, where
        for fix in f.fixes:
            for edit in fix.edits:
                assert 0 <= edit.start <= edit.end <= n, (where, edit)
        quotes = re.findall(r"«([^»]*)»", f.message)
        flagged = rendered(source[f.start : f.end])
        if f.rule in QUOTE_IS_MATCH and quotes:
            assert flagged.lower() in {plain(q).lower() for q in quotes}, where
        if f.rule == "dobbelt-ord" and quotes:
            # «gjelder» står to ganger: the range covers both, the safe fix drops the second.
            word = plain(quotes[0]).lower()
            assert flagged.lower().split() == [word, word], where
            for fix in f.fixes:
                [edit] = fix.edits
                assert rendered(source[edit.start : edit.end]).lower() == word, (where, edit)
                after = source[: edit.start] + edit.new_text + source[edit.end :]
                assert rendered(after[f.start : f.end - (edit.end - edit.start)]).lower() == word, (where, after)


@pytest.fixture
def strict(monkeypatch):  # noqa: ANN201
    """Any place where the parser's output did not fit the position model is an error here."""

    def fail(what: str) -> None:
        raise AssertionError(f"misaligned: {what}")

    monkeypatch.setattr(markdown, "_misaligned", fail, raising=False)


def test_random_drafts_keep_every_offset_exact(strict) -> None:  # noqa: ANN001
    rng = random.Random(SEED)
    config = Config()
    flagged = 0
    for _ in range(DOCUMENTS):
        source = document(rng)
        doc = parse(source, "utkast.md", "markdown", "nb")
        findings = check_document(doc, config).findings
        _assert_offsets(source, doc, findings)
        flagged += len(findings)
    assert flagged > DOCUMENTS  # the drafts do trigger the rules next to the markup
