"""`klarsyn annotate` for Word files: every finding a comment on exactly the flagged words,
the safe fixes tracked changes whose acceptance gives the fixed text, and everything else in
the file kept as it was. The result is read back with python-docx and plain lxml, not with
klarsyn's own reader."""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import subprocess
import zipfile
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document as WordDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from lxml import etree

from tests.fixtures.make_rich import _word_language, sample_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# The parts annotate may change; every other member must come out byte for byte.
MAY_CHANGE = {"word/document.xml", "word/comments.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"}


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _ours(element: etree._Element, tag: str) -> bool:
    return any(a.tag == _q(tag) and a.get(_q("author")) == "klarsyn" for a in element.iterancestors())


def anchored_texts(path: Path) -> dict[str, str]:
    """Comment id -> the text it covers as the original had it: klarsyn's deletions count,
    its insertions do not; paragraphs end in a line break."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    open_: dict[str, list[str]] = {}
    out: dict[str, str] = {}
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag
        if event == "end":
            if tag == _q("p") and open_:
                for parts in open_.values():
                    parts.append("\n")
            continue
        if tag == _q("commentRangeStart"):
            open_[element.get(_q("id"))] = []
        elif tag == _q("commentRangeEnd"):
            out[element.get(_q("id"))] = "".join(open_.pop(element.get(_q("id")), []))
        elif tag in (_q("t"), _q("delText"), _q("tab")):
            in_del = any(a.tag == _q("del") for a in element.iterancestors())
            if _ours(element, "ins") or (in_del and not _ours(element, "del")):
                continue
            for parts in open_.values():
                parts.append("\t" if tag == _q("tab") else element.text or "")
    return out


def _resolved(path: Path, target: Path, accept: bool) -> Path:
    """The file with klarsyn's tracked changes accepted (deletions dropped, insertions kept)
    or rejected (the other way round)."""
    with zipfile.ZipFile(path) as source:
        root = etree.fromstring(source.read("word/document.xml"))
        drop, keep = ("del", "ins") if accept else ("ins", "del")
        for element in list(root.iter(_q(drop))):
            if element.get(_q("author")) == "klarsyn":
                element.getparent().remove(element)
        for element in list(root.iter(_q(keep))):
            if element.get(_q("author")) == "klarsyn":
                for t in element.iter(_q("delText")):
                    t.tag = _q("t")
                for child in list(element):
                    element.addprevious(child)
                element.getparent().remove(element)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info in source.infolist():
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) if info.filename == "word/document.xml" else source.read(info)
                out.writestr(info.filename, data)
    return target


def _text(path: Path) -> str:
    """The paragraphs' text as python-docx reads it, a line each."""
    return "".join(p.text + "\n" for p in WordDocument(str(path)).paragraphs)


def _diagnostics(run_cli, path: Path, *flags: str) -> list[dict]:
    _, out, _ = run_cli("check", str(path), "--format", "json", "--no-cache", *flags)
    return json.loads(out)["files"][0]["diagnostics"]


def _expected_anchor(source: str, d: dict) -> str:
    start, end = d["offset"]
    if end > start:
        return source[start:end]
    line_start = source.rfind("\n", 0, start) + 1
    line = source[line_start : source.find("\n", start)]
    if not line and start == 0:  # about the whole file: on the first paragraph with text
        line = next(text for text in source.split("\n") if text.strip())
    return line  # the whole paragraph (an image's empty one: a point in it)


def _safe_fixed(source: str, diagnostics: list[dict]) -> str:
    """The text with every safe fix applied that overlaps no other safe fix."""
    edits = [(d["fixes"][0]["edits"], i) for i, d in enumerate(diagnostics) if d["fixes"] and d["fixes"][0]["safety"] == "safe"]
    spans = [(e["offset"][0], e["offset"][1], i) for es, i in edits for e in es]
    clash = {i for a, b, i in spans for c, d, j in spans if i != j and ((a < d and c < b) or a == b == c == d)}
    chosen = sorted((e["offset"][0], e["offset"][1], e["new_text"]) for es, i in edits if i not in clash for e in es)
    parts, at = [], 0
    for start, end, new in chosen:
        parts += [source[at:start], new]
        at = end
    return "".join(parts) + source[at:]


