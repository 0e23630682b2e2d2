"""Hostile Word/OpenDocument packages: damaged, encrypted, lying about their sizes, bigger
than any draft. Each must give exactly one bounded line on stderr naming the file, exit 2,
quickly and in little memory, and the other files must still be checked."""

from __future__ import annotations

import functools
import os
import random
import resource
import struct
import time
import zipfile
from pathlib import Path

import pytest

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
GOOD_XML = f'<?xml version="1.0"?><w:document {W}><w:body><w:p><w:r><w:t>Vi vil herunder styrke skolen.</w:t></w:r></w:p></w:body></w:document>'.encode()


def _docx(path: Path, document_xml: bytes, extra: dict[str, bytes] | None = None, method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def _patch(path: Path, part: str, *, flag_bits: int | None = None, file_size: int | None = None, first_data_byte: int | None = None) -> None:
    """Rewrite header fields of one entry, in the local header and the central directory."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + name_len]) == name:
            local = struct.unpack_from("<I", data, central + 42)[0]
            if flag_bits is not None:
                struct.pack_into("<H", data, central + 8, flag_bits)
                struct.pack_into("<H", data, local + 6, flag_bits)
            if file_size is not None:
                struct.pack_into("<I", data, central + 24, file_size)
                struct.pack_into("<I", data, local + 22, file_size)
            if first_data_byte is not None:
                n, x = struct.unpack_from("<HH", data, local + 26)
                data[local + 30 + n + x] = first_data_byte
            break
        central = data.find(b"PK\x01\x02", central + 4)
    else:
        raise AssertionError(f"{part} not in {path}")
    path.write_bytes(bytes(data))


@functools.lru_cache(maxsize=None)
def _block(seed: int) -> bytes:
    rng = random.Random(seed)
    vocabulary = [bytes(rng.choice(b"abcdefghijklmnoprstuv") for _ in range(rng.randint(2, 11))) for _ in range(5000)]
    return b" ".join(rng.choices(vocabulary, k=150_000)) + b" "


def _words(n_bytes: int, seed: int = 7) -> bytes:
    """Text that compresses about as well as prose (3–4:1), not like a run of one letter.
    A block of about 1 MB repeated: deflate only looks 32 KB back, so repeats do not help it."""
    block = _block(seed % 3)
    offset = (seed * 7919) % 4096
    return (block * (n_bytes // len(block) + 2))[offset : offset + n_bytes]


def _assert_refused(run_cli, path: Path, expected: str, good: Path) -> str:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    code, out, err = run_cli("check", str(path), str(good), "--no-cache")
    elapsed = time.perf_counter() - start
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert code == 2, err
    [line] = err.splitlines()  # exactly one line, however the library words its error
    assert line.startswith(f"klarsyn: {path}: "), line
    assert expected in line, line
    assert len(line) < 500, line
    assert "herunder" in out, "the other file is still checked"
    assert elapsed < 2.0 + 1.0, elapsed  # 2 s, with a margin for a busy machine
    assert grown_mb < 400, grown_mb
    return line


@pytest.fixture
def good(tmp_path: Path) -> Path:
    draft = tmp_path / "ok.md"
    draft.write_text("Vi vil herunder styrke skolen.\n", encoding="utf-8")
    return draft


def test_corrupt_deflate_is_one_line_not_a_zlib_traceback(run_cli, tmp_path: Path, good: Path) -> None:
    path = _docx(tmp_path / "deflate.docx", GOOD_XML)
    _patch(path, "word/document.xml", first_data_byte=0x07)  # BFINAL=1, BTYPE=11: a reserved block type
    _assert_refused(run_cli, path, "word/document.xml cannot be unpacked (damaged file: Error -3", good)


def test_encrypted_part_is_one_line_not_a_runtime_error(run_cli, tmp_path: Path, good: Path) -> None:
    path = _docx(tmp_path / "encrypted.docx", GOOD_XML)
    _patch(path, "word/document.xml", flag_bits=0x1)
    _assert_refused(run_cli, path, "word/document.xml is encrypted (password-protected)", good)


def test_unsupported_compression_method_is_one_line(run_cli, tmp_path: Path, good: Path) -> None:
    path = _docx(tmp_path / "method.docx", GOOD_XML, method=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    for sig, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.find(sig)
        while at != -1:
            struct.pack_into("<H", data, at + offset, 99)  # AES/unknown
            at = data.find(sig, at + 4)
    path.write_bytes(bytes(data))
    _assert_refused(run_cli, path, "cannot be unpacked", good)


def test_nul_in_xml_gives_one_line(run_cli, tmp_path: Path, good: Path) -> None:
    path = _docx(tmp_path / "nul.docx", GOOD_XML.replace(b"herunder", b"her\x00under"))
    line = _assert_refused(run_cli, path, "word/document.xml is not well-formed XML (", good)
    assert "\n" not in line and "range, line 1" in line


def test_huge_random_attribute_gives_one_bounded_line(run_cli, tmp_path: Path, good: Path) -> None:
    # libxml2 refuses an attribute value over 10 MB; its message spans lines and quotes text.
    value = _words(12 * 1024 * 1024).replace(b" ", b"x")
    xml = f'<?xml version="1.0"?><w:document {W}><w:body><w:p w:x="'.encode() + value + b'"/></w:body></w:document>'
    path = _docx(tmp_path / "attribute.docx", xml)
    _assert_refused(run_cli, path, "word/document.xml is not well-formed XML", good)


def test_part_bigger_than_the_limit_is_refused_before_unpacking(run_cli, tmp_path: Path, good: Path) -> None:
    from klarsyn.document.safexml import MAX_PART_BYTES

    # About 3:1, as real markup compresses: only the declared size can stop it early.
    xml = f'<?xml version="1.0"?><w:document {W}><w:body><w:p><w:r><w:t>'.encode() + _words(MAX_PART_BYTES + 1024) + b"</w:t></w:r></w:p></w:body></w:document>"
    path = _docx(tmp_path / "huge.docx", xml)
    _assert_refused(run_cli, path, "word/document.xml is too large unpacked", good)


def test_parts_together_bigger_than_the_total_limit_are_refused(run_cli, tmp_path: Path, good: Path, monkeypatch) -> None:
    from klarsyn.document import safexml

    assert safexml.MAX_TOTAL_BYTES < 2 * safexml.MAX_PART_BYTES
    # Smaller limits in the same proportion keep the test fast.
    monkeypatch.setattr(safexml, "MAX_PART_BYTES", 4 * 1024 * 1024)
    monkeypatch.setattr(safexml, "MAX_TOTAL_BYTES", 6 * 1024 * 1024)
    half = 3 * 1024 * 1024 + 1024
    styles = f'<w:styles {W}><!-- '.encode() + _words(half) + b" --></w:styles>"
    document = GOOD_XML[:-len(b"</w:document>")] + b"<!-- " + _words(half, seed=8) + b" --></w:document>"
    path = _docx(tmp_path / "total.docx", document, {"word/styles.xml": styles})
    _assert_refused(run_cli, path, "word/styles.xml is too large unpacked", good)


def test_high_compression_ratio_is_refused(run_cli, tmp_path: Path, good: Path) -> None:
    xml = GOOD_XML[:-len(b"</w:document>")] + b" " * (8 * 1024 * 1024) + b"</w:document>"
    path = _docx(tmp_path / "ratio.docx", xml)
    _assert_refused(run_cli, path, "refusing a possible zip bomb", good)


@pytest.mark.parametrize("claimed", [1000, 2 * 1024 * 1024])
def test_a_lying_file_size_is_caught_while_unpacking(run_cli, tmp_path: Path, good: Path, claimed: int) -> None:
    # The headers claim a small part; the deflate stream holds 40 MB of markup.
    xml = GOOD_XML[:-len(b"</w:document>")] + b"<w:p/>" * (40 * 1024 * 1024 // 6) + b"</w:document>"
    path = _docx(tmp_path / "liar.docx", xml)
    _patch(path, "word/document.xml", file_size=claimed)
    _assert_refused(run_cli, path, "word/document.xml", good)


def test_a_lying_stream_is_cut_at_the_budget(monkeypatch) -> None:
    """Also when the zip reader would hand over more than the header claims, unpacking
    stops at the budget (the count while streaming, not the declared size, decides)."""
    import io

    from klarsyn.document import safexml
    from klarsyn.errors import InputError

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<a>" + _words(3 * 1024 * 1024) + b"</a>")
    package = safexml.open_zip(buffer.getvalue(), "x.docx")
    package.archive.getinfo("word/document.xml").file_size = 10  # the claim, after the checks of the header
    monkeypatch.setattr(safexml, "MAX_PART_BYTES", 2 * 1024 * 1024)
    with pytest.raises(InputError) as caught:
        safexml.read_part(package, "word/document.xml", "x.docx")
    assert "refusing a possible zip bomb" in str(caught.value) or "damaged" in str(caught.value)


def test_extracted_text_is_bounded_like_a_plain_text_draft(run_cli, tmp_path: Path, good: Path, monkeypatch) -> None:
    from klarsyn.document import rich
    from klarsyn.document.loader import MAX_BYTES

    assert rich.MAX_TEXT_CHARS == MAX_BYTES
    monkeypatch.setattr(rich, "MAX_TEXT_CHARS", 50_000)
    paragraphs = b"".join(b"<w:p><w:r><w:t>" + _words(1000, seed=i) + b"</w:t></w:r></w:p>" for i in range(60))
    path = _docx(tmp_path / "long.docx", f'<?xml version="1.0"?><w:document {W}><w:body>'.encode() + paragraphs + b"</w:body></w:document>")
    _assert_refused(run_cli, path, "holds more than", good)
    one = f'<?xml version="1.0"?><w:document {W}><w:body><w:p>'.encode() + b"".join(
        b"<w:r><w:t>" + _words(1000, seed=i) + b"</w:t></w:r>" for i in range(60)) + b"</w:p></w:body></w:document>"
    _assert_refused(run_cli, _docx(tmp_path / "one.docx", one), "holds more than", good)


def test_odt_space_count_and_levels_cannot_blow_up(run_cli, tmp_path: Path) -> None:
    content = ('<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
               '<text:h text:outline-level="²">Tittel</text:h>'
               '<text:h text:outline-level="' + "9" * 5000 + '">Tittel to</text:h>'
               '<text:p>Vi vil<text:s text:c="1000000000000"/>herunder styrke skolen.</text:p>'
               '</office:text></office:body></office:document-content>')
    path = tmp_path / "s.odt"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code, out, err = run_cli("check", str(path), "--no-cache", "--format", "json")
    assert code in (0, 1), err
    assert "herunder" in out
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 100


def test_docx_outline_level_that_int_refuses(run_cli, tmp_path: Path) -> None:
    xml = (f'<?xml version="1.0"?><w:document {W}><w:body><w:p><w:pPr><w:outlineLvl w:val="²"/></w:pPr>'
           '<w:r><w:t>Vi vil herunder styrke skolen.</w:t></w:r></w:p>'
           f'<w:p><w:pPr><w:outlineLvl w:val="{"1" * 5000}"/></w:pPr><w:r><w:t>Mer tekst.</w:t></w:r></w:p></w:body></w:document>').encode()
    styles = (f'<w:styles {W}><w:style w:styleId="X"><w:name w:val="X"/><w:pPr><w:outlineLvl w:val="³"/></w:pPr></w:style></w:styles>').encode()
    path = _docx(tmp_path / "levels.docx", xml, {"word/styles.xml": styles})
    code, out, err = run_cli("check", str(path), "--no-cache")
    assert code in (0, 1), err
    assert "herunder" in out


def test_dtd_anywhere_in_a_part_is_refused(run_cli, tmp_path: Path, good: Path) -> None:
    late = b'<?xml version="1.0"?><!--' + b"x" * 70_000 + b'--><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + GOOD_XML[len(b'<?xml version="1.0"?>'):]
    _assert_refused(run_cli, _docx(tmp_path / "late.docx", late), "declares a DTD or entities", good)
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY x "y">]>' + GOOD_XML.decode()[len('<?xml version="1.0"?>'):]).encode("utf-16")
    _assert_refused(run_cli, _docx(tmp_path / "utf16.docx", utf16), "declares a DTD or entities", good)


def test_legitimate_docx_still_reads(run_cli, tmp_path: Path) -> None:
    path = _docx(tmp_path / "ok.docx", GOOD_XML)
    code, out, err = run_cli("check", str(path), "--no-cache")
    assert code in (0, 1) and err == ""
    assert "ok.docx:1:8:" in out and "herunder" in out
    assert os.path.exists(path)


def test_password_protected_word_file_says_so(run_cli, tmp_path: Path, good: Path) -> None:
    # Word saves a password-protected .docx as an OLE compound file, not as a zip.
    path = tmp_path / "passord.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    _assert_refused(run_cli, path, "is password-protected or an old Word/Excel file", good)
