"""Figures behind the PDF sandbox's limits (docs/design.md, "PDF input: containment").

For each PDF: the worker's startup-and-open time (spawn to its "start" message), the longest
wait between two messages (a page, or the structure facts after the last page), the whole
run, the child's peak memory, and the bytes it sent; then the same file through
sandbox.run_worker, to show it is not refused. Run with the klarsyn under test on PYTHONPATH:

    PYTHONPATH=server python scripts/pdf_sandbox_figures.py /work/shared/corpus/programmes/*.pdf
    PYTHONPATH=server python scripts/pdf_sandbox_figures.py --hostile

``--hostile`` runs every file of tests/pdf_hostile.py through run_worker instead and prints
the wall time, the child's outcome and the line the user sees.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from klarsyn.document.pdf.sandbox import LIMITS, _child_env, run_worker, worker_command
from klarsyn.errors import InputError


def measure(path: Path, runs: int) -> None:
    data = path.read_bytes()
    best: tuple[float, float, float, str, int, int, int] | None = None
    for _ in range(runs):
        argv = worker_command(LIMITS)
        started = time.monotonic()
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=_child_env())
        assert proc.stdin and proc.stdout
        proc.stdin.write(data)
        proc.stdin.close()
        last = started
        first = gap = 0.0
        gap_at = ""
        sent = pages = 0
        for index, line in enumerate(proc.stdout):
            now = time.monotonic()
            sent += len(line)
            if index == 0:
                first = now - started
            elif now - last > gap:
                gap, gap_at = now - last, line[:20].decode("utf-8", "replace")
            if line.startswith(b'{"kind":"start"'):
                pages = int(line.split(b":")[-1].rstrip(b"}\n"))
            last = now
        _, _status, usage = os.wait4(proc.pid, 0)
        total = time.monotonic() - started
        row = (total, first, gap, gap_at, usage.ru_maxrss // 1024, sent, pages)
        if best is None or row[0] > best[0]:
            best = row
    assert best is not None
    total, first, gap, gap_at, peak, sent, pages = best
    ceiling = LIMITS.base_seconds + LIMITS.per_page_seconds * pages
    started = time.monotonic()
    try:
        run_worker(data, str(path))
        verdict = f"read in {time.monotonic() - started:.2f} s"
    except InputError as exc:
        verdict = f"REFUSED: {exc.problem}"
    print(f"{path.name}\t{pages} pages\topen {first:.2f} s\tlongest gap {gap:.2f} s ({gap_at.strip()}…)\t"
          f"whole {total:.2f} s (ceiling {ceiling:.1f} s)\tpeak {peak} MiB\tsent {sent / 2**20:.1f} MiB\t{verdict}")


def hostile() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests import pdf_hostile

    names = [n for n, f in vars(pdf_hostile).items() if callable(f) and f.__module__ == pdf_hostile.__name__
             and not n.startswith("_") and n not in ("stream", "raw_pdf", "bomb_layers")]
    for name in names:
        data = getattr(pdf_hostile, name)()
        started = time.monotonic()
        try:
            messages = run_worker(data, f"{name}.pdf")
            line = f"read: {sum(m['kind'] == 'page' for m in messages)} page(s)"
        except InputError as exc:
            line = exc.problem
        print(f"{name}\t{len(data):,} bytes\t{time.monotonic() - started:.2f} s\t{line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--hostile", action="store_true", help="the files of tests/pdf_hostile.py instead")
    parser.add_argument("--runs", type=int, default=3, help="runs per file; the slowest is shown (limits must hold for it)")
    ns = parser.parse_args()
    if ns.hostile:
        hostile()
    for path in ns.pdfs:
        measure(path, ns.runs)


if __name__ == "__main__":
    main()
