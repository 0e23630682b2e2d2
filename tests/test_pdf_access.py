"""The PDF accessibility checks on PDFs built here (tests/pdf_build.py) and on the six real
programmes: facts read with pikepdf (structure.read_facts), then the pdf-* rules.

Until the PDF loader lands, a Document(format="pdf") is built by hand from the facts and
the lines' text, as the rule examples do (pdf_build.document_from_spec)."""

from __future__ import annotations

import io
import json
import time
import zlib
from pathlib import Path

import pikepdf
import pytest
from klarsyn.checks.pdf_access import page_ranges
from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.document.pdf import structure
from klarsyn.document.pdf.facts import PdfFacts
from klarsyn.document.pdf.structure import MAX_ELEMENTS, StructureProblem, read_facts
from klarsyn.engine.packs import builtin_rules
from klarsyn.engine.runner import check_document

from tests.pdf_build import Figure, Line, Page, build_pdf, text_page

RULES = builtin_rules()
PDF_RULES = tuple(r.id for r in RULES if getattr(r, "check", "").startswith("pdf-"))
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "programmes"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus/programmes")
NORWEGIAN = [
    "Vi vil at alle barn skal få en god skole i nærheten av der de bor.",
    "Det er viktig at lærerne har tid til hver elev og at de får god etterutdanning.",
    "Vi vil også at kommunen skal bygge flere sykkelveier og gangveier i sentrum.",
    "Eldre skal kunne bo hjemme så lenge de vil, og få hjelp når de trenger det.",
    "Vi mener at det skal være enkelt å starte en bedrift i kommunen vår.",
]


def _good(**changes) -> dict:  # type: ignore[no-untyped-def]
    """A PDF that passes every check, with ``changes`` to its build arguments."""
    args = {"pages": [Page([Line("Skole", size=18, tag="H1"), *[Line(t, y=730 - 20 * i) for i, t in enumerate(NORWEGIAN)]])],
            "lang": "nb-NO", "title": "Partiprogram 2025–2029", "display_title": True, "font": "embedded"}
    args.update(changes)
    return args


def _document(data: bytes, texts: list[str] | None = None):  # type: ignore[no-untyped-def]
    facts = read_facts(data)
    source = "\n\n".join(texts or ["Skole", *NORWEGIAN]) + "\n"
    document = parse(source, "program.pdf", "text", "nb")
    document.format, document.pdf, document.declared_language = "pdf", facts, facts.lang or None
    return document


def _findings(document, rules: tuple[str, ...] = PDF_RULES, lang: str = "nb"):  # type: ignore[no-untyped-def]
    config = Config(select=rules, catalog=RULES)
    return check_document(document, config).findings


def _fails(**changes) -> set[str]:  # type: ignore[no-untyped-def]
    return {f.rule for f in _findings(_document(build_pdf(**_good(**changes))))}


def test_a_well_made_pdf_passes_every_check() -> None:
    assert _fails() == set()


def test_facts_survive_the_json_trip_from_the_child_process() -> None:
    data = build_pdf([Page([Line("Skole", tag="H1"), Line("Kostnad", tag="Table/TR/TH"), Line("200", tag="Table/TR#2/TD"),
                            Line("Punkt", tag="L/LI/LBody")], [Figure(alt="Kart"), Figure()])],
                     lang="nb-NO", title="Program", bookmarks=[("Skole", 0)])
    facts = read_facts(data)
    again = PdfFacts.from_dict(json.loads(json.dumps(facts.to_dict())))
    assert again == facts
    assert (again.tagged, again.lang, again.title, again.outline_items, again.lists, again.list_items) == (True, "nb-NO", "Program", 1, 1, 1)
    assert [(f.page, f.alt, f.alt_text) for f in again.figures] == [(1, True, "Kart"), (1, False, "")]
    assert [(t.header_cells, t.cells) for t in again.tables] == [(1, 2)]
    assert again.fonts[0].embedded is False and again.fonts[0].name == "Helvetica"


