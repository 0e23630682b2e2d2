"""Word, OpenDocument and HTML drafts: the same prose findings as the Markdown version at
the right paragraph, the structure checks, and hostile files that must fail cleanly."""

from __future__ import annotations

import json
import resource
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_MD
from tests.fixtures.make_rich import sample_docx, sample_odt, structure_docx, structure_odt

STRUCTURE = "overskriftsniva,falsk-overskrift,understreking,tabelloverskrift,dokumentsprak,avsnittsprak"


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("rich")
    return {
        "docx": sample_docx(out / "utkast.docx"),
        "odt": sample_odt(out / "utkast.odt"),
        "bad.docx": structure_docx(out / "feil.docx", True),
        "good.docx": structure_docx(out / "ok.docx", False),
        "bad.odt": structure_odt(out / "feil.odt", True),
        "good.odt": structure_odt(out / "ok.odt", False),
    }




@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_same_prose_findings_as_markdown_at_the_right_paragraph(run_cli, made, kind: str) -> None:
    _, md_out, _ = run_cli("check", str(SAMPLE_MD), "--format", "json", "--no-cache", "--ignore", STRUCTURE)
    md = json.loads(md_out)["files"][0]
    md_source = SAMPLE_MD.read_text(encoding="utf-8")
    expected = Counter((d["rule"], " ".join(md_source[slice(*d["offset"])].split())) for d in md["diagnostics"])
    _, out, _ = run_cli("check", str(made[kind]), "--format", "json", "--no-cache", "--ignore", STRUCTURE)
    rich = json.loads(out)["files"][0]
    from klarsyn.document.loader import load_document

    document = load_document(made[kind])
    got = Counter((d["rule"], " ".join(document.source[slice(*d["offset"])].split())) for d in rich["diagnostics"])
    assert got == expected
    assert rich["stats"] == md["stats"]
    paragraphs = document.source.split("\n")
    for d in rich["diagnostics"]:
        flagged = document.source[slice(*d["offset"])]
        # The paragraph number is the line of the extracted text, and the flagged text is in it.
        assert d["paragraph"] == d["location"]["line"]
        assert flagged in paragraphs[d["paragraph"] - 1]
    herunder = next(d for d in rich["diagnostics"] if d["rule"] == "kanselli" and "herunder" in document.source[slice(*d["offset"])])
    assert herunder["heading_path"] == "Valgseier i lokalvalget 2023 › 3. God helse og livskvalitet for alle"


def test_html_made_from_the_sample_gives_the_markdown_findings_in_place(run_cli, tmp_path: Path) -> None:
    """The sample rendered to HTML by markdown-it: the same figures and findings as the
    Markdown, each pointing at the same words inside the markup."""
    from markdown_it import MarkdownIt

    markdown = SAMPLE_MD.read_text(encoding="utf-8")
    page = tmp_path / "utkast.html"
    page.write_text('<!DOCTYPE html>\n<html lang="nb">\n<body>\n' + MarkdownIt("commonmark").enable("table").render(markdown)
                    + "</body>\n</html>\n", encoding="utf-8")
    results = {}
    for path in (SAMPLE_MD, page):
        _, out, _ = run_cli("check", str(path), "--format", "json", "--no-cache", "--ignore", STRUCTURE)
        file = json.loads(out)["files"][0]
        source = path.read_text(encoding="utf-8")
        results[path.suffix] = (file["stats"], Counter((d["rule"], " ".join(source[slice(*d["offset"])].split()))
                                                       for d in file["diagnostics"]))
    assert results[".html"] == results[".md"]
    assert sum(results[".html"][1].values()) > 40  # 49 on the sample by default


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_structure_checks_bad_and_good(run_cli, made, fmt: str) -> None:
    _, out, _ = run_cli("check", str(made[f"bad.{fmt}"]), "--select", STRUCTURE, "--format", "json", "--no-cache")
    bad = sorted(d["rule"] for d in json.loads(out)["files"][0]["diagnostics"])
    expected = ["avsnittsprak", "dokumentsprak", "falsk-overskrift", "overskriftsniva", "tabelloverskrift"] + (["understreking"] if fmt == "docx" else [])
    assert bad == sorted(expected)
    # The passage flagged for its language is the English one, not the Norwegian next to it.
    from klarsyn.document.loader import load_document
    from tests.fixtures.make_rich import ENGLISH

    source = load_document(made[f"bad.{fmt}"]).source
    passage = next(d for d in json.loads(out)["files"][0]["diagnostics"] if d["rule"] == "avsnittsprak")
    assert source[slice(*passage["offset"])] == ENGLISH
    _, out, _ = run_cli("check", str(made[f"good.{fmt}"]), "--select", STRUCTURE, "--format", "json", "--no-cache")
    assert json.loads(out)["files"][0]["diagnostics"] == []


