"""CI must fail when a test fails.

These tests run the real ``.ci/test-steps`` (the README's test command, which ``.ci/run``
calls) in a throw-away repository: ``python3 -m venv`` and ``pip`` are stubs, so nothing is
installed, but ``.venv/bin/python -m pytest`` is a real pytest run over a tiny test suite, and
``npm`` is a stub whose ``ci`` and ``test`` exit codes each test chooses.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

STEPS = ROOT / ".ci" / "test-steps"
BASH = shutil.which("bash")

pytestmark = pytest.mark.skipif(BASH is None, reason="needs bash")

_PYTHON3_STUB = """#!/bin/sh
# Stands in for the system python3: `-m venv .venv` makes a venv whose python is the test
# run's own interpreter (which has pytest) and whose pip installs nothing.
if [ "$1" = -m ] && [ "$2" = venv ]; then
  mkdir -p "$3/bin"
  printf '#!/bin/sh\\nexec %s "$@"\\n' "{python}" > "$3/bin/python"
  printf '#!/bin/sh\\necho "pip $*" >> "{log}"\\nexit "${{PIP_EXIT:-0}}"\\n' > "$3/bin/pip"
  chmod +x "$3/bin/python" "$3/bin/pip"
  echo "venv $3" >> "{log}"
  exit 0
fi
exec "{python}" "$@"
"""

_NPM_STUB = """#!/bin/sh
echo "npm $* in $(basename "$PWD")" >> "{log}"
if [ "$1" = ci ]; then exit "${{NPM_CI_EXIT:-0}}"; fi
if [ "$1" = test ]; then exit "${{NPM_TEST_EXIT:-0}}"; fi
exit 0
"""


def _repo(tmp_path: Path, test_body: str | None) -> tuple[Path, Path, dict[str, str]]:
    """A repository with the real .ci/test-steps, a test suite, and stub tools on PATH."""
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    shutil.copy2(STEPS, repo / ".ci" / "test-steps")
    (repo / "vscode-extension").mkdir()
    (repo / "tests").mkdir()
    if test_body is not None:
        (repo / "tests" / "test_one.py").write_text(test_body, encoding="utf-8")
    # Keeps pytest from walking up into this repository's own config.
    (repo / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\n", encoding="utf-8")
    log = tmp_path / "log"
    log.write_text("", encoding="utf-8")
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for name, text in (("python3", _PYTHON3_STUB), ("npm", _NPM_STUB)):
        (stubs / name).write_text(text.format(python=sys.executable, log=log), encoding="utf-8")
        (stubs / name).chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NPM_", "PIP_"))}
    env["PATH"] = f"{stubs}{os.pathsep}{env.get('PATH', '')}"
    return repo, log, env


def _run(repo: Path, env: dict[str, str], **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BASH, str(repo / ".ci" / "test-steps")],
        cwd=repo, env={**env, **extra}, capture_output=True, text=True, timeout=120,
    )


PASSING = "def test_ok():\n    assert True\n"
FAILING = "def test_ok():\n    assert True\n\ndef test_broken():\n    assert 1 == 2\n"


def test_all_steps_pass_and_run_in_order(tmp_path):
    repo, log, env = _repo(tmp_path, PASSING)
    done = _run(repo, env)
    assert done.returncode == 0, done.stderr
    assert "1 passed" in done.stdout
    assert log.read_text().splitlines() == [
        "venv .venv",
        "pip install -q -e .[test]",
        "npm ci --no-audit --no-fund in vscode-extension",
        "npm test in vscode-extension",
    ]


def test_a_failing_pytest_test_fails_the_run_and_stops_it(tmp_path):
    repo, log, env = _repo(tmp_path, FAILING)
    done = _run(repo, env)
    assert done.returncode == 1
    assert "1 failed" in done.stdout
    assert "ci: step failed with exit code 1: .venv/bin/python -m pytest" in done.stderr
    assert "npm" not in log.read_text()


def test_no_tests_collected_fails_the_run(tmp_path):
    repo, log, env = _repo(tmp_path, None)
    done = _run(repo, env)
    assert done.returncode == 5
    assert "ci: no tests were collected" in done.stderr
    assert "npm" not in log.read_text()


def test_a_failing_npm_test_fails_the_run(tmp_path):
    repo, log, env = _repo(tmp_path, PASSING)
    done = _run(repo, env, NPM_TEST_EXIT="1")
    assert done.returncode == 1
    assert "ci: step failed with exit code 1: npm test" in done.stderr
    assert "npm test in vscode-extension" in log.read_text()


def test_a_failing_npm_ci_stops_before_npm_test(tmp_path):
    repo, log, env = _repo(tmp_path, PASSING)
    done = _run(repo, env, NPM_CI_EXIT="3")
    assert done.returncode == 3
    assert "npm test" not in log.read_text()


def test_a_failing_install_stops_before_pytest(tmp_path):
    repo, log, env = _repo(tmp_path, FAILING)
    done = _run(repo, env, PIP_EXIT="1")
    assert done.returncode == 1
    assert "failed" not in done.stdout  # pytest never ran
    assert "npm" not in log.read_text()


def _readme_test_command() -> list[str]:
    """The README's development test command, as the steps it runs, `( cd x && …)` flattened."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    command = next(b for b in blocks if "-m pytest" in b).strip()
    steps = []
    for part in command.split(" && "):
        part = part.strip().removeprefix("(").removesuffix(")").strip()
        steps.append(shlex.split(part))
    return steps


