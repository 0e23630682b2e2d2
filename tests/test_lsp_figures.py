"""Figures the editor shows.

One LIX, however it is shown: the CLI summary, the code lens above a heading and the VS Code
status bar (fed by klarsyn/documentStats) give the same whole number for a draft. The
sample's exact LIX is 47.45: shown to one decimal it is 47.5, and rounding that again gave
48 in the status bar while the CLI and code lens said 47. And one sentence is "1 setning".
"""

from __future__ import annotations

from lsprotocol import types
from pytest_lsp import LanguageClient

from klarsyn.lsp.lens import LENS_MIN_SENTENCES, LENS_MIN_WORDS
from klarsyn.metrics.lix import Counts, whole
from tests.conftest import SAMPLE_MD
from tests.test_lsp import client, open_draft  # noqa: F401  (the pytest-lsp fixture)


def test_whole_rounds_the_exact_value_once() -> None:
    assert whole(47.45474676536649) == 47
    assert whole(47.5) == 48 and whole(52.5) == 53  # half up, as people round
    assert whole(None) is None
    counts = Counts(words=2056, sentences=123, long_words=632)
    assert counts.as_dict()["lix"] == 47.5 and whole(counts.lix) == 47


async def test_cli_code_lens_and_status_bar_agree(client: LanguageClient, run_cli) -> None:  # noqa: F811
    code, out, _ = run_cli("check", str(SAMPLE_MD))
    assert code == 0 and "LIX 47 (middels)" in out
    uri = await open_draft(client, "lix.md", SAMPLE_MD.read_text(encoding="utf-8"))
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri)))
    assert lenses[0].command.title.startswith("LIX 47 ·")
    stats = await client.protocol.send_request_async("klarsyn/documentStats", {"uri": uri})
    assert stats.lix == 47.5 and stats.lix_whole == 47
    # Every section with a heading: the whole number sent is the one its code lens shows.
    lens_figures = [lens.command.title.split(" ·")[0] for lens in lenses]
    shown = [s for s in stats.sections if getattr(s, "range", None) is not None
             and s.sentences >= LENS_MIN_SENTENCES and s.words >= LENS_MIN_WORDS]
    assert lens_figures == [f"LIX {s.lix_whole}" for s in shown]


async def test_code_lens_and_hover_say_one_sentence(client: LanguageClient) -> None:  # noqa: F811
    """A section too short for LIX to mean anything (a capitals line in a .txt draft read as
    a heading: "LIX 101 · 1 ord") gets no lens; its hover still has the figures, in the
    singular for one."""
    helse = ("Vi vil ha flere leger i alle kommuner. Og flere sykepleiere som kan jobbe i hjemmetjenesten. "
             "Legevakten skal være åpen hele døgnet. Alle skal få hjelp når de trenger det, uansett hvor de bor.")
    text = f"# Skole\n\nVi bygger skoler.\n\n# Helse\n\n{helse}\n"
    uri = await open_draft(client, "ental.md", text)
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri)))
    assert [lens.range.start.line for lens in lenses] == [4]  # only Helse
    assert lenses[0].command.title.endswith(" · 4 setninger")
    hover = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(0, 3)))
    assert "· 3 ord · 1 setning ·" in hover.contents.value


def test_count_is_singular_for_one() -> None:
    from klarsyn.cli.messages import count

    assert [count(lang, "sentence", 1) for lang in ("nb", "nn", "en")] == ["1 setning", "1 setning", "1 sentence"]
    assert [count(lang, "sentence", 2) for lang in ("nb", "nn")] == ["2 setninger", "2 setningar"]
