"""`klarsyn annotate` for OpenDocument text: every finding an office:annotation on exactly the
flagged words, the safe fixes tracked changes (text:changed-region) whose acceptance gives the
fixed text, and every other member of the package kept byte for byte. The result is read
back with plain lxml and odfpy, not with klarsyn's own reader."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from odf.opendocument import load as load_odf

from tests.fixtures.make_rich import sample_odt
from tests.test_annotate_docx import _expected_anchor, _safe_fixed

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
DC = "http://purl.org/dc/elements/1.1/"


def T(tag: str) -> str:  # short, as the XML prefix
    return f"{{{TEXT}}}{tag}"


def O(tag: str) -> str:
    return f"{{{OFFICE}}}{tag}"


# Parts that are not text: never read for paragraphs.
_SKIP = {O("annotation"), T("tracked-changes"), T("note"), "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}frame"}


def _content(path: Path) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(path).read("content.xml"))


def _ours(root: etree._Element) -> dict[str, tuple[str, etree._Element]]:
    """klarsyn's changed regions: id -> (deletion | insertion, the change element)."""
    out = {}
    for region in root.iter(T("changed-region")):
        change = region[0]
        if change.findtext(f"{O('change-info')}/{{{DC}}}creator") == "klarsyn":
            out[region.get(T("id"))] = (etree.QName(change).localname, change)
    return out


def _walk(element: etree._Element, ours: dict, accept: bool, out: list[str], state: dict) -> None:
    """The text of a paragraph's content: accepted (our insertions kept, deletions gone) or
    rejected (the other way round); ``state['in']`` is the id of an insertion being read."""
    def add(text: str | None) -> None:
        if text and (accept or state.get("in") is None):
            out.append(text)

    add(element.text)
    for child in element:
        tag = child.tag
        if tag in _SKIP or not isinstance(tag, str):
            pass
        elif tag == T("s"):
            add(" " * int(child.get(T("c"), "1")))
        elif tag == T("tab"):
            add("\t")
        elif tag == T("line-break"):
            add(" ")
        elif tag == T("change") and not accept and child.get(T("change-id")) in ours:
            _kind, change = ours[child.get(T("change-id"))]
            for p in change.iter(T("p")):
                _walk(p, ours, True, out, {})
        elif tag == T("change-start") and child.get(T("change-id")) in ours:
            state["in"] = child.get(T("change-id"))
        elif tag == T("change-end") and child.get(T("change-id")) == state.get("in"):
            state["in"] = None
        else:
            _walk(child, ours, accept, out, state)
        add(child.tail)


def _paragraphs(root: etree._Element) -> list[etree._Element]:
    body = root.find(f"{O('body')}/{O('text')}")
    return [p for p in body.iter(T("p"), T("h")) if not any(a.tag in _SKIP for a in p.iterancestors())]


def text_of(path: Path, accept: bool = True) -> str:
    root = _content(path)
    ours = _ours(root)
    lines = []
    for p in _paragraphs(root):
        out: list[str] = []
        _walk(p, ours, accept, out, {})
        lines.append("".join(out) + "\n")
    return "".join(lines)