def _script_steps() -> list[list[str]]:
    lines = STEPS.read_text(encoding="utf-8").splitlines()
    return [shlex.split(line)[1:] for line in lines if line.startswith("step ")]


def test_the_steps_are_the_readme_test_command():
    assert _script_steps() == _readme_test_command()


def test_ci_run_calls_the_steps_as_a_command_of_its_own():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert ".ci/test-steps" in lines
    # No && list among the commands run at the top level: set -e would not stop at its failures.
    assert not [line for line in lines if "&&" in line and not line.startswith("#") and "$(" not in line]


def _git(cwd: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e",
           "HOME": str(cwd), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_action_keeps_the_full_history_checkout_fetched(tmp_path: Path) -> None:
    """The action's check step, run as GitHub runs it, in a full clone (fetch-depth: 0)."""
    import yaml

    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    [step] = [s for s in action["runs"]["steps"] if s.get("id") == "check"]
    script = step["run"]
    assert "${{" not in script  # inputs arrive through env, so this is the script that runs
    origin = tmp_path / "origin"
    origin.mkdir()
    _git(origin, "init", "-q", "-b", "main")
    for i in range(3):
        (origin / f"kapittel{i}.md").write_text(f"Kapittel {i}.\n", encoding="utf-8")
        _git(origin, "add", ".")
        _git(origin, "commit", "-q", "-m", f"kapittel {i}")
    _git(tmp_path, "clone", "-q", origin.as_uri(), "clone")
    clone = tmp_path / "clone"
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    log = tmp_path / "klarsyn-args"
    (stubs / "python").write_text(f'#!/bin/sh\necho "$@" > "{log}"\n', encoding="utf-8")
    (stubs / "python").chmod(0o755)
    env = {**os.environ, "PATH": f"{stubs}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path),
           "KLARSYN_PATHS": ".", "KLARSYN_FORMAT": "github", "KLARSYN_DIFF": "main", "KLARSYN_BASELINE": "",
           "KLARSYN_FAIL_ON": "error", "GITHUB_OUTPUT": str(tmp_path / "output")}
    done = subprocess.run([BASH, "-e", "-c", script], cwd=clone, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert _git(clone, "rev-parse", "--is-shallow-repository") == "false"
    assert _git(clone, "rev-list", "--count", "HEAD") == "3"
    assert f"--diff {_git(clone, 'rev-parse', 'origin/main')} " in log.read_text()
