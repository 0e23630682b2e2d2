"""The first fix of a word-list finding, applied to its sentence, gives correct Norwegian:
what an author gets from one click."""

from __future__ import annotations

import pytest

from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.engine.runner import check_document


def _fixed(text: str, rule: str = "kanselli") -> str | None:
    doc = parse(text, "utkast.md", "markdown", "nb")
    [finding] = [f for f in check_document(doc, Config(select=(rule,))).findings if f.rule == rule]
    if not finding.fixes:
        return None
    [edit] = finding.fixes[0].edits
    return text[: edit.start] + edit.new_text + text[edit.end :]


@pytest.mark.parametrize("text, expected", [
    # After a comma «og» may need the comma (a clause) or not (a list): no fix.
    ("Vi vil satse på veier og transport, samt informasjon til alle.", None),
    ("Vi vil satse på veier samt informasjon til alle.", "Vi vil satse på veier og informasjon til alle."),
    # The replacement verb takes the flagged verb's form.
    ("Dette medfører store kostnader for kommunen.", "Dette fører til store kostnader for kommunen."),
    # «føre til» would need the subject or the adverb between verb and particle
    # («fører dette til»): the one-word alternative comes first instead.
    ("Samtidig medfører dette at flere flytter.", "Samtidig innebærer dette at flere flytter."),
    ("Dette medfører ofte redusert kvalitet.", "Dette innebærer ofte redusert kvalitet."),
    ("Landbruket, herunder teknologi for matproduksjon, skal styrkes.", "Landbruket, blant annet teknologi for matproduksjon, skal styrkes."),
])
def test_first_fix_reads_right(text: str, expected: str | None) -> None:
    assert _fixed(text) == expected