def anchored_texts(path: Path) -> dict[str, str]:
    """office:name -> the text between the annotation and its end, as the original had it
    (klarsyn's deletions count, its insertions do not); a paragraph ends in a line break."""
    root = _content(path)
    ours = _ours(root)
    open_: dict[str, list[str]] = {}
    out: dict[str, str] = {}
    paragraphs = set(_paragraphs(root))
    inside: list[str | None] = [None]

    def feed(text: str | None) -> None:
        if text and inside[0] is None:
            for parts in open_.values():
                parts.append(text)

    def visit(element: etree._Element) -> None:
        feed(element.text)
        for child in element:
            tag = child.tag
            if tag == O("annotation"):
                if child.get(O("name")):
                    open_[child.get(O("name"))] = []
            elif tag == O("annotation-end"):
                out[child.get(O("name"))] = "".join(open_.pop(child.get(O("name")), []))
            elif tag in _SKIP or not isinstance(tag, str):
                pass
            elif tag == T("s"):
                feed(" " * int(child.get(T("c"), "1")))
            elif tag == T("tab"):
                feed("\t")
            elif tag == T("change") and child.get(T("change-id")) in ours:
                for p in ours[child.get(T("change-id"))][1].iter(T("p")):
                    feed("".join(p.itertext()))
            elif tag == T("change-start") and child.get(T("change-id")) in ours:
                inside[0] = child.get(T("change-id"))
            elif tag == T("change-end") and child.get(T("change-id")) == inside[0]:
                inside[0] = None
            else:
                visit(child)
                if child in paragraphs:
                    feed("\n")
            feed(child.tail)

    visit(root.find(f"{O('body')}/{O('text')}"))
    return out


def _comments(path: Path) -> dict[str, etree._Element]:
    return {a.get(O("name")): a for a in _content(path).iter(O("annotation")) if a.findtext(f"{{{DC}}}creator") == "klarsyn"}


def _diagnostics(run_cli, path: Path, *flags: str) -> list[dict]:
    _, out, _ = run_cli("check", str(path), "--format", "json", "--no-cache", *flags)
    return json.loads(out)["files"][0]["diagnostics"]


def _check_round_trip(run_cli, original: Path, annotated: Path, *flags: str) -> tuple[list[dict], str]:
    from klarsyn.document.loader import load_document

    diagnostics = _diagnostics(run_cli, original, *flags)
    source = load_document(original).source
    assert text_of(original) == source  # the test's reader reads what klarsyn reads
    code, _, err = run_cli("annotate", str(original), "-o", str(annotated), *flags)
    assert code == 0, err
    comments = _comments(annotated)
    assert len(comments) == len(diagnostics)
    anchors = anchored_texts(annotated)
    wanted = sorted((d["rule"], d["message"], _expected_anchor(source, d)) for d in diagnostics)
    got = []
    for name, comment in comments.items():
        assert comment.findtext(f"{{{DC}}}date")
        first = "".join(comment.find(T("p")).itertext())
        message, _, rule = first.rpartition(" [")
        got.append((rule.rstrip("]"), message, anchors[name]))
    assert sorted(got) == wanted
    return diagnostics, source


def _members_kept(original: Path, annotated: Path) -> None:
    with zipfile.ZipFile(original) as a, zipfile.ZipFile(annotated) as b:
        assert b.namelist() == a.namelist()
        for name in a.namelist():
            if name != "content.xml":
                assert a.read(name) == b.read(name), name
        first = b.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED and not first.extra


def test_sample_round_trip_comments_on_the_flagged_words_and_safe_fixes_as_changes(run_cli, tmp_path: Path) -> None:
    original = sample_odt(tmp_path / "utkast.odt")
    before = hashlib.sha256(original.read_bytes()).hexdigest()
    annotated = tmp_path / "utkast-kommentert.odt"
    diagnostics, source = _check_round_trip(run_cli, original, annotated)
    safe = sum(1 for d in diagnostics if d["fixes"] and d["fixes"][0]["safety"] == "safe")
    assert len(diagnostics) > 30 and safe >= 3
    assert hashlib.sha256(original.read_bytes()).hexdigest() == before
    _members_kept(original, annotated)
    fixed = _safe_fixed(source, diagnostics)
    assert fixed != source
    assert text_of(annotated, accept=True) == fixed
    assert text_of(annotated, accept=False) == source
    load_odf(str(annotated))  # odfpy reads it
    _, _, err = run_cli("annotate", str(original), "-o", str(tmp_path / "again.odt"), "--lang", "en")
    assert err.strip() == f"klarsyn: {len(diagnostics)} comments and {safe} tracked changes added to {tmp_path / 'again.odt'}"


