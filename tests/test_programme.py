"""Which files a folder check takes (the programme): klarsyn.yml include/exclude, .gitignore
files (root, nested and above the folder up to the repository's top) and the editor's
globs. The language server's workspace uses the same FolderFilter (tests/test_lsp_programme.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from klarsyn.cli.files import FolderFilter, Selection, expand_paths
from klarsyn.config import ConfigCache
from klarsyn.errors import ConfigError
from klarsyn.globs import check_glob, glob_match


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _names(root: Path, files: list[Path]) -> list[str]:
    return [f.resolve().relative_to(root.resolve()).as_posix() for f in files]


def test_globs_span_folders_and_name_folders() -> None:
    assert glob_match("kapitler/innledning.md", "kapitler/**/*.md")  # fnmatch needed two slashes
    assert glob_match("kapitler/del/2.md", "kapitler/**/*.md")
    assert not glob_match("utkast.md", "kapitler/**/*.md")
    assert glob_match("eksport/utkast.txt", "eksport")  # a folder covers what is in it
    assert glob_match("a/b/c.txt", "**/*.txt") and glob_match("c.txt", "**/*.txt")
    assert glob_match("x.md", "*.{md,txt}") and not glob_match("x.html", "*.{md,txt}")
    assert glob_match("arkiv/2019/gammel.md", "arkiv/*")  # an old exclude keeps its meaning
    assert check_glob("{a,b") and check_glob("") and check_glob(3) and check_glob("*.md") is None


def test_gitignore_root_nested_and_negated(tmp_path: Path) -> None:
    _tree(tmp_path, {
        ".gitignore": "eksport/\n*.bak.md\n",
        "utkast.md": "Tekst.\n", "utkast.bak.md": "Tekst.\n", "eksport/utkast.txt": "Tekst.\n",
        "kapitler/.gitignore": "*.txt\n!behold.txt\n",
        "kapitler/1.md": "Tekst.\n", "kapitler/1.txt": "Tekst.\n", "kapitler/behold.txt": "Tekst.\n",
    })
    files, _ = expand_paths([str(tmp_path)], ConfigCache())
    assert _names(tmp_path, files) == ["kapitler/1.md", "kapitler/behold.txt", "utkast.md"]
    files, _ = expand_paths([str(tmp_path)], ConfigCache(), ignore_files=False)
    assert len(files) == 6


def test_gitignore_above_the_folder_counts_inside_a_repository(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    _tree(tmp_path, {".gitignore": "*.txt\n", "program/utkast.md": "Tekst.\n", "program/utkast.txt": "Tekst.\n"})
    files, _ = expand_paths([str(tmp_path / "program")], ConfigCache())
    assert _names(tmp_path, files) == ["program/utkast.md"]


def test_config_include_and_exclude(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "klarsyn.yml": "include: [kapitler/**/*.md]\nexclude: [kapitler/gammel]\n",
        "kapitler/1.md": "Tekst.\n", "kapitler/del/2.md": "Tekst.\n", "kapitler/gammel/1.md": "Tekst.\n",
        "kapitler/1.txt": "Tekst.\n", "notater.md": "Tekst.\n",
    })
    files, _ = expand_paths([str(tmp_path)], ConfigCache())
    assert _names(tmp_path, files) == ["kapitler/1.md", "kapitler/del/2.md"]
    # A file named on the command line is always checked.
    files, _ = expand_paths([str(tmp_path / "notater.md")], ConfigCache())
    assert len(files) == 1


def test_config_include_with_a_bad_glob_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "klarsyn.yml").write_text("include: ['kapitler/{a,b']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="include: the glob"):
        ConfigCache().for_path(tmp_path / "x.md")


def test_editor_selection(tmp_path: Path) -> None:
    _tree(tmp_path, {"kapitler/1.md": "T.\n", "kapitler/1.txt": "T.\n", "eksport/1.md": "T.\n", "les.md": "T.\n"})
    f = FolderFilter(tmp_path, ConfigCache(), Selection(include=("kapitler/**", "les.md"), exclude=("**/*.txt",)))
    assert _names(tmp_path, f.walk()) == ["kapitler/1.md", "les.md"]
    assert f.includes(tmp_path.parent / "elsewhere.md")  # outside the root: not this filter's business


def test_cli_folder_check_skips_gitignored_copies(tmp_path: Path, run_cli) -> None:
    _tree(tmp_path, {".gitignore": "*.txt\n", "utkast.md": "Vi vil f.eks. bygge.\n", "utkast.txt": "Vi vil f.eks. bygge.\n"})
    code, out, _err = run_cli("check", str(tmp_path), "--format", "json", "--no-cache")
    assert "utkast.txt" not in out and "utkast.md" in out
    code, out, _err = run_cli("check", str(tmp_path), "--format", "json", "--no-cache", "--no-ignore-files")
    assert "utkast.txt" in out
