"""Page layout in text extracted from PDF is not read as prose (document/layout.py)."""

from __future__ import annotations

import pytest

from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.document.plaintext import parse_plaintext
from klarsyn.engine.incremental import IncrementalChecker
from klarsyn.engine.runner import check_document

from tests.helpers import assert_words_map_exactly


def texts(src: str) -> list[tuple[str, str]]:
    return [(b.kind.value, b.text) for b in parse_plaintext(src).blocks]


def findings(src: str) -> list[tuple[str, str]]:
    doc = parse(src, "x.txt", "text", "nb")
    return [(f.rule, src[f.start : f.end]) for f in check_document(doc, Config()).findings]


def rules(src: str) -> set[str]:
    return {rule for rule, _ in findings(src)}


# As pdftotext writes konservativt.pdf: the ligatures' letters on lines of their own.
KONSERVATIVT = (
    "5.4 Grunnskolen\n\n"
    "Skolen skal gi elevene kunnskap og dannelse.\n\n"
    "ti\n\nti\n\ntt\n\ntt\n\nff\n\nfl\n\n"
    "Side 1 av 80\n\n"
    "\f5.5 Videregående skole\n\n"
    "Vi vil styrke yrkesfagene.\n"
)


def test_lost_ligature_lines_make_no_block_and_no_doubled_word() -> None:
    assert "dobbelt-ord" not in rules(KONSERVATIVT)
    blocks = texts(KONSERVATIVT)
    assert not any(text in ("ti", "tt", "ff", "fl") for _, text in blocks)
    assert ("paragraph", "Skolen skal gi elevene kunnskap og dannelse.") in blocks
    assert_words_map_exactly(parse_plaintext(KONSERVATIVT))


def test_a_lone_ti_in_ordinary_text_is_a_word() -> None:
    # Ten, once, in a narrow column: not debris in a file without fragment lines.
    src = "Vi har\nti\npunkter i programmet.\n"
    assert texts(src) == [("paragraph", "Vi har ti punkter i programmet.")]


def test_debris_does_not_join_its_neighbours() -> None:
    src = "Vi vil bygge flere\n\nti\n\ntt\n\nti\n\nsykehjem i distriktene.\n"
    assert texts(src) == [("paragraph", "Vi vil bygge flere sykehjem i distriktene.")]


SENTRUM = (
    "Vi, og de som\n\n"
    "PARTI ET SENTRU M\n\n"
    "9\n\n"
    "like mye verdt og har en like selvfølgelig plass i verden.\n\n"
    "S T OR T I N GS P R OGR A M 2025-2029\n\n"
    "\f1.3 Vår verdiplattform\n"
    "Partiet Sentrum bygger på menneskeverdet.\n\n"
    "PARTI ET SENTRU M\n\n"
    "10\n\n"
    "Vi vil bygge et samfunn for alle.\n\n"
    "S T OR T I N GS P R OGR A M 2025-2029\n\n"
    "\fPartiet Sentrum vil gjøre mer.\n\n"
    "PARTI ET SENTRU M\n\n"
    "11\n\n"
    "Bilde: James Wheeler / Unsplash\n\n"
    "S T OR T I N GS P R OGR A M 2025-2029\n"
)


def test_running_headers_page_numbers_and_credits_are_left_out() -> None:
    blocks = [text for _, text in texts(SENTRUM)]
    assert "Vi, og de som like mye verdt og har en like selvfølgelig plass i verden." in blocks
    assert not any("SENTRU M" in t or "P R OGR A M" in t or "Unsplash" in t for t in blocks)
    assert not any(t.isdigit() for t in blocks)
    assert "versaler" not in rules(SENTRUM)
    assert_words_map_exactly(parse_plaintext(SENTRUM))


def test_a_heading_repeated_twice_is_not_a_running_header() -> None:
    src = "Vi vil:\n\nBygge skoler.\n\n\fVi vil:\n\nBygge veier.\n"
    assert [t for _, t in texts(src)].count("Vi vil:") == 2


