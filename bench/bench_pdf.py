"""Benchmark: ``klarsyn check program.pdf`` on real programmes, start-up included.

Times the real command in a fresh process on the six programme PDFs beside the checkout
(../shared/corpus/programmes/*.pdf), median of --runs, and prints pages, seconds, seconds per
100 pages and the peak memory of the command and its PDF worker (the children's ru_maxrss).
Without the corpus it times a 100-page PDF it builds from the bundled sample draft (real
prose, repeated: a figure for regressions, not for the docs).

    python bench/bench_pdf.py [--runs 3] [--files a.pdf b.pdf] [--max-seconds-per-100-pages S]

With --max-seconds-per-100-pages the script exits 1 when a file's median, scaled to 100
pages (files under 50 pages are left out of the bound: start-up dominates them), is slower.
The goal is 3 s for a 100-page programme; CI uses a generous bound so that only a real
regression fails it.
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
CORPUS = ROOT.parent / "shared" / "corpus" / "programmes"


def build_sample_pdf(path: Path, pages: int = 100) -> None:
    """A plain one-column PDF of the sample draft's words, 50 lines of 12 words a page."""
    sys.path.insert(0, str(ROOT))
    from tests.pdf_build import Line, Page, build_pdf

    words = (ROOT / "examples" / "lokalvalg-2023-utkast.txt").read_text(encoding="utf-8").split()
    out, at = [], 0
    for _ in range(pages):
        lines = []
        for row in range(50):
            lines.append(Line(" ".join(words[(at + k) % len(words)] for k in range(12)), 60, 780 - 14 * row, size=10))
            at += 12
        out.append(Page(lines))
    path.write_bytes(build_pdf(out, tagged=False))


def page_count(path: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def time_check(path: Path, runs: int) -> tuple[float, float]:
    """(median seconds, peak MiB of the command and its children)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "klarsyn", "check", str(path), "--no-cache", "--fail-on", "never", "--quiet"],
                              capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"klarsyn failed on {path}: {done.stderr.strip()}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return statistics.median(times), peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", nargs="*", type=Path)
    parser.add_argument("--max-seconds-per-100-pages", type=float, default=None, metavar="S")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = args.files or sorted(CORPUS.glob("*.pdf"))
        if not files:
            sample = Path(tmp) / "sample-100-pages.pdf"
            build_sample_pdf(sample)
            files = [sample]
        worst = 0.0
        print(f"{'file':34} {'pages':>5} {'seconds':>8} {'s/100 p':>8} {'peak MiB':>9}")
        for path in files:
            pages = page_count(path)
            seconds, peak = time_check(path, args.runs)
            per_100 = seconds * 100 / pages if pages else 0.0
            if pages >= 50:
                worst = max(worst, per_100)
            print(f"{path.name:34} {pages:5} {seconds:8.2f} {per_100:8.2f} {peak:9.0f}")
    if args.max_seconds_per_100_pages is not None and worst > args.max_seconds_per_100_pages:
        print(f"slower than {args.max_seconds_per_100_pages} s per 100 pages: {worst:.2f}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
