from __future__ import annotations

import json
import time

import pytest

from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.document.markdown import parse_markdown
from klarsyn.document.model import BlockKind
from klarsyn.engine.runner import check_document

from tests.conftest import ROOT, SAMPLE_MD
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


# --- offsets come from the parser (fuzz defect D2) ------------------------------------------

REPRO = ROOT.parent / "shared" / "reference" / "fuzz-repro"


def _check_file(run_cli, tmp_path, source: str, *args: str) -> list[dict]:
    path = tmp_path / "utkast.md"
    path.write_bytes(source.encode("utf-8"))
    code, out, err = run_cli("check", str(path), "--format", "json", "--no-cache", *args)
    assert "Traceback" not in err and code in (0, 1), err
    [file] = json.loads(out)["files"]
    return file["diagnostics"]


def _findings(source: str, lang: str = "nb"):  # noqa: ANN202
    doc = parse(source, "x.md", "markdown", lang)
    return check_document(doc, Config()).findings


def test_an_entity_before_the_match_does_not_move_the_finding(run_cli, tmp_path) -> None:
    # 02_entity_then_literal.md: the finding sat on the final newline, [26, 27].
    src = "&aring; har mulighet til å\n"
    [d] = [d for d in _check_file(run_cli, tmp_path, src) if d["rule"] == "kanselli"]
    assert src[slice(*d["offset"])] == "har mulighet til å"
    assert d["fixes"][0]["edits"] == [{"offset": d["offset"], "new_text": "kan"}]


def test_a_safe_fix_after_an_entity_deletes_the_doubled_word(run_cli, tmp_path) -> None:
    # 02b_entity_safe_fix_wrong_place.md: the safe fix deleted the final ".".
    src = "Dette &aring; gjelder gjelder alle for å.\n"
    [d] = [d for d in _check_file(run_cli, tmp_path, src) if d["rule"] == "dobbelt-ord"]
    assert src[slice(*d["offset"])] == "gjelder gjelder"
    [fix] = d["fixes"]
    assert fix["safety"] == "safe"
    [edit] = fix["edits"]
    start, end = edit["offset"]
    assert src[:start] + edit["new_text"] + src[end:] == "Dette &aring; gjelder alle for å.\n"


def test_no_finding_past_the_end_of_a_file_without_final_newline(run_cli, tmp_path) -> None:
    # 03_offset_past_end.md: akronymer at [13, 14] in a 13-character file.
    src = "*x*|\\|`b`ÆØ||"
    diagnostics = _check_file(run_cli, tmp_path, src)
    assert all(0 <= d["offset"][0] <= d["offset"][1] <= len(src) for d in diagnostics)
    [d] = [d for d in diagnostics if d["rule"] == "akronymer"]
    assert src[slice(*d["offset"])] == "ÆØ"


def test_fuzz_reproducers_keep_offsets_inside_the_file(run_cli) -> None:
    for name in ("02_entity_then_literal.md", "02b_entity_safe_fix_wrong_place.md", "03_offset_past_end.md"):
        path = REPRO / name
        if not path.exists():
            pytest.skip("shared/ fuzz reproducers not available")
        source = path.read_text(encoding="utf-8")
        code, out, err = run_cli("check", str(path), "--format", "json", "--no-cache")
        assert "Traceback" not in err
        for d in json.loads(out)["files"][0]["diagnostics"]:
            assert 0 <= d["offset"][0] < d["offset"][1] <= len(source), d
            for fix in d["fixes"]:
                for edit in fix["edits"]:
                    assert 0 <= edit["offset"][0] <= edit["offset"][1] <= len(source), d


