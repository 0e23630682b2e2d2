"""The child process that parses a PDF: ``python -m klarsyn.document.pdf.worker``.

It reads the PDF's bytes from stdin and writes JSON lines to stdout, one message a line, so
the parent (sandbox.py) sees progress page by page and can stop a child that stalls on one page:

    {"kind": "start", "pages": N}
    {"kind": "page", "index": i, ...}          one per page (extract.page_messages)
    {"kind": "facts", "facts": {...}}           the accessibility facts (facts.PdfFacts)
    {"kind": "done"}

or, when the file cannot be read, ``{"kind": "error", "reason": R, "problem": "...",
"page": i}`` and exit code 3, where R is one of ``encrypted``, ``damaged``, ``memory``,
``too-many-pages`` (``page``, 0-based, only when a page was being read). Nothing else is
written to stdout: the protocol goes to a private copy of the original stdout, and file
descriptor 1 is pointed at stderr, so a library that prints (qpdf warnings, a C ``printf``)
cannot break a line.

Options (the parent passes them): ``--memory-mb N`` caps the address space before any PDF
library is loaded; ``--max-pages N`` refuses a longer document before its pages are read;
``--cpu-seconds S --cpu-per-page P`` set a CPU-time limit of S + P per page (once the pages
are counted), a backstop just above the parent's own wall-clock ceiling, for a child whose
parent died without killing it; ``--parent PID`` makes the child die with that parent (Linux).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, BinaryIO

EXIT_PROBLEM = 3
FPDF_ERR_PASSWORD = 4  # PDFium's error codes (fpdfview.h)
FPDF_ERR_SECURITY = 5


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space. Linux enforces RLIMIT_AS: an allocation past it
    fails (MemoryError in Python, std::bad_alloc in qpdf, an abort in PDFium, which the
    parent reads from the signal and the peak memory). macOS accepts RLIMIT_AS and
    RLIMIT_DATA but does not enforce them for mmap'd memory, and Windows has no resource
    module: there the parent's time limits are the only bound (documented in design.md)."""
    if megabytes <= 0:
        return
    try:
        import resource
    except ImportError:  # Windows
        return
    limit = megabytes * 2**20
    for name in ("RLIMIT_AS", "RLIMIT_DATA"):
        which = getattr(resource, name, None)
        if which is None:
            continue
        try:
            _soft, hard = resource.getrlimit(which)
            cap = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
            resource.setrlimit(which, (cap, hard if hard != resource.RLIM_INFINITY else cap))
            return  # one is enough: AS where it exists (Linux), else DATA
        except (ValueError, OSError):
            continue


def limit_cpu(seconds: float) -> None:
    """Soft RLIMIT_CPU (SIGXCPU past it); may be raised again up to the hard limit."""
    try:
        import resource
    except ImportError:  # Windows
        return
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = int(seconds) + 1
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    except (ValueError, OSError):
        pass


def die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this process when the parent does (a parent killed with
    SIGKILL cannot kill us itself). If the parent is already gone, end now."""
    if not parent or not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(EXIT_PROBLEM)


def _protocol_stream() -> BinaryIO:
    """A private duplicate of stdout for the JSON lines; fd 1 (and sys.stdout) now go to stderr."""
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    return protocol


class Channel:
    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def send(self, message: dict[str, Any]) -> None:
        line = json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n"
        self._stream.write(line.encode("utf-8"))


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and what caused it (a wrapper such as PdfProblem keeps the library's
    own exception as __cause__), without looping on a cycle."""
    seen: list[BaseException] = []
    while exc is not None and all(exc is not e for e in seen) and len(seen) < 20:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return seen


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    # qpdf names its input: "stream <_io.BytesIO object at 0x7f…> (object 2 0): Loop …"
    if text.startswith("stream <_io.BytesIO"):
        text = text.split(">", 1)[-1].lstrip(": ")
    return text[:limit].rstrip(".")  # the caller's sentence goes on after it


