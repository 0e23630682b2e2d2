"""Hostile project packs: runaway and huge patterns, templates that build gigabytes, packs
of a dictionary's size. Each stops with one clear line and exit 2, within a bounded time
(fuzz report D8, D10, D11 and the 100,000-term pack)."""

from __future__ import annotations

import logging
import pickle
import time
from pathlib import Path

import pytest

from klarsyn.engine import packs
from klarsyn.engine.rules import RuleTimeout

RULE = """id: {id}
type: existence
severity: warning
message:
  nb: {message}
description: Prosjektets egen regel.
examples:
  bad: ["{bad}"]
  good: ["bbb"]
{body}
"""
SLOW = "patterns: ['(a|aa)+$']"  # about 0.075 s per paragraph of 24 a's and a "!"


def project(tmp_path: Path, rules: dict[str, str], message: str = '"Fant «{match}»."', bad: str = "aaa") -> Path:
    pack = tmp_path / "regler"
    pack.mkdir(exist_ok=True)
    (pack / "pack.yml").write_text("id: prosjekt\nlanguage: nb\n", encoding="utf-8")
    for rule_id, body in rules.items():
        (pack / f"{rule_id}.yml").write_text(RULE.format(id=rule_id, body=body, message=message, bad=bad), encoding="utf-8")
    (tmp_path / "klarsyn.yml").write_text("packs: [regler]\n", encoding="utf-8")
    return pack


def slow_draft(tmp_path: Path, paragraphs: int = 400) -> Path:
    draft = tmp_path / "utkast.md"
    # Each paragraph different: the language server caches chunks by their text.
    draft.write_text("# Tittel\n\n" + "".join("a" * 24 + f"! {i}\n\n" for i in range(paragraphs)), encoding="utf-8")
    return draft


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _refused(run_cli, tmp_path: Path, text: str) -> str:
    """Check a draft with the project's packs; the run must stop at once (the cases below
    took seconds and gigabytes before) with exit 2, no output and one error line."""
    draft = tmp_path / "utkast.md"
    draft.write_text(text, encoding="utf-8")
    started = time.monotonic()
    code, out, err = run_cli("check", "--no-cache", str(draft))
    assert code == 2 and out == ""
    assert time.monotonic() - started < 5
    return _one_line(err)


# -- D8 / D10: runaway patterns -----------------------------------------------------------


def test_slow_pattern_over_many_paragraphs_stops_within_the_budget(run_cli, tmp_path: Path) -> None:
    """400 paragraphs × 0.075 s took 30 s and exited 0: the limit was per block."""
    pack = project(tmp_path, {"treg": SLOW})
    draft = slow_draft(tmp_path)
    started = time.monotonic()
    code, out, err = run_cli("check", "--no-cache", str(draft))
    elapsed = time.monotonic() - started
    assert code == 2 and out == ""
    assert _one_line(err) == (
        f"klarsyn: {(pack / 'treg.yml').resolve()}:10: rule treg in pack prosjekt: pattern '(a|aa)+$' "
        f"took more than 1 s on {draft}; simplify the pattern"
    )
    assert elapsed < 8, elapsed  # 1 s of processor time; generous for a loaded 2-core machine


@pytest.mark.parametrize("command", [["report", "-o", "{out}"], ["baseline", "write", "{out}"]])
def test_every_command_reports_a_runaway_pattern_as_check_does(run_cli, tmp_path: Path, command: list[str]) -> None:
    """`report` and `baseline write` gave a RuleTimeout traceback; `check` one line."""
    project(tmp_path, {"katastrofe": "patterns: ['(a+)+$']"})
    draft = tmp_path / "utkast.md"
    draft.write_text("# Tittel\n\n" + "a" * 5000 + "!\n", encoding="utf-8")
    _code, _out, expected = run_cli("check", "--no-cache", str(draft))
    output = tmp_path / "ut"
    args = [part.replace("{out}", str(output)) for part in command]
    code, out, err = run_cli(*args, str(draft))
    assert code == 2 and out == ""
    assert _one_line(err) == _one_line(expected)
    assert "rule katastrofe in pack prosjekt: pattern '(a+)+$' took more than 1 s" in err
    assert not output.exists()


def test_pattern_rules_share_a_total_budget(run_cli, tmp_path: Path, monkeypatch) -> None:
    """Four slow rules, each far inside its own budget, stop at the shared one."""
    from klarsyn.engine.kinds import base

    monkeypatch.setattr(base, "REGEX_BUDGET", 30.0)
    monkeypatch.setattr(base, "REGEX_TOTAL", 1.0)
    project(tmp_path, {f"treg{i}": SLOW for i in range(1, 5)})
    draft = slow_draft(tmp_path, paragraphs=6)  # about 0.45 s of processor time per rule
    started = time.monotonic()
    code, _out, err = run_cli("check", "--no-cache", str(draft))
    elapsed = time.monotonic() - started
    assert code == 2
    line = _one_line(err)
    assert "used up the 1 s all pattern rules share" in line and "rule treg1" not in line
    assert elapsed < 10, elapsed