def _shredded(source: Path, target: Path, seed: int) -> Path:
    """Every paragraph's text cut into spans at random places, some bold or italic (automatic
    styles), with bookmarks and soft page breaks between: the text is the same."""
    import random

    rng = random.Random(seed)
    with zipfile.ZipFile(source) as z:
        root = etree.fromstring(z.read("content.xml"))
        styles = root.find(O("automatic-styles"))
        for name, prop in (("Tb", "font-weight"), ("Ti", "font-style")):
            style = etree.SubElement(styles, "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}style",
                                     {"{urn:oasis:names:tc:opendocument:xmlns:style:1.0}name": name,
                                      "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}family": "text"})
            etree.SubElement(style, "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}text-properties",
                             {f"{{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}}{prop}": "bold" if name == "Tb" else "italic"})
        for p in list(root.iter(T("p"), T("h"))):
            text = p.text or ""
            if len(text) < 2 or len(p):
                continue
            cuts = sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(0, 12))))
            p.text = None
            for n, piece in enumerate(text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])):
                if rng.random() < 0.5:
                    span = etree.SubElement(p, T("span"), {T("style-name"): rng.choice(["Tb", "Ti"])})
                    span.text = piece
                    if rng.random() < 0.3 and len(piece) > 2:  # a span in a span
                        inner = etree.SubElement(span, T("span"), {T("style-name"): "Tb"})
                        inner.text, span.text = piece[1:], piece[:1]
                elif len(p):
                    p[-1].tail = (p[-1].tail or "") + piece
                else:
                    p.text = (p.text or "") + piece
                if rng.random() < 0.15:
                    etree.SubElement(p, T(rng.choice(["bookmark", "soft-page-break"])), {T("name"): f"b{n}"} if rng.random() < 2 else {})
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info in z.infolist():
                out.writestr(info, etree.tostring(root, xml_declaration=True, encoding="UTF-8") if info.filename == "content.xml" else z.read(info))
    return target


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_spans_cut_anywhere_still_give_exact_anchors_and_changes(run_cli, tmp_path: Path, seed: int) -> None:
    original = _shredded(sample_odt(tmp_path / "utkast.odt"), tmp_path / "oppdelt.odt", seed)
    annotated = tmp_path / "oppdelt-kommentert.odt"
    diagnostics, source = _check_round_trip(run_cli, original, annotated)
    assert text_of(annotated, accept=True) == _safe_fixed(source, diagnostics)
    assert text_of(annotated, accept=False) == source

    # Every character kept its formatting: the styles of the spans around it are the same
    # before and after (a deleted character counted where it was, in its region).
    def formatted(path: Path) -> list[tuple[str, str]]:
        root = _content(path)
        ours = _ours(root)
        out: list[tuple[str, str]] = []

        def visit(element: etree._Element, styles: str) -> None:
            if not state["skip"]:
                out.extend((ch, styles) for ch in element.text or "")
            for child in element:
                if child.tag == T("span"):
                    visit(child, styles + (child.get(T("style-name")) or ""))
                elif child.tag == T("change") and child.get(T("change-id")) in ours:
                    for p in ours[child.get(T("change-id"))][1].iter(T("p")):
                        visit(p, styles)
                elif child.tag == T("change-start") and child.get(T("change-id")) in ours:
                    state["skip"] = True  # the inserted text is ours: not compared
                elif child.tag == T("change-end"):
                    state["skip"] = False
                if not state["skip"]:
                    out.extend((ch, styles) for ch in child.tail or "")

        state = {"skip": False}
        for p in _paragraphs(root):
            visit(p, "")
        return out

    assert formatted(annotated) == formatted(original)