def test_a_lead_in_repeated_before_every_list_is_kept() -> None:
    # «Partiet Sentrum vil» opens 171 lists in the programme; it is prose, not a header.
    src = "".join(f"Avsnitt {i} handler om saken.\n\nPartiet Sentrum vil\n\n• gjøre tiltak {i}\n\n" for i in range(6))
    src += "\f12\n"
    assert [t for _, t in texts(src)].count("Partiet Sentrum vil") == 6


TOC = (
    "Handlingsprogram 2025-2029\n\n5\n\n"
    "1. Ekteskap og familie\n\n5\n\n"
    "1.1 Kjønn\n\n5\n\n"
    "1.2 Ekteskapet\n\n6\n\n"
    "1.3 Barn\n\n6\n\n"
    "\f1. Ekteskap og familie\n\n"
    "Familien er samfunnets grunnstein.\n"
)

DOTTED_TOC = (
    "Innhold\n"
    "1. Innledende perspektiv og verdigrunnlag.................................9\n"
    "1.1 Prolog...............................................................9\n"
    "2. Mennesker og bærekraft først. Sosial beskyttelse,\n"
    "inkludering og like muligheter..........................................15\n"
    "Ytringsfrihet og -ansvar . . . . . . . . . . . . . . . . . . . . . 18\n\n"
    "\f1. Innledende perspektiv og verdigrunnlag\n\n"
    "Vi tror på mennesket.\n"
)

# generasjonspartiet.txt: the titles, then their page numbers as a paragraph of their own.
COLUMN_TOC = (
    "Kultur og kunst\n10.0\nKultur\n9.1 Pensum\n9.2 Student\n\n79\n79\n80\n81\n\n"
    "Kulturen er viktig for alle.\n"
)


SAME_LINE_TOC = "Innhold\n\n1. Ekteskap og familie 5\n1.1 Kjønn 5\n1.2 Ekteskapet 6\n2. Retten til liv 10\n\nFamilien er samfunnets grunnstein.\n"


def test_table_of_contents_lines_are_left_out() -> None:
    assert [t for _, t in texts(SAME_LINE_TOC)] == ["Innhold", "Familien er samfunnets grunnstein."]
    # Three lines that end in a number are no table of contents when the numbers fall.
    falling = "Vi har 30\nde har 20\nog andre har 10\n"
    assert texts(falling) == [("paragraph", "Vi har 30 de har 20 og andre har 10")]
    assert texts(TOC) == [("heading", "1. Ekteskap og familie"), ("paragraph", "Familien er samfunnets grunnstein.")]
    assert [t for _, t in texts(DOTTED_TOC)] == [
        "Innhold", "1. Innledende perspektiv og verdigrunnlag", "Vi tror på mennesket."
    ]
    assert not any("...." in t or ". . ." in t or "muligheter" in t for _, t in texts(DOTTED_TOC))
    assert texts(COLUMN_TOC) == [("paragraph", "Kulturen er viktig for alle.")]
    for src in (TOC, DOTTED_TOC, COLUMN_TOC):
        assert not {"falsk-overskrift", "lang-setning", "lix-avsnitt"} & rules(src)


def test_a_lone_bullet_starts_a_list_item_with_the_next_line() -> None:
    src = (
        "Partiet Sentrum vil\n•\n\nVektlegge ytringsansvarets betydning for et anstendig ordskifte\n\n•\n\n"
        "Sikre tiltak som fremmer dialog og forståelse på tvers av grupper,\ngjennom interkulturelt arbeid\n\n"
        "\uf0b7\tIkke innvilge statsstøtte til organisasjoner som motarbeider inkludering\n"
    )
    assert texts(src)[1:] == [
        ("list_item", "Vektlegge ytringsansvarets betydning for et anstendig ordskifte"),
        ("list_item", "Sikre tiltak som fremmer dialog og forståelse på tvers av grupper, gjennom interkulturelt arbeid"),
        ("list_item", "Ikke innvilge statsstøtte til organisasjoner som motarbeider inkludering"),
    ]
    assert_words_map_exactly(parse_plaintext(src))