def test_entities_and_escapes_stand_for_their_whole_source() -> None:
    src = "Vi vil &mdash; herunder &#x27;skoler&#x27; \\*og\\* bygge &gt; pst. i år.\n"
    [block] = parse_markdown(src).blocks
    assert block.text == "Vi vil — herunder 'skoler' *og* bygge > pst. i år."

    def source_of(text: str) -> str:
        i = block.text.index(text)
        return src[slice(*block.source_span(i, i + len(text)))]

    assert source_of("—") == "&mdash;"
    assert source_of("'skoler'") == "&#x27;skoler&#x27;"
    assert source_of("*og*") == "\\*og\\*"
    assert source_of("> pst.") == "&gt; pst."
    [pst] = [f for f in _findings(src) if f.rule == "forkortelser"]
    assert src[pst.start : pst.end] == "pst."
    assert [e.new_text for fx in pst.fixes for e in fx.edits] == ["prosent"]
    [herunder] = [f for f in _findings(src) if f.rule == "kanselli"]
    assert src[herunder.start : herunder.end] == "herunder"


def test_nul_and_replacement_character_keep_their_place() -> None:
    # NUL reaches the language server (the CLI refuses it in a file's first 8 KB); markdown-it
    # reads it as U+FFFD, and the finding after it was one place off.
    src = "\x00ikke ikke\ufffd"
    [d] = [f for f in _findings(src) if f.rule == "dobbelt-ord"]
    assert src[d.start : d.end] == "ikke ikke"
    [edit] = d.fixes[0].edits
    assert src[: edit.start] + edit.new_text + src[edit.end :] == "\x00ikke\ufffd"


def test_escaped_pipes_in_table_cells() -> None:
    src = (
        "| Tiltak \\| del | Dette gjelder gjelder |\r\n|---|---|\r\n"
        "| x\\|y | har mulighet til å |\r\n> | a | b |\r\n> |---|---|\r\n> | \\|herunder | c |\r\n"
    )
    doc = parse_markdown(src)
    assert [b.text for b in doc.blocks] == ["Tiltak | del", "Dette gjelder gjelder", "x|y", "har mulighet til å",
                                             "a", "b", "|herunder", "c"]
    assert [src[slice(*b.source_span(0, len(b.text)))] for b in doc.blocks] == [
        "Tiltak \\| del", "Dette gjelder gjelder", "x\\|y", "har mulighet til å", "a", "b", "\\|herunder", "c"]
    found = {f.rule: src[f.start : f.end] for f in _findings(src)}
    assert found["dobbelt-ord"] == "gjelder gjelder" and found["kanselli"] == "har mulighet til å"
    assert_words_map_exactly(doc)


def test_a_word_beside_a_link_target_or_code_is_found_in_the_text() -> None:
    # The old search took the first equal characters after a cursor, which could be in a
    # link target or code span.
    src = "Se [SSL\\_CIPHER](https://x.no/SSL_CIPHER) og `kode.` her.\n"
    [block] = parse_markdown(src).blocks
    i = block.text.index("SSL_CIPHER")
    assert block.source_span(i, i + len("SSL_CIPHER")) == (src.index("SSL"), src.index("]"))
    dot = block.text.rindex(".")
    assert src[slice(*block.source_span(dot - 3, dot + 1))] == "her."


def test_a_doubled_word_across_code_or_markup_gets_no_fix_that_breaks_it() -> None:
    assert not [f for f in _findings("Se her `kode` her.\n") if f.rule == "dobbelt-ord"]
    [bold] = [f for f in _findings("Vi vil og **og** bygge.\n") if f.rule == "dobbelt-ord"]
    assert bold.fixes == []  # deleting " **og" would leave "og**"
    [plain] = [f for f in _findings("Vi vil og og bygge.\n") if f.rule == "dobbelt-ord"]
    assert plain.fixes and plain.fixes[0].edits[0].start == len("Vi vil og")


# --- front matter (D3, D4) ---------------------------------------------------------------