def test_options_select_no_changes_and_language(run_cli, tmp_path: Path) -> None:
    original = sample_odt(tmp_path / "utkast.odt")
    out = tmp_path / "kun-kommentarer.odt"
    code, _, err = run_cli("annotate", str(original), "-o", str(out), "--select", "forkortelser,kanselli", "--no-changes", "--lang", "nn")
    assert code == 0, err
    root = _content(out)
    assert root.find(f".//{T('tracked-changes')}") is None and root.find(f".//{T('change-start')}") is None
    texts = ["\n".join("".join(p.itertext()) for p in c.iter(T("p"))) for c in _comments(out).values()]
    assert texts and {t.split("\n")[0].rpartition("[")[2] for t in texts} == {"forkortelser]", "kanselli]"}
    assert any("Framlegg: «for eksempel»" in t for t in texts)
    assert "kommentarar og 0 spora endringar" in err
    # --lix-comments: the section's LIX on each heading, as for Word.
    lix = tmp_path / "lix.odt"
    assert run_cli("annotate", str(original), "-o", str(lix), "--select", "kanselli", "--lix-comments")[0] == 0
    anchors = anchored_texts(lix)
    on_headings = {anchors[n] for n, c in _comments(lix).items() if "".join(c.find(T("p")).itertext()).endswith("[lix]")}
    headings = {"".join(h.itertext()) for h in _content(original).iter(T("h"))}
    assert len(on_headings) > 5 and on_headings <= headings


def test_refuses_to_write_over_the_original(run_cli, tmp_path: Path) -> None:
    original = sample_odt(tmp_path / "utkast.odt")
    before = original.read_bytes()
    code, _, err = run_cli("annotate", str(original), "-o", str(tmp_path / "." / "utkast.odt"))
    assert code == 2 and "is the input file" in err and original.read_bytes() == before


# --- an .odt with everything an editor's file may hold ------------------------------------

CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3"><office:automatic-styles><style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style><style:style style:name="T2" style:family="text"><style:text-properties fo:font-style="italic"/></style:style></office:automatic-styles><office:body><office:text><text:tracked-changes text:track-changes="false"><text:changed-region xml:id="ct1" text:id="ct1"><text:deletion><office:change-info><dc:creator>Kari</dc:creator><dc:date>2025-01-01T00:00:00</dc:date></office:change-info><text:p>mange </text:p></text:deletion></text:changed-region><text:changed-region xml:id="ct2" text:id="ct2"><text:insertion><office:change-info><dc:creator>Kari</dc:creator><dc:date>2025-01-01T00:00:00</dc:date></office:change-info></text:insertion></text:changed-region></text:tracked-changes><text:h text:outline-level="1">Arbeid for alle i hele NAV</text:h><text:p>Vi vil at flere unge skal få jobb, f.e<text:span text:style-name="T1">ks. i kommunene</text:span>. Kommunen har mulig<text:span text:style-name="T2">het til å hjelpe</text:span> dem.</text:p><text:p><office:annotation office:name="kari1"><dc:creator>Kari Nordmann</dc:creator><dc:date>2025-01-01T00:00:00</dc:date><text:p>Stemmer tallet?</text:p></office:annotation>Budsjettet øker med 3 pst. neste år.<office:annotation-end office:name="kari1"/></text:p><text:p>Vi ønsker <text:change-start text:change-id="ct2"/>f.eks. <text:change-end text:change-id="ct2"/><text:change text:change-id="ct1"/>nye boliger på side <text:page-number text:select-page="current">3</text:page-number> fra <text:date text:date-value="2025-12-02">2. desember</text:date>, og NAV skal<text:tab/>hjelpe.<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Kilde: SSB, 2023.</text:p></text:note-body></text:note></text:p><text:p>Se boksen. <draw:frame draw:name="Boks" svg:width="5cm" svg:height="2cm"><draw:text-box><text:p>I boksen står 5 pst.</text:p></draw:text-box></draw:frame></text:p><table:table table:name="T"><table:table-column table:number-columns-repeated="2"/><table:table-row><table:table-cell><text:p>Tiltak</text:p></table:table-cell><table:table-cell><text:p>Andel</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell><text:p>Lærlinger i NAV</text:p></table:table-cell><table:table-cell><text:p>12 pst.</text:p></table:table-cell></table:table-row></table:table><text:p>Et bilde av tiltaket, f.eks. slik:</text:p><text:p><draw:frame draw:name="Bilde" svg:width="2cm" svg:height="1cm"><draw:image xlink:href="Pictures/bilde.png"/><svg:title>Ungdom på jobb</svg:title></draw:frame></text:p><text:p>Vi bor i Noreg<text:s text:c="2"/>og vi <text:bookmark text:name="m"/>må gjøre noe.</text:p></office:text></office:body></office:document-content>"""
MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="Pictures/bilde.png" manifest:media-type="image/png"/></manifest:manifest>"""
META_XML = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"><office:meta><dc:language>nb-NO</dc:language></office:meta></office:document-meta>"""
STYLES = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.3"/>"""


