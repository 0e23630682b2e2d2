"""Benchmark: the language server on a 50,000-word programme, over real JSON-RPC on stdio.

Starts `python -m klarsyn lsp`, opens a draft of about 50,000 words built from the sample,
makes 50 single-character edits spread over the document (one at a time, waiting for the
answer), and prints the time from each didChange to the matching publishDiagnostics
(median and 95th percentile), the time to the first diagnostics after didOpen, and the
server's peak memory (VmHWM from /proc).

    python bench/bench_lsp.py [--words 50000] [--edits 50] [--pause 0.4]
    python bench/bench_lsp.py --draft ../shared/corpus/programmes/partiet_sentrum.txt --pause 0.4

--draft opens a real programme instead of the built draft; --pause waits between edits as
a person typing does (the server's background work then runs between keystrokes).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import build_draft  # noqa: E402
from lsp_client import Connection  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--max-median", type=float, default=None, help="exit 1 when the median edit is slower (seconds)")
    parser.add_argument("--drafts", type=int, default=1, help="open this many different drafts of that size and report memory")
    parser.add_argument("--draft", type=Path, default=None, help="open this file instead of a built draft")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds to wait after each edit's diagnostics")
    args = parser.parse_args()

    if args.draft is not None:
        text = args.draft.read_text(encoding="utf-8")
        words, suffix = len(text.split()), args.draft.suffix.lstrip(".")
    else:
        text, words = build_draft(args.words, "md")
        suffix = "md"
    language_id = "markdown" if suffix in ("md", "markdown") else "plaintext"
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"klarsyn-bench-{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"program.{suffix}"
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    conn = Connection()
    try:
        conn.request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": {}})
        conn.notify("initialized", {})
        start = time.perf_counter()
        conn.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language_id, "version": 1, "text": text}})
        first = conn.wait_diagnostics(uri, 1)
        open_time = time.perf_counter() - start
        rng = random.Random(3)
        lines = text.split("\n")
        times = []
        for i in range(args.edits):
            version = i + 2
            line = rng.randrange(len(lines))
            column = rng.randint(0, len(lines[line]))
            lines[line] = lines[line][:column] + "x" + lines[line][column:]
            change = {"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": column}}, "text": "x"}
            start = time.perf_counter()
            conn.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
            conn.wait_diagnostics(uri, version)
            times.append(time.perf_counter() - start)
            if args.pause:
                time.sleep(args.pause)
        memory = conn.peak_memory_mb()
        many = None
        if args.drafts > 1:
            start = time.perf_counter()
            for n in range(2, args.drafts + 1):
                # Every paragraph differs from the other drafts', as different chapters would.
                other = text.replace(".\n", f". Kapittel {n}.\n")
                other_uri = (folder / f"chapter{n}.{suffix}").as_uri()
                conn.notify("textDocument/didOpen", {"textDocument": {"uri": other_uri, "languageId": language_id, "version": 1, "text": other}})
                conn.wait_diagnostics(other_uri, 1)
            opened = time.perf_counter() - start
            time.sleep(max(2.0, args.drafts * 0.4))  # let the workspace pass over all drafts finish
            many = (opened, conn.peak_memory_mb())
    finally:
        conn.close()
        path.unlink(missing_ok=True)
        folder.rmdir()
    times.sort()
    median = statistics.median(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    print(f"draft: {args.draft.name if args.draft else 'built from the sample'}, {words} words; {len(first['diagnostics'])} diagnostics after open")
    print(f"open → first diagnostics: {open_time:.3f} s")
    print(f"edit → diagnostics over {len(times)} edits: median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms")
    print(f"server peak memory: {memory:.0f} MB")
    if many is not None:
        print(f"{args.drafts} drafts open: opened in {many[0]:.1f} s, server peak memory {many[1]:.0f} MB (workspace consistency included)")
    if args.max_median is not None and median > args.max_median:
        print(f"median slower than {args.max_median} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