def _check_round_trip(run_cli, original: Path, annotated: Path, tmp_path: Path, *flags: str) -> tuple[list[dict], str]:
    from klarsyn.document.loader import load_document

    diagnostics = _diagnostics(run_cli, original, *flags)
    source = load_document(original).source
    code, _, err = run_cli("annotate", str(original), "-o", str(annotated), *flags)
    assert code == 0, err
    word = WordDocument(str(annotated))
    comments = {str(c.comment_id): c for c in word.comments if c.author == "klarsyn"}
    assert len(comments) == len(diagnostics)
    assert all(c.initials == "KS" and c.timestamp is not None for c in comments.values())
    anchors = anchored_texts(annotated)
    # Each finding has its comment: the rule and message in the comment, on exactly its words.
    wanted = sorted((d["rule"], d["message"], _expected_anchor(source, d)) for d in diagnostics)
    got = []
    for ident, comment in comments.items():
        first = comment.text.split("\n")[0]
        message, _, rule = first.rpartition(" [")
        got.append((rule.rstrip("]"), message, anchors[ident]))
    assert sorted(got) == wanted
    return diagnostics, source


def test_sample_round_trip_comments_on_the_flagged_words_and_safe_fixes_as_changes(run_cli, tmp_path: Path) -> None:
    original = sample_docx(tmp_path / "utkast.docx")
    before = hashlib.sha256(original.read_bytes()).hexdigest()
    annotated = tmp_path / "utkast-kommentert.docx"
    diagnostics, source = _check_round_trip(run_cli, original, annotated, tmp_path)
    assert len(diagnostics) > 30 and sum(d["fixes"][0]["safety"] == "safe" for d in diagnostics if d["fixes"]) >= 3
    assert hashlib.sha256(original.read_bytes()).hexdigest() == before  # the original is untouched
    with zipfile.ZipFile(original) as a, zipfile.ZipFile(annotated) as b:
        assert "word/comments.xml" not in a.namelist() and b.namelist() == a.namelist() + ["word/comments.xml"]
        for name in a.namelist():
            if name not in MAY_CHANGE:
                assert a.read(name) == b.read(name), name
        # The new part is named in the relationships and the content types; nothing there is lost.
        rels_a, rels_b = (etree.fromstring(z.read("word/_rels/document.xml.rels")) for z in (a, b))
        assert [etree.tostring(r) for r in rels_b][: len(rels_a)] == [etree.tostring(r) for r in rels_a]
        assert [r.get("Target") for r in rels_b][len(rels_a) :] == ["comments.xml"]
        types_a, types_b = (etree.fromstring(z.read("[Content_Types].xml")) for z in (a, b))
        assert len(types_b) == len(types_a) + 1 and types_b[-1].get("PartName") == "/word/comments.xml"
    # Accepting every tracked change gives exactly the text the safe fixes give; rejecting
    # them all gives the original text back.
    fixed = _safe_fixed(source, diagnostics)
    assert fixed != source
    assert _text(_resolved(annotated, tmp_path / "accepted.docx", accept=True)) == fixed
    assert _text(_resolved(annotated, tmp_path / "rejected.docx", accept=False)) == source
    # One line says what was added.
    _, _, err = run_cli("annotate", str(original), "-o", str(tmp_path / "again.docx"), "--lang", "en")
    safe = sum(1 for d in diagnostics if d["fixes"] and d["fixes"][0]["safety"] == "safe")
    assert err.strip() == f"klarsyn: {len(diagnostics)} comments and {safe} tracked changes added to {tmp_path / 'again.docx'}"


