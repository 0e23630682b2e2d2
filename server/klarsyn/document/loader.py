"""Read a draft from disk and hand it to the right front end."""

from __future__ import annotations

import hashlib
from pathlib import Path

from klarsyn.document.markdown import parse_markdown, split_front_matter
from klarsyn.document.model import Document
from klarsyn.document.plaintext import parse_plaintext
from klarsyn.document.suffixes import MARKDOWN_SUFFIXES, RICH_SUFFIXES, SUPPORTED_SUFFIXES, TEXT_SUFFIXES
from klarsyn.errors import InputError
from klarsyn.text.language import detect_language, normalize_language

MAX_PACKAGE_BYTES = 100 * 1024 * 1024  # a .docx/.odt on disk (images make them big)
MAX_BYTES = 20 * 1024 * 1024  # about 3 million words: far beyond any programme
_BINARY_SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive (a Word or OpenDocument file?)",
    b"%PDF": "a PDF file",
    b"\xd0\xcf\x11\xe0": "an old Word/Excel file",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}


def format_for(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return RICH_SUFFIXES.get(suffix)


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a BOM is dropped), or an InputError that says what is wrong and where."""
    for signature, what in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            hint = " (save it as .docx or .odt to have it checked)" if signature == b"PK\x03\x04" else ""
            raise InputError(name, f"this is {what}, not a text draft{hint}")
    if b"\x00" in data[:8192]:
        raise InputError(name, "looks like a binary file (it contains NUL bytes), not a text draft")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        byte = data[exc.start]
        hint = ""
        try:
            data.decode("cp1252")
            hint = "; it may be saved as Windows-1252/Latin-1: save it as UTF-8"
        except UnicodeDecodeError:
            pass
        raise InputError(name, f"not valid UTF-8 at line {line}, column {column} (byte 0x{byte:02X}){hint}") from None
    return text[1:] if text.startswith("\ufeff") else text


def read_source(path: Path) -> str:
    return decode(_read_bytes(path, MAX_BYTES), str(path))


def resolve_language(source: str, fmt: str, language: str | None = None) -> tuple[str, str]:
    """(language, where it came from): given > front matter > detected > nb."""
    if language:
        return language, "config"
    start = 0
    if fmt == "markdown":
        front_matter, start = split_front_matter(source)
        declared = front_matter.get("lang") or front_matter.get("language")
        if isinstance(declared, str) and normalize_language(declared):
            return normalize_language(declared) or "nb", "front-matter"
    detected = detect_language(source[start : start + 20_000])
    return (detected, "detected") if detected else ("nb", "default")


def parse(source: str, path: str, fmt: str, language: str | None = None) -> Document:
    """Build the document and settle its language (resolve_language)."""
    if fmt == "html":
        from klarsyn.document.html import parse_html

        return _settle_language(parse_html(source, path), language)
    document = parse_markdown(source, path) if fmt == "markdown" else parse_plaintext(source, path)
    document.language, document.language_source = resolve_language(source, fmt, language)
    return document


def _read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes, at most ``limit`` of them (also for files that grow while read or
    report no size, like pipes), or one clear InputError."""
    name = str(path)
    try:
        if path.is_dir():
            raise InputError(name, "is a folder, not a file")
        size = path.stat().st_size
        if size > limit:
            raise InputError(name, f"is too large ({size / 2**20:.1f} MiB; the limit is {limit // 2**20} MiB)")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except IsADirectoryError:
        raise InputError(name, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InputError(name, f"is too large (the limit is {limit // 2**20} MiB)")
    return data


def load_document(path: Path, language: str | None = None, fmt: str | None = None) -> Document:
    fmt = fmt or format_for(path) or "text"
    if fmt in ("docx", "odt"):
        from klarsyn.document.docx import parse_docx
        from klarsyn.document.odt import parse_odt

        data = _read_bytes(path, MAX_PACKAGE_BYTES)
        if not data.startswith(b"PK"):
            raise InputError(str(path), f"is not a {fmt.upper()} file (no zip signature)")
        document = parse_docx(data, str(path)) if fmt == "docx" else parse_odt(data, str(path))
        document.raw_digest = hashlib.sha256(data).hexdigest()
        return _settle_language(document, language)
    return parse(read_source(path), str(path), fmt, language)


def _settle_language(document: Document, language: str | None) -> Document:
    """Given > the file's own declaration (w:lang, dc:language, lang=) > detection > nb."""
    if language:
        document.language, document.language_source = language, "config"
    elif document.declared_language and normalize_language(document.declared_language):
        document.language, document.language_source = normalize_language(document.declared_language) or "nb", "declared"
    else:
        # Detected from the prose only: an HTML source also holds tags and attributes.
        prose = "\n".join(b.text for b in document.blocks[:2_000])
        document.language, document.language_source = resolve_language(prose, "text", None)
    return document
