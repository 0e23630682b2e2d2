"""Opening Word and OpenDocument files safely: a zip and the XML in it are hostile until
proven otherwise. No DTDs or entities (billion laughs, external entities), no network, and
limits on sizes, compression ratio (zip bombs), element depth and element count."""

from __future__ import annotations

import struct
import zipfile
import zlib
from io import BytesIO

from lxml import etree

from klarsyn.document.loader import MAX_BYTES
from klarsyn.errors import InputError
from klarsyn.safeio import one_line, size_text

try:  # an LZMA-compressed part raises its own error class when damaged
    from lzma import LZMAError
except ImportError:  # pragma: no cover - Python built without lzma
    LZMAError = OSError  # type: ignore[misc,assignment]

MAX_ENTRIES = 2_000
# The XML parts we read (document.xml, content.xml, styles, relations), uncompressed. Word
# writes about 3–10 bytes of markup per character of text, so 32 MiB of document.xml is
# several times more text than any programme; lxml needs about 10–15 bytes of memory per byte
# of XML, so these limits keep a hostile package to a few hundred MB before it is refused.
MAX_PART_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 48 * 1024 * 1024
# Declared sizes of all entries together (images are never unpacked, only listed).
MAX_DECLARED_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 150  # uncompressed / compressed, per entry (text compresses about 5–20×)
MAX_ELEMENTS = 2_000_000
MAX_DEPTH = 200
MAX_TEXT_CHARS = MAX_BYTES  # the extracted text: the limit plain-text drafts have
_CHUNK = 1024 * 1024
# What zipfile and its decompressors raise on damaged or unusual data: a bad header or CRC,
# corrupt deflate (zlib.error), a password (RuntimeError), an unknown method (NotImplementedError).
_UNPACK_ERRORS = (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error, RuntimeError,
                  NotImplementedError, LZMAError, struct.error)


class Package:
    """A zip opened for reading a few XML parts, with the bytes unpacked so far counted so
    that all parts together stay under MAX_TOTAL_BYTES."""

    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self.archive = archive
        self.name = name
        self.unpacked = 0


def open_zip(data: bytes, name: str) -> Package:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except _UNPACK_ERRORS as exc:
        raise InputError(name, f"is not a readable Word/OpenDocument file (damaged zip: {one_line(str(exc), 200)})") from None
    if len(infos) > MAX_ENTRIES:
        raise InputError(name, f"has too many parts ({len(infos)}; the limit is {MAX_ENTRIES})")
    declared = sum(info.file_size for info in infos)
    if declared > MAX_DECLARED_BYTES:
        raise InputError(name, f"claims {declared / 2**20:.0f} MiB unpacked (the limit is {size_text(MAX_DECLARED_BYTES)}); refusing a possible zip bomb")
    return Package(archive, name)


def read_part(package: Package, part: str, name: str, required: bool = True) -> bytes | None:
    """The unpacked bytes of one part, or one clear InputError. The declared size is checked
    before unpacking and the real size while unpacking, because a zip's sizes are claims."""
    try:
        info = package.archive.getinfo(part)
    except KeyError:
        if required:
            raise InputError(name, f"has no {part}: not a Word/OpenDocument text document") from None
        return None
    if info.flag_bits & 0x1:
        raise InputError(name, f"{part} is encrypted (password-protected); save a copy without a password to have it checked")
    budget = min(MAX_PART_BYTES, MAX_TOTAL_BYTES - package.unpacked)
    if info.file_size > budget:
        raise InputError(name, f"{part} is too large unpacked ({info.file_size / 2**20:.1f} MiB; the limit is "
                               f"{size_text(MAX_PART_BYTES)} per part, {size_text(MAX_TOTAL_BYTES)} in all); refusing a possible zip bomb")
    if info.file_size > _CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise InputError(name, f"{part} is compressed {info.file_size // max(info.compress_size, 1)}:1; refusing a possible zip bomb")
    # BytesIO hands its buffer over without a copy: the part is in memory once, not twice.
    buffer = BytesIO()
    size = 0
    try:
        with package.archive.open(info) as handle:
            while chunk := handle.read(_CHUNK):
                size += len(chunk)
                if size > budget or (size > _CHUNK and size > MAX_RATIO * max(info.compress_size, 1)):
                    raise InputError(name, f"{part} unpacks to more than it claims ({info.file_size} bytes); refusing a possible zip bomb")
                buffer.write(chunk)
    except _UNPACK_ERRORS as exc:
        raise InputError(name, f"{part} cannot be unpacked (damaged file: {one_line(str(exc), 200)})") from None
    package.unpacked += size
    return buffer.getvalue()


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                          huge_tree=False, remove_comments=True, remove_pis=True)


def parse_xml(data: bytes, part: str, name: str) -> etree._Element:
    # Office documents never need a DTD. The byte search is cheap (a DTD after a long comment
    # is found too); the docinfo check after parsing also catches one in a UTF-16 part.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise InputError(name, f"{part} declares a DTD or entities; refused (office documents never need one)")
    # Every element starts with "<" that is not "</", "<?" or "<!": an upper bound on the
    # element count, found before lxml builds a tree of millions of elements.
    tags = data.count(b"<") - data.count(b"</") - data.count(b"<?") - data.count(b"<!")
    if tags > MAX_ELEMENTS:
        raise InputError(name, f"{part} has more than {MAX_ELEMENTS} elements; refused")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        # lxml's messages can hold line breaks and the offending text: one bounded line.
        raise InputError(name, f"{part} is not well-formed XML ({one_line(str(exc.msg if hasattr(exc, 'msg') else exc), 200)})") from None
    except (ValueError, MemoryError) as exc:  # e.g. "Unicode strings with encoding declaration", no memory
        raise InputError(name, f"{part} cannot be read as XML ({one_line(str(exc) or type(exc).__name__, 200)})") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise InputError(name, f"{part} declares a DTD or entities; refused (office documents never need one)")
    # (The element count needs no second look: the bound from the bytes is above it.) Depth is
    # measured by libxml2's XPath in C: a Python walk over a 20 MB part took 2.5 s.
    if root.xpath("boolean(" + "/*" * (MAX_DEPTH + 1) + ")"):
        raise InputError(name, f"{part} is nested more than {MAX_DEPTH} levels deep; refused")
    return root
