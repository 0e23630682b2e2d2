"""--diff BASE shows only findings on changed lines; a baseline hides old findings, not new ones."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

FIRST = "# Skole\n\nKommunen skal herunder bygge skoler.\n\nVi vil f.eks. ha flere lærere.\n"
SECOND = "# Skole\n\nKommunen skal herunder bygge skoler.\n\nVi vil f.eks. ha flere lærere.\n\nDet skal bygges tre nye skoler til ca. 30 millioner.\n"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@e", "HOME": str(cwd), "PATH": "/usr/bin:/bin"})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    draft = tmp_path / "kapittel.md"
    draft.write_text(FIRST, encoding="utf-8")
    git(tmp_path, "add", "kapittel.md")
    git(tmp_path, "commit", "-q", "-m", "first draft")
    draft.write_text(SECOND, encoding="utf-8")
    git(tmp_path, "commit", "-q", "-am", "amendment")
    return tmp_path


def rules_in(out: str) -> list[tuple[str, int]]:
    [file] = json.loads(out)["files"]
    return [(d["rule"], d["location"]["line"]) for d in file["diagnostics"]]


def test_diff_reports_only_changed_lines(run_cli, repo: Path) -> None:
    draft = str(repo / "kapittel.md")
    _, everything, _ = run_cli("check", draft, "--select", "kanselli,forkortelser,passiv", "--format", "json")
    assert rules_in(everything) == [("kanselli", 3), ("forkortelser", 5), ("passiv", 7), ("forkortelser", 7)]
    code, changed, err = run_cli("check", draft, "--select", "kanselli,forkortelser,passiv", "--format", "json", "--diff", "HEAD~1")
    assert rules_in(changed) == [("passiv", 7), ("forkortelser", 7)], err
    _, none, _ = run_cli("check", draft, "--select", "kanselli,forkortelser,passiv", "--format", "json", "--diff", "HEAD")
    assert rules_in(none) == []


def test_diff_treats_a_new_file_as_all_new(run_cli, repo: Path) -> None:
    new = repo / "nytt.md"
    new.write_text("Vi vil f.eks. bygge.\n", encoding="utf-8")
    _, out, _ = run_cli("check", str(new), "--select", "forkortelser", "--format", "json", "--diff", "HEAD")
    assert rules_in(out) == [("forkortelser", 1)]


def test_diff_with_a_bad_revision_is_a_clear_error(run_cli, repo: Path) -> None:
    code, out, err = run_cli("check", str(repo / "kapittel.md"), "--diff", "finnesikke")
    assert code == 2 and out == ""
    assert err.startswith("klarsyn: --diff finnesikke: no commit 'finnesikke' in the git repository ")
    assert len(err.splitlines()) == 1


def test_diff_outside_a_git_repository_names_the_file(run_cli, tmp_path: Path) -> None:
    draft = tmp_path / "kapittel.md"
    draft.write_text(FIRST, encoding="utf-8")
    code, _, err = run_cli("check", str(draft), "--diff", "main")
    assert code == 2 and err == f"klarsyn: --diff main: {draft} is not in a git repository\n"


def test_baseline_hides_old_findings_but_not_new_ones_and_survives_moving_text(run_cli, tmp_path: Path) -> None:
    draft = tmp_path / "kapittel.md"
    draft.write_text(FIRST, encoding="utf-8")
    baseline = tmp_path / "klarsyn-baseline.json"
    code, _, err = run_cli("baseline", "write", str(baseline), str(draft), "--select", "kanselli,forkortelser")
    assert code == 0 and "2 findings in 1 file recorded" in err
    # Text moves down (a new paragraph above) and a new finding arrives.
    draft.write_text("# Skole\n\nEt nytt avsnitt først.\n\n" + FIRST.split("\n\n", 1)[1] + "\nDet koster ca. tre millioner.\n", encoding="utf-8")
    _, out, _ = run_cli("check", str(draft), "--select", "kanselli,forkortelser", "--format", "json", "--baseline", str(baseline))
    assert rules_in(out) == [("forkortelser", 9)]


def test_baseline_errors(run_cli, tmp_path: Path) -> None:
    draft = tmp_path / "a.md"
    draft.write_text(FIRST, encoding="utf-8")
    code, _, err = run_cli("check", str(draft), "--baseline", str(tmp_path / "none.json"))
    assert code == 2 and "no such baseline file" in err
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    code, _, err = run_cli("check", str(draft), "--baseline", str(tmp_path / "bad.json"))
    assert code == 2 and "not a klarsyn baseline" in err
