"""Hostile PDFs, made at test time: each function returns the bytes of one file.

Most are written object by object with ``raw_pdf`` (a correct xref table, so the only thing
wrong with a file is the thing its generator puts there); the encrypted one is saved by
pikepdf. None needs more than a few MB or a fraction of a second to make: the decompression
bombs are built from repeated deflate blocks, not by compressing gigabytes.
"""

from __future__ import annotations

import io
import zlib

# One page of Helvetica text: what a valid file holds, and what a recovered one still shows.
TEXT = "Vi vil styrke skolen"
_CONTENT = f"BT /F1 24 Tf 72 720 Td ({TEXT}) Tj ET".encode("ascii")
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def stream(data: bytes, extra: bytes = b"") -> bytes:
    """A stream object's body: dictionary with /Length, then the data."""
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def raw_pdf(objects: dict[int, bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF of the given numbered objects with an exact xref table and trailer."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    size = max(objects) + 1
    offsets = [0] * size
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n" % size)
    out.write(b"0000000000 65535 f \n")
    for number in range(1, size):
        if number in objects:
            out.write(b"%010d 00000 n \n" % offsets[number])
        else:
            out.write(b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d /Root %d 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, trailer_extra, xref))
    return out.getvalue()


def _page(parent: int, contents: int = 4, extra: bytes = b"") -> bytes:
    return (b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 5 0 R >> %s >> >>" % (parent, contents, extra))


def valid(pages: int = 1) -> bytes:
    """A small correct file: ``pages`` pages sharing one content stream."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 4: stream(_CONTENT), 5: _FONT}
    kids = []
    for i in range(pages):
        number = 6 + i if i else 3
        objects[number] = _page(2)
        kids.append(b"%d 0 R" % number)
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), pages)
    return raw_pdf(objects)


def truncated(fraction: float = 0.6) -> bytes:
    data = valid()
    return data[: int(len(data) * fraction)]


def truncated_header() -> bytes:
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Cat"


def broken_xref() -> bytes:
    """The xref table and the startxref number replaced by garbage (objects intact)."""
    data = valid()
    start = data.rindex(b"xref\n0 ")
    tail = data.index(b"trailer", start)
    garbage = b"xref\n0 7\nthis is not an xref table at all \x00\xff\n"
    data = data[:start] + garbage + data[tail:]
    end = data.rindex(b"startxref\n") + len(b"startxref\n")
    return data[:end] + b"99999999999999999999\n%%EOF\n"


def startxref_garbage() -> bytes:
    data = valid()
    end = data.rindex(b"startxref\n") + len(b"startxref\n")
    return data[:end] + b"-1e999 \xff\xfe junk\n%%EOF\n"


def no_xref_at_all() -> bytes:
    """Objects only: no xref, no trailer (a reader must scan for the catalog or give up)."""
    data = valid()
    return data[: data.rindex(b"xref\n0 ")]


def kids_loop() -> bytes:
    """The root /Pages lists itself among its kids."""
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
                    3: _page(2), 4: stream(_CONTENT), 5: _FONT})


def kids_cycle_two_nodes() -> bytes:
    """Two /Pages nodes that are each other's kid."""
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Kids [6 0 R] /Count 1 >>",
                    6: b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 1 >>",
                    3: _page(6), 4: stream(_CONTENT), 5: _FONT})


def parent_loop() -> bytes:
    """The page is its own /Parent, and inherits resources through it (an inheritance loop)."""
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    3: b"<< /Type /Page /Parent 3 0 R /Contents 4 0 R >>",
                    4: stream(_CONTENT), 5: _FONT})


def self_reference() -> bytes:
    """Objects whose value is a reference to themselves, used as /Count, /Resources and /Contents."""
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Kids [3 0 R] /Count 6 0 R >>",
                    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 7 0 R /Resources 8 0 R >>",
                    6: b"6 0 R", 7: b"7 0 R", 8: b"8 0 R", 5: _FONT})


def deep_arrays(depth: int = 100_000) -> bytes:
    """Arrays nested ``depth`` deep in the page dictionary and in the content stream."""
    nested = b"[" * depth + b"]" * depth
    content = _CONTENT + b"\n" + nested + b" pop\n"
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    3: _page(2, extra=b"/Deep " + nested),
                    4: stream(content), 5: _FONT})


def deep_dictionaries(depth: int = 100_000) -> bytes:
    nested = b"<< /A " * depth + b"1" + b" >>" * depth
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R /Deep " + nested + b" >>",
                    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    3: _page(2), 4: stream(_CONTENT), 5: _FONT})


def deep_page_tree(depth: int = 10_000) -> bytes:
    """A chain of ``depth`` /Pages nodes, each the only kid of the one above, and one page."""
    first = 10
    objects = {1: b"<< /Type /Catalog /Pages %d 0 R >>" % first, 4: stream(_CONTENT), 5: _FONT}
    leaf = first + depth
    for level in range(depth):
        number = first + level
        parent = b"/Parent %d 0 R " % (number - 1) if level else b""
        objects[number] = b"<< /Type /Pages %s/Kids [%d 0 R] /Count 1 >>" % (parent, number + 1)
    objects[leaf] = _page(leaf - 1)
    return raw_pdf(objects)


