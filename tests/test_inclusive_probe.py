"""Inclusive wording: inflected forms are caught, innocent words that contain a term are not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.engine.runner import check_document

PROBE = yaml.safe_load((Path(__file__).parent / "data" / "inclusive_probe.yml").read_text(encoding="utf-8"))
INCLUSIVE = ("inkludering-*",)


def findings(text: str):
    doc = parse(text, "probe.md", "markdown", "nb")
    result = check_document(doc, Config(select=INCLUSIVE))
    return [(f.rule, doc.source[f.start : f.end]) for f in result.findings]


def test_probe_sizes() -> None:
    assert len(PROBE["inflected"]) >= 20 and len(PROBE["innocent"]) >= 20
    # Each inflected probe is a different entry, and none is the base form.
    assert len({p["match"].lower() for p in PROBE["inflected"]}) == len(PROBE["inflected"])


@pytest.mark.parametrize("probe", PROBE["inflected"], ids=lambda p: p["match"])
def test_inflected_form_is_caught(probe: dict) -> None:
    assert findings(probe["text"]) == [(probe["rule"], probe["match"])]


@pytest.mark.parametrize("text", PROBE["innocent"])
def test_innocent_word_is_not_caught(text: str) -> None:
    assert findings(text) == []
