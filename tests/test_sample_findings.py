"""What the default packs must find on the sample draft, with the right fix."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SAMPLE_MD, SAMPLE_TXT


@pytest.mark.parametrize("sample", [SAMPLE_MD, SAMPLE_TXT], ids=["md", "txt"])
def test_sample_draft_officialese_abbreviations_and_acronyms(run_cli, sample) -> None:
    _, out, _ = run_cli("check", str(sample), "--format", "json")
    [file] = json.loads(out)["files"]
    source = sample.read_text(encoding="utf-8")

    def found(rule: str, text: str) -> list[dict]:
        return [d for d in file["diagnostics"] if d["rule"] == rule and source[slice(*d["offset"])] == text]

    [herunder] = found("kanselli", "herunder")
    assert "under dette" in [f["edits"][0]["new_text"] for f in herunder["fixes"]]
    feks = found("forkortelser", "f.eks.")
    assert len(feks) == 2
    for d in feks:
        [fix] = d["fixes"]
        assert fix["edits"] == [{"offset": d["offset"], "new_text": "for eksempel"}] and fix["safety"] == "safe"
    [pst] = found("forkortelser", "pst.")
    assert pst["fixes"][0]["edits"][0]["new_text"] == "prosent"
    [sfo] = found("akronymer", "SFO")
    assert sfo["fixes"][0]["edits"][0]["new_text"] == "skolefritidsordningen (SFO)"
    assert source[: sfo["offset"][0]].count("SFO") == 0  # the first use is the one flagged
