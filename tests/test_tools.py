"""The measurement scripts and generated docs stay honest and runnable."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_rules_doc_is_up_to_date() -> None:
    assert _load("gen_rules_doc").render() == (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


UD = sorted((SHARED / "data" / "ud").glob("*-dev.conllu"))


@pytest.mark.skipif(not UD, reason="shared/ UD data not available")
@pytest.mark.parametrize("path", UD, ids=lambda p: p.name)
def test_sentence_boundary_f1_on_universal_dependencies(path: Path) -> None:
    evaluate = _load("eval_sentences").evaluate
    lang = "nn" if "nynorsk" in path.name else "nb"
    tp, fp, fn = evaluate(path, lang, layout=True)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.985, (precision, recall, f1)
    # Running headlines into the next sentence costs recall, never precision.
    tp, fp, fn = evaluate(path, lang, layout=False)
    assert tp / (tp + fp) >= 0.99


def test_wheel_ships_rule_packs_and_runs(tmp_path: Path) -> None:
    """A wheel install (not the editable one) finds the rule packs and checks the sample."""
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if build.returncode != 0 and "Could not find a version" in build.stderr:
        pytest.skip("no package index reachable to fetch the build backend")
    assert build.returncode == 0, build.stderr
    [wheel] = wheels.glob("klarsyn-*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)], check=True
    )
    probe = (
        "import sys, klarsyn, klarsyn.resources as r\n"
        "assert klarsyn.__file__.startswith(sys.argv[1]), klarsyn.__file__\n"
        "assert str(r.rules_dir()).startswith(sys.argv[1]) and (r.rules_dir() / 'README.md').is_file()\n"
        "from klarsyn.cli.main import main\n"
        "sys.exit(main(['check', sys.argv[2], '-q']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(target), str(ROOT / "examples" / "lokalvalg-2023-utkast.md")],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "lang-setning" in result.stdout


@pytest.mark.skipif(not UD, reason="shared/ UD data not available")
def test_passage_language_never_calls_norwegian_english() -> None:
    result = _load("eval_passage_language").evaluate(SHARED)
    for name, (judged, english) in result.items():
        if name == "english docs":
            assert english / judged >= 0.75, (judged, english)
        elif name == "english docs called Norwegian":
            assert english == 0, (judged, english)
        else:
            assert judged > 50 and english == 0, (name, judged, english)