def test_lettered_and_roman_items_are_units_of_their_own() -> None:
    src = (
        "Kommunen skal:\n"
        "a) sikre gode barnehager for alle barn i kommunen uansett bosted og bakgrunn\n"
        "b) bygge ut skolefritidsordningen slik at alle barn får et gratis tilbud hver dag\n"
        "c) styrke helsesykepleiertjenesten i skolen og barnehagen med flere stillinger\n"
        "iv) ▪ ikke dette\n"
        "▪ følge opp de eldre som bor hjemme og trenger hjelp i hverdagen fra kommunen\n"
        "– gi de frivillige organisasjonene gode og forutsigbare rammevilkår over tid\n"
    )
    blocks = texts(src)
    assert [k for k, _ in blocks] == ["paragraph"] + ["list_item"] * 6
    assert blocks[1] == ("list_item", "sikre gode barnehager for alle barn i kommunen uansett bosted og bakgrunn")
    assert "lang-setning" not in rules(src)


def test_incremental_check_sees_the_whole_files_running_headers() -> None:
    full = sorted((f.rule, f.start, f.end) for f in check_document(parse(SENTRUM, "x.txt", "text", "nb"), Config()).findings)
    live = sorted((f.rule, f.start, f.end) for f in IncrementalChecker().check(SENTRUM, "x.txt", "text", Config()).findings)
    assert live == full


def test_a_lead_in_before_its_list_is_not_a_heading() -> None:
    src = "Partiet Sentrum vil\n•\n\nVektlegge ytringsansvarets betydning\n\n•\n\nSikre dialog på tvers av grupper\n"
    assert texts(src)[0] == ("paragraph", "Partiet Sentrum vil")
    assert "falsk-overskrift" not in rules(src)


def test_an_item_after_a_lead_in_whose_bullet_was_lost_is_a_unit() -> None:
    src = (
        "Partiet Sentrum vil\n"
        "Ikke åpne opp for mineralutvinning på\nhavbunnen i norske farvann\n"
    )
    assert [t for _, t in texts(src)] == ["Partiet Sentrum vil", "Ikke åpne opp for mineralutvinning på havbunnen i norske farvann"]


def test_end_of_line_hyphenation_is_joined_and_offsets_cover_the_source() -> None:
    src = (
        "Vi vil styrke helse-\nog omsorgstjenesten, bedre utdan-\nningen, ta i bruk nye IKT-\n"
        "løsninger fra 2025-\nårene og bygge ut Øst-\nNorge uten re-\neksport.\n"
    )
    [block] = parse_plaintext(src).blocks
    assert block.text == (
        "Vi vil styrke helse- og omsorgstjenesten, bedre utdanningen, ta i bruk nye IKT-løsninger "
        "fra 2025-årene og bygge ut Øst-Norge uten re-eksport."
    )
    for word, written in [("utdanningen", "utdan-\nningen"), ("IKT-løsninger", "IKT-\nløsninger"), ("helse-", "helse-")]:
        at = block.text.index(word)
        start, end = block.source_span(at, at + len(word))
        assert src[start:end] == written
    assert "skrivefeil" not in rules(src)


def test_a_ligature_reads_as_its_letters_and_maps_to_its_one_character() -> None:
    src = "Den o\ufb03sielle \ufb01nansieringen er sikret.\n"
    [block] = parse_plaintext(src).blocks
    assert block.text == "Den offisielle finansieringen er sikret."
    at = block.text.index("finansieringen")
    start, end = block.source_span(at, at + len("finansieringen"))
    assert src[start:end] == "\ufb01nansieringen"
    start, end = block.source_span(at, at + 2)  # the "fi" of the ligature
    assert (start, end) == (src.index("\ufb01"), src.index("\ufb01") + 1)


