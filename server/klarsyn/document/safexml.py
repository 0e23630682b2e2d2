"""Opening Word and OpenDocument files safely: a zip and the XML in it are hostile until
proven otherwise. No DTDs or entities (billion laughs, external entities), no network, and
limits on sizes, compression ratio (zip bombs), element depth and element count."""

from __future__ import annotations

import zipfile
from io import BytesIO

from lxml import etree

from klarsyn.errors import InputError

MAX_ENTRIES = 2_000
MAX_PART_BYTES = 64 * 1024 * 1024  # one XML part, uncompressed
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 150  # uncompressed / compressed, per entry (text compresses about 5–20×)
MAX_ELEMENTS = 2_000_000
MAX_DEPTH = 200


def open_zip(data: bytes, name: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise InputError(name, f"is not a readable Word/OpenDocument file (damaged zip: {exc})") from None
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise InputError(name, f"has too many parts ({len(infos)}; the limit is {MAX_ENTRIES})")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
            raise InputError(name, f"is too large unpacked ({info.filename}: {info.file_size} bytes); refusing a possible zip bomb")
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1024 * 1024:
            raise InputError(name, f"{info.filename} is compressed {info.file_size // info.compress_size}:1; refusing a possible zip bomb")
    return archive


def read_part(archive: zipfile.ZipFile, part: str, name: str, required: bool = True) -> bytes | None:
    try:
        info = archive.getinfo(part)
    except KeyError:
        if required:
            raise InputError(name, f"has no {part}: not a Word/OpenDocument text document") from None
        return None
    try:
        with archive.open(info) as handle:
            data = handle.read(MAX_PART_BYTES + 1)  # never trust the declared size alone
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise InputError(name, f"{part} cannot be unpacked (damaged file: {exc})") from None
    if len(data) > MAX_PART_BYTES:
        raise InputError(name, f"{part} is too large unpacked; refusing a possible zip bomb")
    return data


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                          huge_tree=False, remove_comments=True, remove_pis=True)


def parse_xml(data: bytes, part: str, name: str) -> etree._Element:
    head = data[:4096].lstrip()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data[:65536]:
        raise InputError(name, f"{part} declares a DTD or entities; refused (office documents never need one)")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise InputError(name, f"{part} is not well-formed XML ({exc.msg if hasattr(exc, 'msg') else exc})") from None
    count = 0
    for element in root.iter():
        count += 1
        if count > MAX_ELEMENTS:
            raise InputError(name, f"{part} has more than {MAX_ELEMENTS} elements; refused")
    depth = _depth(root)
    if depth > MAX_DEPTH:
        raise InputError(name, f"{part} is nested {depth} levels deep; refused")
    return root


def _depth(root: etree._Element) -> int:
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, level = stack.pop()
        deepest = max(deepest, level)
        if level <= MAX_DEPTH:
            stack.extend((child, level + 1) for child in element)
    return deepest
