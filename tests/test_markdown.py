from __future__ import annotations

from klarsyn.document.loader import parse
from klarsyn.document.markdown import parse_markdown
from klarsyn.document.model import BlockKind

from tests.conftest import SAMPLE_MD
from tests.helpers import assert_words_map_exactly


def kinds(src: str) -> list[tuple[str, str]]:
    return [(b.kind.value, b.text) for b in parse_markdown(src).blocks]


def test_block_kinds_and_what_is_not_prose() -> None:
    src = (
        "---\ntitle: Utkast\nlang: nn\n---\n"
        "# Tittel\n\n"
        "Vanlig avsnitt.\n\n"
        "<!-- klarsyn: merknad -->\n\n"
        "```\nkode skal ikke sjekkes\n```\n\n"
        "    innrykket kode\n\n"
        "> Et sitat.\n\n"
        "1. Første punkt\n2. Andre punkt\n\n"
        "| Tiltak | Kostnad |\n|---|---|\n| Skole | Høy |\n"
    )
    assert kinds(src) == [
        ("heading", "Tittel"),
        ("paragraph", "Vanlig avsnitt."),
        ("quote", "Et sitat."),
        ("list_item", "Første punkt"),
        ("list_item", "Andre punkt"),
        ("table_cell", "Tiltak"),
        ("table_cell", "Kostnad"),
        ("table_cell", "Skole"),
        ("table_cell", "Høy"),
    ]
    doc = parse_markdown(src)
    assert doc.front_matter == {"title": "Utkast", "lang": "nn"}
    assert [b.header_cell for b in doc.blocks if b.kind is BlockKind.TABLE_CELL] == [True, True, False, False]


def test_heading_levels_setext_and_atx() -> None:
    doc = parse_markdown("Stor\n====\n\n### Liten\n\nTekst.\n")
    assert [(b.kind, b.level) for b in doc.blocks] == [
        (BlockKind.HEADING, 1),
        (BlockKind.HEADING, 3),
        (BlockKind.PARAGRAPH, 0),
    ]


def test_inline_markup_is_stripped_and_offsets_are_exact() -> None:
    src = "Dette er **svært** viktig for [kommunen](https://x.no/a_b) og `kode` *fylket*.\n"
    doc = parse_markdown(src)
    [block] = doc.blocks
    assert block.text == "Dette er svært viktig for kommunen og   fylket."
    start = block.text.index("kommunen")
    s, e = block.source_span(start, start + len("kommunen"))
    assert src[s:e] == "kommunen"
    s, e = block.source_span(block.text.index("fylket"), len(block.text))
    assert src[s:e] == "fylket*."
    assert [(src[block.source_span(link.start, link.end)[0]:block.source_span(link.start, link.end)[1]], link.target) for link in block.links] == [
        ("kommunen", "https://x.no/a_b")
    ]


def test_soft_breaks_crlf_tabs_and_emoji() -> None:
    src = "# Tittel\r\n\r\nVi vil 🙂 styrke\r\n\tfellesskapet i kommunen.\r\nNeste linje &amp; \\*tegn\\*.\r\n"
    doc = parse_markdown(src)
    para = doc.blocks[1]
    assert para.text == "Vi vil 🙂 styrke fellesskapet i kommunen. Neste linje & *tegn*."
    i = para.text.index("fellesskapet")
    s, e = para.source_span(i, i + len("fellesskapet"))
    assert src[s:e] == "fellesskapet"
    assert doc.lines.position(s) == (4, 2)  # after the tab: column 2 in code points
    # The soft break stands for the CRLF it replaced.
    brk = para.text.index(" fellesskapet")
    assert src[slice(*para.source_span(brk, brk + 1))] == "\r\n"
    j = para.text.index("tegn")
    assert src[slice(*para.source_span(j, j + 4))] == "tegn"
    assert_words_map_exactly(doc)


def test_lists_inside_quotes_and_nested_lists() -> None:
    src = "> - sitert punkt\n>   fortsetter her\n\n- ytre\n  - indre punkt\n"
    doc = parse_markdown(src)
    assert [(b.kind.value, b.quoted, b.text) for b in doc.blocks] == [
        ("list_item", True, "sitert punkt fortsetter her"),
        ("list_item", False, "ytre"),
        ("list_item", False, "indre punkt"),
    ]
    assert_words_map_exactly(doc)


def test_front_matter_sets_language_and_keeps_lines() -> None:
    src = "---\nlang: nn-NO\n---\n\nEg skriv ikkje mykje.\n"
    doc = parse(src, "x.md", "markdown")
    assert doc.language == "nn" and doc.language_source == "front-matter"
    [block] = doc.blocks
    s, _ = block.source_span(0, 2)
    assert doc.lines.position(s) == (5, 1)


def test_empty_heading_has_a_position() -> None:
    doc = parse_markdown("Tekst.\n\n#\n\nMer tekst.\n")
    heading = doc.blocks[1]
    assert heading.is_heading and heading.text == ""
    assert heading.source_span(0, 0) == (8, 8)


def test_sample_draft_structure_and_offsets() -> None:
    doc = parse(SAMPLE_MD.read_text(encoding="utf-8"), str(SAMPLE_MD), "markdown")
    headings = [(b.level, b.text) for b in doc.blocks if b.is_heading]
    assert headings[0] == (1, "Valgseier i lokalvalget 2023")
    assert [h for h in headings if h[0] == 2][-1] == (2, "5. Levende byer og bygder")
    assert sum(1 for b in doc.blocks if b.kind is BlockKind.LIST_ITEM) == 38
    assert assert_words_map_exactly(doc) > 2000


def test_sample_draft_offsets_survive_crlf() -> None:
    src = SAMPLE_MD.read_text(encoding="utf-8").replace("\n", "\r\n")
    doc = parse(src, "crlf.md", "markdown")
    assert assert_words_map_exactly(doc) > 2000
