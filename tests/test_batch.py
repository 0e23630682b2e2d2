"""Batch runs: parallel and cached results are the same as a plain run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_MD


def folder_of_drafts(tmp_path: Path, count: int, repeat: int = 1) -> Path:
    folder = tmp_path / "utkast"
    folder.mkdir()
    text = SAMPLE_MD.read_text(encoding="utf-8")
    for i in range(count):
        body = "\n\n".join(text.replace("Valgseier", f"Valgseier {i}.{n}") for n in range(repeat))
        (folder / f"{i:02d}-kapittel.md").write_text(body, encoding="utf-8")
    return folder


def findings(out: str) -> list[tuple[str, str, int]]:
    return [(f["path"], d["rule"], d["offset"][0]) for f in json.loads(out)["files"] for d in f["diagnostics"]]


def test_parallel_cached_and_plain_runs_agree(run_cli, tmp_path: Path) -> None:
    folder = folder_of_drafts(tmp_path, 6, repeat=3)  # 240,000 characters: parallel work kicks in
    cache = tmp_path / "cache"
    _, plain, _ = run_cli("check", str(folder), "--format", "json", "--no-cache", "--jobs", "1")
    _, parallel, _ = run_cli("check", str(folder), "--format", "json", "--jobs", "2", "--cache-dir", str(cache))
    assert findings(parallel) == findings(plain) and findings(plain)
    assert sum(1 for _ in cache.rglob("*") if _.is_file()) == 6
    _, cached, _ = run_cli("check", str(folder), "--format", "json", "--jobs", "2", "--cache-dir", str(cache))
    assert findings(cached) == findings(plain)


def test_changed_file_is_checked_again(run_cli, tmp_path: Path) -> None:
    folder = folder_of_drafts(tmp_path, 2)
    cache = tmp_path / "cache"
    run_cli("check", str(folder), "--cache-dir", str(cache), "-q")
    first = folder / "00-kapittel.md"
    first.write_text(first.read_text(encoding="utf-8") + "\nVi vil f.eks. mer.\n", encoding="utf-8")
    _, out, _ = run_cli("check", str(first), "--cache-dir", str(cache), "--select", "forkortelser", "--format", "json")
    assert len(findings(out)) == 4  # the three of the sample and the new one


def test_a_broken_cache_file_is_ignored(run_cli, tmp_path: Path) -> None:
    folder = folder_of_drafts(tmp_path, 1)
    cache = tmp_path / "cache"
    _, before, _ = run_cli("check", str(folder), "--cache-dir", str(cache), "--format", "json")
    for f in cache.rglob("*"):
        if f.is_file():
            f.write_bytes(b"not a pickle")
    _, after, _ = run_cli("check", str(folder), "--cache-dir", str(cache), "--format", "json")
    assert findings(after) == findings(before)


def _children(pid: int) -> list[int]:
    try:
        return [int(n) for n in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _as_from_a_terminal() -> None:
    """Start klarsyn as a shell starts a command typed at the prompt: with Ctrl-C's default
    meaning. A test runner started in the background of a script (``cmd &`` without job
    control) ignores SIGINT, children inherit that, and klarsyn rightly keeps ignoring it,
    as every program does under nohup or in a background job."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGINT are POSIX")
def test_ctrl_c_ends_a_parallel_run_at_once(tmp_path: Path) -> None:
    """Ctrl-C in a terminal sends SIGINT to klarsyn and its workers alike. The run must end
    within seconds, with 130, one line and no worker tracebacks, and leave no worker behind.
    The hang this guards against came only now and then, so a few tries at several moments."""
    folder = folder_of_drafts(tmp_path, 24, repeat=10)  # about 3 MB: seconds of work
    command = [sys.executable, "-m", "klarsyn", "check", "--no-cache", "--jobs", "2", str(folder)]
    for delay in (0.0, 0.05, 0.2, 0.5, 1.0):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                                preexec_fn=_as_from_a_terminal)
        try:
            # Wait until the workers are there (the parallel phase has begun); where /proc
            # cannot tell, give the run time to get that far.
            deadline = time.monotonic() + 60
            while len(_children(proc.pid)) < 2 and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.02)
            if not Path(f"/proc/{proc.pid}/task/{proc.pid}/children").exists():
                time.sleep(3)
            assert proc.poll() is None, "the run ended before it could be interrupted"
            time.sleep(delay)
            os.killpg(proc.pid, signal.SIGINT)
            _, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail(f"klarsyn still running 10 s after Ctrl-C (Ctrl-C {delay} s after the workers started)")
        text = err.decode("utf-8", "replace")
        assert proc.returncode == 130, text
        assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
        assert text.strip().splitlines() == ["klarsyn: interrupted"], text
        deadline = time.monotonic() + 5
        while _group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _group_alive(proc.pid), "a worker process outlived klarsyn"
