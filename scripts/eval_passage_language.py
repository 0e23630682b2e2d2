"""How often the passage-language check (avsnittsprak) would call Norwegian text English,
and how much English it finds.

Norwegian: every paragraph and every sentence of Universal Dependencies Norwegian dev
(Bokmål and Nynorsk) and every paragraph of the sample draft; any "en" is a false
positive. English: the prose paragraphs of klarsyn's own English docs (design notes and
measurements), where an "en" is a hit.

    python scripts/eval_passage_language.py [SHARED_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from klarsyn.text.language import passage_family

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