def classify(exc: BaseException) -> tuple[str, str]:
    """(reason, problem) for an exception from extract, structure or the libraries."""
    chain = _chain(exc)
    for e in chain:
        name = type(e).__name__
        code = getattr(e, "err_code", None)
        if name == "PasswordError" or (name == "PdfiumError" and code == FPDF_ERR_PASSWORD):
            return "encrypted", "is encrypted (password-protected)"
        if name == "PdfiumError" and code == FPDF_ERR_SECURITY:
            return "encrypted", "is encrypted with a security handler the PDF library does not support"
    for e in chain:
        if isinstance(e, MemoryError):
            return "memory", "needs too much memory to read"
        if isinstance(e, RecursionError):
            return "damaged", "is damaged (its objects nest too deep to read)"
    # The library's own words (the innermost exception), not a wrapper's paraphrase.
    text = _one_line(str(chain[-1])) or _one_line(str(exc)) or type(chain[-1]).__name__
    if any(word in text.lower() for word in ("password", "encrypted")):
        return "encrypted", "is encrypted (password-protected)"
    return "damaged", f"is damaged or not a readable PDF ({text})"


def run(data: bytes, channel: Channel, max_pages: int, cpu: tuple[float, float] = (0.0, 0.0),
        part: int = 0, parts: int = 1) -> int:
    """Parse and send; every failure becomes one error message. ``part`` of ``parts``: read
    the pages parts.py gives this part; the facts only in the last part."""
    # Imported outside the try: a broken install is a traceback on stderr (the parent
    # reports the exit code), never a file "damaged".
    from klarsyn.document.pdf import extract, structure
    from klarsyn.document.pdf.parts import next_page

    page: int | None = None
    try:
        document = extract.open_pdf(data)
        pages = len(document)
        if max_pages and pages > max_pages:
            channel.send({"kind": "error", "reason": "too-many-pages",
                          "problem": f"has {pages:,} pages (the limit is {max_pages:,}); refused", "pages": pages})
            return EXIT_PROBLEM
        if cpu[0]:
            limit_cpu(cpu[0] + cpu[1] * pages)
        channel.send({"kind": "start", "pages": pages})
        page = next_page(-1, part, parts, pages)
        for message in extract.page_messages(document, part, parts):
            page = message.get("index") if isinstance(message, dict) else None
            channel.send(message)
            page = next_page(page, part, parts, pages) if isinstance(page, int) else None  # the next one is being read
        page = None
        if part == parts - 1:
            channel.send({"kind": "facts", "facts": structure.read_facts(data).to_dict()})
    except Exception as exc:  # noqa: BLE001 - anything from the libraries on a hostile file: one line
        reason, problem = classify(exc)
        message: dict[str, Any] = {"kind": "error", "reason": reason, "problem": problem}
        if page is not None:
            message["page"] = page
        try:
            channel.send(message)
        except MemoryError:
            os._exit(EXIT_PROBLEM + 1)  # the parent reads this as "too much memory"
        return EXIT_PROBLEM
    channel.send({"kind": "done"})
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m klarsyn.document.pdf.worker")
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--max-pages", type=int, default=0)
    parser.add_argument("--cpu-seconds", type=float, default=0.0)
    parser.add_argument("--cpu-per-page", type=float, default=0.0)
    parser.add_argument("--parent", type=int, default=0)
    parser.add_argument("--part", type=int, default=0)
    parser.add_argument("--parts", type=int, default=1)
    args = parser.parse_args(argv)
    die_with_parent(args.parent)
    limit_memory(args.memory_mb)  # before pypdfium2 and pikepdf are imported
    if args.cpu_seconds:
        limit_cpu(args.cpu_seconds)
    channel = Channel(_protocol_stream())
    data = sys.stdin.buffer.read()
    try:
        return run(data, channel, args.max_pages, (args.cpu_seconds, args.cpu_per_page), args.part, max(args.parts, 1))
    except BrokenPipeError:  # the parent stopped listening (it gave up on us)
        return EXIT_PROBLEM
    except MemoryError:
        return EXIT_PROBLEM + 1


if __name__ == "__main__":
    sys.exit(main())
