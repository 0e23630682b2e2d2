"""The parent side of PDF parsing: run the worker in a child process, within limits.

PDFium and qpdf are native code reading untrusted bytes: a loop inside them cannot be
interrupted from Python, an allocation of gigabytes (a decompression bomb) cannot be
refused from Python, and a crash takes the whole process with it. So the bytes are parsed
in a freshly started interpreter (``sys.executable -P -m klarsyn.document.pdf.worker``: spawned,
never a fork of this process's state) that talks JSON lines (see worker.py), and this side

* caps the child's memory (the worker sets RLIMIT_AS before loading the libraries: Linux
  only; see worker.limit_memory for macOS and Windows);
* gives the child STALL_SECONDS for each message (opening the file, then each page, then the
  structure facts) and a ceiling for the whole run that grows with the page count, so a real
  180-page programme is read and a file that hangs on one page is stopped within seconds.
  Time the child spent waiting for a CPU (a machine busy with other work: on Linux, from
  /proc/PID/schedstat) is added to both, so a busy machine does not refuse a good file; a
  child that loops is on the CPU and one that hangs is asleep, and neither gets more;
* refuses a file of more than MAX_PAGES pages before its pages are read;
* bounds what the child may send (a line, and all lines), since it all stays in memory here;
* turns every failure into one InputError line, and kills and reaps the child on every path
  (an error, a timeout, Ctrl-C), so no child outlives the call.

The figures behind the limits are in docs/design.md, "PDF input: containment".
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from klarsyn.document.pdf.parts import next_page
from klarsyn.errors import InputError


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 300  # the child's address space (RLIMIT_AS); real programmes peak near 60 MB
    max_pages: int = 5_000  # real programmes have up to a few hundred
    stall_seconds: float = 2.0  # the longest wait for the next message (startup and open, a page, the facts)
    base_seconds: float = 2.0  # the whole run: this ...
    per_page_seconds: float = 0.1  # ... plus this for each page the file has
    # What the child may send, all of which is parsed and kept here. JSON of numbers grows
    # about 10 times as Python objects (24 MiB of character boxes: 248 MB), the real page
    # messages about 4.5 times; the six programmes send at most 0.8 MiB. A byte count, not
    # this process's memory, so PDFs read side by side (the CLI's threads) do not count
    # against each other.
    max_line_bytes: int = 8 * 2**20  # one message (one page)
    max_output_bytes: int = 24 * 2**20  # every message together


LIMITS = Limits()
EXIT_PROBLEM = 3  # worker.py: it sent an error message
EXIT_MEMORY = 4  # worker.py: MemoryError where it could not even send one
_CRASH_SIGNALS = ("SIGSEGV", "SIGBUS", "SIGABRT", "SIGILL", "SIGTRAP", "SIGFPE")
_KILLED = -1  # _reap: the child outlived its timeout and was killed here
_EOF = object()
_TOO_LONG = object()


class _Stop(Exception):
    """Raised inside run_worker: the problem for the InputError, after the child is gone."""


# A file this big is read by two workers at once (parts.py deals out the pages) when there
# are two cores or more. Smaller
# files are read faster by one worker than two can start. Each of the two gets half the
# memory, so the file as a whole stays within the limit.
PARALLEL_BYTES = 512 * 1024
PARALLEL_WORKERS = 2


def read_pdf(data: bytes, path: str, *, limits: Limits = LIMITS) -> list[dict[str, Any]]:
    """The messages for the PDF ``data`` as one worker sends them (start, pages in order,
    facts, done), read by one worker or, for a long file, by two at once; the first part's
    InputError if any part fails (each part's own list ends with its "done")."""
    parts = PARALLEL_WORKERS if len(data) >= PARALLEL_BYTES and (os.cpu_count() or 1) >= 2 else 1
    if parts == 1:
        return run_worker(data, path, limits=limits)
    _precheck(data, path)
    share = Limits(**{**limits.__dict__, "memory_mb": max(limits.memory_mb // parts, 1)})
    results: list[list[dict[str, Any]] | BaseException | None] = [None] * parts

    def read(part: int) -> None:
        try:
            results[part] = run_worker(data, path, limits=share, part=part, parts=parts)
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread below
            results[part] = exc

    # Daemon threads: on Ctrl-C the calling thread leaves at once; each worker dies with
    # its own timeouts (and on Linux with this process).
    threads = [threading.Thread(target=read, args=(k,), daemon=True) for k in range(1, parts)]
    for thread in threads:
        thread.start()
    read(0)  # the first part in this thread
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    messages = [m for result in results if isinstance(result, list) for m in result]
    pages = sorted((m for m in messages if m.get("kind") == "page"), key=lambda m: m.get("index", 0))
    start = next(m for m in messages if m.get("kind") == "start")
    return [start, *pages, *(m for m in messages if m.get("kind") == "facts"), {"kind": "done"}]


def run_worker(data: bytes, path: str, *, limits: Limits = LIMITS, command: Sequence[str] | None = None,
               part: int = 0, parts: int = 1) -> list[dict[str, Any]]:
    """The worker's messages for the PDF ``data`` (start, pages, facts, done), or an
    InputError naming ``path`` with one line that says what is wrong with the file.
    ``part`` of ``parts``: the worker reads the pages parts.py gives it, and only the last
    part reads the facts.

    ``command`` replaces the worker's command line (tests substitute a child that stalls
    or crashes); the limits are passed to the real worker only."""
    _precheck(data, path)
    argv = list(command) if command else worker_command(limits) + (["--part", str(part), "--parts", str(parts)] if parts > 1 else [])
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=_child_env(), close_fds=True)
    lines: queue.Queue[object] = queue.Queue(maxsize=4)  # the child waits while we parse: no read-ahead in memory
    stderr_tail = bytearray()
    threads = [threading.Thread(target=_feed, args=(proc, data), daemon=True),
               threading.Thread(target=_read_lines, args=(proc, lines, limits.max_line_bytes), daemon=True),
               threading.Thread(target=_drain, args=(proc, stderr_tail), daemon=True)]
    for thread in threads:
        thread.start()
    progress = _Progress(started, limits, part, parts)
    try:
        messages = _collect(proc, lines, progress, limits)
        if progress.done:
            # Everything was sent: a child that then lingers, or crashes while closing the
            # libraries, costs nothing but is still ended and reaped.
            _reap(proc, timeout=limits.stall_seconds)
            return messages
        peak = _reap(proc, timeout=limits.stall_seconds)
        if peak == _KILLED:
            raise _Stop(f"could not be read (the PDF reader stopped sending on {progress.where()})")
        raise _Stop(_exit_problem(proc.returncode, peak, progress, limits, bytes(stderr_tail)))
    except _Stop as stop:
        raise InputError(path, str(stop)) from None
    finally:
        # Every path, Ctrl-C included: the child is killed if it still runs, and reaped.
        if proc.returncode is None:
            _kill(proc)
        _empty(lines)  # a reader blocked on a full queue sees the child's EOF and ends
        for thread in threads:
            thread.join(timeout=1.0)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass


def worker_command(limits: Limits = LIMITS) -> list[str]:
    # The child's CPU limit sits 2 s above this side's wall-clock ceiling: it only ever
    # stops a child whose parent is gone (CPU time never runs ahead of wall time here).
    # -P: the working directory (often the folder being checked) is not put on the child's
    # path, so a json.py or pypdfium2.py lying there is never imported in its place.
    return [sys.executable, "-P", "-m", "klarsyn.document.pdf.worker",
            "--memory-mb", str(limits.memory_mb), "--max-pages", str(limits.max_pages),
            "--cpu-seconds", f"{limits.base_seconds + limits.stall_seconds + 2:g}",
            "--cpu-per-page", f"{limits.per_page_seconds:g}", "--parent", str(os.getpid())]


def _precheck(data: bytes, path: str) -> None:
    """What needs no parser: an empty file, or one that is not a PDF at all. (PDFium, like
    Acrobat, accepts up to 1,024 bytes of junk before the header.)"""
    if not data:
        raise InputError(path, "is empty (0 bytes), not a PDF")
    if b"%PDF-" not in data[:1024]:
        raise InputError(path, "is not a PDF file (it does not begin with %PDF-)")


def _child_env() -> dict[str, str]:
    """The parent's environment, with this klarsyn first on the path, so the child runs the
    same code whether klarsyn is installed or run from a checkout."""
    env = dict(os.environ)
    here = str(Path(__file__).resolve().parents[3])  # .../server (the folder holding klarsyn/)
    env["PYTHONPATH"] = here + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


class _Progress:
    """Where the child is (opening, page i, facts) and when it must next be heard from."""

    def __init__(self, started: float, limits: Limits, part: int = 0, parts: int = 1) -> None:
        self.started = started
        self.part, self.parts = part, parts  # which pages the worker reads (parts.py)
        self.heard = started
        self.pages: int | None = None
        self.next_page = 0
        self.facts = False
        self.done = False
        self.ceiling = started + limits.base_seconds + limits.stall_seconds  # until the page count is known
        self.limits = limits
        # Seconds the child waited for a CPU (see _starved): in all, and before the last message.
        self.waited = 0.0
        self.waited_at_heard = 0.0

    def deadline(self) -> float:
        granted = min(self.waited, _MAX_GRACE)
        return min(self.heard + self.limits.stall_seconds + max(0.0, granted - self.waited_at_heard), self.ceiling + granted)

    def where(self) -> str:
        if self.pages is None:
            return "opening it"
        if self.next_page < self.pages:
            return f"page {self.next_page + 1}"
        return "reading its structure (tags, fonts)"

    def saw(self, message: dict[str, Any]) -> None:
        self.heard = time.monotonic()
        self.waited_at_heard = self.waited
        kind = message.get("kind")
        if kind == "start":
            pages = message.get("pages")
            if not isinstance(pages, int) or pages < 0:
                raise _Stop("could not be read (the PDF reader sent a bad page count)")
            self.pages = pages
            self.next_page = next_page(-1, self.part, self.parts, pages)
            self.ceiling = self.started + self.limits.base_seconds + self.limits.per_page_seconds * pages
        elif kind == "page":
            index = message.get("index")
            self.next_page = (next_page(index, self.part, self.parts, self.pages or 0) if isinstance(index, int)
                              else self.next_page + 1)
        elif kind == "facts":
            self.facts = True
        elif kind == "done":
            self.done = True


def _collect(proc: subprocess.Popen[bytes], lines: queue.Queue[object], progress: _Progress, limits: Limits) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    total = 0
    while True:
        wait = progress.deadline() - time.monotonic()
        try:
            item = lines.get(timeout=max(wait, 0.0)) if wait > 0 else lines.get_nowait()
        except queue.Empty:
            if _starved(proc, progress):
                continue  # kept off the CPU by other work: the time it waited is given back
            _kill(proc)
            raise _Stop(_timeout_problem(progress)) from None
        if item is _EOF:
            return messages
        if item is _TOO_LONG:
            _kill(proc)
            raise _Stop(f"holds too much text to check (more than {limits.max_line_bytes // 2**20} MiB on {progress.where()}); refused")
        assert isinstance(item, bytes)
        total += len(item)
        if total > limits.max_output_bytes:
            _kill(proc)
            raise _Stop(f"holds too much text to check (more than {limits.max_output_bytes // 2**20} MiB); refused")
        try:
            message = json.loads(item)
        except ValueError:
            _kill(proc)
            raise _Stop(f"could not be read (the PDF reader sent a broken message on {progress.where()})") from None
        if not isinstance(message, dict):
            _kill(proc)
            raise _Stop(f"could not be read (the PDF reader sent a broken message on {progress.where()})")
        if message.get("kind") == "error":
            _kill(proc)
            raise _Stop(_error_problem(message, limits))
        progress.saw(message)
        if progress.done:
            return messages  # nothing after "done" is read
        messages.append(message)


# At most this much waiting for a CPU is given back (a machine so loaded that a page waits
# half a minute is better told "took too long" than left waiting).
_MAX_GRACE = 30.0


def _waited_for_cpu(pid: int) -> float | None:
    """Seconds a running child has spent runnable but waiting for a CPU: the second field of
    Linux's /proc/PID/schedstat (nanoseconds). None where there is no such file."""
    try:
        with open(f"/proc/{pid}/schedstat", "rb") as handle:
            return int(handle.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def _starved(proc: subprocess.Popen[bytes], progress: _Progress) -> bool:
    """Whether the child missed its deadline for want of a CPU rather than by looping or
    hanging: it waited for one longer than the time given back so far. Then that waiting is
    given back (``progress.waited``), up to _MAX_GRACE."""
    waited = _waited_for_cpu(proc.pid)
    if waited is None or waited <= progress.waited + 0.05 or progress.waited >= _MAX_GRACE:
        return False
    progress.waited = waited
    return True


def _timeout_problem(progress: _Progress) -> str:
    now = time.monotonic()
    if now >= progress.ceiling - 0.01 and progress.pages is not None:
        return (f"took too long to read (more than {progress.ceiling - progress.started:.1f} s for "
                f"{progress.pages:,} pages, stopped at {progress.where()}); refused")
    return f"took too long to read ({progress.where()} gave no result within {progress.limits.stall_seconds:g} s); refused"


def _error_problem(message: dict[str, Any], limits: Limits) -> str:
    reason = message.get("reason")
    problem = str(message.get("problem") or "could not be read")
    page = message.get("page")
    where = f" (page {page + 1})" if isinstance(page, int) else ""
    if reason == "damaged" and where and problem.endswith(")"):
        return f"{problem[:-1]}, on page {page + 1})"  # type: ignore[operator]
    if reason == "encrypted":
        return f"{problem}; save a copy without a password to have it checked"
    if reason == "memory":
        return f"needs more than {limits.memory_mb} MB of memory to read{where} (a decompression bomb?); refused"
    if reason == "damaged" and where:
        return f"{problem}{where}"
    return problem


def _exit_problem(code: int | None, peak_kb: int | None, progress: _Progress, limits: Limits, stderr: bytes) -> str:
    """The child ended without an error message or without finishing."""
    where = progress.where()
    if code is not None and code < 0:  # killed by a signal (POSIX)
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if name == "SIGXCPU":
            return f"took too long to read (stopped on {where}); refused"
        # PDFium aborts when an allocation fails (RLIMIT_AS reached); a kill is the kernel's
        # OOM killer. The peak tells an allocation failure from a crash in the library.
        near_limit = peak_kb is not None and peak_kb * 1024 >= limits.memory_mb * 2**20 // 2
        if name == "SIGKILL" or (name in ("SIGABRT", "SIGILL", "SIGTRAP") and near_limit):
            return f"needs more than {limits.memory_mb} MB of memory to read ({where}; a decompression bomb?); refused"
        if name in _CRASH_SIGNALS:
            return f"crashed the PDF library ({name} on {where}); the file is probably damaged"
        return f"stopped the PDF reader ({name} on {where})"
    if code == EXIT_MEMORY:
        return f"needs more than {limits.memory_mb} MB of memory to read ({where}); refused"
    if code == 0 and not progress.done:
        return f"could not be read (the PDF reader stopped early, on {where})"
    last = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
    return f"could not be read (the PDF reader failed with exit code {code}: {' '.join(last[0].split())[:200]})"


def _empty(lines: queue.Queue[object]) -> None:
    try:
        while True:
            lines.get_nowait()
    except queue.Empty:
        pass


# --- the child's pipes (threads, so a silent child cannot block us: works on Windows too) --

def _feed(proc: subprocess.Popen[bytes], data: bytes) -> None:
    try:
        assert proc.stdin is not None
        proc.stdin.write(data)
        proc.stdin.close()
    except (OSError, ValueError):  # the child died or was killed before reading it all
        pass


def _read_lines(proc: subprocess.Popen[bytes], lines: queue.Queue[object], limit: int) -> None:
    assert proc.stdout is not None
    try:
        while True:
            line = proc.stdout.readline(limit + 1)
            if not line:
                break
            if len(line) > limit and not line.endswith(b"\n"):
                _put(lines, _TOO_LONG)
                return
            if not _put(lines, line):
                return
    except (OSError, ValueError):
        pass
    _put(lines, _EOF)


def _put(lines: queue.Queue[object], item: object) -> bool:
    """Hand a line over; False when nobody has taken one for a long while (the parent has
    given up and closed our pipe, or is gone), so this thread never blocks for ever."""
    try:
        lines.put(item, timeout=60.0)
        return True
    except queue.Full:
        return False


def _drain(proc: subprocess.Popen[bytes], tail: bytearray, keep: int = 4096) -> None:
    """Read the child's stderr (qpdf warnings) so a full pipe never blocks it; keep the end."""
    assert proc.stderr is not None
    try:
        while chunk := proc.stderr.read1(65536):
            tail.extend(chunk)
            del tail[:-keep]
    except (OSError, ValueError):
        pass


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.returncode is None:
        try:
            proc.kill()
        except OSError:
            pass
        _reap(proc, timeout=None)


def _reap(proc: subprocess.Popen[bytes], timeout: float | None) -> int | None:
    """Wait for the child (killing it after ``timeout`` s); its peak memory in KiB where the
    system says (wait4), else None; _KILLED when the timeout ran out."""
    if proc.returncode is not None:
        return None
    if not hasattr(os, "wait4"):  # Windows
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return _KILLED
        return None
    deadline = None if timeout is None else time.monotonic() + timeout
    flags = os.WNOHANG
    killed = False
    while True:
        if deadline is not None and time.monotonic() >= deadline:
            try:
                proc.kill()
            except OSError:
                pass
            deadline, flags, killed = None, 0, True
        try:
            pid, status, usage = os.wait4(proc.pid, flags if deadline is not None else 0)
        except ChildProcessError:  # reaped elsewhere
            proc.wait()
            return None
        except InterruptedError:
            continue
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            if killed:
                return _KILLED
            # ru_maxrss is in KiB on Linux and in bytes on macOS.
            return usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
        time.sleep(0.005)
