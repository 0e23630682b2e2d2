"""What `klarsyn check` loads: a plain-text draft needs neither the language server's stack
nor the Markdown parser, .gitignore matching or worker processes (their imports are a good
part of the start-up time of a short check)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT, SAMPLE_TXT

_PROBE = """
import runpy, sys, json
sys.argv = ["klarsyn", "check", sys.argv[1], "--format", "json", "--no-cache"]
try:
    runpy.run_module("klarsyn", run_name="__main__")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""

_NOT_FOR_PLAIN_TEXT = ("pygls", "lsprotocol", "cattrs", "lxml", "markdown_it", "pathspec", "multiprocessing", "docx", "odf")


def _modules_loaded(path: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server")}
    done = subprocess.run([sys.executable, "-c", _PROBE, path], capture_output=True, text=True, env=env, timeout=120)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_a_plain_text_check_loads_no_markdown_lsp_or_worker_modules() -> None:
    loaded = _modules_loaded(str(SAMPLE_TXT))
    heavy = sorted(m for m in loaded if m.split(".")[0] in _NOT_FOR_PLAIN_TEXT)
    assert heavy == []
    assert "klarsyn.engine.runner" in loaded  # the probe did run a check


def test_a_markdown_check_still_loads_its_parser() -> None:
    loaded = _modules_loaded(str(SAMPLE_TXT.with_suffix(".md")))
    assert "markdown_it" in loaded


def test_a_check_collects_garbage_less_often_and_puts_the_thresholds_back(monkeypatch) -> None:
    import gc

    from klarsyn.cli import main as cli

    seen = []
    monkeypatch.setattr(cli, "_check", lambda args: seen.append(gc.get_threshold()) or 0)
    before = gc.get_threshold()
    assert cli.main(["check", str(SAMPLE_TXT)]) == 0
    assert seen == [cli._BATCH_GC_THRESHOLDS]
    assert gc.get_threshold() == before