def test_html_draft(run_cli, tmp_path: Path) -> None:
    page = tmp_path / "program.html"
    page.write_text(
        '<html lang="nb"><body><h1>Skole</h1><p>Kommunen skal herunder bygge skoler. Les mer <a href="plan.pdf">her</a>.</p>'
        '<ul><li>Vi vil f.eks. ha flere lærere.</li></ul><script>var x = "herunder";</script>'
        '<img src="IMG_0042.jpg"></body></html>', encoding="utf-8")
    _, out, _ = run_cli("check", str(page), "--format", "json", "--no-cache",
                        "--select", "kanselli,forkortelser,lenketekst,alternativ-tekst,dokumentsprak")
    [file] = json.loads(out)["files"]
    from klarsyn.document.loader import load_document

    source = load_document(page).source
    assert file["language"] == "nb"
    assert [(d["rule"], source[slice(*d["offset"])]) for d in file["diagnostics"]] == [
        ("kanselli", "herunder"), ("lenketekst", "her"), ("forkortelser", "f.eks."), ("alternativ-tekst", ""),
    ]


def test_html_positions_are_in_the_markup(run_cli, tmp_path: Path) -> None:
    """An HTML file is what the author edits: every word of every block maps back to its
    characters in the file, through tags, entities, CRLF, tabs and emoji, and the CLI's
    line and column are the file's."""
    from klarsyn.document.html import parse_html

    source = ('<!DOCTYPE html>\r\n<html lang="nb"><head><title>Herunder</title><style>p{}</style></head>\r\n'
              '<body class="herunder"><h1>Skole\tog 🙂 oppvekst</h1>\r\n'
              '<p>Kommunen&nbsp;skal <b>herunder</b> bygge skoler &amp; barnehager,\r\n   f.eks. i '
              '<a href="plan.pdf">sentrum</a>.<br>Ny linje&#44; ny setning.</p>\r\n'
              '<ul><li>Første punkt<li><p>Andre</p> punkt</ul>\r\n<table><tr><th>Tiltak<th>Kostnad<tr><td>Skole<td>200</table>\r\n'
              '<blockquote><p>Et sitat.</p></blockquote><p>Etter <code>kode herunder</code> sitatet.</p></body></html>')
    document = parse_html(source, "side.html")
    texts = [(b.kind.value, b.text) for b in document.blocks]
    assert texts == [
        ("heading", "Skole og 🙂 oppvekst"),
        ("paragraph", "Kommunen\xa0skal herunder bygge skoler & barnehager, f.eks. i sentrum. Ny linje, ny setning."),
        ("list_item", "Første punkt"), ("list_item", "Andre"), ("list_item", "punkt"),
        ("table_cell", "Tiltak"), ("table_cell", "Kostnad"), ("table_cell", "Skole"), ("table_cell", "200"),
        ("quote", "Et sitat."), ("paragraph", "Etter sitatet."),
    ]
    import regex

    for block in document.blocks:
        for m in regex.finditer(r"\w+|[🙂]", block.text):
            start, end = block.source_span(m.start(), m.end())
            assert source[start:end] == m.group()
    assert [b.header_cell for b in document.blocks if b.kind.value == "table_cell"] == [True, True, False, False]
    [paragraph] = [b for b in document.blocks if b.text.startswith("Kommunen")]
    link = paragraph.links[0]
    assert (paragraph.text[link.start:link.end], link.target) == ("sentrum", "plan.pdf")

    page = tmp_path / "side.html"
    page.write_bytes(source.encode("utf-8"))
    _, out, _ = run_cli("check", str(page), "--select", "kanselli,forkortelser", "--no-cache")
    lines = source.split("\n")
    found = [line.split(" ")[0] for line in out.splitlines() if "side.html:" in line and ("kanselli" in line or "forkortelser" in line)]
    assert len(found) == 2
    for location, word in zip(found, ("herunder", "f.eks.")):
        _, line, column = location.rstrip(":").rsplit(":", 2)
        assert lines[int(line) - 1][int(column) - 1:].startswith(word)


