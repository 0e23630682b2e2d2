"""bench/bench_realtime.py's text handling on a small text: the Markdown variant, the edit
sites and the edits' LSP positions. No server, no timing."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import bench_realtime as bench  # noqa: E402

PROGRAMME = """\
VÅRT PROGRAM 2025

1.4 Skole for alle
Partiet vil at alle barn skal få gå på en god skole nær der de bor, og at lærerne
får tid til hver elev. Skolen skal være gratis for alle.

•

Flere lærere i hver klasse

•

Gratis skolemat for alle elever

Trygg skolevei
Kommunen skal sørge for at alle barn har en trygg vei til skolen, med fortau,
lys og gangfelt der det trengs.

- Lavere fart nær skolene
1) Flere gangfelt
"""


def test_markdown_variant_has_headings_and_lists() -> None:
    md = bench.to_markdown(PROGRAMME).split("\n")
    assert "## 1.4 Skole for alle" in md
    assert "### Trygg skolevei" in md
    assert "- Flere lærere i hver klasse" in md
    assert "- Gratis skolemat for alle elever" in md
    assert "•" not in md  # the lone bullets and their blank lines are gone
    assert "- Lavere fart nær skolene" in md
    assert "1. Flere gangfelt" in md
    assert "VÅRT PROGRAM 2025" in md  # followed by a blank line: no heading
    # the prose is left as it is
    assert "får tid til hver elev. Skolen skal være gratis for alle." in md


def test_heading_needs_a_paragraph_after_it_and_no_final_punctuation() -> None:
    lines = ["", "Kort linje.", "Dette er en lang linje med mange ord etter den korte linjen", "",
             "Overskrift her", "Dette er en lang linje med mange ord etter den korte linjen", "",
             "Slutter med og", "Dette er en lang linje med mange ord etter den korte linjen"]
    assert not bench.is_heading(lines, 1)
    assert bench.is_heading(lines, 4)
    assert not bench.is_heading(lines, 7)  # a wrapped line, not a heading


@pytest.mark.parametrize("markdown", [False, True])
def test_sites_of_every_kind(markdown: bool) -> None:
    text = bench.to_markdown(PROGRAMME) if markdown else PROGRAMME
    lines = text.split("\n")
    sites = bench.site_lines(lines, markdown)
    headings = {lines[n].lstrip("# ") for n, _ in sites["heading"]}
    assert headings == {"1.4 Skole for alle", "Trygg skolevei"}
    items = {lines[n][c:] for n, c in sites["list"]}
    assert {"Flere lærere i hver klasse", "Gratis skolemat for alle elever", "Lavere fart nær skolene", "Flere gangfelt"} <= items
    assert not any(lines[n].strip() in ("•", "") for n, _ in sites["list"])
    # the paragraph under "1.4" has fewer than 80 words: no long-paragraph site here
    assert sites["paragraph"] == []
    long_text = text + "\n" + " ".join(["ord"] * 90) + "\n"
    long_lines = long_text.split("\n")
    assert [n for n, _ in bench.site_lines(long_lines, markdown)["paragraph"]] == [len(long_lines) - 2]


def test_edits_keep_the_mirror_and_give_utf16_positions() -> None:
    lines = ["a😀b", "second line"]
    change = bench.apply(lines, bench.Edit("random", 0, 2, "insert", "x"))
    assert lines[0] == "a😀xb"
    assert change["range"]["start"] == {"line": 0, "character": 3}  # the emoji is two UTF-16 units
    change = bench.apply(lines, bench.Edit("random", 1, 6, "newline", "\n"))
    assert lines == ["a😀xb", "second", " line"]
    change = bench.apply(lines, bench.Edit("random", 2, 0, "delete"))
    assert lines[2] == "line" and change["text"] == "" and change["range"]["end"]["character"] == 1


def test_picked_sites_are_of_the_asked_kind_and_after_the_marker() -> None:
    for markdown in (False, True):
        lines = (bench.to_markdown(PROGRAMME) if markdown else PROGRAMME).split("\n")
        rng = random.Random(1)
        for _ in range(20):
            edit = bench.pick_site(lines, markdown, "list", rng)
            first = dict(bench.site_lines(lines, markdown)["list"])[edit.line]
            assert first <= edit.column <= len(lines[edit.line])
            edit = bench.pick_site(lines, markdown, "heading", rng, op="delete")
            assert edit.op == "delete" and edit.column < len(lines[edit.line])
            if markdown:
                assert edit.column >= lines[edit.line].index(" ") + 1  # never the "#"


def test_memory_drafts_differ() -> None:
    texts = ["\n\n".join(f"Avsnitt {t}-{i} " + "ord " * 60 for i in range(200)) for t in range(3)]
    drafts = bench.memory_drafts(texts, 4, words=6000)
    assert len(set(drafts)) == 4
    assert all(len(d.split()) >= 6000 for d in drafts)
    assert max(bench.paragraph_share(a, b) for i, a in enumerate(drafts) for b in drafts[i + 1:]) < 0.9


def test_report_renders_the_table() -> None:
    runs = [bench.Run("partiet_sentrum", fmt, mode, 53_129, open_s=2.5, diagnostics=1500,
                      edits=[(kind, 0.1 + i / 100) for i, kind in enumerate(bench.KINDS * 2)],
                      bursts=[("list", 0.2)], memory_mb=150)
            for fmt in ("txt", "md") for mode in ("push", "pull")]
    memory = {"programmes": 6, "drafts": 20, "words": [50_000, 50_400], "share": 0.3, "open_s": 60, "settled_s": 80,
              "memory_mb": 900, "cpu": 0.3, "elapsed": 30, "pulls": 15, "kinds": {"unchanged": 300}}
    args = bench.argparse.Namespace(pause=0.4, burst=10, burst_gap=0.03)
    text = bench.report(runs, memory, args, "python bench/bench_realtime.py")
    assert "| edit → diagnostics, median, with 0.4 s pauses between edits | 135 ms (push 135 ms, pull 135 ms, txt 135 ms, md 135 ms); 32 edits |" in text
    assert "| 20 programmes of ~50,000 words open, server peak memory | 900 MB" in text
    assert "open a 53,129-word programme (partiet_sentrum) → first diagnostics | txt push 2.50 s" in text
    assert "| heading | 8 |" in text and "| paragraph | 8 |" in text
    assert "nan" not in text
