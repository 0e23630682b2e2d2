"""A PDF read as a reader reads it: columns in order, furniture left out, words whole,
positions as page and line. PDFs are built with tests/pdf_build.py (Helvetica, WinAnsi, so
æøå work); the text goes through the real extraction (PDFium) in this process."""

from __future__ import annotations

from pathlib import Path

import pytest
from klarsyn.document.model import BlockKind
from klarsyn.document.pdf import extract
from klarsyn.document.pdf.build import build_document

from tests.pdf_build import Line as PdfLine
from tests.pdf_build import Page, build_pdf

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "programmes"

Line = tuple[float, float, float, str]  # x, y, size, text


def make_pdf(pages: list[list[Line]]) -> bytes:
    """An untagged PDF whose pages draw the given lines in the given order (the content
    stream's), with the shared test builder."""
    return build_pdf([Page([PdfLine(text, x, y, size=size) for x, y, size, text in lines]) for lines in pages], tagged=False)


def read(data: bytes, path: str = "test.pdf"):  # type: ignore[no-untyped-def]
    source = extract.open_pdf(data)
    messages = [{"kind": "start", "pages": len(source)}, *extract.page_messages(source), {"kind": "done"}]
    return build_document(messages, path, data)


def texts(document) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.text for b in document.blocks]


LEFT = ["Kommunen skal bygge nye", "skoler i alle bydeler, og", "barnehagene skal få flere", "ansatte innen to år."]
RIGHT = ["Bussene skal gå oftere", "om kvelden, og prisen", "for barn og unge skal", "bli lavere enn i dag."]


def test_two_columns_drawn_across_the_page_are_read_column_by_column() -> None:
    # The content stream draws each baseline across both columns: left line, right line.
    lines: list[Line] = [(60, 780, 18, "Tiltak for byen")]
    for i, (left, right) in enumerate(zip(LEFT, RIGHT)):
        y = 740 - 14 * i
        lines += [(60, y, 11, left), (320, y, 11, right)]
    document = read(make_pdf([lines]))
    assert texts(document) == ["Tiltak for byen", " ".join(LEFT), " ".join(RIGHT)]
    assert document.blocks[0].kind is BlockKind.HEADING


def test_one_column_keeps_the_content_order_and_joins_hyphenated_words() -> None:
    lines: list[Line] = [(60, 740, 11, "Vi vil styrke lokalsam-"), (60, 726, 11, "funnet og gi alle barn"),
                         (60, 712, 11, "en trygg oppvekst.")]
    document = read(make_pdf([lines]))
    assert texts(document) == ["Vi vil styrke lokalsamfunnet og gi alle barn en trygg oppvekst."]


def test_running_headers_footers_and_page_numbers_are_left_out() -> None:
    pages = []
    for n in range(1, 6):
        pages.append([(60, 810, 9, "Handlingsprogram 2025–2029"), (60, 740, 11, f"Kapittel {n} handler om skolen i kommunen."),
                      (60, 726, 11, "Vi vil ha flere lærere."), (290, 30, 9, str(n))])
    document = read(make_pdf(pages))
    joined = "\n".join(texts(document))
    assert "Handlingsprogram" not in joined
    assert not any(t.strip().isdigit() for t in texts(document))
    assert joined.count("Vi vil ha flere lærere.") == 5


def test_positions_are_page_and_line_on_the_page() -> None:
    pages = [[(60, 740, 11, "Første side har en linje.")],
             [(60, 740, 11, "Andre side begynner her."), (60, 726, 11, "Her står ordet"), (60, 712, 11, "barnehageplassgarantiordningen i dag.")]]
    document = read(make_pdf(pages))
    offset = document.source.index("barnehageplassgarantiordningen")
    assert document.page_position(offset) == (2, 3)
    assert document.place(offset) == "p2:3:1"
    assert document.format == "pdf"


def test_a_larger_font_makes_a_heading_and_body_size_text_does_not() -> None:
    lines: list[Line] = [(60, 780, 20, "Skole og oppvekst"), (60, 750, 11, "Alle barn skal ha en god skole."),
                         (60, 730, 11, "Kort linje"), (60, 716, 11, "Mer tekst følger her."),
                         (60, 690, 15, "Barnehage"), (60, 665, 11, "Barnehagen er viktig.")]
    pages = [lines, [(60, 780, 20, "Helse"), (60, 750, 11, "Fastlegen skal være nær."), (60, 720, 15, "Sykehus"),
                     (60, 700, 11, "Sykehuset skal bli."), (60, 680, 15, "Tannhelse"), (60, 660, 11, "Tennene teller.")],
             [(60, 780, 20, "Kultur"), (60, 750, 11, "Biblioteket skal være åpent.")]]
    document = read(make_pdf(pages))
    headings = [(b.text, b.level) for b in document.blocks if b.kind is BlockKind.HEADING]
    assert headings == [("Skole og oppvekst", 1), ("Barnehage", 2), ("Helse", 1), ("Sykehus", 2), ("Tannhelse", 2), ("Kultur", 1)]


