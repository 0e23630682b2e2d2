"""Benchmark: words per second for ``klarsyn check`` on a large draft, start-up included.

Builds a draft of about 50,000 words from the bundled sample (chapters repeated
with their numbers changed, so headings and sections stay distinct), then times
the real command in a fresh process several times and prints the figures.

    python bench/bench_check.py [--words 50000] [--runs 5] [--format md|txt]
    python bench/bench_check.py --draft ../shared/corpus/programmes/partiet_sentrum.txt

--draft times a real programme instead; a repeated sample says little about real text,
so the figures in docs/measurements.md come from real programmes.

With --max-seconds the script exits 1 when the median run is slower: CI uses a
generous bound so that only a real regression fails it.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_draft(words: int, suffix: str) -> tuple[str, int]:
    sample = (ROOT / "examples" / f"lokalvalg-2023-utkast.{suffix}").read_text(encoding="utf-8")
    body = sample.split("\n---\n", 1)[1] if suffix == "md" and sample.startswith("---") else sample
    per_copy = len(body.split())
    parts = []
    copies = max(1, round(words / per_copy))
    for i in range(copies):
        parts.append(body.replace("Valgseier i lokalvalget 2023", f"Valgseier i lokalvalget 2023, del {i + 1}"))
    text = "\n\n".join(parts)
    return text, len(text.split())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--format", choices=("md", "txt"), default="md")
    parser.add_argument("--max-seconds", type=float, default=None)
    parser.add_argument("--draft", type=Path, default=None, help="time this file instead of a built draft")
    args = parser.parse_args()

    if args.draft is not None:
        text = args.draft.read_text(encoding="utf-8")
        words, suffix = len(text.split()), args.draft.suffix.lstrip(".")
    else:
        text, words = build_draft(args.words, args.format)
        suffix = args.format
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / f"program.{suffix}"
        draft.write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "klarsyn", "check", str(draft), "--format", "json", "--no-cache"]
        times = []
        cpu = []  # the child's user + system time: steadier than the clock on a shared machine
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            result = subprocess.run(command, capture_output=True)
            times.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
            if result.returncode not in (0, 1):
                print(result.stderr.decode(), file=sys.stderr)
                return 2
        startup = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "klarsyn", "--version"], capture_output=True)
            startup.append(time.perf_counter() - start)

    median = statistics.median(times)
    name = args.draft.name if args.draft is not None else "built from the sample"
    print(f"draft: {name}, {words} words ({len(text)} characters, .{suffix})")
    print(f"klarsyn check: median {median:.3f} s, best {min(times):.3f} s over {args.runs} runs (start-up included)")
    print(f"processor time: median {statistics.median(cpu):.3f} s, best {min(cpu):.3f} s")
    print(f"start-up alone (klarsyn --version): median {statistics.median(startup):.3f} s")
    if sys.flags.dont_write_bytecode:
        print("note: PYTHONDONTWRITEBYTECODE is set, so klarsyn's modules are compiled in every run")
    print(f"throughput: {words / median:,.0f} words per second")
    if args.max_seconds is not None and median > args.max_seconds:
        print(f"slower than the bound of {args.max_seconds} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
