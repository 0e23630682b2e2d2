"""Precision and recall of the passive-voice check on Universal Dependencies Norwegian.

Gold: tokens with ``Voice=Pass`` (s-passive) and the heads of ``aux:pass`` relations
(the participle of a bli/verte passive). Each sentence's ``# text`` is checked on its
own; a predicted passive counts as right when it covers a gold token.

    python scripts/eval_passive.py [--errors N] [../shared/data/ud/no_bokmaal-ud-dev.conllu]

Note: the Nynorsk treebank marks no ``Voice=Pass`` on -ast infinitives, so its figures
undercount true s-passives; the Bokmål file is the benchmark.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from klarsyn.checks.passive import find_passives


def sentences(path: Path):  # type: ignore[no-untyped-def]
    """(text, [(start, end, is_gold)]) per sentence."""
    text = ""
    rows: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("# text = "):
            text = line[9:]
        elif line and not line.startswith("#"):
            cols = line.split("\t")
            if cols[0].isdigit():
                rows.append(cols)
        elif not line and rows:
            heads = {int(r[6]) for r in rows if r[7] == "aux:pass"}
            spans = []
            cursor = 0
            for r in rows:
                pos = text.find(r[1], cursor)
                if pos < 0:
                    continue
                cursor = pos + len(r[1])
                spans.append((pos, cursor, "Voice=Pass" in r[5] or int(r[0]) in heads))
            yield text, spans
            rows = []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--errors", type=int, default=0)
    args = parser.parse_args()
    root = Path(__file__).resolve().parents[1]
    files = [Path(f) for f in args.files] or [root / "../shared/data/ud/no_bokmaal-ud-dev.conllu"]
    for path in files:
        lang = "nn" if "nynorsk" in path.name else "nb"
        tp = fp = fn = 0
        ast = 0  # Nynorsk -ast passives the treebank leaves unmarked
        fps: list[str] = []
        fns: list[str] = []
        for text, spans in sentences(path):
            predicted = {(p.start, p.end) for p in find_passives(text, lang)}
            gold = {(s, e) for s, e, g in spans if g}
            tp += len(predicted & gold)
            for s, e in predicted - gold:
                fp += 1
                ast += lang == "nn" and text[s:e].lower().endswith("ast")
                fps.append(f"FP {text[s:e]!r}: {text[max(0, s - 60):s]}[{text[s:e]}]{text[e:e + 40]}")
            for s, e in gold - predicted:
                fn += 1
                fns.append(f"FN {text[s:e]!r}: {text[max(0, s - 60):s]}[{text[s:e]}]{text[e:e + 40]}")
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{path.name}: gold={tp + fn} predicted={tp + fp} P={p:.3f} R={r:.3f} F1={f:.3f}")
        if ast:
            p2 = (tp + ast) / (tp + fp)
            print(f"  of the {fp} false positives, {ast} are -ast s-passives the treebank does not mark; counting them as right: P={p2:.3f}")
        for line in (fps[: args.errors] + fns[: args.errors]):
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