def test_the_builder_draws_real_text_and_can_order_the_tags_apart_from_the_drawing() -> None:
    import pypdfium2

    data = build_pdf([Page([Line("Venstre spalte", 72, 700, order=1), Line("Høyre spalte: æøå", 320, 700, order=0),
                            Line("Side 1", 280, 40, tag="Artifact")])])
    text = pypdfium2.PdfDocument(data)[0].get_textpage().get_text_range()
    assert "Høyre spalte: æøå" in text and "Venstre spalte" in text
    pdf = pikepdf.open(io.BytesIO(data))
    assert [int(kid.K) for kid in pdf.Root.StructTreeRoot.K.K] == [1, 0]  # the right column's MCID first
    assert read_facts(data).paragraphs == 2  # the page number is an artifact, not a tag


def test_an_untagged_pdf_is_an_error_and_tag_rules_stay_quiet() -> None:
    findings = _findings(_document(build_pdf(**_good(tagged=False))))
    assert [(f.rule, f.severity.value) for f in findings] == [("pdf-tagger", "error")]


def test_file_level_findings_sit_on_the_first_line() -> None:
    document = _document(build_pdf(**_good(tagged=False)))
    (finding,) = _findings(document)
    assert (finding.start, finding.end) == (0, len("Skole"))
    # Also when the first line is no block (partiet_sentrum opens with a photo credit).
    document.blocks = document.blocks[1:]
    (finding,) = _findings(document)
    assert (finding.start, finding.end) == (0, len("Skole"))
    empty = _document(build_pdf(**_good(tagged=False)), [""])
    empty.source, empty.blocks = "", []
    assert [(f.start, f.end) for f in _findings(empty)] == [(0, 0)]


def test_tags_that_do_not_reach_the_pages() -> None:
    assert _fails(link_pages=False) == {"pdf-tagger-sider"}


def test_document_language_missing_and_wrong() -> None:
    assert _fails(lang=None) == {"pdf-dokumentsprak"}
    assert _fails(lang="en-US") == {"pdf-feil-sprak"}
    # Too little text to weigh: a short English-tagged flyer is left alone.
    short = build_pdf(**_good(lang="en", pages=[text_page(["Vi vil bygge skoler."])]))
    assert _findings(_document(short, ["Vi vil bygge skoler."])) == []


def test_dokumentsprak_leaves_pdfs_to_pdf_dokumentsprak() -> None:
    document = _document(build_pdf(**_good(lang=None)))
    rules = ("dokumentsprak", "overskriftsniva", "tabelloverskrift", "pdf-dokumentsprak")
    assert [f.rule for f in _findings(document, rules)] == ["pdf-dokumentsprak"]


def test_a_wrong_lang_is_one_finding_not_one_per_paragraph() -> None:
    document = _document(build_pdf(**_good(lang="en-US")))
    document.declared_language = "en-US"  # as the loader sets it from /Lang
    findings = _findings(document, ("avsnittsprak", "pdf-feil-sprak"))
    assert [f.rule for f in findings] == ["pdf-feil-sprak"]
    # A Norwegian PDF with one English paragraph left unmarked is still avsnittsprak's.
    english = "We want every child to have a good school close to where they live, and we will build more."
    texts = ["Skole", *NORWEGIAN, english]
    document = _document(build_pdf(**_good()), texts)
    document.declared_language = "nb-NO"
    assert [f.rule for f in _findings(document, ("avsnittsprak", "pdf-feil-sprak"))] == ["avsnittsprak"]


def test_title_missing_a_file_name_or_not_shown() -> None:
    assert _fails(title=None) == {"pdf-tittel"}
    assert _fails(title="Microsoft Word - PROGRAM 2025.docx") == {"pdf-tittel"}
    assert _fails(title="250417-Program_v2") == {"pdf-tittel"}
    assert _fails(display_title=False) == {"pdf-tittel"}
    (finding,) = _findings(_document(build_pdf(**_good(title="250417-Program_v2"))))
    assert "filnavn («250417-Program_v2»)" in finding.message


