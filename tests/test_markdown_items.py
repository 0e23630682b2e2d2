"""Lines that Markdown reads as one paragraph but the author wrote as list items."""

from __future__ import annotations

from klarsyn.config import Config
from klarsyn.document.markdown import parse_markdown
from klarsyn.engine.runner import check_document

from tests.helpers import assert_words_map_exactly


def texts(src: str) -> list[tuple[str, str]]:
    return [(b.kind.value, b.text) for b in parse_markdown(src, "x.md").blocks]


LETTERED = (
    "Kommunen skal:\n\n"
    "a) sikre gode barnehager for alle barn i kommunen uansett bosted og bakgrunn\n"
    "b) bygge ut skolefritidsordningen slik at alle barn får et [gratis tilbud](https://example.no) hver dag\n"
    "c) styrke helsesykepleiertjenesten i skolen og barnehagen med flere stillinger\n"
)


def test_lettered_lines_are_list_items_each_a_sentence() -> None:
    doc = parse_markdown(LETTERED, "x.md")
    assert [(b.kind.value, b.text) for b in doc.blocks][1:] == [
        ("list_item", "sikre gode barnehager for alle barn i kommunen uansett bosted og bakgrunn"),
        ("list_item", "bygge ut skolefritidsordningen slik at alle barn får et gratis tilbud hver dag"),
        ("list_item", "styrke helsesykepleiertjenesten i skolen og barnehagen med flere stillinger"),
    ]
    link = doc.blocks[2].links[0]
    assert doc.blocks[2].text[link.start : link.end] == "gratis tilbud"
    assert_words_map_exactly(doc)
    rules = {f.rule for f in check_document(doc, Config()).findings}
    assert "lang-setning" not in rules


def test_bullets_that_are_no_markdown_markers_are_items() -> None:
    src = "Vi vil:\n• styrke skolen\n• bygge veier\n▪ senke skatten\n"
    assert texts(src) == [
        ("paragraph", "Vi vil:"),
        ("list_item", "styrke skolen"),
        ("list_item", "bygge veier"),
        ("list_item", "senke skatten"),
    ]
    assert_words_map_exactly(parse_markdown(src, "x.md"))


def test_lettered_words_inside_a_line_do_not_split() -> None:
    src = "Vi vil a) styrke skolen\nog b) bygge veier.\n"
    assert texts(src) == [("paragraph", "Vi vil a) styrke skolen og b) bygge veier.")]
