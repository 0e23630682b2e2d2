from __future__ import annotations

from klarsyn.document.loader import parse
from klarsyn.document.model import BlockKind
from klarsyn.document.plaintext import parse_plaintext

from tests.conftest import SAMPLE_TXT
from tests.helpers import assert_words_map_exactly


def blocks(src: str) -> list[tuple[str, int, str]]:
    return [(b.kind.value, b.level, b.text) for b in parse_plaintext(src).blocks]


def test_wrapped_lines_are_joined_and_blank_lines_split() -> None:
    src = "Første linje fortsetter \npå neste linje.\n\nNytt avsnitt.\n"
    assert blocks(src) == [
        ("paragraph", 0, "Første linje fortsetter på neste linje."),
        ("paragraph", 0, "Nytt avsnitt."),
    ]


def test_numbered_lines_are_list_items_or_headings() -> None:
    src = (
        "Valgprogram\n\n"
        "Innledning her.\n\n"
        "1. Skape arbeidsplasser\n\n"
        "Tekst om arbeid.\n\n"
        "1. Tilrettelegge for flere\narbeidsplasser.\n"
        "2. Følge opp modellen.\n\n"
        "2.1 Tiltak for klima\n\n"
        "Mer tekst.\n"
    )
    assert blocks(src) == [
        ("heading", 1, "Valgprogram"),
        ("paragraph", 0, "Innledning her."),
        ("heading", 2, "1. Skape arbeidsplasser"),
        ("paragraph", 0, "Tekst om arbeid."),
        ("list_item", 0, "Tilrettelegge for flere arbeidsplasser."),
        ("list_item", 0, "Følge opp modellen."),
        ("heading", 3, "2.1 Tiltak for klima"),
        ("paragraph", 0, "Mer tekst."),
    ]


def test_pdf_artefacts_indent_and_broken_item() -> None:
    src = (
        "4. En god oppvekst \n Familie og venner er viktige. Det vet alle.\n"
        " Neste avsnitt starter med innrykk.\n\n"
        "3. Styrke idretten for alle \n\n"
        "gjennom samarbeid med frivillige.\n"
    )
    assert blocks(src) == [
        ("heading", 2, "4. En god oppvekst"),
        ("paragraph", 0, "Familie og venner er viktige. Det vet alle."),
        ("paragraph", 0, "Neste avsnitt starter med innrykk."),
        ("list_item", 0, "Styrke idretten for alle gjennom samarbeid med frivillige."),
    ]


def test_last_short_line_is_not_a_heading() -> None:
    assert blocks("Tekst her.\n\nSlutt uten punktum\n") == [
        ("paragraph", 0, "Tekst her."),
        ("paragraph", 0, "Slutt uten punktum"),
    ]


def test_offsets_through_crlf_tabs_and_nbsp() -> None:
    src = "Overskrift\r\n\r\n\tVi vil\u00a0styrke \r\nfellesskapet.\r\n"
    doc = parse_plaintext(src)
    para = doc.blocks[1]
    assert para.text == "Vi vil\u00a0styrke fellesskapet."
    i = para.text.index("fellesskapet")
    s, e = para.source_span(i, i + len("fellesskapet"))
    assert src[s:e] == "fellesskapet" and doc.lines.position(s) == (4, 1)
    assert src[slice(*para.source_span(0, 2))] == "Vi"


def test_sample_draft_structure() -> None:
    doc = parse(SAMPLE_TXT.read_text(encoding="utf-8"), str(SAMPLE_TXT), "text")
    numbered = [b.text for b in doc.blocks if b.is_heading and b.text[:1].isdigit()]
    assert numbered == [
        "1. Skape arbeidsplasser og et seriøst arbeidsliv",
        "2. Klima og natur - rammen rundt all politikk",
        "3. God helse og livskvalitet for alle",
        "4. En god oppvekst varer hele livet",
        "5. Levende byer og bygder",
    ]
    assert sum(1 for b in doc.blocks if b.kind is BlockKind.LIST_ITEM) == 38
    assert doc.blocks[0].text == "Valgseier i lokalvalget 2023" and doc.blocks[0].level == 1
    assert assert_words_map_exactly(doc) > 2000


def test_bullets_printed_apart_from_their_items_give_one_item_each() -> None:
    # pdftotext writes a bullet column apart from its text column: four bullets, then the
    # four items' lines with no blank line between them.
    source = (
        "Partiet Sentrum vil\n•\n\n•\n\n•\n\n•\n\n"
        "Sikre tilbud om kurs av høy\nkvalitet for alle.\n"
        "Sikre kontinuitet i\nbarselomsorgen\n"
        "Styrke barselomsorgen med øremerkede\nmidler, herunder\nbedre helsehjelp\n"
        "Innføre tiltak for å rekruttere\nflere jordmødre.\n"
    )
    doc = parse_plaintext(source)
    items = [b.text for b in doc.blocks if b.kind is BlockKind.LIST_ITEM]
    assert items == [
        "Sikre tilbud om kurs av høy kvalitet for alle.",
        "Sikre kontinuitet i barselomsorgen",
        "Styrke barselomsorgen med øremerkede midler, herunder bedre helsehjelp",
        "Innføre tiltak for å rekruttere flere jordmødre.",
    ]
    for b in doc.blocks:
        start, end = b.source_span(0, len(b.text))
        assert " ".join(source[start:end].split()) == b.text


