"""How often the passage-language check (avsnittsprak) would call Norwegian text English,
and how much English it finds; and how well Bokmål and Nynorsk are told apart per passage.

Norwegian: every paragraph and every sentence of Universal Dependencies Norwegian dev
(Bokmål and Nynorsk) and every paragraph of the sample draft; any "en" is a false
positive. English: the prose paragraphs of klarsyn's own English docs (design notes and
measurements), where an "en" is a hit.

Bokmål against Nynorsk (``passage_standard``): the UD dev paragraphs of each by length,
and running windows of exactly 20, 30 and 50 words cut from those paragraphs (UD has few
short paragraphs; the windows show what a short passage does). Each row is a confusion
matrix row: how many were read as nb, as nn, and left undecided.

    python scripts/eval_passage_language.py [SHARED_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import regex
from klarsyn.text.language import passage_family, passage_standard

ROOT = Path(__file__).resolve().parents[1]
ENGLISH_DOCS = [ROOT / "docs" / "design.md", ROOT / "docs" / "measurements.md", ROOT / "README.md"]


def ud_passages(path: Path) -> list[str]:
    """Each sentence on its own and each paragraph (``# newpar``) as a whole."""
    sentences: list[str] = []
    paragraphs: list[list[str]] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newpar") and paragraphs[-1]:
            paragraphs.append([])
        elif line.startswith("# text = "):
            sentences.append(line[9:].strip())
            paragraphs[-1].append(line[9:].strip())
    return sentences + [" ".join(p) for p in paragraphs if p]


def ud_paragraphs(path: Path) -> list[str]:
    paragraphs: list[list[str]] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newpar") and paragraphs[-1]:
            paragraphs.append([])
        elif line.startswith("# text = "):
            paragraphs[-1].append(line[9:].strip())
    return [" ".join(p) for p in paragraphs if p]


_LETTERS = regex.compile(r"\p{L}+")
LENGTHS = ((8, 19), (20, 29), (30, 49), (50, 99), (100, None))
WINDOWS = (20, 30, 50)
STANDARDS = {"nb": "no_bokmaal-ud-dev.conllu", "nn": "no_nynorsk-ud-dev.conllu"}


def _words(text: str) -> int:
    return sum(1 for _ in _LETTERS.finditer(text))


def windows(paragraph: str, size: int) -> list[str]:
    """Consecutive, non-overlapping stretches of exactly ``size`` words of a paragraph."""
    found = list(_LETTERS.finditer(paragraph))
    return [paragraph[found[i].start() : found[i + size - 1].end()] for i in range(0, len(found) - size + 1, size)]


def standard_matrix(shared: Path) -> dict[tuple[str, str], dict[str | None, int]]:
    """(gold standard, length bucket or window) -> how many passages were read as nb, nn, None."""
    out: dict[tuple[str, str], dict[str | None, int]] = {}
    for gold, name in STANDARDS.items():
        paragraphs = ud_paragraphs(shared / "data" / "ud" / name)
        for low, high in LENGTHS:
            label = f"paragraphs {low}-{high}" if high else f"paragraphs {low}+"
            chosen = [p for p in paragraphs if low <= _words(p) and (high is None or _words(p) <= high)]
            out[(gold, label)] = _count(chosen)
        for size in WINDOWS:
            out[(gold, f"windows of {size}")] = _count([w for p in paragraphs for w in windows(p, size)])
    return out


def _count(passages: list[str]) -> dict[str | None, int]:
    counts: dict[str | None, int] = {"nb": 0, "nn": 0, None: 0}
    for passage in passages:
        counts[passage_standard(passage)] += 1
    return counts


def english_paragraphs() -> list[str]:
    out: list[str] = []
    for path in ENGLISH_DOCS:
        for para in path.read_text(encoding="utf-8").split("\n\n"):
            text = " ".join(para.split())
            if len(text.split()) >= 8 and not text.startswith(("#", "|", "`")):
                out.append(text)
    return out


def evaluate(shared: Path) -> dict[str, tuple[int, int]]:
    """Per set: (passages long enough to judge, passages called English); for the English
    docs also the number called Norwegian, under "english docs called Norwegian"."""
    sets: dict[str, list[str]] = {}
    for path in sorted((shared / "data" / "ud").glob("*-dev.conllu")):
        sets[path.name] = ud_passages(path)
    draft = shared / "corpus" / "lokalvalg-2023-utkast.txt"
    if draft.exists():
        sets["lokalvalg-2023-utkast.txt"] = [" ".join(p.split()) for p in draft.read_text(encoding="utf-8").split("\n\n")]
    sets["english docs"] = english_paragraphs()
    result = {}
    for name, passages in sets.items():
        judged = [p for p in passages if len(p.split()) >= 8]
        result[name] = (len(judged), sum(passage_family(p) == "en" for p in judged))
    judged = [p for p in sets["english docs"] if len(p.split()) >= 8]
    result["english docs called Norwegian"] = (len(judged), sum(passage_family(p) == "no" for p in judged))
    return result


if __name__ == "__main__":
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared"
    for name, (judged, found) in evaluate(shared).items():
        what = "Norwegian" if name.endswith("Norwegian") else "English"
        name = name.removesuffix(" called Norwegian")
        print(f"{name:28} {judged:5} passages of 8+ words, {found:4} called {what} ({found / max(judged, 1):.1%})")
    print()
    print("| UD dev | passages | read as nb | read as nn | undecided | read as the other |")
    print("|---|---:|---:|---:|---:|---:|")
    for (gold, label), counts in standard_matrix(shared).items():
        total = sum(counts.values())
        wrong = counts["nn" if gold == "nb" else "nb"]
        print(f"| {gold} {label} | {total} | {counts['nb']} | {counts['nn']} | {counts[None]} | {wrong / max(total, 1):.1%} |")