def unusual_odt(target: Path) -> Path:
    from tests.test_annotate_docx import _png

    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", CONTENT)
        z.writestr("styles.xml", STYLES)
        z.writestr("meta.xml", META_XML)
        z.writestr("Pictures/bilde.png", _png())
        z.writestr("META-INF/manifest.xml", MANIFEST)
    return target


def test_unusual_file_keeps_everything_it_had(run_cli, tmp_path: Path) -> None:
    original = unusual_odt(tmp_path / "kapittel.odt")
    annotated = tmp_path / "kapittel-kommentert.odt"
    diagnostics, source = _check_round_trip(run_cli, original, annotated)
    assert {"forkortelser", "termer"} <= {d["rule"] for d in diagnostics}
    _members_kept(original, annotated)
    before, after = _content(original), _content(annotated)
    # Kari's comment, her tracked changes, the fields, the footnote, the text box, the table,
    # the picture and the bookmark are all still there, as they were.
    for tag in (O("annotation-end"), T("changed-region"), T("change-start"), T("change"), T("page-number"), T("date"),
                T("note"), "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}text-box",
                "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}image", T("bookmark")):
        kept = [etree.tostring(e, with_tail=False) for e in after.iter(tag) if "klarsyn" not in etree.tostring(e, encoding="unicode")]
        assert kept == [etree.tostring(e, with_tail=False) for e in before.iter(tag)], tag
    # The table: its cells as they were (our comments and changes in them aside).
    table = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table-cell"

    def cells(root: etree._Element, ours: dict) -> list[str]:
        out = []
        for cell in root.iter(table):
            words: list[str] = []
            _walk(cell, ours, False, words, {})
            out.append("".join(words))
        return out

    assert cells(after, _ours(after)) == cells(before, {}) == ["Tiltak", "Andel", "Lærlinger i NAV", "12 pst."]
    kari = [a for a in after.iter(O("annotation")) if a.findtext(f"{{{DC}}}creator") == "Kari Nordmann"]
    assert len(kari) == 1 and anchored_texts(annotated)["kari1"] == "Budsjettet øker med 3 pst. neste år."
    # The split abbreviation is deleted across its plain and bold halves; the bold half stays
    # bold in the deleted text, and the italics after "mulig" are still on "het til å hjelpe".
    ours = _ours(after)
    deleted = ["".join(c.find(T("p")).itertext()) for kind, c in ours.values() if kind == "deletion"]
    assert "f.eks." in deleted
    bold = [s for kind, c in ours.values() if kind == "deletion" for s in c.iter(T("span")) if s.get(T("style-name")) == "T1"]
    assert bold and "".join(bold[0].itertext()) == "ks."
    italic = [s for s in after.iter(T("span")) if s.get(T("style-name")) == "T2"]
    assert "".join("".join(s.itertext()) for s in italic) == "het til å hjelpe"
    # No change of ours inside Kari's insertion ("f.eks." there gets its comment only); every
    # other paragraph, accepted, has the fixed text.
    accepted, fixed = text_of(annotated, accept=True).split("\n"), _safe_fixed(source, diagnostics).split("\n")
    assert accepted[3].startswith("Vi ønsker f.eks. nye boliger") and fixed[3].startswith("Vi ønsker for eksempel")
    assert accepted[:3] + accepted[4:] == fixed[:3] + fixed[4:]
    assert text_of(annotated, accept=False) == source
    assert text_of(annotated).split("\n")[1].startswith("Vi vil at flere unge skal få jobb, for eksempel i kommunene.")