def test_figures_without_alt_are_one_finding_with_count_and_pages() -> None:
    pages = [Page([Line(t, y=700 - 20 * i) for i, t in enumerate(NORWEGIAN)], [Figure(alt="Kart over sykkelveiene")]),
             Page([Line("Skole", tag="H1")], [Figure(), Figure(tag="Artifact")]),
             Page([Line("Helse", tag="H1")], [Figure()]),
             Page([Line("Eldre", tag="H1")], [Figure(alt="Et bilde som inneholder person, tre KI-generert innhold kan være feil.")])]
    findings = _findings(_document(build_pdf(**_good(pages=pages))))
    assert [f.rule for f in findings] == ["pdf-alternativ-tekst"]
    message = findings[0].message
    assert "PDF-en har 4 figurer, og 3 av dem" in message  # the artifact is decoration, not a figure
    assert "2 har ingen og 1 har Words automatiske beskrivelse (sidene 2–4)" in message
    assert findings[0].severity.value == "error"


def test_headings_untagged_and_skipped_levels() -> None:
    plain = [Page([Line("Skole"), *[Line(t, y=730 - 20 * i) for i, t in enumerate(NORWEGIAN)]])]
    assert _fails(pages=plain) == {"pdf-overskrifter"}
    skipping = [Page([Line("Skole", tag="H1"), Line("Mål", tag="H2"), *[Line(t) for t in NORWEGIAN]]),
                Page([Line("Tiltak", tag="H4"), Line("Helse", tag="H1"), Line("Detaljer", tag="H3")])]
    findings = _findings(_document(build_pdf(**_good(pages=skipping))))
    assert [f.rule for f in findings] == ["pdf-overskriftsniva"]
    assert "2 ganger (side 2); den første er nivå 4 etter nivå 2 på side 2" in findings[0].message
    # A plain /H has no level and is passed over; a document may start below H1.
    loose = [Page([Line("Skole", tag="H2"), Line("Om oss", tag="H"), Line("Mål", tag="H3"), *[Line(t) for t in NORWEGIAN]])]
    assert _fails(pages=loose) == set()


def test_tables_without_header_cells() -> None:
    rows = [Line("Tiltak", tag="Table/TR/TD"), Line("Kostnad", tag="Table/TR/TD"),
            Line("Skole", tag="Table/TR#2/TD"), Line("200", tag="Table/TR#2/TD")]
    page = Page([Line("Skole", tag="H1"), *[Line(t) for t in NORWEGIAN], *rows])
    assert _fails(pages=[page]) == {"pdf-tabelloverskrift"}
    header = [Line(r.text, tag=r.tag.replace("TR/TD", "TR/TH")) for r in rows]
    assert _fails(pages=[Page([Line("Skole", tag="H1"), *[Line(t) for t in NORWEGIAN], *header])]) == set()


def test_bullets_in_paragraphs_of_a_tagged_file_without_list_tags() -> None:
    points = ["• bygge flere skoler", "• ansette flere lærere", "• gi gratis skolemat"]
    page = Page([Line("Skole", tag="H1"), *[Line(t) for t in NORWEGIAN], *[Line(t) for t in points]])
    document = _document(build_pdf(**_good(pages=[page])), ["Skole", *NORWEGIAN, *points])
    findings = _findings(document)
    assert [f.rule for f in findings] == ["pdf-lister"]
    assert "3 linjer som begynner med et kulepunkt" in findings[0].message
    tagged = Page([Line("Skole", tag="H1"), *[Line(t) for t in NORWEGIAN], *[Line(t, tag=f"L/LI#{i}/LBody") for i, t in enumerate(points)]])
    assert _findings(_document(build_pdf(**_good(pages=[tagged])), ["Skole", *NORWEGIAN, *points])) == []
    # Two bullets are not yet a pattern; dashes (page numbers, «- 11 -») are never counted.
    assert _findings(_document(build_pdf(**_good(pages=[page])), ["Skole", *NORWEGIAN, *points[:2], "- 11 -", "- 12 -"])) == []


