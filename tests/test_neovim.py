"""Neovim, headless, as a real editor client of `klarsyn lsp` on the sample draft."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_MD

NVIM = shutil.which("nvim")


@pytest.mark.skipif(NVIM is None, reason="Neovim is not installed (.ci/run installs Debian's neovim)")
def test_neovim_receives_diagnostics_on_the_sample_draft(tmp_path: Path) -> None:
    draft = tmp_path / "utkast.md"
    draft.write_bytes(SAMPLE_MD.read_bytes())
    out = tmp_path / "diagnostics.json"
    home = tmp_path / "home"
    env = {
        **os.environ,
        "KLARSYN_FILE": str(draft),
        "KLARSYN_OUT": str(out),
        "KLARSYN_PYTHON": sys.executable,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    script = Path(__file__).parent / "clients" / "nvim_diagnostics.lua"
    result = subprocess.run([NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-S", str(script)],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["ok"]
    lines = draft.read_text(encoding="utf-8").splitlines()
    shown = payload["shown"]
    assert len(shown) >= 30
    by_code: dict[str, list[str]] = {}
    for d in payload["raw"]["diagnostics"]:
        start, end = d["range"]["start"], d["range"]["end"]
        if start["line"] == end["line"]:
            line = lines[start["line"]]
            # Neovim 0.7 negotiates no encoding: positions are UTF-16 units; these lines have no astral characters.
            by_code.setdefault(d["code"], []).append(line[start["character"] : end["character"]])
    assert "herunder" in by_code["kanselli"]
    assert by_code["gjentatt-preposisjon"] == ["gjennom direkte gjennom"] and by_code["lengre-lenger"] == ["lengre"]
    assert "passiv" not in by_code  # single passives are off by default
    assert any(d["message"].startswith("Lang setning") for d in shown)