def test_front_matter_with_mixed_line_breaks_keeps_the_lines_after_it(run_cli, tmp_path) -> None:
    # 04_front_matter_cr_lf.md: "\r" + "\n" became one CRLF and every later line moved up.
    src = "---\rl\n---\ngjennomføre jøring"
    [d] = [d for d in _check_file(run_cli, tmp_path, src) if d["rule"] == "substantivsyke"]
    assert src[slice(*d["offset"])] == "gjennomføre jøring"
    assert d["location"] == {"line": 4, "column": 1}
    doc = parse_markdown("---\r\ntitle: a\r---\n\rHerunder kommer mer.\n")
    [block] = doc.blocks
    assert doc.lines.position(block.source_span(0, 1)[0]) == (5, 1)


def test_front_matter_with_cr_only_line_breaks() -> None:
    src = "---\rlang: nn\r---\r\rEg skriv ikkje mykje.\r"
    doc = parse(src, "x.md", "markdown")
    assert doc.language == "nn" and doc.language_source == "front-matter"
    [block] = doc.blocks
    assert block.text == "Eg skriv ikkje mykje."
    assert doc.lines.position(block.source_span(0, 2)[0]) == (5, 1)


def test_deep_front_matter_is_one_finding_not_a_traceback(run_cli, tmp_path) -> None:
    # 01_front_matter_1000_brackets.md: RecursionError in check, stats and report.
    src = "---\n" + "[" * 1000 + "\n---\nHei. Vi har mulighet til å bygge.\n"
    diagnostics = _check_file(run_cli, tmp_path, src)
    [meta] = [d for d in diagnostics if d["rule"] == "metadata"]
    assert meta["severity"] == "warning" and "YAML" in meta["message"]
    assert src[slice(*meta["offset"])] == "---" and meta["location"]["line"] == 3
    assert [src[slice(*d["offset"])] for d in diagnostics if d["rule"] == "kanselli"] == ["har mulighet til å"]
    path = tmp_path / "utkast.md"
    for args in (("stats", str(path)), ("report", str(path), "-o", str(tmp_path / "r.html")),
                 ("check", str(path), "--format", "sarif", "--no-cache")):
        code, _, err = run_cli(*args)
        assert "Traceback" not in err and code in (0, 1), (args, err)


def test_front_matter_that_is_not_yaml_fields_is_reported_and_its_lang_ignored() -> None:
    src = "---\ntittel: Program\nlang: nn: nb\n---\n\nVi vil bygge skoler.\n"
    doc = parse(src, "x.md", "markdown")
    assert doc.language_source != "front-matter"
    [meta] = [f for f in _findings(src) if f.rule == "metadata"]
    assert src[meta.start : meta.end] == "lang: nn: nb" and "mapping values" in meta.message
    [fields] = [f for f in _findings("---\nBare tekst.\n---\n\nVi vil.\n") if f.rule == "metadata"]
    assert "nøkkel: verdi" in fields.message
    # Aliases, unknown tags and huge numbers are refused or skipped, never a crash.
    assert [f.rule for f in _findings("---\na: &x 1\nb: *x\n---\nHei.\n") if f.rule == "metadata"] == ["metadata"]
    # The guarded loader refuses the whole block at the first unsafe value and says where.
    tagged = parse_markdown("---\nlang: !foo nn\nn: 1" + "0" * 5000 + "\ntittel: Ja\n---\nHei.\n")
    assert tagged.front_matter == {} and tagged.language_source != "front-matter"
    [note] = tagged.notes
    assert note.line == 1 and "!foo" in note.detail
    huge = parse_markdown("---\nn: 1" + "0" * 5000 + "\ntittel: Ja\n---\nHei.\n")
    assert huge.front_matter == {} and [n.line for n in huge.notes] == [1]
    assert not [f for f in _findings("---\nlang: nb\n---\n\nVi vil.\n") if f.rule == "metadata"]