def test_a_page_with_an_image_and_no_text_is_reported_as_scanned() -> None:
    pages = [_good()["pages"][0], Page(figures=[Figure(0, 0, 595, 842, tag=None)])]
    findings = _findings(_document(build_pdf(**_good(pages=pages))))
    assert [f.rule for f in findings] == ["pdf-skannet"]
    assert "1 side i PDF-en har bare bilder og ingen tekst (side 2)" in findings[0].message


def test_bookmarks_from_twenty_pages() -> None:
    page = _good()["pages"][0]
    assert _fails(pages=[page] * 19) == set()
    assert _fails(pages=[page] * 20) == {"pdf-bokmerker"}
    assert _fails(pages=[page] * 20, bookmarks=[("Skole", 0)]) == set()


def test_fonts_not_embedded_and_text_not_extractable() -> None:
    assert _fails(font="helvetica") == {"pdf-skrifter"}  # WinAnsi Helvetica: text reads fine
    assert _fails(font="no-unicode") == {"pdf-unicode"}
    (finding,) = _findings(_document(build_pdf(**_good(font="helvetica"))))
    assert "1 skrift er ikke bygd inn i PDF-en (Helvetica; brukt på side 1)" in finding.message


def test_other_formats_get_no_pdf_finding() -> None:
    document = parse("# Skole\n\nVi vil bygge skoler.\n", "program.md", "markdown", "nb")
    assert _findings(document) == []


def test_messages_in_all_three_languages_name_word_and_indesign() -> None:
    for rule in RULES:
        if rule.id in PDF_RULES and rule.id != "pdf-overskriftsniva":
            for lang in ("nb", "nn", "en"):
                assert "Word" in rule.message[lang] or "Acrobat" in rule.message[lang], (rule.id, lang)
                assert "InDesign" in rule.message[lang], (rule.id, lang)


def test_page_ranges() -> None:
    assert page_ranges([5, 1, 2, 3, 9, 10, 3]) == "1–3, 5, 9–10"
    assert page_ranges(list(range(1, 40, 2))).endswith(", …")


# Hostile and damaged files: a clean StructureProblem or partial facts, never a crash or a hang.

def _save(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _tree_of(kids_for) -> bytes:  # type: ignore[no-untyped-def]
    pdf = pikepdf.new()
    pdf.add_blank_page()
    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    kids_for(pdf, root)
    return _save(pdf)


def test_a_structure_tree_100000_deep_is_walked_without_recursion(monkeypatch: pytest.MonkeyPatch) -> None:
    def deep(pdf, root):  # type: ignore[no-untyped-def]
        parent = root
        first = None
        for _ in range(100_000):
            elem = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.Div, P=parent))
            if first is None:
                first = elem
            else:
                parent.K = elem
            parent = elem
        parent.K = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.Figure, P=parent))
        root.K = first

    data = _tree_of(deep)
    started = time.perf_counter()
    facts = read_facts(data)
    # Within the child's budget: cut at the element limit, and said so.
    assert time.perf_counter() - started < 2.0
    assert facts.tree_cut and facts.elements <= structure.MAX_ELEMENTS
    # With the limits lifted the walk goes all the way down (no recursion limit).
    monkeypatch.setattr(structure, "TREE_SECONDS", 60.0)
    monkeypatch.setattr(structure, "MAX_ELEMENTS", 200_000)
    facts = read_facts(data)
    assert facts.elements == 100_001 and not facts.tree_cut
    assert len(facts.figures) == 1