def test_hostile_files_fail_cleanly_and_write_nothing(run_cli, tmp_path: Path) -> None:
    def odt(name: str, content: bytes) -> Path:
        path = tmp_path / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
            z.writestr("content.xml", content)
        return path

    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">'.encode() for i in range(1, 10))
        + CONTENT.split("?>", 1)[1].replace("Budsjettet", "&lol9;").encode())
    good = unusual_odt(tmp_path / "god.odt")
    truncated = tmp_path / "avkortet.odt"
    truncated.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    fake = tmp_path / "falsk.odt"
    fake.write_bytes(b"dette er tekst, ikke en zip")
    files = {
        "billion laughs": (odt("latter.odt", laughs), "declares a DTD or entities; refused"),
        "zip bomb": (odt("bombe.odt", b"<" + b" " * (80 * 1024 * 1024)), "refusing a possible zip bomb"),
        "truncated": (truncated, "damaged zip"),
        "not a zip": (fake, "is not a ODT file"),
        "deep nesting": (odt("dyp.odt", b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">'
                              + b"<office:body>" * 5000 + b"</office:body>" * 5000 + b"</office:document-content>"), ""),
    }
    for name, (path, expected) in files.items():
        target = tmp_path / f"{path.stem}-kommentert.odt"
        code, _out, err = run_cli("annotate", str(path), "-o", str(target))
        assert code == 2, (name, err)
        [line] = err.splitlines()
        assert line.startswith(f"klarsyn: {path}:") and expected in line, (name, line)
        assert not target.exists(), name


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_annotated_file_and_converts_it(run_cli, tmp_path: Path) -> None:
    from tests.test_annotate_docx import _pdf

    original = sample_odt(tmp_path / "utkast.odt")
    annotated = tmp_path / "utkast-kommentert.odt"
    assert run_cli("annotate", str(original), "-o", str(annotated))[0] == 0
    plain, commented = _pdf(original, tmp_path), _pdf(annotated, tmp_path)
    assert b"/Annot" not in plain and commented.count(b"/Annot") >= len(_comments(annotated))
    # LibreOffice reads every comment and every change back: saved again as .odt by it, the
    # file still has them all.
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "odt",
                           "--outdir", str(tmp_path / "lo-odt"), str(annotated)], check=False, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    again = tmp_path / "lo-odt" / annotated.name
    ours, theirs = _ours(_content(annotated)), _ours(_content(again))
    assert len(_comments(again)) == len(_comments(annotated)) > 0
    assert sorted(k for k, _ in ours.values()) == sorted(k for k, _ in theirs.values()) and ours
    assert text_of(again, accept=True) == text_of(annotated, accept=True)
    # The file with everything too: LibreOffice keeps all of ours and Kari's.
    unusual = unusual_odt(tmp_path / "kapittel.odt")
    marked = tmp_path / "kapittel-kommentert.odt"
    assert run_cli("annotate", str(unusual), "-o", str(marked))[0] == 0
    _pdf(marked, tmp_path)
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "odt",
                           "--outdir", str(tmp_path / "lo-odt"), str(marked)], check=False, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    before, after = _content(marked), _content(tmp_path / "lo-odt" / marked.name)
    for tag in (O("annotation"), O("annotation-end"), T("deletion"), T("insertion")):
        assert len(list(after.iter(tag))) == len(list(before.iter(tag))) > 0, tag
