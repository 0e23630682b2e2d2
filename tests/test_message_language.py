"""The language of the messages is not the language of the text. An author who wants
klarsyn's messages in English (VS Code's klarsyn.messageLanguage, `annotate --lang en`)
or a Nynorsk author who reads Bokmål messages gets the same findings, at the same places,
as with the messages in the text's own language: only the words of the messages change."""

from __future__ import annotations

from pathlib import Path

import pytest

from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.engine.packs import builtin_rules
from klarsyn.engine.runner import check_documents

RULES = builtin_rules()
SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "lokalvalg-2023-utkast.md"
NYNORSK = (
    "# Skule og oppvekst\n\n"
    "Skulen må byggjast ut, og planen skal leggjast fram for kommunestyret i vår. "
    "Det vart gjennomført ei kartlegging av behova til elevane, og vi vil ikke vente lenger.\n\n"
    "Gjennomføringa av tiltaka skjer i samarbeid med foreldra. Bøkene vart kjøpt inn. "
    "Vi vil styrkje kulturskulen og styrke biblioteka.\n"
)


def _findings(text: str, name: str, message_language: str | None,
              select: tuple[str, ...] = ()) -> tuple[str, list[tuple[str, int, int, str]]]:
    doc = parse(text, name, "markdown")
    [result] = check_documents([(doc, Config(catalog=RULES, message_language=message_language, select=select))])
    return doc.language, sorted((f.rule, f.start, f.end, f.message) for f in result.findings)


# Every default rule, and passiv (off by default, and the analysis that read the wrong language).
EVERY = tuple(r.id for r in RULES if r.enabled) + ("passiv",)


@pytest.mark.parametrize(("text", "name", "own", "other"), [
    (SAMPLE.read_text(encoding="utf-8"), "utkast.md", "nb", "en"),
    (SAMPLE.read_text(encoding="utf-8"), "utkast.md", "nb", "nn"),
    (NYNORSK, "skule.md", "nn", "nb"),
    (NYNORSK, "skule.md", "nn", "en"),
])
def test_another_message_language_finds_the_same(text: str, name: str, own: str, other: str) -> None:
    language, mine = _findings(text, name, None, EVERY)
    assert language == own
    _language, theirs = _findings(text, name, other, EVERY)
    assert [f[:3] for f in theirs] == [f[:3] for f in mine]
    # The findings that have a message in the other language say it in that language.
    changed = sum(a[3] != b[3] for a, b in zip(mine, theirs))
    assert changed >= len(mine) // 2, (changed, len(mine))


def test_the_nynorsk_passive_is_found_with_bokmal_messages() -> None:
    _language, found = _findings(NYNORSK, "skule.md", "nb", ("passiv", "bokmalsord-nn"))
    passives = [NYNORSK[s:e] for rule, s, e, _m in found if rule == "passiv"]
    assert "byggjast" in " ".join(passives) and "leggjast" in " ".join(passives)
    [mix] = [m for rule, s, e, m in found if rule == "bokmalsord-nn"]
    assert "«ikkje»" in mix  # the form the Nynorsk text needs, quoted as Bokmål messages quote
