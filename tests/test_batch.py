"""Batch runs: parallel and cached results are the same as a plain run."""

from __future__ import annotations

import json
from pathlib import Path

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
