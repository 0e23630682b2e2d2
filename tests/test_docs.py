"""The documentation a new user copies from: config examples that load, a rules page that
renders as text, tables without stray rows, commands that work as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from klarsyn.config import load_config
from klarsyn.document.suffixes import SUPPORTED_SUFFIXES
from tests.conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```ya?ml\n(.*?)^```", re.M | re.S)


def _yaml_blocks() -> list[tuple[str, int, str]]:
    blocks = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for m in _FENCE.finditer(text):
            blocks.append((doc.relative_to(ROOT).as_posix(), text.count("\n", 0, m.start()) + 1, m.group(1)))
    return blocks


BLOCKS = _yaml_blocks()
CONFIG_BLOCKS = [b for b in BLOCKS if b[2].startswith("# klarsyn.yml\n")]


def test_every_yaml_example_says_which_file_it_is() -> None:
    # The first line names the file, so a klarsyn.yml example cannot slip past the next test.
    unnamed = [f"{doc}:{line}" for doc, line, body in BLOCKS if not body.startswith("# ")]
    assert unnamed == []
    assert len(CONFIG_BLOCKS) >= 3


@pytest.mark.parametrize("doc, line, body", CONFIG_BLOCKS, ids=[f"{d}:{n}" for d, n, _ in CONFIG_BLOCKS])
def test_config_examples_load_with_the_real_loader(tmp_path: Path, doc: str, line: int, body: str) -> None:
    config_file = tmp_path / "klarsyn.yml"
    config_file.write_text(body, encoding="utf-8")
    # A project pack the example names must exist for the loader; an empty pack will do.
    for entry in (yaml.safe_load(body) or {}).get("packs", []):
        (tmp_path / entry).mkdir(parents=True, exist_ok=True)
        (tmp_path / entry / "pack.yml").write_text("id: prosjekt\nlanguage: nb\nversion: 1\nname: Prosjekt\n", encoding="utf-8")
    config = load_config(config_file)  # raises ConfigError with the line on any mistake
    for rule_id, settings in (yaml.safe_load(body).get("rules") or {}).items():
        assert rule_id in config.rules
        if isinstance(settings, dict):
            options = {k: v for k, v in settings.items() if k != "severity"}
            assert config.rules[rule_id].options == options


def test_readme_config_example_sets_the_section_limit(tmp_path: Path) -> None:
    [readme] = [b for b in CONFIG_BLOCKS if b[0] == "README.md" and "lix-seksjon" in b[2]]
    (tmp_path / "regler").mkdir()
    (tmp_path / "regler" / "pack.yml").write_text("id: prosjekt\nlanguage: nb\n", encoding="utf-8")
    (tmp_path / "klarsyn.yml").write_text(readme[2], encoding="utf-8")
    assert load_config(tmp_path / "klarsyn.yml").rules["lix-seksjon"].options == {"max": 50}


def _tokens(path: Path):
    def walk(tokens):
        for token in tokens:
            yield token
            yield from walk(token.children or [])

    return list(walk(MarkdownIt("commonmark").enable("table").parse(path.read_text(encoding="utf-8"))))


def test_rules_page_is_what_the_generator_writes_now() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_rules_doc.py"), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_rules_page_shows_examples_as_text_not_images_or_markup() -> None:
    tokens = _tokens(ROOT / "docs" / "rules.md")
    kinds = [t.type for t in tokens]
    assert not set(kinds) & {"image", "html_inline", "html_block"}
    assert kinds.count("table_open") == 1  # the index of rules; an example is never a table
    shown = [t.content for t in tokens if t.type in ("code_inline", "fence")]
    assert "Se kartet: ![](kart.png)" in shown
    assert "| Tiltak | Kostnad |\n|---|---|\n| Skole | 200 |\n" in shown
    assert "<!-- klarsyn-disable-next-line lang-setnig -->\nVi vil bygge flere skoler.\n" in shown


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_no_table_row_outside_a_table(doc: Path) -> None:
    # A row left outside its table renders as a paragraph of pipes.
    tokens = _tokens(doc)
    stray = [t.content for t in tokens if t.type == "inline" and t.content.lstrip().startswith("|")]
    assert stray == []


def test_readme_says_how_to_activate_the_venv_before_bare_klarsyn() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    usage = readme[readme.index("## Usage") :]
    first_bare = usage.index("\nklarsyn ")
    before = usage[:first_bare]
    assert ". .venv/bin/activate" in before and ".venv\\Scripts\\activate" in before


def test_readme_lists_every_suffix_the_loader_reads() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(l for l in readme.splitlines() if l.startswith("klarsyn check PATH..."))
    assert set(re.findall(r"\.[a-z]+", line.split("#", 1)[1])) == SUPPORTED_SUFFIXES


def test_pre_commit_hook_takes_exactly_the_drafts_klarsyn_reads() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert "types" not in hook and "types_or" not in hook
    files = re.compile(hook["files"])
    for suffix in SUPPORTED_SUFFIXES:
        assert files.search(f"kapitler/utkast{suffix}") and files.search(f"UTKAST{suffix.upper()}"), suffix
    for other in ("pyproject.toml", "server/klarsyn/config.py", "klarsyn.yml", "bilde.png", "utkast.md.orig", "notes.txt~"):
        assert not files.search(other), other
