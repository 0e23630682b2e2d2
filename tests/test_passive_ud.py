"""The passive check against Universal Dependencies Norwegian dev (scripts/eval_passive.py):
Bokmål stays where it was, Nynorsk reaches P ≥ 0.90 and R ≥ 0.85 with the treebank's
unmarked -ast passives counted by the rule in that script (UD lemma is the active verb)."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import ROOT, SHARED

sys.path.insert(0, str(ROOT / "scripts"))
import eval_passive  # noqa: E402

UD = SHARED / "data" / "ud"
pytestmark = pytest.mark.skipif(not UD.is_dir(), reason="the shared UD treebanks are not here")


def test_bokmaal_keeps_its_figures() -> None:
    raw, adjusted = eval_passive.evaluate(UD / "no_bokmaal-ud-dev.conllu", "nb")
    print("nb", raw.line())
    assert (raw.tp, raw.fp, raw.fn) == (adjusted.tp, adjusted.fp, adjusted.fn)  # nothing to adjust
    assert raw.p >= 0.96 and raw.r >= 0.89, raw.line()


def test_nynorsk_reaches_the_bar_with_ast_passives_counted() -> None:
    raw, adjusted = eval_passive.evaluate(UD / "no_nynorsk-ud-dev.conllu", "nn")
    print("nn raw", raw.line(), "adjusted", adjusted.line())
    assert adjusted.p >= 0.90 and adjusted.r >= 0.85, adjusted.line()
    # The -ast passives are in the adjusted gold, and the check finds most of them.
    assert adjusted.tp + adjusted.fn >= raw.tp + raw.fn + 40
    assert raw.r >= 0.85, raw.line()


def test_the_unmarked_rule_follows_the_treebank_lemma() -> None:
    assert eval_passive.unmarked_ast_passive("vurderast", "vurdere", "VERB")
    assert not eval_passive.unmarked_ast_passive("finnast", "finnast", "VERB")  # a deponent
    assert not eval_passive.unmarked_ast_passive("djupast", "djup", "ADJ")  # a superlative