MIXED = (
    "Samferdsel og skole\n\n"
    "Vi vil ha et godt tilbud i hele landet. Derfor prioriterer vi skole og samferdsel.\n\n"
    + 'Kommunen skal bygge nye skoler\nStaten må sikre gode veier\nog barnehager i hele fylket.\nog trygge broer over fjordene.\nAlle barn skal ha en trygg vei\nFergene skal gå oftere\ntil skolen hver dag.\nog koste mindre for folk flest.\nVi vil ansette flere lærere\nVi vil bygge ut jernbanen\nog gi dem mer tid til elevene.\nmellom de store byene.\nSkolen skal ha gode lokaler\nBussene skal gå på strøm\nog et sunt inneklima.\ninnen utgangen av 2030.\nLeksehjelp skal være gratis\nSykkelveiene skal henge sammen\nfor alle elever i grunnskolen.\ngjennom hele kommunen.\nForeldrene skal bli hørt\nFlyplassene i distriktene\nnår skolen gjør store endringer.\nskal ikke legges ned.\nKulturskolen skal være åpen\nVedlikeholdet av veiene\nfor alle barn som vil delta.\nskal ikke utsettes lenger.\n'
    + "\nVi vil at hele landet skal henge sammen.\n"
)


def test_two_columns_mixed_line_by_line_give_one_finding_and_no_others() -> None:
    doc = parse(MIXED, "x.txt", "text", "nb")
    found = check_document(doc, Config()).findings
    [note] = [f for f in found if f.rule == "blandede-spalter"]
    assert MIXED[note.start : note.end].startswith("Kommunen skal bygge nye skoler\nStaten må sikre gode veier")
    assert MIXED[note.start : note.end].endswith("skal ikke utsettes lenger.")
    assert "Teksten ser ut som to spalter blandet sammen" in note.message
    # The mixed lines are left out of prose: no other finding inside them.
    assert not [f for f in found if f.rule != "blandede-spalter" and note.start <= f.start < note.end]
    assert [b.text for b in doc.blocks][-1] == "Vi vil at hele landet skal henge sammen."
    live = sorted((f.rule, f.start, f.end) for f in IncrementalChecker().check(MIXED, "x.txt", "text", Config()).findings)
    assert live == sorted((f.rule, f.start, f.end) for f in found)


def test_the_same_columns_one_after_the_other_are_prose() -> None:
    unmixed = MIXED.replace('Kommunen skal bygge nye skoler\nStaten må sikre gode veier\nog barnehager i hele fylket.\nog trygge broer over fjordene.\nAlle barn skal ha en trygg vei\nFergene skal gå oftere\ntil skolen hver dag.\nog koste mindre for folk flest.\nVi vil ansette flere lærere\nVi vil bygge ut jernbanen\nog gi dem mer tid til elevene.\nmellom de store byene.\nSkolen skal ha gode lokaler\nBussene skal gå på strøm\nog et sunt inneklima.\ninnen utgangen av 2030.\nLeksehjelp skal være gratis\nSykkelveiene skal henge sammen\nfor alle elever i grunnskolen.\ngjennom hele kommunen.\nForeldrene skal bli hørt\nFlyplassene i distriktene\nnår skolen gjør store endringer.\nskal ikke legges ned.\nKulturskolen skal være åpen\nVedlikeholdet av veiene\nfor alle barn som vil delta.\nskal ikke utsettes lenger.\n', 'Kommunen skal bygge nye skoler\nog barnehager i hele fylket.\nAlle barn skal ha en trygg vei\ntil skolen hver dag.\nVi vil ansette flere lærere\nog gi dem mer tid til elevene.\nSkolen skal ha gode lokaler\nog et sunt inneklima.\nLeksehjelp skal være gratis\nfor alle elever i grunnskolen.\nForeldrene skal bli hørt\nnår skolen gjør store endringer.\nKulturskolen skal være åpen\nfor alle barn som vil delta.\n\nStaten må sikre gode veier\nog trygge broer over fjordene.\nFergene skal gå oftere\nog koste mindre for folk flest.\nVi vil bygge ut jernbanen\nmellom de store byene.\nBussene skal gå på strøm\ninnen utgangen av 2030.\nSykkelveiene skal henge sammen\ngjennom hele kommunen.\nFlyplassene i distriktene\nskal ikke legges ned.\nVedlikeholdet av veiene\nskal ikke utsettes lenger.\n')
    assert "blandede-spalter" not in rules(unmixed)


