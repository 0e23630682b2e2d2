"""Time each stage and each rule of a check (for tuning), on real drafts or on a large
draft built from the sample.

    python bench/profile_rules.py [--words 50000]
    python bench/profile_rules.py ../shared/corpus/programmes/partiet_sentrum.txt [more files]

With files, the stages are those of ``klarsyn check`` (config and rule packs, reading and
parsing, analysis, each per-document rule, each workspace rule over all files together,
suppressions, JSON), measured in this process after the imports, as processor time (steadier than the clock on a shared machine).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections import defaultdict
from pathlib import Path

T0 = time.process_time()
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import build_draft  # noqa: E402

from klarsyn.cli.render import render_json  # noqa: E402
from klarsyn.config import ConfigCache  # noqa: E402
from klarsyn.document.loader import load_document, parse  # noqa: E402
from klarsyn.engine.packs import load_rules  # noqa: E402
from klarsyn.engine.rules import RunContext, WorkspaceRule, regex_budget  # noqa: E402
from klarsyn.engine.runner import CheckResult, _context, enabled_rules, suppress  # noqa: E402
from klarsyn.findings import Finding  # noqa: E402
from klarsyn.metrics.analysis import analyze  # noqa: E402

IMPORTS = time.process_time() - T0


def _files(paths: list[Path]) -> int:
    import gc

    from klarsyn.cli.main import _BATCH_GC_THRESHOLDS

    gc.set_threshold(*_BATCH_GC_THRESHOLDS)  # as `klarsyn check` runs
    print(f"imports: {IMPORTS:.3f} s")
    t = time.process_time()
    configs = ConfigCache(None)
    config = configs.for_path(paths[0])
    config.all_rules()
    print(f"config and rule packs: {time.process_time() - t:.3f} s")
    per_rule: dict[str, float] = defaultdict(float)
    items, analyses, findings = [], [], []
    for path in paths:
        t = time.process_time()
        document = load_document(path, configs.for_path(path).language)
        per_rule["(read and parse)"] += time.process_time() - t
        t = time.process_time()
        analysis = analyze(document)
        per_rule["(analysis)"] += time.process_time() - t
        found: list[Finding] = []
        with regex_budget():
            for rule in enabled_rules(config, document.language):
                if not isinstance(rule, WorkspaceRule):
                    t = time.process_time()
                    found += rule.run(_context(rule, config, analysis))
                    per_rule[rule.id] += time.process_time() - t
        items.append((document, config))
        analyses.append(analysis)
        findings.append(found)
    for rule in enabled_rules(config, items[0][0].language):
        if isinstance(rule, WorkspaceRule):
            t = time.process_time()
            out = rule.run_workspace([_context(rule, config, a) for a in analyses])
            per_rule[f"{rule.id} (workspace)"] += time.process_time() - t
            for f, more in zip(findings, out):
                f.extend(more)
    t = time.process_time()
    results = []
    for (document, cfg), analysis, found in zip(items, analyses, findings):
        found = suppress(document, cfg, found)
        found.sort(key=Finding.sort_key)
        results.append(CheckResult(analysis, found))
    per_rule["(suppressions, sort)"] += time.process_time() - t
    t = time.process_time()
    render_json(results, [], io.StringIO())
    per_rule["(json)"] += time.process_time() - t
    total = sum(per_rule.values())
    for name, seconds in sorted(per_rule.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<32} {seconds:.3f} s")
    print(f"total after imports and packs: {total:.3f} s")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--words", type=int, default=50_000)
    args = parser.parse_args()
    if args.files:
        return _files(args.files)
    text, words = build_draft(args.words, "md")
    t = time.process_time()
    rules = load_rules()
    print(f"load rule packs: {time.process_time() - t:.3f} s ({len(rules)} rules)")
    t = time.process_time()
    document = parse(text, "program.md", "markdown")
    print(f"parse {words} words: {time.process_time() - t:.3f} s")
    t = time.process_time()
    analysis = analyze(document)
    print(f"sentences and LIX: {time.process_time() - t:.3f} s")
    for rule in rules:
        if rule.languages and document.language not in rule.languages:
            continue
        t = time.process_time()
        found = rule.run(RunContext(analysis, rule.severity, dict(rule.options)))
        print(f"  {rule.id:<24} {time.process_time() - t:.3f} s  {len(found):>5} findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
