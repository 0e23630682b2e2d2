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


@pytest.mark.parametrize(
    "lang, one, two",
    [
        ("nb", "4 ord, 1 setning; 1 funn (1 advarsel)", "8 ord, 2 setninger; 2 funn (2 advarsler)"),
        ("nn", "4 ord, 1 setning; 1 funn (1 åtvaring)", "8 ord, 2 setningar; 2 funn (2 åtvaringar)"),
        ("en", "4 words, 1 sentence; 1 finding (1 warning)", "8 words, 2 sentences; 2 findings (2 warnings)"),
    ],
)
def test_summaries_use_singular_for_one(run_cli, tmp_path: Path, lang: str, one: str, two: str) -> None:
    single = tmp_path / "en.md"
    single.write_text("Vi vil og og.\n", encoding="utf-8")
    double = tmp_path / "to.md"
    double.write_text("Vi vil og og.\n\nVi vil og og.\n", encoding="utf-8")
    _, out, _ = run_cli("check", str(single), "--lang", lang, "--select", "dobbelt-ord")
    assert out.rstrip().endswith(one)
    _, out, _ = run_cli("check", str(single), str(double), "--lang", lang, "--select", "dobbelt-ord")
    assert two in out
    total = {"nb": "Totalt: 2 filer; 3 funn", "nn": "Totalt: 2 filer; 3 funn", "en": "Total: 2 files; 3 findings"}[lang]
    assert total in out


def test_report_and_baseline_messages_say_one_file(run_cli, tmp_path: Path) -> None:
    draft = tmp_path / "utkast.md"
    draft.write_text("Vi vil og og.\n", encoding="utf-8")
    code, _, err = run_cli("report", str(draft), "-o", str(tmp_path / "r.html"))
    assert code == 0 and err == f"klarsyn: report for 1 file written to {tmp_path / 'r.html'}\n"
    code, _, err = run_cli("baseline", "write", str(tmp_path / "b.json"), str(draft), "--select", "dobbelt-ord")
    assert code == 0 and err == f"klarsyn: 1 finding in 1 file recorded in {tmp_path / 'b.json'}\n"


def test_report_on_a_missing_file_writes_nothing(run_cli, tmp_path: Path) -> None:
    output = tmp_path / "rapport.html"
    missing = tmp_path / "finnesikke.md"
    code, out, err = run_cli("report", str(missing), "-o", str(output))
    assert code == 2 and out == ""
    assert err == f"klarsyn: {missing}: no such file or folder (no report written)\n"
    assert not output.exists() and list(tmp_path.iterdir()) == []
    # With one good chapter and one missing, still nothing: a report without a chapter would
    # be read as the whole programme.
    good = tmp_path / "kapittel.md"
    good.write_text("Vi vil bygge skoler.\n", encoding="utf-8")
    code, _, err = run_cli("report", str(good), str(missing), "-o", str(output))
    assert code == 2 and not output.exists() and "written to" not in err


@pytest.mark.parametrize(
    "args, expected",
    [
        (["chek", "x.md"], "klarsyn: error: argument COMMAND: invalid choice: 'chek'"),
        (["check"], "klarsyn: error: the following arguments are required: PATH (see klarsyn check --help)"),
        (["check", "--fail-on", "bad", "x.md"], "klarsyn: error: argument --fail-on: invalid choice: 'bad'"),
        (["report", "x.md"], "klarsyn: error: the following arguments are required: -o/--output (see klarsyn report --help)"),
        (["check", "--lang", "xx", "x.md"], "klarsyn: error: argument --lang: unknown language 'xx'"),
    ],
)
def test_usage_errors_are_one_line(run_cli, args: list[str], expected: str) -> None:
    code, out, err = run_cli(*args)
    assert code == 2 and out == ""
    assert err.startswith(expected) and err.endswith("--help)\n") and err.count("\n") == 1
    assert "usage:" not in err
