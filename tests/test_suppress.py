from __future__ import annotations

from pathlib import Path

LONG = (
    "Kommunen skal sammen med fylket og staten og alle de frivillige organisasjonene i hele regionen "
    "arbeide for at flere unge mennesker får en trygg og god oppvekst med lek og læring hver eneste dag."
)


def check(run_cli, tmp_path: Path, text: str, *flags: str) -> list[str]:
    draft = tmp_path / "utkast.md"
    draft.write_text(text, encoding="utf-8")
    _, out, _ = run_cli("check", str(draft), "-q", "--select", "lang-setning", *flags)
    return [line.split(": ", 1)[1] for line in out.splitlines()]


def test_disable_next_line_with_reason(run_cli, tmp_path: Path) -> None:
    text = f"<!-- klarsyn-disable-next-line lang-setning -- sitat fra vedtaket -->\n{LONG}\n\n{LONG}\n"
    lines = check(run_cli, tmp_path, text)
    assert len(lines) == 1 and lines[0].startswith("hint lang-setning")
    assert check(run_cli, tmp_path.joinpath(), text) == lines


def test_block_disable_and_enable(run_cli, tmp_path: Path) -> None:
    text = f"<!-- klarsyn-disable -->\n\n{LONG}\n\n<!-- klarsyn-enable -->\n\n{LONG}\n"
    draft_lines = check(run_cli, tmp_path, text)
    assert len(draft_lines) == 1


def test_disable_file_and_other_rules_untouched(run_cli, tmp_path: Path) -> None:
    assert check(run_cli, tmp_path, f"<!-- klarsyn-disable-file lang-setning -->\n\n{LONG}\n") == []
    assert len(check(run_cli, tmp_path, f"<!-- klarsyn-disable-file langt-ord -->\n\n{LONG}\n")) == 1


def test_unknown_rule_in_comment_is_reported(run_cli, tmp_path: Path) -> None:
    draft = tmp_path / "u.md"
    draft.write_text("<!-- klarsyn-disable-next-line lang-setnig -->\nKort.\n", encoding="utf-8")
    _, out, _ = run_cli("check", str(draft), "-q")
    assert "warning unntak Ukjent regel «lang-setnig» i unntakskommentaren." in out


def test_report_unused_suppressions(run_cli, tmp_path: Path) -> None:
    draft = tmp_path / "u.md"
    draft.write_text("<!-- klarsyn-disable-next-line lang-setning -->\nKort setning.\n", encoding="utf-8")
    _, out, _ = run_cli("check", str(draft), "-q")
    assert out == ""
    _, out, _ = run_cli("check", str(draft), "-q", "--report-unused-suppressions")
    assert out.strip() == f"{draft}:1:1: info unntak Unntaket demper ingen funn og kan fjernes."