def test_a_loop_in_the_structure_tree_ends() -> None:
    def loop(pdf, root):  # type: ignore[no-untyped-def]
        a = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.Sect))
        b = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.H1, K=pikepdf.Array([a])))
        a.K = pikepdf.Array([b, a])
        root.K = a

    facts = read_facts(_tree_of(loop))
    assert (facts.elements, len(facts.headings)) == (2, 1)


def test_a_huge_tree_is_cut_at_the_cap_or_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    def wide(pdf, root):  # type: ignore[no-untyped-def]
        root.K = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.P)) for _ in range(5_000)])

    data = _tree_of(wide)
    assert read_facts(data).elements == 5_000
    monkeypatch.setattr(structure, "MAX_ELEMENTS", 1_000)
    facts = read_facts(data)
    assert facts.tree_cut and facts.elements == 1_000
    monkeypatch.setattr(structure, "MAX_ELEMENTS", MAX_ELEMENTS)
    monkeypatch.setattr(structure, "TREE_SECONDS", 0.0)
    facts = read_facts(data)
    assert facts.tree_cut and facts.elements < 1_000


def _with_xmp(packet: bytes) -> bytes:
    pdf = pikepdf.open(io.BytesIO(build_pdf(**_good(title=None))))
    pdf.Root.Metadata = pdf.make_stream(zlib.compress(packet), Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML,
                                        Filter=pikepdf.Name.FlateDecode)
    return _save(pdf)


XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt>'
       b'<rdf:li xml:lang="x-default">Program for Fred &amp; r\xc3\xa6ttferd</rdf:li></rdf:Alt></dc:title>'
       b"</rdf:Description></rdf:RDF></x:xmpmeta>")


def test_the_title_from_xmp_when_info_has_none() -> None:
    assert read_facts(_with_xmp(XMP)).title == "Program for Fred & rættferd"


def test_an_xmp_decompression_bomb_is_not_inflated() -> None:
    data = _with_xmp(b" " * 30_000_000 + XMP)  # 30 MB of spaces, 30 KB compressed: title past the bound
    started = time.perf_counter()
    assert read_facts(data).title == ""
    assert time.perf_counter() - started < 2.0


def test_a_loop_in_the_outline_ends() -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    item = pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String("A")))
    item.Next = item
    item.First = item
    pdf.Root.Outlines = pdf.make_indirect(pikepdf.Dictionary(First=item, Last=item))
    assert read_facts(_save(pdf)).outline_items == 1


@pytest.mark.parametrize("data", [b"", b"not a pdf at all", b"%PDF-1.7\n" + b"\x00" * 1000], ids=["empty", "text", "zeros"])
def test_garbage_is_a_structure_problem(data: bytes) -> None:
    with pytest.raises(StructureProblem):
        read_facts(data)


def test_a_truncated_file_is_repaired_or_refused_cleanly() -> None:
    data = build_pdf(**_good())
    for cut in (len(data) // 3, len(data) // 2, len(data) - 40):
        try:
            facts = read_facts(data[:cut])
        except StructureProblem:
            continue
        assert isinstance(facts, PdfFacts)


def test_an_encrypted_file_says_so() -> None:
    pdf = pikepdf.open(io.BytesIO(build_pdf(**_good())))
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(user="hemmelig", owner="hemmelig", aes=True))
    with pytest.raises(StructureProblem, match="encrypted"):
        read_facts(out.getvalue())


# The six real programmes (skipped when the shared corpus is absent).

def _real(name: str) -> PdfFacts:
    path = CORPUS / f"{name}.pdf"
    if not path.is_file():
        pytest.skip("shared corpus absent")
    return read_facts(path.read_bytes())


