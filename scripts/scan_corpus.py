"""Run the word-list rules over real text and print every hit, for judging precision.

Universal Dependencies Norwegian (dev) is newspaper, blog and government text that
nobody wrote for klarsyn: every hit here is a finding an author would see. Read the
hits, count the wrong ones, and report precision per rule.

    python scripts/scan_corpus.py [--rules 'inkludering-*,kanselli'] [FILE.conllu ...]
"""

from __future__ import annotations

import argparse
import glob
import sys
from collections import Counter
from pathlib import Path

from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.engine.runner import check_document


def sentences(path: Path) -> list[str]:
    return [line[9:].strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# text = ")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--rules", default="kanselli,forkortelser,inkludering-*,akronymer,dobbelt-ord,versaler")
    parser.add_argument("--lang", default="nb")
    args = parser.parse_args()
    files = args.files or sorted(glob.glob(str(Path(__file__).resolve().parents[1] / "../shared/data/ud/no_bokmaal-ud-dev.conllu")))
    config = Config(select=tuple(args.rules.split(",")))
    counts: Counter[str] = Counter()
    words = 0
    for name in files:
        text = "\n\n".join(sentences(Path(name)))
        doc = parse(text, name, "text", args.lang)
        result = check_document(doc, config)
        words += result.analysis.counts.words
        for f in result.findings:
            counts[f.rule] += 1
            line = doc.source.rfind("\n", 0, f.start) + 1
            end = doc.source.find("\n", f.end)
            context = doc.source[line : end if end >= 0 else None]
            print(f"{f.rule}\t{doc.source[f.start:f.end]}\t{context[:160]}")
    print(f"\n{words} words; hits per rule: " + ", ".join(f"{r}={n}" for r, n in sorted(counts.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
