"""Read a draft from disk and hand it to the right front end."""

from __future__ import annotations

import hashlib
from pathlib import Path

from klarsyn.document.model import Document
from klarsyn.document.plaintext import parse_plaintext
from klarsyn.document.suffixes import MARKDOWN_SUFFIXES, RICH_SUFFIXES, SUPPORTED_SUFFIXES, TEXT_SUFFIXES
from klarsyn.errors import InputError
from klarsyn.safeio import read_bounded
from klarsyn.text.language import detect_language, language_family, normalize_language

MAX_PACKAGE_BYTES = 100 * 1024 * 1024  # a .docx/.odt/.pdf on disk (images make them big)
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


# Byte-order marks and the encodings they announce. Notepad's and Word's "Unicode" text is
# UTF-16 with a mark. The UTF-32 LE mark begins with the UTF-16 LE one, so it comes first.
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)
_SNIFF = 8192


def decode(data: bytes, name: str) -> str:
    """The text of a draft: UTF-8, or UTF-8/UTF-16/UTF-32 after a byte-order mark (the mark
    is dropped, so offsets count the characters a user sees), or an InputError that says
    what the file is and where it goes wrong."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            text = _decode(data[len(bom):], codec, label, name)
            if "\x00" in text[:_SNIFF]:
                raise InputError(name, f"looks like a binary file ({label} text with NUL characters), not a text draft")
            return text
    for signature, what in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            hint = " (save it as .docx or .odt to have it checked)" if signature == b"PK\x03\x04" else ""
            raise InputError(name, f"this is {what}, not a text draft{hint}")
    if b"\x00" in data[:_SNIFF]:
        order = _utf16_without_bom(data[:_SNIFF])
        if order:
            raise InputError(name, f"looks like UTF-16 {order} text without a byte-order mark (it contains NUL bytes); "
                                   "save it as UTF-8, or as UTF-16 with a byte-order mark")
        raise InputError(name, "looks like a binary file (it contains NUL bytes), not a text draft")
    return _decode(data, "utf-8", "UTF-8", name)


def _decode(data: bytes, codec: str, label: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        # Line and column of the bad bytes in the text as far as it decodes.
        before = data[: exc.start].decode(codec, "replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        if label != "UTF-8":
            cut_off = exc.end >= len(data) and ("truncated" in exc.reason or "end of data" in exc.reason)
            what = "a character cut off at the end" if cut_off else exc.reason
            raise InputError(name, f"not valid {label} at line {line}, column {column} ({what})") from None
        byte = data[exc.start]
        hint = ""
        try:
            data.decode("cp1252")
            hint = "; it may be saved as Windows-1252/Latin-1: save it as UTF-8"
        except UnicodeDecodeError:
            pass
        raise InputError(name, f"not valid UTF-8 at line {line}, column {column} (byte 0x{byte:02X}){hint}") from None


def _utf16_without_bom(sample: bytes) -> str | None:
    """"LE" or "BE" when the NUL bytes sit in every other byte, as in UTF-16 text of Latin
    letters without a byte-order mark; None for other binary data."""
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 2:
        return None
    if odd.count(0) >= 0.6 * len(odd) and even.count(0) <= 0.05 * len(even):
        return "LE"
    if even.count(0) >= 0.6 * len(even) and odd.count(0) <= 0.05 * len(odd):
        return "BE"
    return None


def read_source(path: Path) -> str:
    return decode(_read_bytes(path, MAX_BYTES), str(path))


def resolve_language(source: str, fmt: str, language: str | None = None) -> tuple[str, str]:
    """(language, where it came from): given > front matter > detected > nb."""
    if language:
        return language, "config"
    start = 0
    if fmt == "markdown":
        from klarsyn.document.markdown import split_front_matter  # markdown-it loads for Markdown only

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

        return settle_language(parse_html(source, path), language)
    if fmt == "markdown":
        from klarsyn.document.markdown import parse_markdown  # markdown-it loads for Markdown only

        document = parse_markdown(source, path)
    else:
        document = parse_plaintext(source, path)
    document.language, document.language_source = resolve_language(source, fmt, language)
    return document


def _read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes, at most ``limit`` of them, or one clear InputError; pipes, devices
    and sockets are refused before they are opened (see klarsyn.safeio)."""
    return read_bounded(path, limit)


def load_document(path: Path, language: str | None = None, fmt: str | None = None) -> Document:
    fmt = fmt or format_for(path) or "text"
    if fmt in ("docx", "odt"):
        from klarsyn.document.docx import parse_docx
        from klarsyn.document.odt import parse_odt

        data = _read_bytes(path, MAX_PACKAGE_BYTES)
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            # Word and LibreOffice save a password-protected file in this container, not as a zip.
            raise InputError(str(path), f"is password-protected or an old Word/Excel file, not a plain {fmt.upper()}; "
                                        "save a copy without a password to have it checked")
        if not data.startswith(b"PK"):
            raise InputError(str(path), f"is not a {fmt.upper()} file (no zip signature)")
        document = parse_docx(data, str(path)) if fmt == "docx" else parse_odt(data, str(path))
        document.raw_digest = hashlib.sha256(data).hexdigest()
        return settle_language(document, language)
    if fmt == "pdf":
        return settle_language(read_pdf(path), language)
    return parse(read_source(path), str(path), fmt, language)


def read_pdf(path: Path) -> Document:
    """A PDF's Document, its language not yet settled (the CLI reads PDFs while it loads
    the rules: the parsing happens in child processes, which also refuse what is no PDF)."""
    from klarsyn.document.pdf.build import load_pdf  # pypdfium2 and pikepdf load for PDFs only

    return load_pdf(_read_bytes(path, MAX_PACKAGE_BYTES), str(path))


def settle_language(document: Document, language: str | None) -> Document:
    """Given > the file's own declaration (w:lang, dc:language, lang=, a PDF's /Lang unless
    its text clearly contradicts it) > detection > nb."""
    if language:
        document.language, document.language_source = language, "config"
        return document
    declared = normalize_language(document.declared_language) if document.declared_language else None
    # Detected from the prose only: an HTML source also holds tags and attributes.
    prose = "\n".join(b.text for b in document.blocks[:2_000])
    if declared and not _contradicted(document, declared, prose):
        document.language, document.language_source = declared, "declared"
    else:
        document.language, document.language_source = resolve_language(prose, "text", None)
    return document


def _contradicted(document: Document, declared: str, prose: str) -> bool:
    """A PDF's /Lang that its text clearly contradicts: exporters write the language of the
    program's interface, not the text's (generasjonspartiet.pdf says «en», partiet_sentrum.pdf
    «en-US»; both are Norwegian). Checked with the English pack, every Norwegian rule would
    be silent; the rule pdf-feil-sprak tells the author to set the right one."""
    if document.format != "pdf":
        return False
    detected = detect_language(prose[:20_000])
    return detected is not None and language_family(detected) != language_family(declared)