def huge_count(count: int = 10**9) -> bytes:
    """One real page under a root that claims ``count`` pages."""
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count,
                    3: _page(2), 4: stream(_CONTENT), 5: _FONT})


def many_pages(pages: int = 6_000) -> bytes:
    """A real tree of ``pages`` pages (all sharing one content stream)."""
    return valid(pages)


def _bomb_deflate(megabytes: int) -> bytes:
    """A zlib stream that inflates to ``megabytes`` MiB of zeros, from repeated blocks:
    a full flush resets the compressor, so every MiB after the first compresses the same."""
    compressor = zlib.compressobj(9)
    first = compressor.compress(b"\0" * 2**20) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(b"\0" * 2**20) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush(zlib.Z_FINISH)  # final empty block + adler32 of two MiB of zeros
    size = megabytes * 2**20
    adler = ((size % 65521) << 16) | 1  # adler32 of n zero bytes: a = 1, b = n mod 65521
    body = first + block * (megabytes - 1) + end[:-4]
    return body + adler.to_bytes(4, "big")


def bomb_layers(megabytes: int = 4096) -> bytes:
    """Deflate twice: the stored stream is a few KB, the first inflation ~``megabytes`` KB,
    the second ``megabytes`` MiB of zeros."""
    return zlib.compress(_bomb_deflate(megabytes), 9)


def _one_page(contents: bytes) -> bytes:
    """A one-page PDF whose content stream object is ``contents``."""
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    3: _page(2), 4: contents, 5: _FONT})


def content_bomb(megabytes: int = 4096) -> bytes:
    """A page whose content stream inflates (FlateDecode twice) to ``megabytes`` MiB."""
    return _one_page(stream(bomb_layers(megabytes), b"/Filter [/FlateDecode /FlateDecode]"))


def content_bomb_single(megabytes: int = 1024) -> bytes:
    """The same with one FlateDecode (about 1 MB stored for each GB)."""
    return _one_page(stream(_bomb_deflate(megabytes), b"/Filter /FlateDecode"))


def image_bomb(side: int = 40_000) -> bytes:
    """A page that draws a ``side`` x ``side`` RGB image (4.8 GB for 40,000) stored in a few KB."""
    megabytes = side * side * 3 // 2**20 + 1
    image = stream(bomb_layers(megabytes), b"/Type /XObject /Subtype /Image /Width %d /Height %d "
                                           b"/ColorSpace /DeviceRGB /BitsPerComponent 8 "
                                           b"/Filter [/FlateDecode /FlateDecode]" % (side, side))
    content = _CONTENT + b"\nq 500 0 0 500 50 50 cm /Im1 Do Q"
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    3: _page(2, extra=b"/XObject << /Im1 6 0 R >>"),
                    4: stream(content), 5: _FONT, 6: image})


def encrypted(user: str = "x", owner: str = "y") -> bytes:
    """AES-256 with a user password: nothing can be read without it."""
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(valid())) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user=user, owner=owner))
    return out.getvalue()


def owner_password_only() -> bytes:
    """Encrypted with an empty user password: every reader opens it; not an error."""
    return encrypted(user="", owner="y")


def not_a_pdf() -> bytes:
    return b"Dette er ikke en PDF, bare tekst med feil filnavn.\n" * 20


def png_named_pdf() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def empty() -> bytes:
    return b""


def form_bomb(megabytes: int = 4096) -> bytes:
    """The bomb in a form XObject the page draws (a content stream one level down)."""
    form = stream(bomb_layers(megabytes), b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                                          b"/Resources << /Font << /F1 5 0 R >> >> /Filter [/FlateDecode /FlateDecode]")
    content = _CONTENT + b"\n/Fm1 Do"
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    3: _page(2, extra=b"/XObject << /Fm1 6 0 R >>"),
                    4: stream(content), 5: _FONT, 6: form})


def font_bomb(megabytes: int = 4096) -> bytes:
    """An embedded TrueType font program that inflates to ``megabytes`` MiB."""
    font = (b"<< /Type /Font /Subtype /TrueType /BaseFont /Bomb /FirstChar 32 /LastChar 126 "
            b"/Widths [%s] /FontDescriptor 7 0 R /Encoding /WinAnsiEncoding >>" % b" ".join([b"500"] * 95))
    descriptor = (b"<< /Type /FontDescriptor /FontName /Bomb /Flags 32 /FontBBox [0 0 1000 1000] "
                  b"/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 /FontFile2 8 0 R >>")
    program = stream(bomb_layers(megabytes), b"/Filter [/FlateDecode /FlateDecode]")
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    3: _page(2), 4: stream(_CONTENT), 5: font, 7: descriptor, 8: program})


def glyph_flood(megabytes: int = 64) -> bytes:
    """A content stream of a few KB that shows ``megabytes`` MiB of characters (millions of
    glyphs for the text extractor to box)."""
    line = b"BT /F1 1 Tf 0 0 Td (" + b"a" * 1000 + b") Tj ET\n"
    body = line * (megabytes * 2**20 // len(line))
    data = zlib.compress(zlib.compress(body, 9), 9)
    return raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>",
                    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    3: _page(2), 4: stream(data, b"/Filter [/FlateDecode /FlateDecode]"), 5: _FONT})
