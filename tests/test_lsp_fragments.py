"""The JSON of each diagnostic kept between answers (lsp/fragments.py) is the JSON a fresh
conversion gives, after any edit: through CRLF, emoji, tabs and new lines."""

from __future__ import annotations

import json
import random

from klarsyn.config import Config
from klarsyn.engine.incremental import IncrementalChecker
from klarsyn.lsp.fragments import DiagnosticJSON
from klarsyn.lsp.positions import UTF8, UTF16, Converter

from tests.conftest import SAMPLE_MD


def _render(cache: DiagnosticJSON, findings, text: str, encoding: str) -> str:  # noqa: ANN001
    return cache.render(findings, Converter(text, encoding), {}, "file:///d.md", "nb", lambda path: None)


def test_kept_json_equals_a_fresh_conversion_after_random_edits() -> None:
    rng = random.Random(1)
    text = SAMPLE_MD.read_text(encoding="utf-8")[:8000]
    pieces = ["a", "æ", "🙂", "e\u0301", "\n", "\r\n", "\n\n", "# ", "- ", "**", "og og ", "f.eks. ", "\t", "", "\r"]
    checker = IncrementalChecker()
    kept = {UTF16: DiagnosticJSON(), UTF8: DiagnosticJSON()}
    reused = 0
    for _ in range(300):
        at = rng.randrange(len(text) + 1)
        text = text[:at] + rng.choice(pieces) + text[min(len(text), at + rng.choice([0, 0, 1, 2, 5])) :]
        findings = checker.check(text, "d.md", "markdown", Config()).findings
        for encoding, cache in kept.items():
            got = _render(cache, findings, text, encoding)
            assert json.loads(got) == json.loads(_render(DiagnosticJSON(), findings, text, encoding))
            reused += cache.reused
    assert reused > 300 * len(findings)  # most diagnostics were not converted again


def test_a_finding_that_cannot_be_converted_is_left_out_not_the_others() -> None:
    from klarsyn.findings import Finding, Severity

    text = "Vi vil herunder bygge.\n"
    good = Finding("kanselli", Severity.HINT, "m", 7, 15)
    bad = Finding("kanselli", Severity.HINT, "m", 7, 15, data={}, related=[None])  # type: ignore[list-item]
    got = json.loads(DiagnosticJSON().render([bad, good], Converter(text), {}, "file:///d.md", "nb", lambda path: None))
    assert [d["range"]["start"]["character"] for d in got] == [7]
