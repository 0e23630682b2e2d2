"""The judged findings on real programmes (eval/judged/*.tsv) hold: a finding an editor
judged wrong must not come back, at most 10 % of those judged right may disappear, and the
default rules stay quiet enough to read (at most 15 findings per 1,000 words, hints not
counted). The figures are printed (``pytest -s``) the way scripts/eval_precision.py prints
them."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import ROOT, SHARED

sys.path.insert(0, str(ROOT / "scripts"))
import eval_precision  # noqa: E402

pytestmark = pytest.mark.skipif(not (SHARED / "corpus" / "programmes").is_dir(), reason="the shared corpus is not here")


@pytest.fixture(scope="module")
def texts():
    return eval_precision.corpus(SHARED)


@pytest.fixture(scope="module")
def everything(texts):
    return eval_precision.run_klarsyn(texts, all_rules=True)[0]


@pytest.fixture(scope="module")
def judged():
    rows = eval_precision.load_judged(sorted(eval_precision.JUDGED.glob("*.tsv")))
    assert len(rows) >= 400, "the judged sample is smaller than the 400 findings it must hold"
    return rows


def _place(j) -> str:
    return f"{j.source}: {j.rule} at {j.file}:{j.start}-{j.end}"


@pytest.fixture(scope="module")
def default(texts):
    return eval_precision.run_klarsyn(texts, all_rules=False)


def test_no_finding_judged_wrong_comes_back(judged, default) -> None:
    """What the author sees by default, above hint level: a hint (a passive, a long word)
    is shown faintly for what it is, advice that is often fine; its figures are in
    `klarsyn explain` and docs/rules.md."""
    found = default[0]
    back = []
    for j in judged:
        f = eval_precision.match(j, found) if j.verdict == "wrong" else None
        if f is not None and f.severity != "hint":
            back.append(_place(j))
    assert not back, f"{len(back)} findings judged wrong come back:\n" + "\n".join(back[:40])


def test_findings_judged_right_stay(judged, everything) -> None:
    """With every rule on, so that a rule moved out of the default set keeps its figures."""
    right = [j for j in judged if j.verdict == "right"]
    gone = [j for j in right if eval_precision.match(j, everything) is None]
    print(f"\n{len(right) - len(gone)} of {len(right)} findings judged right still come")
    assert len(gone) <= 0.10 * len(right), f"{len(gone)} of {len(right)} findings judged right are gone:\n" + "\n".join(_place(j) for j in gone[:40])


def test_default_rules_are_quiet_enough(texts, default) -> None:
    default, words = default
    for lang in ("nb", "nn"):
        names = [n for n, (l, _t) in texts.items() if l == lang]
        if not names:
            continue
        count, total, per_k = eval_precision.density(default, words, names)
        print(f"\n{lang}: {count} findings (hints not counted) in {total} words = {per_k:.1f} per 1,000")
        assert per_k <= 15, f"{lang}: {per_k:.1f} findings per 1,000 words by default (at most 15)"
