from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE_MD, SAMPLE_TXT

LONG = (
    "Kommunen skal sammen med fylket og staten og alle de frivillige organisasjonene i hele regionen "
    "arbeide for at flere unge mennesker får en trygg og god oppvekst med lek og læring hver eneste dag."
)


def test_json_findings_point_at_the_flagged_text(run_cli) -> None:
    code, out, err = run_cli("check", str(SAMPLE_MD), "--format", "json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["version"] == 1
    [file] = payload["files"]
    source = SAMPLE_MD.read_text(encoding="utf-8")
    long_sentences = [d for d in file["diagnostics"] if d["rule"] == "lang-setning"]
    assert len(long_sentences) >= 3  # sentences over 30 words
    for d in long_sentences:
        start, end = d["offset"]
        flagged = source[start:end]
        assert flagged[0].isupper() and flagged.rstrip()[-1] in ".!?:", flagged
        assert len(flagged.split()) > 25
        lines = source.splitlines()
        assert lines[d["location"]["line"] - 1][d["location"]["column"] - 1 :].startswith(flagged.split()[0])
    for d in file["diagnostics"]:
        if d["rule"] == "langt-ord":
            word = source[slice(*d["offset"])]
            assert word.isalpha() and f"«{word}»" in d["message"]
    assert file["language"] == "nb"
    stats = file["stats"]
    assert stats["lix"] == pytest.approx(stats["words"] / stats["sentences"] + 100 * stats["long_words"] / stats["words"], abs=0.05)


def test_text_output_format_sorted_and_stable(run_cli, tmp_path: Path) -> None:
    draft = tmp_path / "utkast.md"
    draft.write_text(f"# Tittel\n\nKort setning.\n\n{LONG}\n\n{LONG}\n", encoding="utf-8")
    code1, out1, _ = run_cli("check", str(draft), "--select", "lang-setning")
    code2, out2, _ = run_cli("check", str(draft), "--select", "lang-setning")
    assert out1 == out2 and code1 == code2 == 0
    lines = [line for line in out1.splitlines() if line.startswith(str(draft))]
    # 34 words: over the limit (27), but not over «strong» (34): a hint.
    assert lines[0] == f"{draft}:5:1: hint lang-setning Lang setning: 34 ord (grensen er 27). Del den gjerne i to."
    assert lines[1].startswith(f"{draft}:7:1: hint lang-setning")
    assert "2 funn (2 hint)" in out1


def test_english_document_gets_english_messages(run_cli, tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    sentence = "The council will work with the county and all the volunteer groups in the region so that " \
               "more young people have a safe and good childhood with play and learning every day."
    draft.write_text(sentence + "\n", encoding="utf-8")
    _, out, _ = run_cli("check", str(draft))
    assert "Long sentence: 32 words (the limit is 27)" in out
    assert "32 words, 1 sentence; 1 finding (1 hint)" in out


def test_fail_on_sets_exit_code(run_cli) -> None:
    assert run_cli("check", str(SAMPLE_MD))[0] == 0  # default: only errors fail
    assert run_cli("check", str(SAMPLE_MD), "--fail-on", "warning")[0] == 1
    assert run_cli("check", str(SAMPLE_MD), "--fail-on", "never")[0] == 0


def test_select_and_ignore(run_cli) -> None:
    _, out, _ = run_cli("check", str(SAMPLE_MD), "--select", "langt-ord", "-q")
    assert out and all(" langt-ord " in line for line in out.splitlines())
    _, out, _ = run_cli("check", str(SAMPLE_MD), "--select", "lang-*,lix-*", "--ignore", "lix-*,langt-ord", "-q")
    assert out and all(" lang-setning " in line for line in out.splitlines())


def test_unknown_rule_id_is_a_usage_error(run_cli) -> None:
    code, out, err = run_cli("check", str(SAMPLE_MD), "--select", "lang-setnig")
    assert code == 2 and out == ""
    assert err.strip() == "klarsyn: --select: unknown rule id 'lang-setnig' (did you mean 'lang-setning'?)"


def test_folder_is_checked_recursively(run_cli, tmp_path: Path) -> None:
    (tmp_path / "kapitler").mkdir()
    (tmp_path / "kapitler" / "01-arbeid.md").write_text(LONG + "\n", encoding="utf-8")
    (tmp_path / "kapitler" / "02-klima.txt").write_text(LONG + "\n", encoding="utf-8")
    (tmp_path / "kapitler" / "bilde.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.md").write_text(LONG, encoding="utf-8")
    code, out, err = run_cli("check", str(tmp_path), "-q", "--select", "lang-setning")
    assert code == 0 and err == ""
    assert [line.split(":")[0] for line in out.splitlines()] == [
        str(tmp_path / "kapitler" / "01-arbeid.md"),
        str(tmp_path / "kapitler" / "02-klima.txt"),
    ]


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"Hei p\xe5 deg\nlinje to", "not valid UTF-8 at line 1, column 6 (byte 0xE5); it may be saved as Windows-1252/Latin-1: save it as UTF-8"),
        (b"ok\nen to \xff\xfe\xfd", "not valid UTF-8 at line 2, column 7 (byte 0xFF); it may be saved as Windows-1252/Latin-1: save it as UTF-8"),
        (b"\x81\x8d\x8f\x90", "not valid UTF-8 at line 1, column 1 (byte 0x81)"),
        (b"\x00\x01\x02binary", "looks like a binary file (it contains NUL bytes), not a text draft"),
        (b"PK\x03\x04rest", "this is a ZIP archive (a Word or OpenDocument file?), not a text draft (save it as .docx or .odt to have it checked)"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(run_cli, tmp_path: Path, content: bytes, expected: str) -> None:
    bad = tmp_path / "utkast.txt"
    bad.write_bytes(content)
    code, out, err = run_cli("check", str(bad))
    assert code == 2
    assert err.splitlines() == [f"klarsyn: {bad}: {expected}"]


def test_missing_file_is_reported_and_others_still_checked(run_cli, tmp_path: Path) -> None:
    good = tmp_path / "ok.md"
    good.write_text(LONG + "\n", encoding="utf-8")
    code, out, err = run_cli("check", str(tmp_path / "borte.md"), str(good), "-q")
    assert code == 2
    assert err.splitlines() == [f"klarsyn: {tmp_path / 'borte.md'}: no such file or folder"]
    assert "lang-setning" in out


def test_stats_text_and_json(run_cli) -> None:
    code, out, _ = run_cli("stats", str(SAMPLE_MD))
    assert code == 0
    assert "5. Levende byer og bygder" in out and "Hele dokumentet" in out and "middels" in out
    code, out, _ = run_cli("stats", str(SAMPLE_TXT), "--format", "json")
    payload = json.loads(out)
    [file] = payload["files"]
    source = SAMPLE_TXT.read_text(encoding="utf-8")
    titles = [s["title"] for s in file["sections"]]
    assert "3. God helse og livskvalitet for alle" in titles
    assert sum(s["words"] for s in file["sentences"] if s["kind"] != "heading") == file["stats"]["words"]
    for s in file["sentences"]:
        text = source[slice(*s["offset"])]
        assert text == text.strip() and text
        line = source.splitlines()[s["location"]["line"] - 1]
        assert line[s["location"]["column"] - 1 :].startswith(text.split()[0])


def test_lang_flag_overrides_detection(run_cli, tmp_path: Path) -> None:
    draft = tmp_path / "x.md"
    draft.write_text(LONG + "\n", encoding="utf-8")
    _, out, _ = run_cli("check", str(draft), "--lang", "nn", "-q")
    assert "grensa er 27" in out
    code, _, err = run_cli("check", str(draft), "--lang", "sv")
    assert code == 2 and "unknown language 'sv'" in err


def test_console_script_and_module_entry_point_without_lsp_stack(tmp_path: Path) -> None:
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['klarsyn', 'check', sys.argv[1], '-q']\n"
        "try:\n    runpy.run_module('klarsyn', run_name='__main__')\n"
        "except SystemExit as e:\n    code = e.code\n"
        "assert not any(m.split('.')[0] in ('pygls', 'lsprotocol') for m in sys.modules), 'LSP stack imported'\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(SAMPLE_MD)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "lang-setning" in result.stdout
    exe = Path(sys.executable).with_name("klarsyn")
    if exe.exists():
        result = subprocess.run([str(exe), "--version"], capture_output=True, text=True)
        assert result.stdout.startswith("klarsyn ")


def test_no_traceback_on_unreadable_file(run_cli, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can read any file")
    f = tmp_path / "x.md"
    f.write_text("x")
    f.chmod(0)
    code, _, err = run_cli("check", str(f))
    assert code == 2 and "permission denied" in err


def test_huge_file_is_refused_with_a_clear_line(run_cli, tmp_path: Path) -> None:
    from klarsyn.document.loader import MAX_BYTES

    huge = tmp_path / "stor.txt"
    with huge.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    code, _, err = run_cli("check", str(huge))
    assert code == 2
    assert err.splitlines() == [f"klarsyn: {huge}: is too large (20.0 MiB; the limit is 20 MiB)"]


def test_rules_lists_packs_by_language(run_cli) -> None:
    code, out, _ = run_cli("rules", "--lang", "nb")
    ids = [line.split()[0] for line in out.splitlines()]
    assert code == 0 and {"lang-setning", "akronymer", "versaler"} <= set(ids)
    _, out_en, _ = run_cli("rules", "--lang", "en")
    assert "akronymer" not in out_en and "lang-setning" in out_en


def test_explain_prints_description_examples_and_source(run_cli) -> None:
    code, out, _ = run_cli("explain", "akronymer")
    assert code == 0
    assert "Vi vil innføre gratis SFO for alle førsteklassinger." in out
    assert "Flagges ikke:" in out and "Kilde: Språkrådet" in out
    code, _, err = run_cli("explain", "akronym")
    assert code == 2 and err.strip() == "klarsyn: unknown rule id 'akronym' (did you mean 'akronymer'?)"
