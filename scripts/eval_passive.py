"""Precision and recall of the passive-voice check on Universal Dependencies Norwegian.

Gold: tokens with ``Voice=Pass`` (the Bokmål s-passive) and the heads of ``aux:pass``
relations (the participle of a bli/verte passive). Each sentence's ``# text`` is checked
on its own; a predicted passive counts as right when it covers a gold token.

    python scripts/eval_passive.py [--errors N] [../shared/data/ud/no_bokmaal-ud-dev.conllu ...]

The Nynorsk treebank marks no ``Voice=Pass`` at all, so its -ast s-passives («må
gjerast», «skal vurderast») are not gold in the raw figures. The adjusted figures add
them, by this rule, which uses the treebank's own annotation and nothing of klarsyn's:

    an unmarked s-passive is a token with UPOS VERB whose form ends in "-ast" and whose
    UD lemma does not end in "st".

The treebank lemmatises a passive to its active verb (vurderast → vurdere, gjevast →
gje) and a deponent or reciprocal verb to its own -ast form (finnast, lukkast, høyrast,
mislukkast), so the lemma carries the treebank's reading of each token. Adjectives in
-ast (djupast, fast) are ADJ and never count. The adjusted gold is the raw gold plus these
tokens, for recall as well as precision: an -ast passive the check misses counts against
it. The treebank's lemma is not always right (it has «må gjerast», «må det seiast», «skal
leggjast fram» under the -ast lemma, and «det eg synast» under syne); those tokens are
counted as the rule says, not as we read them, and ``--errors`` lists them as ``UDLEMMA``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from klarsyn.checks.passive import find_passives


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    marked: bool  # Voice=Pass or the head of aux:pass
    unmarked_ast: bool  # an -ast passive by the rule above
    ast_lemma: bool  # a VERB in -ast that UD lemmatises as an -ast verb (deponent reading)


def unmarked_ast_passive(form: str, lemma: str, upos: str) -> bool:
    """The rule for an s-passive the Nynorsk treebank leaves unmarked (module docstring)."""
    return upos == "VERB" and form.lower().endswith("ast") and not lemma.lower().endswith("st")


def sentences(path: Path):  # type: ignore[no-untyped-def]
    """(text, [Span]) per sentence."""
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
                marked = "Voice=Pass" in r[5] or int(r[0]) in heads
                ast = unmarked_ast_passive(r[1], r[2], r[3])
                ast_lemma = r[3] == "VERB" and r[1].lower().endswith("ast") and r[2].lower().endswith("st")
                spans.append(Span(pos, cursor, marked, ast, ast_lemma))
            yield text, spans
            rows = []


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    def line(self) -> str:
        f = 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0
        return f"gold={self.tp + self.fn} predicted={self.tp + self.fp} P={self.p:.3f} R={self.r:.3f} F1={f:.3f}"


def evaluate(path: Path, lang: str, errors: list[str] | None = None) -> tuple[Score, Score]:
    """The raw and the adjusted score of one treebank file; errors (adjusted) appended."""
    raw, adjusted = Score(), Score()
    for text, spans in sentences(path):
        predicted = {(p.start, p.end) for p in find_passives(text, lang)}
        gold_raw = {(s.start, s.end) for s in spans if s.marked}
        gold_adj = gold_raw | {(s.start, s.end) for s in spans if s.unmarked_ast}
        ud_lemma = {(s.start, s.end) for s in spans if s.ast_lemma}
        for score, gold in ((raw, gold_raw), (adjusted, gold_adj)):
            score.tp += len(predicted & gold)
            score.fp += len(predicted - gold)
            score.fn += len(gold - predicted)
        if errors is None:
            continue
        for kind, found in (("FP", predicted - gold_adj), ("FN", gold_adj - predicted)):
            for s, e in sorted(found):
                tag = "UDLEMMA " if (s, e) in ud_lemma else ""
                errors.append(f"{tag}{kind} {text[s:e]!r}: {text[max(0, s - 60):s]}[{text[s:e]}]{text[e:e + 40]}")
    return raw, adjusted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--errors", type=int, default=0)
    args = parser.parse_args()
    root = Path(__file__).resolve().parents[1]
    files = [Path(f) for f in args.files] or [root / "../shared/data/ud/no_bokmaal-ud-dev.conllu"]
    for path in files:
        lang = "nn" if "nynorsk" in path.name else "nb"
        errors: list[str] = []
        raw, adjusted = evaluate(path, lang, errors)
        print(f"{path.name}: raw      {raw.line()}")
        if (adjusted.tp, adjusted.fp, adjusted.fn) != (raw.tp, raw.fp, raw.fn):
            print(f"{path.name}: adjusted {adjusted.line()}  (unmarked -ast passives counted, see --help)")
        fps = [e for e in errors if " FP " in f" {e}"]
        fns = [e for e in errors if " FN " in f" {e}"]
        for line in fps[: args.errors] + fns[: args.errors]:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
