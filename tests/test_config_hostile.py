"""Hostile klarsyn.yml values: each stops with one ``path:line: problem`` line and exit 2,
never a traceback (fuzz report D8; `max: .nan`, `.inf` and duplicate keys from its
lesser observations)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from klarsyn import yamlfile


def _run(run_cli, tmp_path: Path, config: str | bytes) -> tuple[int, str, str]:
    path = tmp_path / "klarsyn.yml"
    if isinstance(config, bytes):
        path.write_bytes(config)
    else:
        path.write_text(config, encoding="utf-8")
    draft = tmp_path / "utkast.md"
    draft.write_text("Hei.\n", encoding="utf-8")
    return run_cli("check", "--no-cache", str(draft))


CASES = [
    ("language: !foo bar\n", 1, "invalid YAML: unknown tag '!foo' (only plain values are allowed)"),
    ("language: !!python/name:os.system\n", 1,
     "invalid YAML: unknown tag '!!python/name:os.system' (only plain values are allowed)"),
    ("fail_on: error\nlanguage: !!binary eHl6\n", 2, "invalid YAML: unknown tag '!!binary' (only plain values are allowed)"),
    ("rules: !!set {a}\n", 1, "invalid YAML: unknown tag '!!set' (only plain values are allowed)"),
    ("rules:\n  lang-setning:\n    max: 1" + "0" * 5000 + "\n", 3, "number is too long (5001 characters; the limit is 100)"),
    ("rules:\n  lang-setning:\n    max: 0x" + "f" * 5000 + "\n", 3, "number is too long (5002 characters; the limit is 100)"),
    ("rules:\n  lang-setning:\n    max: .nan\n", 3, "numbers must be finite, not '.nan'"),
    ("rules:\n  lang-setning:\n    max: .inf\n", 3, "numbers must be finite, not '.inf'"),
    ("rules:\n  lang-setning:\n    max: -.Inf\n", 3, "numbers must be finite, not '-.Inf'"),
    ("rules:\n  lang-setning:\n    max: 1.0e+999\n", 3, "numbers must be finite, not '1.0e+999'"),
    ("rules:\n  lang-setning:\n    max: !!int x\n", 3, "invalid int 'x': invalid literal for int() with base 10: 'x'"),
    ("language: nb\nfail_on: error\nlanguage: nn\n", 3, "duplicate key 'language' (first given on line 1)"),
    ("rules:\n  lang-setning: {max: 30, max: 40}\n", 2, "duplicate key 'max' (first given on line 2)"),
]


@pytest.mark.parametrize(("config", "line", "problem"), CASES, ids=[c[2][:40] for c in CASES])
def test_hostile_value_is_one_line_with_its_line(run_cli, tmp_path: Path, config: str, line: int, problem: str) -> None:
    code, out, err = _run(run_cli, tmp_path, config)
    assert code == 2 and out == ""
    assert err.splitlines() == [f"klarsyn: {tmp_path / 'klarsyn.yml'}:{line}: {problem}"]


def test_nul_in_config_is_one_line(run_cli, tmp_path: Path) -> None:
    # PyYAML's message for it is two lines ("... not allowed\n  in <unicode string>, position 12").
    code, out, err = _run(run_cli, tmp_path, b"fail_on: error\nlanguage: nb\x00\n")
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"klarsyn: {tmp_path / 'klarsyn.yml'}:2: invalid YAML: character U+0000 is not allowed (control characters cannot appear in YAML)"
    ]


def test_deep_nesting_without_libyaml_is_one_line(run_cli, tmp_path: Path, monkeypatch) -> None:
    """The pure-Python composer recurses per level; libyaml stops at 1,000 by itself."""
    monkeypatch.setattr(yamlfile, "_Loader", yaml.SafeLoader)
    code, out, err = _run(run_cli, tmp_path, "allow: " + "[" * 5000 + "\n")
    assert code == 2 and out == ""
    assert err.splitlines() == [f"klarsyn: {tmp_path / 'klarsyn.yml'}: invalid YAML: nested too deeply"]


def test_deep_nesting_with_libyaml_is_one_line(run_cli, tmp_path: Path) -> None:
    code, out, err = _run(run_cli, tmp_path, "allow: " + "[" * 5000 + "\n")
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and "klarsyn.yml:1: invalid YAML:" in err


def test_a_config_error_is_one_line_whatever_the_message_holds() -> None:
    from klarsyn.errors import ConfigError

    assert str(ConfigError("k.yml", 3, "first\nsecond\r\nthird")) == "k.yml:3: first second third"


def test_plain_values_still_load(run_cli, tmp_path: Path) -> None:
    """Dates, nulls, booleans, quoted look-alikes and large finite numbers stay accepted."""
    config = (
        "language: nb\n"
        "fail_on: never\n"
        "allow: ['.nan', '1.0e+999', 2023-01-01, ~, true]\n"
        "rules:\n  lang-setning:\n    max: 1.0e+300\n"
    )
    code, _out, err = _run(run_cli, tmp_path, config)
    assert code == 0, err


def test_rule_packs_get_the_same_checks(run_cli, tmp_path: Path) -> None:
    pack = tmp_path / "regler"
    pack.mkdir()
    (pack / "pack.yml").write_text("id: prosjekt\nlanguage: nb\n", encoding="utf-8")
    (pack / "dobbel.yml").write_text(
        "id: dobbel\ntype: existence\nseverity: warning\nmessage: x\ndescription: d\n"
        "terms: [a]\nterms: [b]\nexamples: {bad: [a], good: [c]}\n",
        encoding="utf-8",
    )
    code, out, err = _run(run_cli, tmp_path, "packs: [regler]\n")
    assert code == 2 and out == ""
    assert err.splitlines() == [f"klarsyn: {(pack / 'dobbel.yml').resolve()}:7: duplicate key 'terms' (first given on line 6)"]
    (pack / "dobbel.yml").write_text(
        "id: dobbel\ntype: existence\nseverity: warning\nmessage: x\ndescription: !!python/object:os.system d\n"
        "terms: [a]\nexamples: {bad: [a], good: [c]}\n",
        encoding="utf-8",
    )
    code, out, err = _run(run_cli, tmp_path, "packs: [regler]\n")
    assert code == 2 and len(err.splitlines()) == 1
    assert err.startswith(f"klarsyn: {(pack / 'dobbel.yml').resolve()}:5: invalid YAML: unknown tag '!!python/object:os.system'")


def test_scalar_does_not_keep_every_node_alive() -> None:
    """A shared constructor used to remember every node it built, for the process's life."""
    import gc
    import weakref

    root = yamlfile.compose_text("a: 1\nb: [x, y, 2.5]\n", "t.yml")
    assert root is not None
    assert [yamlfile.scalar(v) for _k, v in root.value] == [1, ["x", "y", 2.5]]
    alive = weakref.ref(root.value[1][1])
    del root
    gc.collect()
    assert alive() is None


def test_choices_must_be_plain_words(run_cli, tmp_path: Path) -> None:
    """`choices: {framtid: [a, b]}` was accepted as the choice "['a', 'b']"."""
    code, out, err = _run(run_cli, tmp_path, "language: nb\nchoices:\n  framtid: [a, b]\n")
    assert code == 2 and out == ""
    assert err.splitlines() == [f"klarsyn: {tmp_path / 'klarsyn.yml'}:3: choices.framtid must be one form (a word)"]