def test_rule_timeout_survives_a_worker_process() -> None:
    """--jobs runs rules in worker processes: the error must cross with all its fields."""
    exc = RuleTimeout("treg", "a.md", "prosjekt", "regler/treg.yml", 10, "(a|aa)+$", 1.0, True, False)
    copy = pickle.loads(pickle.dumps(exc))
    assert str(copy) == str(exc) == (
        "regler/treg.yml:10: rule treg in pack prosjekt: pattern '(a|aa)+$' took more than 1 s on a.md; simplify the pattern"
    )
    assert (copy.rule, copy.path, copy.pack, copy.line, copy.again) == ("treg", "a.md", "prosjekt", 10, True)


def test_language_server_check_is_bounded_and_logs_one_line(tmp_path: Path, caplog) -> None:
    """The editor's chunked check shares one budget over all chunks, and says once, without
    a traceback, that the rule was skipped."""
    from klarsyn.config import load_config
    from klarsyn.engine.incremental import IncrementalChecker

    project(tmp_path, {"treg": SLOW})
    config = load_config(tmp_path / "klarsyn.yml")
    text = slow_draft(tmp_path).read_text(encoding="utf-8")
    checker = IncrementalChecker()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="klarsyn"):
        result = checker.check(text, str(tmp_path / "utkast.md"), "markdown", config)
    elapsed = time.monotonic() - started
    assert elapsed < 10, elapsed
    assert not [f for f in result.findings if f.rule == "treg"]
    messages = [r.getMessage() for r in caplog.records if "treg" in r.getMessage()]
    assert len(messages) == 1 and "took more than 1 s" in messages[0] and "Traceback" not in messages[0]


# -- D8: patterns that cannot be compiled safely --------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("(" * 5000 + "a" + ")" * 5000, "pattern is too long (10,001 characters; the limit is 5,000)"),
        ("(" * 150 + "a" + ")" * 150, "pattern too deeply nested (more than 100 groups inside each other)"),
        ("[" * 1500 + "a" + "]" * 1500, "pattern too deeply nested"),  # nested sets: compile recursion
        ("a{4294967294}", "pattern repeats too much (counted repeats such as {n} come to more than 100,000)"),
        ("(?:a{1000}){1000}", "pattern repeats too much (counted repeats such as {n} come to more than 100,000)"),
    ],
    ids=["length", "groups", "sets", "huge-count", "nested-counts"],
)
def test_pattern_that_cannot_be_compiled_safely_is_one_line(run_cli, tmp_path: Path, pattern: str, problem: str) -> None:
    """5,000 nested groups gave a RecursionError with 2,999 traceback lines; a{4294967294}
    asked for more memory than the machine has."""
    pack = project(tmp_path, {"cb": f"patterns: ['{pattern}']"})
    assert _refused(run_cli, tmp_path, "Tekst.\n") == f"klarsyn: {(pack / 'cb.yml').resolve()}:10: {problem}"


@pytest.mark.parametrize("pattern", [r"\p{L}{2,}", "x{1000,}", "a{1,3}b{,5}", r"\{1000000\}", "[{]1000000}",
                                     r"\N{LATIN SMALL LETTER A}{3}", "(?#((((()a", "(?:[ab]|c){3}", "a{10000}"])
def test_ordinary_patterns_still_compile(pattern: str) -> None:
    packs.compile_pattern(pattern)


# -- D11: message templates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        ('"{match:>1000000000}"', "{match:>1000000000}"),
        ('"Fant {match!r}."', "{match!r}"),
        ('"Fant {match.__class__}."', "{match.__class__}"),
        ('"Fant {match[0]}."', "{match[0]}"),
        ('"Fant {0}."', "{0}"),
        ('"Fant {}."', "{}"),
    ],
)
def test_template_with_more_than_plain_fields_is_refused_at_its_line(run_cli, tmp_path: Path, message: str, shown: str) -> None:
    pack = project(tmp_path, {"pad": "terms: [herunder]"}, message=message, bad="herunder")
    # {match:>1000000000} took 9.2 s and 1 GB.
    assert _refused(run_cli, tmp_path, "Herunder herunder herunder herunder herunder.\n") == (
        f"klarsyn: {(pack / 'pad.yml').resolve()}:5: message nb may only use plain fields such as {{match}}, not '{shown}'")


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ('"Fant {match."', "message nb is not a valid template (expected '}' before end of string; write {{ and }} for literal braces)"),
        ('"' + "x" * 1001 + '"', "message nb is too long (1,001 characters; the limit is 1,000)"),
        ('"' + "{match}" * 21 + '"', "message nb has too many fields (21; the limit is 20)"),
    ],
    ids=["unbalanced", "long", "many-fields"],
)
def test_bad_template_is_refused(run_cli, tmp_path: Path, message: str, problem: str) -> None:
    pack = project(tmp_path, {"mal": "terms: [herunder]"}, message=message, bad="herunder")
    draft = tmp_path / "a.md"
    draft.write_text("Tekst.\n", encoding="utf-8")
    code, _out, err = run_cli("check", "--no-cache", str(draft))
    assert code == 2
    assert _one_line(err) == f"klarsyn: {(pack / 'mal.yml').resolve()}:5: {problem}"


