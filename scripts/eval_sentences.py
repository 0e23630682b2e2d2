"""Sentence-boundary precision, recall and F1 on Universal Dependencies Norwegian.

Gold sentences come from the ``# text =`` lines. Sentences of one paragraph
(``# newpar`` / ``# newdoc``) are joined with a space into one block, the block is
split by klarsyn, and the boundaries inside each block are compared. A boundary is
the offset where one sentence ends and the next begins; block ends are not counted
because they are given.

A plain regex splitter (a period, ``!`` or ``?``, space, capital letter) is
measured the same way as a baseline. Two figures per file and splitter:
- ``run-in``: every paragraph is one block, headlines and bylines included. A
  headline without final punctuation then runs into the next sentence, which no
  splitter can see; this is the lower bound.
- ``laid-out``: a gold sentence without final punctuation (a headline, a byline,
  an ingredient line) ends its block, as it would on a line of its own in a
  draft, where the Markdown and text front ends make it a separate block.

    python scripts/eval_sentences.py [../shared/data/ud/*-dev.conllu]
"""

from __future__ import annotations

import argparse
import glob
import sys
from pathlib import Path

import regex

from klarsyn.text.sentences import split_sentences

# The plain splitter the task compares against: a period, ! or ? followed by space
# and a capital letter.
_BASELINE = regex.compile(r"(?<=[.!?])\s+(?=[\p{Lu}])")


def baseline_ends(text: str) -> set[int]:
    return {m.start() for m in _BASELINE.finditer(text)}


def read_paragraphs(path: Path) -> list[list[str]]:
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newpar") or line.startswith("# newdoc"):
            if current:
                paragraphs.append(current)
            current = []
        elif line.startswith("# text = "):
            current.append(line[len("# text = ") :].strip())
    if current:
        paragraphs.append(current)
    return paragraphs


_FINAL_PUNCT = tuple(".!?:…»\"”’)")


def laid_out(paragraphs: list[list[str]]) -> list[list[str]]:
    blocks: list[list[str]] = []
    for sentences in paragraphs:
        current: list[str] = []
        for s in sentences:
            current.append(s)
            if not s.endswith(_FINAL_PUNCT):
                blocks.append(current)
                current = []
        if current:
            blocks.append(current)
    return blocks


def evaluate(
    path: Path, lang: str, layout: bool, show_errors: int = 0, baseline: bool = False
) -> tuple[int, int, int]:
    tp = fp = fn = 0
    shown = 0
    paragraphs = read_paragraphs(path)
    for sentences in laid_out(paragraphs) if layout else paragraphs:
        text = " ".join(sentences)
        gold: set[int] = set()
        pos = 0
        for s in sentences[:-1]:
            pos += len(s)
            gold.add(pos)
            pos += 1
        if baseline:
            predicted = baseline_ends(text)
        else:
            predicted = {s.end for s in split_sentences(text, lang)[:-1]}
        tp += len(gold & predicted)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
        if show_errors and shown < show_errors:
            for off in sorted(predicted ^ gold):
                kind = "FP" if off in predicted else "FN"
                print(f"  {kind}: …{text[max(0, off - 50):off]}|{text[off:off + 30]}…")
                shown += 1
    return tp, fp, fn


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--errors", type=int, default=0, help="print this many errors per file")
    args = parser.parse_args()
    files = args.files or sorted(glob.glob(str(Path(__file__).resolve().parents[1] / "../shared/data/ud/*-dev.conllu")))
    if not files:
        print("no .conllu files found; pass them as arguments", file=sys.stderr)
        return 2
    for splitter in ("baseline", "klarsyn"):
        for layout in (False, True):
            mode = f"{splitter} {'laid-out' if layout else 'run-in'}"
            total = [0, 0, 0]
            for name in files:
                path = Path(name)
                lang = "nn" if "nynorsk" in path.name else "nb"
                tp, fp, fn = evaluate(path, lang, layout, args.errors, baseline=splitter == "baseline")
                print(f"{mode:17} {path.name}: {_scores(tp, fp, fn)}")
                total = [total[0] + tp, total[1] + fp, total[2] + fn]
            print(f"{mode:17} all: {_scores(*total)}")
    return 0


def _scores(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"boundaries={tp + fn} P={p:.4f} R={r:.4f} F1={f:.4f}"


if __name__ == "__main__":
    sys.exit(main())