def _shredded(source: Path, target: Path, seed: int) -> Path:
    """The file with every run cut into up to thirteen runs at random places, some bold, some
    italic, with bookmarks and proofing marks between them: the text is the same."""
    import random

    rng = random.Random(seed)
    with zipfile.ZipFile(source) as z:
        root = etree.fromstring(z.read("word/document.xml"))
        for run in list(root.iter(_q("r"))):
            t = run.find(_q("t"))
            if t is None or not t.text or len(t.text) < 2:
                continue
            text = t.text
            cuts = sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(0, 12))))
            pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
            previous = run
            for n, piece in enumerate(pieces):
                twin = etree.Element(_q("r"))
                rpr = etree.SubElement(twin, _q("rPr"))
                if rng.random() < 0.3:
                    etree.SubElement(rpr, _q(rng.choice(["b", "i", "u"])))
                new_t = etree.SubElement(twin, _q("t"))
                new_t.text = piece
                new_t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                previous.addnext(twin)
                previous = twin
                if rng.random() < 0.15:
                    mark = etree.Element(_q(rng.choice(["proofErr", "bookmarkEnd"])))
                    mark.set(_q("id" if mark.tag == _q("bookmarkEnd") else "type"), "7000" if mark.tag == _q("bookmarkEnd") else "spellStart")
                    previous.addnext(mark)
                    previous = mark
            run.getparent().remove(run)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info in z.infolist():
                out.writestr(info, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                             if info.filename == "word/document.xml" else z.read(info))
    return target


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_runs_cut_anywhere_still_give_exact_anchors_and_changes(run_cli, tmp_path: Path, seed: int) -> None:
    original = _shredded(sample_docx(tmp_path / "utkast.docx"), tmp_path / "oppdelt.docx", seed)
    annotated = tmp_path / "oppdelt-kommentert.docx"
    diagnostics, source = _check_round_trip(run_cli, original, annotated, tmp_path)
    assert _text(_resolved(annotated, tmp_path / "accepted.docx", accept=True)) == _safe_fixed(source, diagnostics)
    assert _text(_resolved(annotated, tmp_path / "rejected.docx", accept=False)) == source
    # Every piece of text kept the formatting it had: the formatted characters are the same
    # before and after (a deleted character counted where it was).
    def formatted(path: Path) -> list[tuple[str, str]]:
        root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
        out = []
        for t in root.iter(_q("t"), _q("delText")):
            if _ours(t, "ins"):
                continue
            rpr = t.getparent().find(_q("rPr"))
            marks = "".join(sorted(etree.QName(c).localname for c in rpr)) if rpr is not None else ""
            out += [(ch, marks) for ch in t.text or ""]
        return out

    assert formatted(annotated) == formatted(original)


def test_options_select_severity_no_changes_and_language(run_cli, tmp_path: Path) -> None:
    original = sample_docx(tmp_path / "utkast.docx")
    out = tmp_path / "kun-kommentarer.docx"
    code, _, err = run_cli("annotate", str(original), "-o", str(out), "--select", "forkortelser,kanselli", "--no-changes", "--lang", "nn")
    assert code == 0, err
    root = etree.fromstring(zipfile.ZipFile(out).read("word/document.xml"))
    assert root.find(f".//{_q('ins')}") is None and root.find(f".//{_q('del')}") is None
    comments = list(WordDocument(str(out)).comments)
    assert comments and {c.text.split("\n")[0].rpartition("[")[2] for c in comments} == {"forkortelser]", "kanselli]"}
    assert any("Framlegg: «for eksempel»" in c.text for c in comments)  # the better wording, in Nynorsk labels
    assert "kommentarar og 0 spora endringar" in err
    warnings = _diagnostics(run_cli, original, "--select", "forkortelser,kanselli")
    only = tmp_path / "advarsler.docx"
    run_cli("annotate", str(original), "-o", str(only), "--select", "forkortelser,kanselli", "--min-severity", "warning")
    assert len(list(WordDocument(str(only)).comments)) == sum(d["severity"] in ("warning", "error") for d in warnings) < len(comments)


