"""Precision of klarsyn's findings on real programmes, judged one by one.

The dev corpus is the six real 2025 programmes in ``../shared/corpus/programmes/`` (the
``pdftotext`` output, Bokmål) and, for Nynorsk, the running text of the UD Norwegian
Nynorsk dev set (real Nynorsk prose; no Nynorsk programme is in the corpus). Judgements
live in ``eval/judged/*.tsv``: one finding a row, with its file, source offsets, rule,
the flagged text, the verdict (right / wrong / debatable), whether the first fix is right
(right / wrong / none) and the judge's reason.

    python scripts/eval_precision.py score            # precision, fixes, density
    python scripts/eval_precision.py score --lang nn  # the Nynorsk findings alone
    python scripts/eval_precision.py sample --n 400 --seed 7 --out eval/judged/new.tsv
    python scripts/eval_precision.py sample --lang nn --rules kanselli-nn,akronymer-nn --per-rule 1000 --out eval/judged/nn.tsv

``score`` re-runs klarsyn and matches every judged row with today's findings (same file,
same rule, overlapping range; over 60 characters, 80 % of the judged range in today's). Precision per rule counts the judged findings that still
come back: right = 1, debatable = ½, wrong = 0. Density is findings per 1,000 words with
the default rule set, hints not counted. ``sample`` draws a stratified sample of today's
findings (every rule at least 10, or all it has; the rest in proportion to the findings
that are not hints), leaving out rows already judged, for a person to judge.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
JUDGED = ROOT / "eval" / "judged"
COLUMNS = ["file", "start", "end", "rule", "severity", "flagged", "context", "message", "fix", "verdict", "fix_verdict", "reason"]
UD_NYNORSK = "ud/no_nynorsk-ud-dev.txt"


@dataclass
class Found:
    file: str
    rule: str
    severity: str
    start: int
    end: int
    message: str
    fix: str


def corpus(shared: Path = SHARED) -> dict[str, tuple[str, str]]:
    """Corpus name -> (language, text). The names are what the TSV files say."""
    out: dict[str, tuple[str, str]] = {}
    for path in sorted((shared / "corpus" / "programmes").glob("*.txt")):
        with path.open(encoding="utf-8", newline="") as handle:  # offsets count every character, \r too
            out[f"programmes/{path.name}"] = ("nb", handle.read())
    conllu = shared / "data" / "ud" / "no_nynorsk-ud-dev.conllu"
    if conllu.exists():
        out[UD_NYNORSK] = ("nn", ud_running_text(conllu))
    return out


def ud_running_text(conllu: Path) -> str:
    """The sentences of a CoNLL-U file as paragraphs (``# newpar`` starts one). A sentence
    without final punctuation (a heading, a caption) is a line of its own: it stood alone in
    the source. The breaks replace spaces, so offsets are the same either way."""
    paragraphs: list[list[str]] = []
    for line in conllu.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newpar") or line.startswith("# newdoc") or not paragraphs:
            if not paragraphs or paragraphs[-1]:
                paragraphs.append([])
        if line.startswith("# text = "):
            paragraphs[-1].append(line[len("# text = ") :])
    def bare(sentence: str) -> bool:
        return sentence.rstrip()[-1:] not in ".!?…:;»\"')"

    def joined(sentences: list[str]) -> str:
        out = sentences[0]
        for before, sentence in zip(sentences, sentences[1:]):
            out += ("\n" if bare(before) or bare(sentence) else " ") + sentence
        return out

    return "\n\n".join(joined(p) for p in paragraphs if p) + "\n"


def run_klarsyn(texts: dict[str, tuple[str, str]], all_rules: bool) -> tuple[dict[str, list[Found]], dict[str, int]]:
    """Findings and word counts per corpus file; each file is checked on its own (they are
    different parties' programmes, so cross-file consistency must not mix them)."""
    found: dict[str, list[Found]] = {}
    words: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (lang, text) in texts.items():
            path = Path(tmp) / name.replace("/", "__")
            with path.open("w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            command = [sys.executable, "-m", "klarsyn", "check", str(path), "--format", "json", "--no-cache", "--fail-on", "never", "--lang", lang]
            if all_rules:
                command += ["--select", "*"]
            done = subprocess.run(command, capture_output=True, text=True, cwd=tmp, check=False)
            if done.returncode != 0:
                raise SystemExit(f"klarsyn failed on {name}: {done.stderr.strip()}")
            report = json.loads(done.stdout)["files"][0]
            words[name] = report["stats"]["words"]
            found[name] = [
                Found(name, d["rule"], d["severity"], d["offset"][0], d["offset"][1], d["message"], _first_fix(d, text))
                for d in report["diagnostics"]
            ]
    return found, words


def _first_fix(diagnostic: dict, text: str) -> str:
    fixes = diagnostic.get("fixes") or []
    if not fixes:
        return ""
    edits = fixes[0]["edits"]
    parts = [f"{text[e['offset'][0]:e['offset'][1]]!s}→{e['new_text']}" for e in edits]
    return f"[{fixes[0].get('safety', '')}] " + " | ".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def context_of(text: str, start: int, end: int, width: int = 110) -> str:
    flagged = text[start:end]
    if len(flagged) > 240:
        flagged = flagged[:120] + " … " + flagged[-100:]
    return _one_line(text[max(0, start - width) : start]) + " ⟦" + _one_line(flagged) + "⟧ " + _one_line(text[end : end + width])


@dataclass
class Judged:
    file: str
    start: int
    end: int
    rule: str
    verdict: str
    fix_verdict: str
    source: str  # the TSV it came from
    fix: str = ""  # the first fix as judged ("[safety] old→new")


def tsv_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a judged TSV file, by column name."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


def load_judged(paths: list[Path]) -> list[Judged]:
    rows = []
    for path in paths:
        for row in tsv_rows(path):
            verdict = (row.get("verdict") or "").strip()
            if verdict not in ("right", "wrong", "debatable"):
                continue  # not judged yet
            rows.append(Judged(row["file"], int(row["start"]), int(row["end"]), row["rule"], verdict,
                               (row.get("fix_verdict") or "").strip(), path.name, (row.get("fix") or "").strip()))
    return rows


# A judged finding that another rule now gives over the same words still reaches the author:
# a name the term base settles («NAV» → «Nav») is left to `termer` by `stor-forbokstav`.
SAME_FINDING = {"stor-forbokstav": {"termer"}}


def _same_words(judged: Judged, f: Found) -> bool:
    """Over a sentence or paragraph, overlapping ranges are the same finding only when
    today's holds most (80 %) of the judged words: a paragraph that now goes on across a page
    break is the same paragraph, a list cut out of a run-together "paragraph" is a new
    finding to judge."""
    length = judged.end - judged.start
    if length <= 60:
        return True
    return min(judged.end, f.end) - max(judged.start, f.start) >= 0.8 * length


def match(judged: Judged, found: dict[str, list[Found]]) -> Found | None:
    """Today's finding of the same rule over the same words, if it still comes."""
    best = None
    rules = {judged.rule} | SAME_FINDING.get(judged.rule, set())
    for f in found.get(judged.file, []):
        if f.rule in rules and f.start < max(judged.end, judged.start + 1) and judged.start < max(f.end, f.start + 1):
            if not _same_words(judged, f):
                continue
            if best is None or abs(f.start - judged.start) < abs(best.start - judged.start):
                best = f
    return best


_SCORE = {"right": 1.0, "debatable": 0.5, "wrong": 0.0}


def score(judged: list[Judged], found: dict[str, list[Found]]) -> dict[str, dict[str, float]]:
    per_rule: dict[str, dict[str, float]] = collections.defaultdict(lambda: collections.defaultdict(float))
    for j in judged:
        stats = per_rule[j.rule]
        stats["judged"] += 1
        found_now = match(j, found)
        if found_now is None:
            stats[f"gone_{j.verdict}"] += 1
            continue
        stats["kept"] += 1
        stats["points"] += _SCORE[j.verdict]
        stats[j.verdict] += 1
        if found_now.severity != "hint":  # what the density and the ≥ 90 % goal are about
            stats["kept_shown"] += 1
            stats["points_shown"] += _SCORE[j.verdict]
        if j.fix_verdict in ("right", "wrong"):
            # A fix counts as judged only while it is the fix that was judged.
            if " ".join(found_now.fix.split()) != j.fix:
                stats["fixes_changed"] += 1
            else:
                stats["fixes"] += 1
                stats["fixes_right"] += j.fix_verdict == "right"
                if j.fix.startswith("[safe]"):
                    stats["safe"] += 1
                    stats["safe_right"] += j.fix_verdict == "right"
    return per_rule


def density(found: dict[str, list[Found]], words: dict[str, int], names: list[str]) -> tuple[int, int, float]:
    count = sum(1 for n in names for f in found[n] if f.severity != "hint")
    total = sum(words[n] for n in names)
    return count, total, 1000 * count / total if total else 0.0


def cmd_score(args: argparse.Namespace) -> int:
    texts = corpus(args.shared)
    if not texts:
        print(f"no corpus under {args.shared}", file=sys.stderr)
        return 2
    paths = args.tsv or sorted(JUDGED.glob("*.tsv"))
    judged = load_judged(paths)
    if args.lang:
        # Bokmål (the programmes) or Nynorsk (UD) alone: only those files are checked.
        judged = [j for j in judged if texts.get(j.file, ("", ""))[0] == args.lang]
        texts = {name: item for name, item in texts.items() if item[0] == args.lang}
    everything, _ = run_klarsyn(texts, all_rules=True)
    default, words = run_klarsyn(texts, all_rules=False)
    default_rules = {f.rule for fs in default.values() for f in fs}
    per_rule = score(judged, everything)
    counts = collections.Counter(f.rule for fs in default.values() for f in fs)

    print(f"judged rows: {len(judged)} from {', '.join(p.name for p in paths)}")
    print("kept: judged findings that still come (all rules on); prec: their precision (right 1, debatable ½);")
    print("not hint: the precision of those that are not hints today; default n: findings with the default rules")
    print(f"{'rule':26} {'judged':>6} {'kept':>5} {'right':>5} {'debat':>5} {'wrong':>5} {'prec':>6} {'not hint':>8} {'fixes':>9} {'default n':>9}")
    weighted = [0.0, 0]
    for rule in sorted(per_rule):
        s = per_rule[rule]
        precision = s["points"] / s["kept"] if s["kept"] else float("nan")
        fixes = f"{int(s['fixes_right'])}/{int(s['fixes'])}" if s["fixes"] else "-"
        n = counts.get(rule, 0)
        mark = "" if rule in default_rules or n else " (not in default output)"
        shown = f"{s['points_shown'] / s['kept_shown']:.0%} ({int(s['kept_shown'])})" if s["kept_shown"] else "-"
        print(f"{rule:26} {int(s['judged']):6} {int(s['kept']):5} {int(s['right']):5} {int(s['debatable']):5} {int(s['wrong']):5} {precision:6.0%} {shown:>8} {fixes:>9} {n:9}{mark}")
        if s["kept"] and n:
            weighted[0] += precision * n
            weighted[1] += n
    kept = sum(s["kept"] for s in per_rule.values())
    points = sum(s["points"] for s in per_rule.values())
    fixes = sum(s["fixes"] for s in per_rule.values())
    fixes_right = sum(s["fixes_right"] for s in per_rule.values())
    print(f"overall precision of the judged findings that still come: {points / kept:.1%} ({int(kept)} findings)" if kept else "nothing judged still comes")
    if weighted[1]:
        print(f"precision weighted by how often each rule fires by default: {weighted[0] / weighted[1]:.1%}")
    if fixes:
        print(f"first fix right: {int(fixes_right)}/{int(fixes)} = {fixes_right / fixes:.1%} (fixes as they were judged)")
    safe = sum(s["safe"] for s in per_rule.values())
    if safe:
        print(f"fixes marked safe right: {int(sum(s['safe_right'] for s in per_rule.values()))}/{int(safe)}")
    changed = sum(s["fixes_changed"] for s in per_rule.values())
    if changed:
        print(f"fixes changed since they were judged (not counted): {int(changed)}")
    for lang in ("nb", "nn"):
        names = [n for n, (l, _t) in texts.items() if l == lang]
        if names:
            count, total, per_k = density(default, words, names)
            print(f"density {lang}: {count} findings (hints not counted) in {total} words = {per_k:.1f} per 1,000 words")
    for name in texts:
        count, total, per_k = density(default, words, [name])
        print(f"  {name}: {count} in {total} words = {per_k:.1f} per 1,000")
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    texts = corpus(args.shared)
    if args.lang:
        texts = {name: item for name, item in texts.items() if item[0] == args.lang}
    found, _ = run_klarsyn(texts, all_rules=args.all_rules)
    if args.rules:
        wanted = set(args.rules.split(","))
        found = {name: [f for f in fs if f.rule in wanted] for name, fs in found.items()}
    already = {(j.file, j.rule, j.start) for j in load_judged(sorted(JUDGED.glob("*.tsv")))}
    pool: dict[str, list[Found]] = collections.defaultdict(list)
    for fs in found.values():
        for f in fs:
            if (f.file, f.rule, f.start) not in already:
                pool[f.rule].append(f)
    rng = random.Random(args.seed)
    take = {rule: min(len(items), args.per_rule) for rule, items in pool.items()}
    rest = args.n - sum(take.values())
    # The rest goes to what the author sees above hint level, in proportion: a hint's
    # precision is printed too, but the ≥ 90 % goal and the density are about the others.
    shown = {rule: sum(f.severity != "hint" for f in items) for rule, items in pool.items()}
    big = {rule: shown[rule] - take[rule] for rule in pool if shown[rule] > take[rule]}
    total_big = sum(big.values())
    for rule, extra in big.items():
        if rest > 0 and total_big:
            take[rule] += min(extra, round(rest * extra / total_big))
    rows = []
    for rule in sorted(pool):
        for f in sorted(rng.sample(pool[rule], take[rule]), key=lambda f: (f.file, f.start)):
            text = texts[f.file][1]
            rows.append([f.file, f.start, f.end, f.rule, f.severity, _one_line(text[f.start : f.end])[:200], context_of(text, f.start, f.end), f.message, f.fix, "", "", ""])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # Plain tab-separated lines: no quoting, so a judge can edit the file in any editor.
    lines = ["\t".join(COLUMNS)] + ["\t".join(" ".join(str(c).split()) for c in row) for row in rows]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(rows)} findings of {len(pool)} rules written to {args.out}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("score")
    s.add_argument("tsv", nargs="*", type=Path)
    s.add_argument("--lang", choices=("nb", "nn"), help="only the judged findings in this language")
    p = sub.add_parser("sample")
    p.add_argument("--n", type=int, default=400)
    p.add_argument("--per-rule", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--all-rules", action="store_true", help="sample the opt-in rules too")
    p.add_argument("--lang", choices=("nb", "nn"), help="only the corpus files in this language")
    p.add_argument("--rules", help="only these rules (comma-separated ids)")
    p.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    return cmd_score(args) if args.command == "score" else cmd_sample(args)


if __name__ == "__main__":
    sys.exit(main())
