from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLE_MD

LONG = (
    "Kommunen skal sammen med fylket og staten og alle de frivillige organisasjonene i hele regionen "
    "arbeide for at flere unge mennesker får en trygg og god oppvekst med lek og læring hver eneste dag."
)


def project(tmp_path: Path, config: str) -> Path:
    (tmp_path / "klarsyn.yml").write_text(config, encoding="utf-8")
    chapter = tmp_path / "kapitler" / "del"
    chapter.mkdir(parents=True)
    draft = chapter / "01.md"
    draft.write_text(LONG + "\n", encoding="utf-8")
    return draft


def test_config_found_by_walking_up_and_applied(run_cli, tmp_path: Path) -> None:
    draft = project(tmp_path, "select: [lang-setning]\nrules:\n  lang-setning:\n    max: 40\n")
    code, out, _ = run_cli("check", str(draft), "-q")
    assert code == 0 and out == ""


def test_severity_override_and_fail_on_from_config(run_cli, tmp_path: Path) -> None:
    draft = project(tmp_path, "fail_on: warning\nrules:\n  lang-setning: error\n")
    code, out, _ = run_cli("check", str(draft), "-q")
    assert code == 1 and ": error lang-setning " in out


def test_rule_off_and_language_from_config(run_cli, tmp_path: Path) -> None:
    draft = project(tmp_path, "language: nn\nrules:\n  langt-ord: off\n")
    _, out, _ = run_cli("check", str(draft), "-q")
    assert "grensa er 27" in out


def test_exclude_skips_files_in_folder_checks(run_cli, tmp_path: Path) -> None:
    project(tmp_path, "exclude: ['kapitler/del/*']\n")
    code, out, err = run_cli("check", str(tmp_path), "-q")
    assert code == 0 and out == "" and err == ""


def test_per_file_ignores(run_cli, tmp_path: Path) -> None:
    draft = project(tmp_path, "per_file_ignores:\n  'kapitler/del/*.md': [lang-*]\n")
    code, out, _ = run_cli("check", str(draft), "-q")
    assert code == 0 and "lang-setning" not in out
    other = tmp_path / "annet.md"
    other.write_text(LONG + "\n", encoding="utf-8")
    _, out, _ = run_cli("check", str(other), "-q")
    assert "lang-setning" in out


@pytest.mark.parametrize(
    "config, line, problem",
    [
        ("lanugage: nb\n", 1, "unknown key 'lanugage' (did you mean 'language'?)"),
        ("language: nb\nfail_on: sometimes\n", 2, "fail_on must be one of error, warning, info, hint, never, not 'sometimes'"),
        ("rules:\n  lang-setning:\n    min_word: 30\n", 3, "rule lang-setning has no option 'min_word' (did you mean 'min_words'?); it takes: severity, max, min_words, strong"),
        ("rules:\n  lang-setning:\n    max: mange\n", 3, "lang-setning.max must be a number, not 'mange'"),
        ("per_file_ignores:\n  '*.md': [langsetning]\n", 2, "unknown rule id 'langsetning' in per_file_ignores (did you mean 'lang-setning'?)"),
        ("packs: [finnes-ikke]\n", 1, "packs: 'finnes-ikke' is not a rule pack folder (no pack.yml)"),
        ("rules:\n  lang-setnig: off\n", 2, "unknown rule id 'lang-setnig' (did you mean 'lang-setning'?)"),
        ("select: [lix-*, passivum]\n", 1, "unknown rule id 'passivum' in select (did you mean 'passiv'?)"),
        ("rules:\n  lang-setning: loud\n", 2, "severity of lang-setning must be error, warning, info, hint or off, not 'loud'"),
        ("rules: [\n  unclosed\n", 3, "invalid YAML: *"),
        ("a: &x [1]\nb: *x\n", 2, "invalid YAML: aliases (*name) are not allowed here"),
        ("- just\n- a list\n", 1, "the config file must be a mapping (key: value)"),
    ],
)
def test_bad_config_is_one_line_with_file_and_line(run_cli, tmp_path: Path, config: str, line: int, problem: str) -> None:
    draft = project(tmp_path, config)
    code, out, err = run_cli("check", str(draft))
    assert code == 2 and out == ""
    expected = f"klarsyn: {(tmp_path / 'klarsyn.yml').resolve()}:{line}: {problem}"
    [got] = err.splitlines()
    # libyaml and pure-Python PyYAML word syntax errors differently; the place is what matters.
    assert got.startswith(expected[:-1]) if problem.endswith("*") else got == expected


def test_explicit_config_flag(run_cli, tmp_path: Path) -> None:
    cfg = tmp_path / "annen.yml"
    cfg.write_text("select: [langt-ord]\n", encoding="utf-8")
    _, out, _ = run_cli("check", str(SAMPLE_MD), "--config", str(cfg), "-q")
    assert out and all(" langt-ord " in line for line in out.splitlines())
    code, _, err = run_cli("check", str(SAMPLE_MD), "--config", str(tmp_path / "borte.yml"))
    assert code == 2 and "borte.yml: cannot read" in err
