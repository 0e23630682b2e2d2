"""Benchmark: the incremental checker alone (no language server, no JSON), one
single-character edit at a time in the middle of a draft.

    python bench/bench_edit.py FILE [--edits 20] [--profile]

Prints the first full check and the median and slowest edit. With --profile, the cProfile
of the edits, sorted by cumulative time: where an edit's time goes in the rules."""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from pathlib import Path

from klarsyn.config import ConfigCache
from klarsyn.document.loader import format_for, read_source
from klarsyn.engine.incremental import IncrementalChecker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    path: Path = args.file
    text = read_source(path)
    fmt = format_for(path) or "text"
    config = ConfigCache().for_path(path)
    checker = IncrementalChecker()
    t = time.perf_counter()
    checker.check(text, str(path), fmt, config)
    print(f"{path.name}: {len(text.split()):,} words; first check {time.perf_counter() - t:.3f} s")
    at = text.index(" ", len(text) // 2)  # an edit inside prose, in the middle of the file
    times: list[float] = []

    def edits() -> None:
        nonlocal text
        for _ in range(args.edits):
            text = text[:at] + "x" + text[at:]
            t = time.perf_counter()
            checker.check(text, str(path), fmt, config)
            times.append(time.perf_counter() - t)

    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(edits)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
    else:
        edits()
    print(f"edit: median {1000 * statistics.median(times):.0f} ms, max {1000 * max(times):.0f} ms over {len(times)} edits")


if __name__ == "__main__":
    main()
