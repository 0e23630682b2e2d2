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