@pytest.mark.skipif(not (SHARED / "partiet_sentrum.pdf").exists(), reason="needs ../shared")
def test_two_column_page_of_a_real_programme_reads_left_then_right() -> None:
    # partiet_sentrum.pdf page 11: a sentence runs from the foot of the left column to the
    # top of the right one («… Knut Løgstrup. Han | slår fast at nøkkelen …»).
    document = read((SHARED / "partiet_sentrum.pdf").read_bytes(), "partiet_sentrum.pdf")
    page11 = [b.text for b in document.blocks if document.page_position(b.source_span(0, 1)[0])[0] == 11]
    joined = "\n".join(page11)
    assert "er den danske filosofen Knut Løgstrup. Han slår fast at nøkkelen til å forstå menneskelivet" in joined
    assert joined.index("Partiet Sentrums verdigrunnlag") < joined.index("Arven fra den europeiske humanismen")
    assert "PARTIET SENTRUM" not in "\n".join(texts(document))  # the running footer, on every page


@pytest.mark.skipif(not (SHARED / "generasjonspartiet.pdf").exists(), reason="needs ../shared")
def test_tagged_table_of_contents_and_artifacts_make_no_text() -> None:
    document = read((SHARED / "generasjonspartiet.pdf").read_bytes(), "generasjonspartiet.pdf")
    joined = "\n".join(texts(document))
    # The table of contents (TOCI) lists «8.0 Arbeidsliv … 69»; the chapter keeps its heading.
    assert "8.0 Arbeidsliv 69" not in joined
    assert any(b.kind is BlockKind.HEADING and b.text.startswith("8.0 Arbeidsliv") for b in document.blocks)
    assert not any(t.strip().isdigit() for t in texts(document))


@pytest.mark.skipif(not (SHARED / "generasjonspartiet.pdf").exists(), reason="needs ../shared")
def test_two_workers_read_the_same_document_as_one(monkeypatch: pytest.MonkeyPatch) -> None:
    from klarsyn.document.pdf import sandbox

    data = (SHARED / "generasjonspartiet.pdf").read_bytes()
    one = build_document(sandbox.run_worker(data, "g.pdf"), "g.pdf", data)
    monkeypatch.setattr(sandbox.os, "cpu_count", lambda: 2)
    assert len(data) >= sandbox.PARALLEL_BYTES
    two = build_document(sandbox.read_pdf(data, "g.pdf"), "g.pdf", data)
    assert two.source == one.source
    assert [(b.kind, b.level, b.text) for b in two.blocks] == [(b.kind, b.level, b.text) for b in one.blocks]
    assert two.pdf == one.pdf and two.page_lines == one.page_lines


def test_a_pull_quote_in_large_type_is_read_once_and_is_no_heading() -> None:
    body = ["Kvinner er oftere utsatt for vold og", "overgrep. Vi har fortsatt langt igjen til et", "likestilt samfunn. Det vil vi endre."]
    quote = ["Kvinner er oftere utsatt for vold", "og overgrep. Vi har fortsatt langt"]
    lines: list[Line] = [(60, 780, 20, "Likestilling"), *[(60, 750 - 14 * i, 11, t) for i, t in enumerate(body)],
                         *[(300, 500 - 30 * i, 24, t) for i, t in enumerate(quote)]]
    pages = [lines, [(60, 780, 20, "Skole"), (60, 750, 11, "Alle barn skal lære å lese."), (60, 700, 16, "Lærere"),
                     (60, 680, 11, "Vi trenger flere."), (60, 650, 16, "Bygg"), (60, 630, 11, "Skolene skal pusses opp."),
                     (60, 600, 16, "Mat"), (60, 580, 11, "Skolemat hver dag.")]]
    document = read(make_pdf(pages))
    joined = "\n".join(texts(document))
    assert joined.count("Kvinner er oftere utsatt for vold") == 1
    assert not any(b.kind is BlockKind.HEADING and "Kvinner" in b.text for b in document.blocks)


@pytest.mark.skipif(not (SHARED / "partiet_sentrum.pdf").exists(), reason="needs ../shared")
@pytest.mark.parametrize("name", ["fred_og_rettferdighet", "generasjonspartiet", "industri_og_næringspartiet",
                                  "konservativt", "norgesdemokratene", "partiet_sentrum"])
def test_no_block_of_a_real_programme_is_page_furniture(name: str) -> None:
    """No paragraph or heading of the six programmes is a page number, a running header or
    footer, or a table-of-contents line: the reader of the PDF sees none of them as text."""
    from klarsyn.document.layout import is_page_number
    from klarsyn.document.pdf.reading import furniture, page_from_wire

    data = (SHARED / f"{name}.pdf").read_bytes()
    source = extract.open_pdf(data)
    messages = [{"kind": "start", "pages": len(source)}, *extract.page_messages(source), {"kind": "done"}]
    document = build_document(messages, f"{name}.pdf", data)
    pages = [page_from_wire(m) for m in messages if m["kind"] == "page"]
    # The headers and footers that recur on many pages (digits aside), as the reader finds them.
    recurring = {" ".join(p.segments[i].text.split()) for p in pages for (n, i) in furniture(pages) if n == p.number}
    recurring = {t for t in recurring if len(t) >= 8 and not is_page_number(t)}
    for block in document.blocks:
        text = block.text.strip()
        assert not is_page_number(text), (name, text)
        # The cover may show the slogan that later pages carry as their header
        # (norgesdemokratene: «Norge Først», tagged as a paragraph on page 1).
        if document.page_position(block.source_span(0, 1)[0])[0] > 1:
            assert text not in recurring, (name, text)
        assert "....." not in text and "…………" not in text, (name, text[:80])  # dot leaders of a TOC