def test_lix_comments_on_the_headings_when_asked(run_cli, tmp_path: Path) -> None:
    from klarsyn.document.loader import load_document
    from klarsyn.metrics.analysis import analyze

    original = sample_docx(tmp_path / "utkast.docx")
    out = tmp_path / "lix.docx"
    assert run_cli("annotate", str(original), "-o", str(out), "--select", "kanselli", "--lix-comments")[0] == 0
    analysis = analyze(load_document(original))
    headings = {s.title: s.counts.lix for s in analysis.sections if s.heading is not None and s.counts.lix is not None}
    anchors = anchored_texts(out)
    lix = {anchors[str(c.comment_id)]: c.text for c in WordDocument(str(out)).comments if c.text.endswith("[lix]")}
    assert set(lix) == set(headings) and len(headings) > 5
    title, value = next(iter(headings.items()))
    assert lix[title].startswith(f"LIX {value:.0f} (")
    run_cli("annotate", str(original), "-o", str(tmp_path / "uten.docx"), "--select", "kanselli")
    assert not [c for c in WordDocument(str(tmp_path / "uten.docx")).comments if c.text.endswith("[lix]")]


def test_refuses_to_write_over_the_original_and_unreadable_input(run_cli, tmp_path: Path) -> None:
    original = sample_docx(tmp_path / "utkast.docx")
    before = original.read_bytes()
    code, _, err = run_cli("annotate", str(original), "-o", str(tmp_path / "." / "utkast.docx"))
    assert code == 2 and "is the input file" in err
    assert original.read_bytes() == before
    broken = tmp_path / "ødelagt.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    code, _, err = run_cli("annotate", str(broken), "-o", str(tmp_path / "ut.docx"))
    assert code == 2 and err.startswith(f"klarsyn: {broken}:") and not (tmp_path / "ut.docx").exists()
    code, _, err = run_cli("annotate", str(tmp_path / "x.html"), "-o", str(tmp_path / "y.html"))
    assert code == 2 and "not a Word or OpenDocument text file" in err


# --- a Word file with everything an editor's file may hold -------------------------------------

def _png() -> bytes:
    raw = b"\x00\xff\x00\x00" * 2
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" + raw[:6])) + chunk(b"IEND", b""))


FOOTNOTES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {nsdecls("w")}>'
             '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
             '<w:footnote w:id="1"><w:p><w:r><w:t>Kilde: SSB, 2023.</w:t></w:r></w:p></w:footnote></w:footnotes>').encode()


def unusual_docx(target: Path) -> Path:
    doc = WordDocument()
    _word_language(doc, "nb-NO")
    doc.add_heading("Arbeid for alle i hele NAV", level=1)
    p = doc.add_paragraph()
    p.add_run("Vi vil at flere unge skal få jobb, f.e")  # the abbreviation is split mid-word,
    bold = p.add_run("ks. i kommunene")  # and its second half is bold
    bold.bold = True
    p.add_run(". Kommunen har mulig")
    italic = p.add_run("het til å hjelpe")
    italic.italic = True
    p.add_run(" dem.")
    reviewed = doc.add_paragraph()
    run = reviewed.add_run("Budsjettet øker med 3 pst. neste år.")
    doc.add_comment(run, text="Stemmer tallet?", author="Kari Nordmann", initials="KN")
    # Tracked changes already there (by another author), a simple and a complex field.
    doc.element.body.append(parse_xml(
        f'<w:p {nsdecls("w")}><w:r><w:t xml:space="preserve">Vi ønsker </w:t></w:r>'
        '<w:ins w:id="901" w:author="Kari" w:date="2025-01-01T00:00:00Z"><w:r><w:t xml:space="preserve">f.eks. </w:t></w:r></w:ins>'
        '<w:del w:id="902" w:author="Kari" w:date="2025-01-01T00:00:00Z"><w:r><w:delText>mange </w:delText></w:r></w:del>'
        '<w:r><w:t xml:space="preserve">nye boliger på side </w:t></w:r>'
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t>3</w:t></w:r></w:fldSimple>'
        '<w:r><w:t xml:space="preserve"> fra </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> DATE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2. desember</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:t xml:space="preserve">, og NAV skal</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>hjelpe.</w:t></w:r>'
        '<w:r><w:footnoteReference w:id="1"/></w:r></w:p>'))
    # A text box (VML, as Word writes it for compatibility).
    doc.element.body.append(parse_xml(
        f'<w:p {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:t xml:space="preserve">Se boksen. </w:t></w:r>'
        '<w:r><w:pict><v:shape style="width:200pt;height:40pt"><v:textbox><w:txbxContent><w:p><w:r>'
        '<w:t>I boksen står 5 pst.</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>'))
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Tiltak"
    table.cell(0, 1).text = "Andel"
    table.cell(1, 0).text = "Lærlinger i NAV"
    table.cell(1, 1).text = "12 pst."
    doc.add_paragraph("Et bilde av tiltaket, f.eks. slik:")
    doc.add_picture(BytesIO(_png()))
    doc.save(str(target))
    # The footnotes part python-docx cannot make: added to the package by hand.
    buffer = BytesIO(target.read_bytes())
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/'
                                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>')
            out.writestr(info, data)
        out.writestr("word/footnotes.xml", FOOTNOTES)
    return target