def test_lost_ligatures_are_reported_once_at_the_first_fragment_line() -> None:
    found = [(rule, text) for rule, text in findings(KONSERVATIVT) if rule == "tapte-ligaturer"]
    assert found == [("tapte-ligaturer", "ti")]
    doc = parse(KONSERVATIVT, "x.txt", "text", "nb")
    [note] = [f for f in check_document(doc, Config()).findings if f.rule == "tapte-ligaturer"]
    assert note.start == KONSERVATIVT.index("ti\n") and "6 linjer" in note.message
    live = [f for f in IncrementalChecker().check(KONSERVATIVT, "x.txt", "text", Config()).findings if f.rule == "tapte-ligaturer"]
    assert [(f.start, f.end) for f in live] == [(note.start, note.end)]


def test_sentences_with_words_broken_by_lost_ligatures_are_not_measured() -> None:
    # «Poli sk», «re slig», «besky else»: the PDF lost «ti»/«tt»; the letters stand on lines
    # of their own (three of them make the file's ligature note).
    debris = "\n\nti\n\ntt\n\nti\n\n"
    broken = ("Vi vil utrede om helsepersonell behøver en bedre re slig besky else mot nega ve konsekvenser "
              "i saker der de vil nekte å delta, varsle om eller protestere mot en dårlig medisinsk praksis i "
              "sykehusene og i kommunene over hele landet.")
    whole = broken.replace("re slig", "rettslig").replace("besky else", "beskyttelse").replace("nega ve", "negative")
    found = check_document(parse(whole + debris + broken + "\n", "x.txt", "text", "nb"), Config(select=("lang-setning",))).findings
    assert [f.start for f in found] == [0]  # the intact sentence only


def test_a_keystroke_in_prose_keeps_the_layout_and_the_findings_of_a_full_check() -> None:
    checker = IncrementalChecker()
    checker.check(SENTRUM, "x.txt", "text", Config())
    # Edits in prose lines (the layout is kept), then one that adds a repeated line (it is not).
    at = SENTRUM.index("\n", len(SENTRUM) // 2)
    edited = SENTRUM[:at] + " og" + SENTRUM[at:]
    header = "PARTI ET SENTRU M"
    for text in (edited, edited[:at] + "x" + edited[at:], edited + f"\n\n{header}\n\nTekst.\n"):
        live = sorted((f.rule, f.start, f.end) for f in checker.check(text, "x.txt", "text", Config()).findings)
        full = sorted((f.rule, f.start, f.end) for f in check_document(parse(text, "x.txt", "text", "nb"), Config()).findings)
        assert live == full



def test_a_paragraph_a_line_is_not_taken_for_mixed_columns() -> None:
    """UD Nynorsk's running text: a paragraph a line, headings and captions on lines of their
    own, as Word's «save as text» writes it. Its lines are no column halves."""
    import sys

    from tests.conftest import ROOT, SHARED

    conllu = SHARED / "data" / "ud" / "no_nynorsk-ud-dev.conllu"
    if not conllu.exists():
        pytest.skip("the shared UD data is not here")
    sys.path.insert(0, str(ROOT / "scripts"))
    from eval_precision import ud_running_text

    doc = parse(ud_running_text(conllu), "ud.txt", "text", "nn")
    assert [n.kind for n in doc.notes] == []
