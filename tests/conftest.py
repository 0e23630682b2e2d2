from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
SAMPLE_MD = EXAMPLES / "lokalvalg-2023-utkast.md"
SAMPLE_TXT = EXAMPLES / "lokalvalg-2023-utkast.txt"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Tests never read or fill the user's real result cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Run ``klarsyn`` in-process; returns (exit code, stdout, stderr)."""
    from klarsyn.cli.main import main

    def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run
