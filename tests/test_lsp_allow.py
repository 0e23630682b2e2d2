"""The "allow this word" quick fix edits the project's klarsyn.yml at the line the editor
shows, and never reads more of that file than the config loader would."""

from __future__ import annotations

import os
from pathlib import Path

from klarsyn.lsp.actions import _allow
from klarsyn.lsp.state import Draft


def _draft(folder: Path) -> Draft:
    path = folder / "kapittel.md"
    path.write_text("Vi vil.\n", encoding="utf-8")
    return Draft(uri=path.as_uri(), path=str(path), fmt="markdown", text="Vi vil.\n")


def test_allow_edits_the_line_the_editor_counts(tmp_path: Path) -> None:
    # A form feed is no line break in LSP: «allow:» is on line 1, not 2 as splitlines() says.
    (tmp_path / "klarsyn.yml").write_text("# regler\fog unntak\nallow: [a]\n", encoding="utf-8")
    action = _allow(_draft(tmp_path), "felleskapet", "Tillat")
    assert action is not None
    [edit] = action.edit.document_changes[0].edits
    assert edit.range.start.line == 1 and edit.new_text == 'allow: [a, "felleskapet"]'


def test_allow_appends_after_the_last_line(tmp_path: Path) -> None:
    (tmp_path / "klarsyn.yml").write_text("language: nb\r\n", encoding="utf-8")
    [edit] = _allow(_draft(tmp_path), "NAV", "Tillat").edit.document_changes[0].edits
    assert (edit.range.start.line, edit.range.start.character) == (1, 0)
    assert edit.new_text == 'allow: ["NAV"]\n'


def test_allow_offers_nothing_for_a_config_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "klarsyn.yml").write_bytes(b"allow: [\xff]\n")  # not UTF-8
    assert _allow(_draft(tmp_path), "NAV", "Tillat") is None
    big = tmp_path / "stor"
    big.mkdir()
    with open(big / "klarsyn.yml", "wb") as f:
        f.truncate(3 * 1024 * 1024)  # over the config limit: refused before it is read
    assert _allow(_draft(big), "NAV", "Tillat") is None


def test_allow_does_not_hang_on_a_pipe_named_klarsyn_yml(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "klarsyn.yml")
    # The config lookup takes only regular files, so nothing opens the pipe (that would
    # block); the file is offered as new, and the editor is told never to replace one.
    action = _allow(_draft(tmp_path), "NAV", "Tillat")
    create = action.edit.document_changes[0]
    assert create.kind == "create" and create.options.ignore_if_exists and not create.options.overwrite