def test_unusual_file_keeps_everything_it_had(run_cli, tmp_path: Path) -> None:
    original = unusual_docx(tmp_path / "kapittel.docx")
    annotated = tmp_path / "kapittel-kommentert.docx"
    diagnostics, source = _check_round_trip(run_cli, original, annotated, tmp_path)
    rules = {d["rule"] for d in diagnostics}
    assert {"forkortelser", "termer", "kanselli"} <= rules
    with zipfile.ZipFile(original) as a, zipfile.ZipFile(annotated) as b:
        names_a, names_b = a.namelist(), b.namelist()
        assert names_b[: len(names_a)] == names_a  # the order kept; a new part only at the end
        assert "word/comments.xml" in names_a  # python-docx made one for Kari's comment: reused
        assert names_b == names_a
        for name in names_a:
            if name not in MAY_CHANGE:
                assert a.read(name) == b.read(name), name
        # The comments part was there already: its relationship and content type too.
        for name in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
            assert a.read(name) == b.read(name), name
        before = etree.fromstring(a.read("word/document.xml"))
        after = etree.fromstring(b.read("word/document.xml"))
    # Kari's comment and her tracked changes are still there, as are the fields, the footnote
    # reference, the text box, the table and the picture.
    kari = [c for c in WordDocument(str(annotated)).comments if c.author == "Kari Nordmann"]
    assert [c.text for c in kari] == ["Stemmer tallet?"]
    assert anchored_texts(annotated)[str(kari[0].comment_id)] == "Budsjettet øker med 3 pst. neste år."
    for path in (".//w:ins[@w:author='Kari']", ".//w:del[@w:author='Kari']", ".//w:fldSimple", ".//w:instrText",
                 ".//w:fldChar", ".//w:footnoteReference", ".//w:txbxContent", ".//w:tbl", ".//w:drawing"):
        assert len(after.findall(path, {"w": W})) == len(before.findall(path, {"w": W})) > 0, path
    # The split abbreviation: deleted in both its runs, each keeping its formatting.
    deletions = [d for d in after.iter(_q("del")) if d.get(_q("author")) == "klarsyn"]
    split = next(d for d in deletions if "".join(t.text for t in d.iter(_q("delText"))) == "f.eks.")
    runs = split.findall(_q("r"))
    assert [r.find(f"{_q('rPr')}/{_q('b')}") is not None for r in runs] == [False, True]
    # "Kommunen har mulig|het til å" keeps its italics on the part after the split.
    italics = [r for r in after.iter(_q("r")) if r.find(f"{_q('rPr')}/{_q('i')}") is not None]
    assert "".join(t.text for r in italics for t in r.iter(_q("t"))) == "het til å hjelpe"
    # The abbreviation inside Kari's insertion gets a comment but no change of ours inside hers.
    for ins in after.iter(_q("ins")):
        if ins.get(_q("author")) == "Kari":
            assert not [a for a in ins.iter(_q("del"), _q("ins")) if a is not ins]
    # Accepted, the changes give the fixed text (python-docx reads the plain paragraphs; the
    # one with fields and Kari's changes it reads differently from Word).
    accepted = _text(_resolved(annotated, tmp_path / "accepted.docx", accept=True))
    assert accepted.split("\n")[:3] == _safe_fixed(source, diagnostics).split("\n")[:3]
    assert accepted.split("\n")[1].startswith("Vi vil at flere unge skal få jobb, for eksempel i kommunene.")


