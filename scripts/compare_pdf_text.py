"""Findings on a programme's PDF against findings on its pdftotext text (issue 17).

The six programmes in ../shared/corpus/programmes/ come as PDF and as the text pdftotext
made of them; the text's findings were judged one by one (eval/judged/*.tsv). A finding is
the same on both when the rule and the flagged words are the same (the first eight words,
case and spacing aside), counted as multisets. The script prints, per file and in all:

- findings on both, on the text only and on the PDF only;
- of the judged text findings the text still gives: right ones the PDF keeps and loses, wrong ones it keeps and
  loses (a wrong one lost is an artefact of the text that the PDF reader does not have);
- with --show-pdf-only, the PDF-only findings with their context, to judge them.

    python scripts/compare_pdf_text.py [--shared ../shared] [--files name …] [--show-pdf-only N]
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from eval_precision import load_judged, tsv_rows  # noqa: E402

_WORDS = 8


def key(rule: str, flagged: str) -> tuple[str, str]:
    words = flagged.replace("\u00ad", "").casefold().split()
    return rule, " ".join(words[:_WORDS])


def findings(command: list[str], path: Path) -> list[dict[str, object]]:
    done = subprocess.run([*command, "check", str(path), "--format", "json", "--no-cache", "--fail-on", "never"],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"klarsyn failed on {path}: {done.stderr.strip()}")
    return json.loads(done.stdout)["files"][0]["diagnostics"]


def source_of(path: Path) -> str:
    """The text klarsyn read of a PDF (its own text of the pages), which offsets count in."""
    from klarsyn.document.loader import load_document

    return load_document(path).source


def _judged_pdf(paths: list[Path]) -> list[tuple[tuple[str, str, str], str]]:
    return [((row["file"], row["rule"], row["flagged"]), row["verdict"])
            for path in paths for row in tsv_rows(path) if row.get("verdict") in ("right", "wrong", "debatable")]


def _row(file: str, d: dict[str, object], source: str) -> list[str]:
    """A finding as a row to judge (the columns of eval/judged/*.tsv, verdicts empty)."""
    a, b = d["offset"]  # type: ignore[misc]
    flagged = " ".join(source[a:b].split())
    context = " ".join(source[max(0, a - 110):a].split()) + " ⟦" + flagged + "⟧ " + " ".join(source[b:b + 110].split())
    fixes = d.get("fixes") or []
    fix = ""
    if fixes:
        edits = fixes[0]["edits"]  # type: ignore[index]
        fix = f"[{fixes[0].get('safety', '')}] " + " | ".join(f"{source[e['offset'][0]:e['offset'][1]]}→{e['new_text']}" for e in edits)  # type: ignore[index,union-attr]
    return [file, str(a), str(b), str(d["rule"]), str(d["severity"]), flagged[:200], context, " ".join(str(d["message"]).split()), fix, "", "", ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--files", nargs="*", help="programme names (default: all six)")
    parser.add_argument("--show-pdf-only", type=int, default=0, metavar="N", help="print up to N PDF-only findings per file")
    parser.add_argument("--show-judged", type=int, default=0, metavar="N",
                        help="print up to N judged text findings per file that the PDF loses (right) or keeps (wrong)")
    parser.add_argument("--sample", type=int, default=0, metavar="N",
                        help="write N PDF-only findings, drawn at random over all files, to --out for judging")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--out", type=Path, help="the TSV to write the sample to (eval/README.md columns)")
    parser.add_argument("--klarsyn", default=f"{shlex.quote(sys.executable)} -m klarsyn", help="the command to run")
    args = parser.parse_args()
    command = shlex.split(args.klarsyn)
    folder = args.shared / "corpus" / "programmes"
    names = args.files or sorted(p.stem for p in folder.glob("*.pdf"))
    judged = load_judged(sorted((ROOT / "eval" / "judged").glob("*.tsv")))
    # PDF-only findings judged on the PDF (eval/pdf/*.tsv): which still come, by verdict.
    judged_pdf = _judged_pdf(sorted((ROOT / "eval" / "pdf").glob("*.tsv")))
    pdf_fates: collections.Counter[str] = collections.Counter()
    judged_keys = {(file, key(rule, flagged)) for (file, rule, flagged), _ in judged_pdf}
    totals: collections.Counter[str] = collections.Counter()
    per_rule: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    pool: list[list[str]] = []
    print(f"{'file':32} {'text':>6} {'pdf':>6} {'both':>6} {'text only':>9} {'pdf only':>8} | judged right: kept lost | wrong: kept lost")
    for name in names:
        txt, pdf = folder / f"{name}.txt", folder / f"{name}.pdf"
        text = txt.read_text(encoding="utf-8")
        text_found = findings(command, txt)
        pdf_found = findings(command, pdf)
        pdf_source = source_of(pdf)
        text_keys = collections.Counter(key(str(d["rule"]), text[d["offset"][0]:d["offset"][1]]) for d in text_found)  # type: ignore[index]
        pdf_keys = collections.Counter(key(str(d["rule"]), pdf_source[d["offset"][0]:d["offset"][1]]) for d in pdf_found)  # type: ignore[index]
        both = text_keys & pdf_keys
        only_text, only_pdf = text_keys - pdf_keys, pdf_keys - text_keys
        verdicts: collections.Counter[str] = collections.Counter()
        for j in judged:
            if j.file != f"programmes/{name}.txt":
                continue
            k = key(j.rule, text[j.start:j.end])
            if not text_keys[k]:
                continue  # the text no longer gives it either (the rule changed since)
            good = "right" if j.verdict in ("right", "debatable") else "wrong"
            fate = "kept" if pdf_keys[k] else "lost"
            verdicts[f"{good} {fate}"] += 1
            if args.show_judged and (good, fate) in (("right", "lost"), ("wrong", "kept")) and verdicts[f"{good} {fate}"] <= args.show_judged:
                print(f"  {good} {fate}: {j.rule} «{' '.join(text[j.start:j.end].split())[:160]}»")
        row = {"text": sum(text_keys.values()), "pdf": sum(pdf_keys.values()), "both": sum(both.values()),
               "text only": sum(only_text.values()), "pdf only": sum(only_pdf.values())}
        totals.update(row)
        totals.update(verdicts)
        for (rule, _), n in only_text.items():
            per_rule[rule]["text only"] += n
        for (rule, _), n in only_pdf.items():
            per_rule[rule]["pdf only"] += n
        for (rule, _), n in both.items():
            per_rule[rule]["both"] += n
        print(f"{name:32} {row['text']:6} {row['pdf']:6} {row['both']:6} {row['text only']:9} {row['pdf only']:8} | "
              f"{verdicts['right kept']:>18} {verdicts['right lost']:4} | {verdicts['wrong kept']:>11} {verdicts['wrong lost']:4}")
        pdf_rules = collections.Counter(str(d["rule"]) for d in pdf_found)
        for (file, rule, flagged), verdict in judged_pdf:
            if file == f"programmes/{name}.pdf":
                # A file-level finding (pdf-*) has no flagged words: its rule is the finding.
                kept = pdf_rules[rule] if not flagged else pdf_keys[key(rule, flagged)]
                pdf_fates[f"{verdict} {'kept' if kept else 'gone'}"] += 1
        left = collections.Counter(only_pdf)
        for d in pdf_found:
            k = key(str(d["rule"]), pdf_source[d["offset"][0]:d["offset"][1]])  # type: ignore[index]
            if left[k] > 0:
                left[k] -= 1
                row = _row(f"programmes/{name}.pdf", d, pdf_source)
                if (row[0], k) not in judged_keys:  # a new sample leaves out what is judged
                    pool.append(row)
        if args.show_pdf_only:
            shown = 0
            for d in pdf_found:
                k = key(str(d["rule"]), pdf_source[d["offset"][0]:d["offset"][1]])  # type: ignore[index]
                if only_pdf[k] <= 0 or shown >= args.show_pdf_only:
                    continue
                only_pdf[k] -= 1
                shown += 1
                a, b = d["offset"]  # type: ignore[misc]
                context = " ".join(pdf_source[max(0, a - 80):a].split()) + " ⟦" + " ".join(pdf_source[a:b].split())[:200] + "⟧ " + " ".join(pdf_source[b:b + 80].split())
                print(f"  {d['rule']} p{d.get('page')}:{d.get('page_line')}  {context}")
    print(f"{'all':32} {totals['text']:6} {totals['pdf']:6} {totals['both']:6} {totals['text only']:9} {totals['pdf only']:8} | "
          f"{totals['right kept']:>18} {totals['right lost']:4} | {totals['wrong kept']:>11} {totals['wrong lost']:4}")
    if judged_pdf:
        kept = {v: pdf_fates[f"{v} kept"] for v in ("right", "debatable", "wrong")}
        gone = {v: pdf_fates[f"{v} gone"] for v in ("right", "debatable", "wrong")}
        n = sum(kept.values())
        points = kept["right"] + 0.5 * kept["debatable"]
        print(f"\njudged PDF-only findings (eval/pdf): still given {n} (right {kept['right']}, debatable {kept['debatable']}, "
              f"wrong {kept['wrong']}; precision {100 * points / n if n else 0:.0f} %), gone: right {gone['right']}, "
              f"debatable {gone['debatable']}, wrong {gone['wrong']}")
    if args.sample and args.out:
        rows = sorted(random.Random(args.seed).sample(pool, min(args.sample, len(pool))), key=lambda r: (r[0], int(r[1])))
        header = "file start end rule severity flagged context message fix verdict fix_verdict reason".split()
        args.out.write_text("\t".join(header) + "\n" + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
        print(f"wrote {len(rows)} of {len(pool)} PDF-only findings to {args.out}")
    print("\nper rule (both / text only / pdf only):")
    for rule, c in sorted(per_rule.items(), key=lambda kv: -(kv[1]["text only"] + kv[1]["pdf only"])):
        print(f"  {rule:28} {c['both']:5} {c['text only']:5} {c['pdf only']:5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
