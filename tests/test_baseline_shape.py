"""Baseline files of the wrong shape stop with one line naming the file and what is wrong,
exit 2 — not a TypeError or RecursionError traceback (fuzz report D8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FINGERPRINT = "kanselli:1dcd9c3f8105131083295597afeb9e15"


def _check(run_cli, tmp_path: Path, baseline: str) -> tuple[int, str, str, Path]:
    draft = tmp_path / "a.md"
    draft.write_text("Kommunen skal herunder bygge.\n", encoding="utf-8")
    path = tmp_path / "baseline.json"
    path.write_text(baseline, encoding="utf-8")
    code, out, err = run_cli("check", "--no-cache", "--baseline", str(path), str(draft))
    return code, out, err, path


CASES = [
    ('{"version": 1, "findings": {"a.md": 5}}', 'findings["a.md"] must map fingerprints to counts, not 5'),
    ('{"version": 1, "findings": {"a.md": ["x"]}}', 'findings["a.md"] must map fingerprints to counts, not ["x"]'),
    (json.dumps({"version": 1, "tool": "klarsyn", "findings": {"a.md": {FINGERPRINT: "1"}}}),
     f'findings["a.md"]["{FINGERPRINT}"] must be a whole number of at least 0, not "1"'),
    (json.dumps({"version": 1, "findings": {"a.md": {FINGERPRINT: 1.5}}}),
     f'findings["a.md"]["{FINGERPRINT}"] must be a whole number of at least 0, not 1.5'),
    (json.dumps({"version": 1, "findings": {"a.md": {FINGERPRINT: True}}}),
     f'findings["a.md"]["{FINGERPRINT}"] must be a whole number of at least 0, not true'),
    (json.dumps({"version": 1, "findings": {"a.md": {FINGERPRINT: -1}}}),
     f'findings["a.md"]["{FINGERPRINT}"] must be a whole number of at least 0, not -1'),
    (json.dumps({"version": 1, "findings": {"a.md": {FINGERPRINT: None}}}),
     f'findings["a.md"]["{FINGERPRINT}"] must be a whole number of at least 0, not null'),
    ("[" * 100_000, "(nested too deeply)"),
    ('{"version": 1, "findings": {"a.md": {"x": 1' + "0" * 5000 + "}}}", None),
]


@pytest.mark.parametrize(("baseline", "problem"), CASES, ids=[str(c[1])[:40] for c in CASES])
def test_wrong_shape_is_one_line(run_cli, tmp_path: Path, baseline: str, problem: str | None) -> None:
    code, out, err, path = _check(run_cli, tmp_path, baseline)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"klarsyn: {path}: not a klarsyn baseline")
    if problem is not None:
        assert lines[0].endswith(problem)


def test_a_long_file_name_is_cut_in_the_message(run_cli, tmp_path: Path) -> None:
    name = "kapittel-" * 100 + ".md"
    code, _out, err, _path = _check(run_cli, tmp_path, json.dumps({"version": 1, "findings": {name: 5}}))
    assert code == 2 and len(err.splitlines()) == 1 and len(err) < 300


def test_written_baseline_still_reads(run_cli, tmp_path: Path) -> None:
    draft = tmp_path / "a.md"
    draft.write_text("Kommunen skal herunder bygge.\n", encoding="utf-8")
    path = tmp_path / "baseline.json"
    code, _out, _err = run_cli("baseline", "write", str(path), str(draft))
    assert code == 0
    code, out, err = run_cli("check", "--no-cache", "--baseline", str(path), str(draft), "-q")
    assert (code, out, err) == (0, "", "")