def _pdf(docx: Path, outdir: Path) -> bytes:
    """The file converted by LibreOffice headless, its comments exported as PDF notes."""
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{outdir}/lo", "--convert-to",
                           'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}',
                           "--outdir", str(outdir), str(docx)], check=False, capture_output=True, text=True, timeout=180)
    pdf = outdir / (docx.stem + ".pdf")
    assert done.returncode == 0 and pdf.exists(), done.stderr
    assert "error" not in done.stderr.lower() and "warn" not in done.stderr.lower().replace("warning: failed to launch javaldx", "")
    return pdf.read_bytes()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_annotated_file_and_converts_it(run_cli, tmp_path: Path) -> None:
    original = sample_docx(tmp_path / "utkast.docx")
    annotated = tmp_path / "utkast-kommentert.docx"
    assert run_cli("annotate", str(original), "-o", str(annotated))[0] == 0
    plain, commented = _pdf(original, tmp_path), _pdf(annotated, tmp_path)
    # The comments come out as PDF annotations; the original has none.
    assert b"/Annot" not in plain and commented.count(b"/Annot") >= len(list(WordDocument(str(annotated)).comments))
    # LibreOffice reads every comment (author, initials) and every tracked change.
    done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "odt",
                           "--outdir", str(tmp_path / "odt"), str(annotated)], check=False, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    content = zipfile.ZipFile(tmp_path / "odt" / "utkast-kommentert.odt").read("content.xml").decode("utf-8")
    root = etree.fromstring(zipfile.ZipFile(annotated).read("word/document.xml"))
    comments = list(WordDocument(str(annotated)).comments)
    changes = len(root.findall(f".//{_q('del')}")) + len(root.findall(f".//{_q('ins')}"))
    assert content.count("<office:annotation ") == len(comments) == content.count("<dc:creator>klarsyn</dc:creator>") - changes
    assert content.count("<meta:creator-initials>KS</meta:creator-initials>") == len(comments)
    assert content.count("<text:deletion>") == len(root.findall(f".//{_q('del')}")) > 0
    assert content.count("<text:insertion>") == len(root.findall(f".//{_q('ins')}")) > 0


def test_hostile_files_fail_cleanly_and_write_nothing(run_cli, tmp_path: Path) -> None:
    from tests.test_rich import _hostile

    files = _hostile(tmp_path)
    # A good document whose comments part declares entities: refused before it is parsed.
    laughing = unusual_docx(tmp_path / "kommentarer.docx")
    buffer = BytesIO(laughing.read_bytes())
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(laughing, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/comments.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE c [<!ENTITY a "aaaaaaaaaa">]>', 1)
            out.writestr(info, data)
    files["entities in the comments"] = (laughing, "word/comments.xml declares a DTD or entities; refused")
    for name, (path, expected) in files.items():
        target = tmp_path / f"{path.stem}-kommentert.docx"
        code, out, err = run_cli("annotate", str(path), "-o", str(target))
        assert code == 2, name
        [line] = err.splitlines()
        assert line.startswith(f"klarsyn: {path}:") and expected in line, (name, line)
        assert not target.exists(), name