def test_the_real_programmes_facts() -> None:
    fred = _real("fred_og_rettferdighet")
    assert (fred.tagged, fred.tags_reach_pages, fred.lang, fred.title, fred.display_doc_title) == (True, True, "nb-NO", "Program 2025", True)
    gen = _real("generasjonspartiet")
    assert (gen.tagged, gen.lang, gen.title, gen.pages) == (True, "en", "", 100)
    assert len(gen.fonts) == 14 and sum(not f.to_unicode for f in gen.fonts) == 10  # all WinAnsi: still extractable
    assert all(f.extractable and f.embedded for f in gen.fonts)
    kon = _real("konservativt")
    assert (kon.tagged, kon.tags_reach_pages, kon.lang, kon.elements) == (True, False, "", 2805)
    nd = _real("norgesdemokratene")
    assert (nd.tagged, nd.lang, len(nd.figures), sum(f.alt for f in nd.figures)) == (True, "nb-NO", 153, 0)
    ind = _real("industri_og_næringspartiet")
    assert (ind.tagged, ind.lang, ind.outline_items) == (False, "", 0)
    sentrum = _real("partiet_sentrum")
    assert (sentrum.tagged, sentrum.lang, sentrum.pages, sentrum.outline_items) == (False, "en-US", 180, 0)


@pytest.mark.parametrize("name", ["fred_og_rettferdighet", "generasjonspartiet", "industri_og_næringspartiet", "konservativt",
                                  "norgesdemokratene", "partiet_sentrum"])
def test_the_real_programmes_are_read_fast(name: str) -> None:
    _real(name)  # pikepdf imported, file cached
    started = time.perf_counter()
    _real(name)
    # Measured 0.01–0.3 s each (the 100-page Word file's 14,451 elements the slowest); the
    # bound leaves room for a loaded machine of 2 shared cores.
    assert time.perf_counter() - started < 1.5


ENGLISH = "We want every child to have a good school close to where they live, and we will build more."


def _loaded(data: bytes):  # type: ignore[no-untyped-def]
    """Read through the real loader (the sandboxed worker, as `klarsyn check` reads it)."""
    from klarsyn.document.loader import settle_language
    from klarsyn.document.pdf.build import load_pdf

    return settle_language(load_pdf(data, "program.pdf"), None)


def _english_page(english: Line, **sect_lang: str) -> bytes:
    lines = [Line("Skole", size=18, tag="H1"), *[Line(t, y=730 - 30 * i) for i, t in enumerate(NORWEGIAN)]]
    english.y = 730 - 30 * len(NORWEGIAN)
    data = build_pdf(**_good(pages=[Page([*lines, english])]))
    if not sect_lang:
        return data
    with pikepdf.open(io.BytesIO(data)) as pdf:  # a /Lang on the element above the text's
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == pikepdf.Name("/Sect"):
                obj.Lang = pikepdf.String(sect_lang["lang"])
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def test_a_passage_tagged_in_its_language_is_not_reported_as_unmarked() -> None:
    unmarked = _loaded(_english_page(Line(ENGLISH)))
    [finding] = _findings(unmarked, ("avsnittsprak",))
    assert unmarked.source[finding.start : finding.end] == ENGLISH
    # /Lang on the paragraph, on a span around the text, or on a section above it.
    for english, lang in ((_english_page(Line(ENGLISH, lang="en-GB")), "en-GB"),
                          (_english_page(Line(ENGLISH, tag="P/Span", lang="en")), "en"),
                          (_english_page(Line(ENGLISH, tag="Sect/P"), lang="en-US"), "en-US")):
        document = _loaded(english)
        assert [b.attrs.get("lang") for b in document.blocks if b.text == ENGLISH] == [lang]
        assert not any(b.attrs.get("lang") for b in document.blocks if b.text != ENGLISH)
        assert _findings(document, ("avsnittsprak",)) == []
    # Marked, but as Norwegian: still English text a screen reader reads with a Norwegian voice.
    wrong = _loaded(_english_page(Line(ENGLISH, lang="nb-NO")))
    assert [f.rule for f in _findings(wrong, ("avsnittsprak",))] == ["avsnittsprak"]
