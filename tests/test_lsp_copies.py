"""Copies of a draft count once in the editor's consistency pass (klarsyn.lsp.copies): the
.md and its .txt export have the same words; an old version with one paragraph edited is a
near copy; two chapters that share a line are not copies."""

from __future__ import annotations

import os
import time
from pathlib import Path

from klarsyn.config import Config
from klarsyn.engine.incremental import IncrementalChecker
from klarsyn.lsp.copies import distinct, fingerprint, is_copy
from klarsyn.lsp.state import Draft

PARAS = [f"Vi vil bygge {n} nye skoler i kommunen innen neste valg. Det gir plass til flere elever." for n in
         ("to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni", "ti", "elleve")]


def _fp(text: str, fmt: str = "markdown"):  # noqa: ANN202
    return fingerprint(IncrementalChecker().check(text, "x." + ("md" if fmt == "markdown" else "txt"), fmt, Config()))


def test_an_export_has_the_same_words() -> None:
    md = "# Skole\n\n" + "\n\n".join(f"**{p}**" if i == 0 else p for i, p in enumerate(PARAS)) + "\n"
    txt = "SKOLE\n\n" + "\n\n".join(PARAS) + "\n"
    assert is_copy(_fp(md.replace("# Skole", "# SKOLE")), _fp(txt, "text"))


def test_near_copies_and_chapters() -> None:
    draft = "\n\n".join(PARAS) + "\n"
    old = "\n\n".join(PARAS[:-1] + ["Vi vil bygge elleve nye skoler i kommunen innen neste valg."]) + "\n"
    assert is_copy(_fp(draft), _fp(old))  # 9 of 10 paragraphs the same
    half = "\n\n".join(PARAS[:5] + [p.replace("skoler", "barnehager") for p in PARAS[5:]]) + "\n"
    assert not is_copy(_fp(draft), _fp(half))
    # Short notes: only an identical text is a copy.
    assert not is_copy(_fp(PARAS[0] + "\n\n" + PARAS[1]), _fp(PARAS[0] + "\n\n" + PARAS[2]))


def test_the_open_one_wins_else_the_newer(tmp_path: Path) -> None:
    fp = _fp("\n\n".join(PARAS))
    drafts = []
    for i, name in enumerate(("a.md", "b.txt", "c.md")):
        path = tmp_path / name
        path.write_text("x", encoding="utf-8")
        t = time.time() - 100 * (3 - i)  # c.md is the newest
        os.utime(path, (t, t))
        drafts.append(Draft(uri=path.as_uri(), path=str(path), fmt="markdown", text=""))
    kept, dropped = distinct([(d, fp) for d in drafts])
    assert [Path(d.path).name for d in kept] == ["c.md"]
    drafts[0].is_open = True
    kept, dropped = distinct([(d, fp) for d in drafts])
    assert [Path(d.path).name for d in kept] == ["a.md"] and len(dropped) == 2
