"""Project rule packs: loaded from klarsyn.yml, and broken ones stop with one clear line."""

from __future__ import annotations

from pathlib import Path

from klarsyn.engine.terms import Term, inflected_forms

RULE = """id: {id}
type: existence
severity: warning
message:
  nb: "Ikke bruk «{{match}}»."
description: Prosjektets egen regel.
{body}
examples:
  bad: ["{bad}"]
  good: ["Helt greit."]
"""


def project(tmp_path: Path, rule_id: str, body: str, bad: str = "x") -> Path:
    pack = tmp_path / "regler"
    pack.mkdir()
    (pack / "pack.yml").write_text("id: prosjekt\nlanguage: nb\n", encoding="utf-8")
    (pack / f"{rule_id}.yml").write_text(RULE.format(id=rule_id, body=body, bad=bad), encoding="utf-8")
    (tmp_path / "klarsyn.yml").write_text("packs: [regler]\n", encoding="utf-8")
    return pack / f"{rule_id}.yml"


def test_project_pack_rule_runs(run_cli, tmp_path: Path) -> None:
    project(tmp_path, "vaar-term", "terms:\n  - term: brukerne\n    inflect: false\n")
    draft = tmp_path / "a.md"
    draft.write_text("Vi spør brukerne og brukerrådet.\n", encoding="utf-8")
    _, out, _ = run_cli("check", str(draft), "-q", "--select", "vaar-term")
    assert out.strip() == f"{draft}:1:9: warning vaar-term Ikke bruk «brukerne»."


def test_broken_rule_file_is_one_line(run_cli, tmp_path: Path) -> None:
    path = project(tmp_path, "feil", "terms:\n  - term: x\n    erstatt: [y]\n")
    draft = tmp_path / "a.md"
    draft.write_text("Tekst.\n", encoding="utf-8")
    code, out, err = run_cli("check", str(draft))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"klarsyn: {path.resolve()}:9: unknown term field 'erstatt' (use term, replace, forms, inflect, verb, fix, ending, not_after, not_before, note, severity, source)"
    ]


def test_catastrophic_regex_is_stopped(run_cli, tmp_path: Path) -> None:
    project(tmp_path, "treg", "patterns: ['(a|a)+$']\n", bad="aaaa")
    draft = tmp_path / "a.md"
    draft.write_text("a" * 40 + "!\n", encoding="utf-8")
    code, out, err = run_cli("check", str(draft))
    assert code == 2
    rule_file = (tmp_path / "regler" / "treg.yml").resolve()
    assert err.strip() == (
        f"klarsyn: {rule_file}:7: rule treg in pack prosjekt: pattern '(a|a)+$' took more than 1 s on {draft}; simplify the pattern"
    )


def test_bad_regex_is_reported_at_its_line(run_cli, tmp_path: Path) -> None:
    path = project(tmp_path, "ugyldig", "patterns: ['(uavsluttet']\n")
    code, _, err = run_cli("check", str(tmp_path / "klarsyn.yml"))
    assert code == 2 and f"{path.resolve()}:7: bad regular expression '(uavsluttet'" in err


def test_inflected_forms() -> None:
    forms = inflected_forms(Term("formann", forms=("formenn", "formennene")))
    assert {"formann", "formannen", "formannens", "formenn", "formennene"} <= forms
    assert "formannskapet" not in forms
    assert {"lider av", "lides av"} <= inflected_forms(Term("lide av"))
    assert inflected_forms(Term("f.eks.")) == {"f.eks."}


def test_abbreviation_fix_keeps_the_sentence_period(run_cli, tmp_path: Path) -> None:
    import json

    draft = tmp_path / "a.md"
    draft.write_text("Vi kjøper epler, pærer osv. Deretter gir vi f.eks. bort noen.\n", encoding="utf-8")
    _, out, _ = run_cli("check", str(draft), "--select", "forkortelser", "--format", "json")
    edits = [d["fixes"][0]["edits"][0]["new_text"] for d in json.loads(out)["files"][0]["diagnostics"]]
    assert edits == ["og så videre.", "for eksempel"]


def test_opt_in_rule_runs_only_when_the_project_turns_it_on(run_cli, tmp_path: Path) -> None:
    draft = tmp_path / "a.md"
    draft.write_text("Skolen skal ta imot autister og alle andre barn.\n", encoding="utf-8")
    _, out, _ = run_cli("check", str(draft), "-q")
    assert "personforst" not in out
    (tmp_path / "klarsyn.yml").write_text("rules:\n  personforst: warning\n", encoding="utf-8")
    _, out, _ = run_cli("check", str(draft), "-q")
    assert f"{draft}:1:21: warning personforst Prosjektet har valgt å skrive personen først: «person med autisme» i stedet for «autister»." in out


def test_occurrence_rule_from_a_project_pack(run_cli, tmp_path: Path) -> None:
    pack = tmp_path / "regler"
    pack.mkdir()
    (pack / "pack.yml").write_text("id: prosjekt\nlanguage: nb\n", encoding="utf-8")
    (pack / "mange-og.yml").write_text(
        "id: mange-og\ntype: occurrence\nseverity: info\nunit: sentence\nmax: 2\n"
        "terms: [og]\nmessage: {nb: '{count} «og» i én setning (grensen er {limit}).'}\n"
        "description: For mange «og».\nexamples: {bad: ['a og b og c og d.'], good: ['a og b.']}\n",
        encoding="utf-8",
    )
    (tmp_path / "klarsyn.yml").write_text("packs: [regler]\n", encoding="utf-8")
    draft = tmp_path / "a.md"
    draft.write_text("Vi vil ha skoler og barnehager. Vi vil ha skoler og barnehager og idrett og kultur.\n", encoding="utf-8")
    _, out, _ = run_cli("check", str(draft), "-q", "--select", "mange-og")
    assert out.strip() == f"{draft}:1:33: info mange-og 3 «og» i én setning (grensen er 2)."