def test_section_number_split_by_extraction_is_still_a_heading() -> None:
    doc = parse_plaintext("Innledning her.\n\n13. 1 Individets rettigheter\nTeknologisk utvikling gjør det mulig.\n")
    assert [(b.kind, b.text) for b in doc.blocks][1:] == [
        (BlockKind.HEADING, "13. 1 Individets rettigheter"),
        (BlockKind.PARAGRAPH, "Teknologisk utvikling gjør det mulig."),
    ]


def test_wrapped_heading_aside_dash_and_early_line_end() -> None:
    source = (
        "Tekst her.\n\n4.5 Innvandring, integrering og\ninkludering\n"
        "Partiet Sentrum ønsker en human, raus, bærekraftig og solidarisk\nasyl-, innvandring- og integreringspolitikk.\n\n"
        "Vi vil bygge veier, bygg som sykehus\n– altså investeringer som ikke gir\navkastning – er også vurdert.\n\n"
        "INP vil gi fradragsrett for utgifter til kost når man\nbor i pendlerboligen\nMange pendlere har lang vei til jobben.\n"
    )
    blocks = [(b.kind.value, b.level, b.text) for b in parse_plaintext(source).blocks]
    assert blocks == [
        ("paragraph", 0, "Tekst her."),
        ("heading", 3, "4.5 Innvandring, integrering og inkludering"),
        ("paragraph", 0, "Partiet Sentrum ønsker en human, raus, bærekraftig og solidarisk asyl-, innvandring- og integreringspolitikk."),
        # A dash before a small letter, after a line that runs on, is an aside, not a bullet.
        ("paragraph", 0, "Vi vil bygge veier, bygg som sykehus – altså investeringer som ikke gir avkastning – er også vurdert."),
        # «Mange» would have fitted on the short line before it: that line ended an item.
        ("paragraph", 0, "INP vil gi fradragsrett for utgifter til kost når man bor i pendlerboligen"),
        ("paragraph", 0, "Mange pendlere har lang vei til jobben."),
    ]


def test_a_short_line_ending_in_og_or_a_comma_goes_on() -> None:
    """A line that ends in a word a sentence cannot end on is never an early end, however
    short (industri_og_næringspartiet.txt cut «… (ELA) og⏎EUs banktilsynsbyrå …» in two)."""
    for tail in (" og", " eller", " som", ","):
        source = ("INP vil ut av byråene til EU fordi de styrer mer enn vi ønsker at de skal gjøre i\n"
                  f"Norge: energibyrået, jernbanebyrået{tail}\nEUs banktilsynsbyrå er også med.\n")
        [block] = parse_plaintext(source).blocks
        assert block.text.endswith(f"jernbanebyrået{tail} EUs banktilsynsbyrå er også med.")


def test_an_ordinal_the_line_wrapped_before_is_no_list_item() -> None:
    doc = parse_plaintext("Vi vil ha selvbestemt abort t.o.m.\n12. svangerskapsuke, og vi vil mer.\n")
    assert [b.text for b in doc.blocks] == ["Vi vil ha selvbestemt abort t.o.m. 12. svangerskapsuke, og vi vil mer."]
    listed = parse_plaintext("Kommunen skal:\n1. sikre gode barnehager\n2. bygge skoler\n")
    assert [b.kind for b in listed.blocks][1:] == [BlockKind.LIST_ITEM, BlockKind.LIST_ITEM]


def test_lines_are_cut_at_every_kind_of_break() -> None:
    import random

    import regex

    from klarsyn.document.plaintext import _split_lines

    def by_matching(source: str) -> list[tuple[int, int, int, str]]:
        line = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
        out, pos = [], 0
        while pos < len(source):
            m = line.match(source, pos)
            body = m.group().rstrip("\r\n")
            out.append((pos, pos + len(body), len(m.group()) - len(body), body))
            pos = m.end()
        return out

    rng = random.Random(3)
    sources = ["", "a", "\n", "\r\n", "a\r\nb", "a\n\n", "\r\r\n\n", "x\ry"]
    sources += ["".join(rng.choice("ab \r\n\u2028\f") for _ in range(rng.randrange(20))) for _ in range(2000)]
    for source in sources:
        assert [(l.start, l.end, l.brk, l.text) for l in _split_lines(source)] == by_matching(source), repr(source)
