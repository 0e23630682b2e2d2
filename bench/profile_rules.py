"""Time each stage and each rule on a large draft built from the sample (for tuning).

    python bench/profile_rules.py [--words 50000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import build_draft  # noqa: E402

from klarsyn.document.loader import parse  # noqa: E402
from klarsyn.engine.packs import load_rules  # noqa: E402
from klarsyn.engine.rules import RunContext  # noqa: E402
from klarsyn.metrics.analysis import analyze  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50_000)
    args = parser.parse_args()
    text, words = build_draft(args.words, "md")
    t = time.perf_counter()
    rules = load_rules()
    print(f"load rule packs: {time.perf_counter() - t:.3f} s ({len(rules)} rules)")
    t = time.perf_counter()
    document = parse(text, "program.md", "markdown")
    print(f"parse {words} words: {time.perf_counter() - t:.3f} s")
    t = time.perf_counter()
    analysis = analyze(document)
    print(f"sentences and LIX: {time.perf_counter() - t:.3f} s")
    for rule in rules:
        if rule.languages and document.language not in rule.languages:
            continue
        t = time.perf_counter()
        found = rule.run(RunContext(analysis, rule.severity, dict(rule.options)))
        print(f"  {rule.id:<24} {time.perf_counter() - t:.3f} s  {len(found):>5} findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