def test_broken_html_never_crashes_and_offsets_stay_in_the_file() -> None:
    """Random soup of tags, entities and text: a Document or a clear InputError, never a
    traceback, and every character of every block maps inside the file."""
    import random

    from klarsyn.document.html import parse_html
    from klarsyn.errors import InputError

    pieces = ['<p>', '</p>', '<li>', '</ul>', '<ul>', '<table>', '<tr>', '<td>', '<th>', '</table>', '<a href="x">', '</a>',
              '<b>', '</b>', '<u>', '</u>', '<code>', '</code>', '<script>', '</script>', '&amp;', '&nbsp', '&#65;', '&#x1F600;',
              '&bogus;', '<!--', '-->', '<![CDATA[', ']]>', '<!DOCTYPE html>', '<span lang="en">', '</span>', '<img alt="x">',
              '<br/>', 'Tekst ', 'herunder ', '\r\n', '\t', '🙂', '<', '>', '"', "'", '<p lang=', '<h2>', '</h2>',
              '<blockquote>', '</blockquote>', '&#;', '&#xZZ;', '<?php ?>', '</>', '<a', '=']
    rng = random.Random(7)
    for _ in range(3000):
        source = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        try:
            document = parse_html(source, "soup.html")
        except InputError:
            continue
        for block in document.blocks:
            for i in range(len(block.text)):
                start, end = block.source_span(i, i + 1)
                assert 0 <= start <= end <= len(source), source


def _hostile(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    files: dict[str, tuple[Path, str]] = {}

    def docx(name: str, document_xml: bytes) -> Path:
        path = tmp_path / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", document_xml)
        return path

    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">'.encode() for i in range(1, 10)
    ) + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
    files["billion laughs"] = (docx("laughs.docx", laughs), "declares a DTD or entities; refused")
    external = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>')
    files["external entity"] = (docx("external.docx", external), "declares a DTD or entities; refused")
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<" + b" " * (80 * 1024 * 1024))
    files["zip bomb"] = (bomb, "refusing a possible zip bomb")
    good = tmp_path / "good.docx"
    structure_docx(good, False)
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    files["truncated zip"] = (truncated, "damaged zip")
    deep = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' + b"<w:body>" * 5000 + b"</w:body>" * 5000 + b"</w:document>"
    files["deep nesting"] = (docx("deep.docx", deep), "")
    not_zip = tmp_path / "fake.docx"
    not_zip.write_bytes(b"this is text, not a zip")
    files["not a zip"] = (not_zip, "is not a DOCX file")
    return files


def test_hostile_files_fail_cleanly_fast_and_small(run_cli, tmp_path: Path) -> None:
    for name, (path, expected) in _hostile(tmp_path).items():
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        code, out, err = run_cli("check", str(path), "--no-cache")
        elapsed = time.perf_counter() - start
        grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        assert code == 2, name
        [line] = err.splitlines()
        assert line.startswith(f"klarsyn: {path}:"), (name, line)
        assert expected in line, (name, line)
        assert elapsed < 2.0, (name, elapsed)
        assert grown_mb < 100, (name, grown_mb)