def test_language_server_reports_bad_front_matter_and_reads_later_dashes_as_markdown() -> None:
    from klarsyn.engine.incremental import IncrementalChecker

    bad = "---\nlang: [nn\n---\n\nVi vil bygge.\n\nHerunder mer.\n"
    checker = IncrementalChecker()
    live = {(f.rule, f.start, f.end) for f in checker.check(bad, "x.md", "markdown", Config()).findings}
    assert {(f.rule, f.start, f.end) for f in _findings(bad) if f.rule in ("metadata", "kanselli")} <= live
    assert ("metadata", bad.index("---", 3), bad.index("---", 3) + 3) in live
    # A later chunk that starts with "---" is a thematic break, not front matter.
    later = "Vi vil bygge.\n\n---\nherunder: er dette ikke\n---\n\nMer tekst.\n"
    live = [(f.rule, f.start, f.end) for f in IncrementalChecker().check(later, "x.md", "markdown", Config()).findings]
    full = [(f.rule, f.start, f.end) for f in _findings(later)]
    assert ("kanselli", later.index("herunder"), later.index("herunder") + 8) in full
    assert [x for x in live if x[0] in ("kanselli", "metadata")] == [x for x in full if x[0] in ("kanselli", "metadata")]


# --- pathological nesting (the nested "![" hang) ------------------------------------------


def test_nested_image_brackets_are_refused_quickly_with_a_finding() -> None:
    src = "Vi har mulighet til å bygge.\n\n" + "![" * 100_000 + "alt" + "](x)" * 100_000
    started = time.perf_counter()
    doc = parse_markdown(src)
    assert time.perf_counter() - started < 3  # markdown-it alone took 7-10 s
    assert [b.text for b in doc.blocks] == ["Vi har mulighet til å bygge."]
    findings = check_document(parse(src, "x.md", "markdown", "nb"), Config()).findings
    [skipped] = [f for f in findings if f.rule == "ikke-sjekket"]
    assert (skipped.start, skipped.end) == (len("Vi har mulighet til å bygge.\n\n"), len(src))
    assert [f.rule for f in findings if f.rule == "kanselli"] == ["kanselli"]


def test_ordinary_nesting_is_still_parsed() -> None:
    src = "Se [![logo](logo.png) **[planen](p.pdf)**] og [a [b [c]]](x) her.\n"
    [block] = parse_markdown(src).blocks
    assert block.text == "Se [ planen] og a [b [c]] her."
    assert block.attrs["images"] == [(4, "logo", "logo.png")]
    assert [(block.text[link.start : link.end], link.target) for link in block.links] == [("planen", "p.pdf"), ("a [b [c]]", "x")]


def test_a_line_of_no_break_spaces_trimmed_off_a_paragraph() -> None:
    # U+00A0 makes the line not blank, so it belongs to the paragraph, but markdown-it trims
    # it away whole: the content starts a line further down.
    src = "Tekst.\n\n\u00a0 \n herunder &mdash; SFO\n\u00a0\n"
    doc = parse_markdown(src)
    assert [b.text for b in doc.blocks] == ["Tekst.", "herunder — SFO"]
    block = doc.blocks[1]
    assert src[slice(*block.source_span(0, len(block.text)))] == "herunder &mdash; SFO"
    assert_words_map_exactly(doc)
    heading = "\u00a0 \nStor\ntittel &amp; mer\n===\n"
    [block] = parse_markdown(heading).blocks
    assert block.is_heading and block.text == "Stor tittel & mer"
    assert heading[slice(*block.source_span(0, len(block.text)))] == "Stor\ntittel &amp; mer"


def test_a_lone_surrogate_in_front_matter_is_a_note_and_the_draft_is_still_checked() -> None:
    # Only an editor's text over LSP can hold one; libyaml raised UnicodeEncodeError and the
    # language server gave the draft no diagnostics at all.
    src = "---\ntitle: a\ud83d\n---\nVi skal herunder bygge og og skoler.\n"
    doc = parse_markdown(src)
    [note] = doc.notes
    assert note.line == 1 and "U+D83D" in note.detail
    assert {"kanselli", "dobbelt-ord", "metadata"} <= {f.rule for f in _findings(src)}