def test_literal_braces_and_plain_fields_still_work(run_cli, tmp_path: Path) -> None:
    project(tmp_path, {"klammer": "terms: [herunder]"}, message='"{{{match}}} er {note}kanselli."', bad="herunder")
    draft = tmp_path / "a.md"
    draft.write_text("Se herunder.\n", encoding="utf-8")
    _code, out, _err = run_cli("check", "--no-cache", "-q", "--select", "klammer", str(draft))
    assert out.strip() == f"{draft}:1:4: warning klammer {{herunder}} er kanselli."


def test_long_values_are_cut_in_messages(run_cli, tmp_path: Path) -> None:
    """A pattern's match may be a whole paragraph; the message stays bounded."""
    project(tmp_path, {"alt": "patterns: ['b[b ]+']"}, message='"' + "«{match}» " * 20 + '"', bad="bbb")
    draft = tmp_path / "a.md"
    draft.write_text("b" * 100_000 + "\n", encoding="utf-8")
    _code, out, _err = run_cli("check", "--no-cache", "-q", "--select", "alt", str(draft))
    message = out.strip().split(" warning alt ", 1)[1]
    assert len(message) == 2_000 and message.endswith("…")
    assert message.startswith("«" + "b" * 299 + "…»")


# -- Packs of a dictionary's size ---------------------------------------------------------------


def test_pack_with_too_many_terms_is_refused_quickly(run_cli, tmp_path: Path) -> None:
    """100,000 terms cost 12 s and 1.1 GB on every run, before any text was read."""
    terms = "terms:\n" + "".join(f"  - ord{i:06d}\n" for i in range(100_000))
    pack = project(tmp_path, {"mange": terms}, bad="ord000001")
    draft = tmp_path / "a.md"
    draft.write_text("Tekst.\n", encoding="utf-8")
    started = time.monotonic()
    code, out, err = run_cli("check", "--no-cache", str(draft))
    assert code == 2 and out == ""
    assert _one_line(err) == (
        f"klarsyn: {(pack / 'mange.yml').resolve()}:11: too many terms: the project's packs may hold 25,000 in all (with this list, 100,000)"
    )
    assert time.monotonic() - started < 10


def test_term_limit_counts_all_project_packs_and_term_base_variants(run_cli, tmp_path: Path) -> None:
    entries = "".join(f"  - preferred: ord{i}\n    variants: [a{i}, b{i}, c{i}]\n" for i in range(8_034))
    body = "terms:\n" + "  - term: herunder\n    forms: [" + ", ".join(f"f{i}" for i in range(900)) + "]\n"
    pack = project(tmp_path, {"a-liste": body}, bad="herunder")
    (pack / "b-base.yml").write_text(
        "id: b-base\ntype: termbase\nseverity: info\nmessage: x\ndescription: d\n"
        f"examples: {{bad: [a1], good: [bbb]}}\nterms:\n{entries}",
        encoding="utf-8",
    )
    draft = tmp_path / "a.md"
    draft.write_text("Tekst.\n", encoding="utf-8")
    code, _out, err = run_cli("check", "--no-cache", str(draft))
    assert code == 2
    # 1 term and its 900 forms, then 8,034 entries of 3 variants each.
    assert _one_line(err) == (
        f"klarsyn: {(pack / 'b-base.yml').resolve()}:8: too many terms: the project's packs may hold 25,000 in all (with this list, 25,003)"
    )


def test_too_many_rule_files_and_bytes(run_cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(packs, "MAX_PROJECT_RULE_FILES", 3)
    pack = project(tmp_path, {f"r{i}": "terms: [herunder]" for i in range(5)}, bad="herunder")
    draft = tmp_path / "a.md"
    draft.write_text("Tekst.\n", encoding="utf-8")
    code, _out, err = run_cli("check", "--no-cache", str(draft))
    assert code == 2
    assert _one_line(err) == f"klarsyn: {(pack / 'r3.yml').resolve()}: too many rule files: the project's packs may hold 3 in all"
    monkeypatch.setattr(packs, "MAX_PROJECT_RULE_FILES", 500)
    monkeypatch.setattr(packs, "MAX_PROJECT_PACK_BYTES", 600)
    code, _out, err = run_cli("check", "--no-cache", str(draft))
    assert code == 2
    assert _one_line(err).endswith(": the project's packs are too large: at most 600 bytes of rule files in all")


def test_built_in_packs_are_inside_the_project_limits() -> None:
    """The limits must leave room: the built-in catalogue is far inside each of them."""
    limits = packs.PackLimits()
    for folder in sorted(p for p in packs.rules_dir().iterdir() if (p / "pack.yml").is_file()):
        packs.load_pack(folder, limits)
    assert limits.files * 10 < packs.MAX_PROJECT_RULE_FILES
    assert limits.terms * 10 < packs.MAX_PROJECT_TERMS
    assert limits.bytes * 20 < packs.MAX_PROJECT_PACK_BYTES
