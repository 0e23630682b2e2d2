"""Things a new user runs into on the command line: every rule id a finding shows can be
explained, selected and ignored; errors are one line; summaries speak proper Norwegian."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from klarsyn.document.suffixes import SUPPORTED_SUFFIXES
from tests.conftest import SAMPLE_MD

# A suppression comment with a typo in the rule id, and one that silences nothing.
_COMMENTS = (
    "<!-- klarsyn-disable-next-line lang-setnig -- sitat -->\n"
    "Vi vil bygge skoler.\n\n"
    "<!-- klarsyn-disable-next-line versaler -->\n"
    "Vi vil bygge flere skoler.\n\n"
)


def _rules_in(run_cli, *args: str) -> set[str]:
    code, out, err = run_cli("check", *args, "--format", "json", "--report-unused-suppressions")
    assert code in (0, 1), err
    return {d["rule"] for f in json.loads(out)["files"] for d in f["diagnostics"]}


@pytest.fixture
def drafts(tmp_path: Path) -> list[str]:
    """The sample draft, and the sample with suppression comments on top."""
    commented = tmp_path / "med-unntak.md"
    commented.write_text(_COMMENTS + SAMPLE_MD.read_text(encoding="utf-8"), encoding="utf-8")
    return [str(SAMPLE_MD), str(commented)]


def test_every_rule_id_in_findings_is_known_to_explain_select_and_ignore(run_cli, drafts) -> None:
    produced = _rules_in(run_cli, *drafts)
    assert "unntak" in produced and "lang-setning" in produced
    for rule in sorted(produced):
        code, out, err = run_cli("explain", rule)
        assert code == 0 and out.startswith(f"{rule} ("), (rule, err)
        assert _rules_in(run_cli, *drafts, "--select", rule) == {rule}, rule
        assert rule not in _rules_in(run_cli, *drafts, "--ignore", rule), rule


def test_unntak_follows_the_project_config(run_cli, tmp_path: Path) -> None:
    draft = tmp_path / "utkast.md"
    draft.write_text(_COMMENTS, encoding="utf-8")
    (tmp_path / "klarsyn.yml").write_text("rules:\n  unntak: error\n", encoding="utf-8")
    code, out, _ = run_cli("check", str(draft), "-q")
    assert code == 1 and ": error unntak Ukjent regel «lang-setnig»" in out
    (tmp_path / "klarsyn.yml").write_text("rules:\n  unntak: off\n", encoding="utf-8")
    code, out, _ = run_cli("check", str(draft), "-q", "--report-unused-suppressions")
    assert code == 0 and "unntak" not in out


def test_unntak_is_listed_among_the_rules(run_cli) -> None:
    code, out, _ = run_cli("rules")
    assert code == 0 and any(line.startswith("unntak ") for line in out.splitlines())


@pytest.mark.parametrize("command", ["check", "stats", "report"])
def test_help_lists_every_suffix_the_loader_reads(run_cli, command: str) -> None:
    code, out, _ = run_cli(command, "--help")
    assert code == 0
    text = " ".join(out.split())  # argparse wraps the list over lines
    listed = set(re.findall(r"(\.[a-z]+)[,)]", text[text.index("PATH") :]))
    assert listed == SUPPORTED_SUFFIXES
