"""Benchmark: `klarsyn check` over a folder of drafts, a first run and a cached second run.

    python bench/bench_batch.py [--drafts 20] [--repeat 2]

Each draft is the sample repeated --repeat times with its own headings (about 2,000 words a
repeat). The cache lives in a temporary folder; --jobs is the number of cores.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    text = (ROOT / "examples" / "lokalvalg-2023-utkast.md").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "program"
        folder.mkdir()
        words = 0
        for i in range(args.drafts):
            body = "\n\n".join(text.replace("Valgseier", f"Valgseier {i}.{n}") for n in range(args.repeat))
            (folder / f"{i:02d}-kapittel.md").write_text(body, encoding="utf-8")
            words += len(body.split())
        cache = Path(tmp) / "cache"
        command = [sys.executable, "-m", "klarsyn", "check", str(folder), "--format", "json", "--cache-dir", str(cache)]
        timings = []
        for label in ("first run", "second run (cached)", "third run (cached)"):
            start = time.perf_counter()
            result = subprocess.run(command, capture_output=True)
            timings.append((label, time.perf_counter() - start))
            if result.returncode not in (0, 1):
                print(result.stderr.decode(), file=sys.stderr)
                return 2
        plain = subprocess.run([*command[:-2], "--no-cache", "--jobs", "1"], capture_output=True)
        del plain
        start = time.perf_counter()
        subprocess.run([*command[:-2], "--no-cache", "--jobs", "1"], capture_output=True)
        sequential = time.perf_counter() - start
    print(f"{args.drafts} drafts, {words} words")
    for label, seconds in timings:
        print(f"{label}: {seconds:.2f} s")
    print(f"one process, no cache: {sequential:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
