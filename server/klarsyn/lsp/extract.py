"""Word and OpenDocument files in the editor: the ``klarsyn/extractedText`` request and the
read-only ``klarsyn-word:`` documents that show its text.

An editor cannot show a .docx as text, so the client asks the server for the text (the same
extraction ``klarsyn check x.docx`` uses, document/docx.py and odt.py) and shows it in a
read-only document whose URI is the file's with the scheme ``klarsyn-word``. When that
document is opened, the server checks it as the .docx itself: the Document the reader
built, not the shown text parsed again, so the findings are the CLI's and carry the place
names the CLI gives them (paragraph number and headings, cli/render.py).

The representation: one line per paragraph, heading and table cell, exactly as the reader
lays out its text (so line N is the CLI's paragraph N), with each heading line given a
Markdown ``#`` prefix for its level. The prefix lets the editor's outline and breadcrumbs
find the headings (the document is shown as Markdown); the blocks' offsets are shifted by
the prefixes so that every finding points at the same characters in the shown text as in
the reader's. Other lines are shown verbatim, not escaped: escaping would move characters
the findings point at, and a paragraph that happens to start with ``#`` only misleads the
outline, never the checks (they read the reader's blocks, not the Markdown).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse, urlunparse

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.uris import to_fs_path

from klarsyn.cli.render import heading_path
from klarsyn.config import Config
from klarsyn.document.loader import format_for, load_document
from klarsyn.document.model import Document, SourceNote
from klarsyn.engine.runner import CheckResult, document_phase, suppress
from klarsyn.errors import InputError, KlarsynError
from klarsyn.findings import Finding, Related

if TYPE_CHECKING:
    from klarsyn.lsp.server import KlarsynServer
    from klarsyn.lsp.state import Draft, State

log = logging.getLogger("klarsyn.lsp")

WORD_SCHEME = "klarsyn-word"
EXTRACT_REQUEST = "klarsyn/extractedText"
WORD_FORMATS = ("docx", "odt")
_MAX_HEADING_MARKS = 6  # Markdown has six heading levels; Word has nine


class ExtractionFailed(JsonRpcException):
    """The file cannot be read as a Word/OpenDocument draft; ``data`` says why for clients.
    Code -32803 (RequestFailed): the request was valid, the file is not."""

    CODE = -32803


@dataclass
class Extraction:
    """One file's text as the editor shows it, and the reader's Document on that text."""

    path: str
    fmt: str
    text: str
    document: Document  # offsets into ``text`` (heading prefixes included)
    language: str  # the reader's own language (declared or detected), before any setting


# -- URIs --------------------------------------------------------------------------------------


def is_word_uri(uri: str) -> bool:
    return uri.startswith(WORD_SCHEME + ":")


def word_path(uri: str) -> str | None:
    """The file system path of a ``file:`` or ``klarsyn-word:`` URI of a .docx/.odt."""
    parsed = urlparse(uri)
    if parsed.scheme not in ("file", WORD_SCHEME):
        return None
    # The client builds the word URI from the file URI by changing the scheme only, so the
    # same authority and path make the file URI again (drive letters and UNC shares too).
    path = to_fs_path(urlunparse(("file", parsed.netloc, parsed.path, "", "", ""))) or unquote(parsed.path)
    return path if format_for(Path(path)) in WORD_FORMATS else None


# -- extraction --------------------------------------------------------------------------------


def render(document: Document) -> tuple[str, Document]:
    """The text to show (headings as ``#`` lines) and the document with its offsets moved
    onto that text. The reader's text has one line per paragraph and no block spans lines,
    so a block moves by the prefixes of the lines up to and including its own."""
    source = document.source
    lines = source.split("\n")
    prefix = [0] * len(lines)
    for block in document.blocks:
        if block.is_heading:
            line = source.count("\n", 0, block.source_span(0, len(block.text))[0])
            prefix[line] = min(max(block.level, 1), _MAX_HEADING_MARKS) + 1
    starts: list[int] = []
    shift: list[int] = []  # per line: how far its characters move
    at, total = 0, 0
    for i, line in enumerate(lines):
        total += prefix[i]
        starts.append(at)
        shift.append(total)
        at += len(line) + 1

    def moved(offset: int) -> int:
        # The line the offset is on (a block's end may sit at its line's end).
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return offset + shift[lo]

    out = "\n".join(("#" * (p - 1) + " " if p else "") + line for p, line in zip(prefix, lines))
    blocks = []
    for block in document.blocks:
        start = block.source_span(0, len(block.text))[0]
        delta = moved(start) - start
        blocks.append(replace(block, offsets=block.offsets.shifted(delta)) if delta else block)
    notes = [SourceNote(moved(n.start), moved(n.end), n.kind, n.detail, n.line) for n in document.notes]
    shown = replace(document, source=out, blocks=blocks, notes=notes)
    return out, shown


def extract(path: str) -> Extraction:
    """Read the file as ``klarsyn check`` does; raises KlarsynError (InputError) for a file
    that is not a readable .docx/.odt (not a zip, a zip bomb, encrypted, damaged)."""
    fmt = format_for(Path(path))
    if fmt not in WORD_FORMATS:
        raise InputError(path, "is not a Word (.docx) or OpenDocument (.odt) file")
    document = load_document(Path(path), None, fmt)
    text, shown = render(document)
    return Extraction(path, fmt, text, shown, document.language)


# -- messages --------------------------------------------------------------------------------------

# (no heading above, under a heading, the heading itself)
_PLACE = {"nb": ("Avsnitt {0}", "Avsnitt {0} under «{1}»", "Avsnitt {0}, overskriften «{1}»"),
          "nn": ("Avsnitt {0}", "Avsnitt {0} under «{1}»", "Avsnitt {0}, overskrifta «{1}»"),
          "en": ("Paragraph {0}", "Paragraph {0} under “{1}”", "Paragraph {0}, the heading “{1}”")}
_CANNOT = {
    "nb": {"lead": "klarsyn kan ikke vise {0} som tekst: {1}.",
           "encrypted": "fila er passordbeskyttet. Lagre en kopi uten passord, så kan den sjekkes",
           "bomb": "fila pakkes ut til langt mer enn den er (en mulig zip-bombe), så den leses ikke",
           "large": "fila er for stor til å sjekkes",
           "broken": "fila er ikke en lesbar Word- eller OpenDocument-fil (skadet, eller en annen filtype med feil endelse)",
           "other": "fila kan ikke leses",
           "missing": "fila finnes ikke"},
    "nn": {"lead": "klarsyn kan ikkje vise {0} som tekst: {1}.",
           "encrypted": "fila er passordverna. Lagre ein kopi utan passord, så kan ho sjekkast",
           "bomb": "fila vert pakka ut til langt meir enn ho er (ei mogleg zip-bombe), så ho vert ikkje lesen",
           "large": "fila er for stor til å sjekkast",
           "broken": "fila er ikkje ei lesbar Word- eller OpenDocument-fil (skadd, eller ein annan filtype med feil ending)",
           "other": "fila kan ikkje lesast",
           "missing": "fila finst ikkje"},
    "en": {"lead": "klarsyn cannot show {0} as text: {1}.",
           "encrypted": "the file is password-protected. Save a copy without a password to have it checked",
           "bomb": "the file unpacks to far more than its size (a possible zip bomb), so it is not read",
           "large": "the file is too large to check",
           "broken": "the file is not a readable Word or OpenDocument file (damaged, or another kind of file with the wrong ending)",
           "other": "the file cannot be read",
           "missing": "the file does not exist"},
}


def _why(problem: str) -> str:
    """What kind of refusal the reader's (English) reason is, for a message in the user's
    language; the reason itself goes along as the detail."""
    p = problem.lower()
    if "password" in p or "encrypted" in p:
        return "encrypted"
    if "zip bomb" in p:
        return "bomb"
    if "no such file" in p or "does not exist" in p or "not found" in p:
        return "missing"
    if "too large" in p or "more than" in p or "limit" in p:
        return "large"
    if "zip" in p or "not a" in p or "damaged" in p or "xml" in p or "has no" in p:
        return "broken"
    return "other"


def cannot_read_message(path: str, exc: KlarsynError, lang: str) -> tuple[str, str]:
    """(message for the user, kind) for a file the reader refused."""
    texts = _CANNOT.get(lang, _CANNOT["nb"])
    problem = exc.problem if isinstance(exc, InputError) else str(exc)
    kind = _why(problem)
    return texts["lead"].format(Path(path).name, texts[kind]), kind


def heading_lines(document: Document) -> set[int]:
    """The offsets where the lines of the document's headings begin."""
    source = document.source
    return {source.rfind("\n", 0, b.source_span(0, len(b.text))[0]) + 1 for b in document.blocks if b.is_heading}


def place_name(result: CheckResult, offset: int, lang: str, headings_at: set[int] | None = None) -> str:
    """How ``klarsyn check`` names the place of a finding in a .docx: its paragraph (the
    line of the extracted text) and the headings above it."""
    source = result.document.source
    paragraph = source.count("\n", 0, offset) + 1
    line_start = source.rfind("\n", 0, offset) + 1
    headings = heading_path(result, offset)
    alone, under, itself = _PLACE.get(lang, _PLACE["nb"])
    if not headings:
        return alone.format(paragraph)
    on_heading = line_start in (headings_at if headings_at is not None else heading_lines(result.document))
    return (itself if on_heading else under).format(paragraph, headings)


# -- checking ----------------------------------------------------------------------------------------


class WordAwareChecker:
    """The state's per-document checker, with .docx/.odt drafts checked as the reader's
    Document (the CLI's findings) instead of as the shown text. Everything else goes to the
    incremental checker it wraps."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.views: dict[str, Extraction] = {}  # path -> the last text the client was given

    def __getattr__(self, name: str) -> Any:  # hits, misses, failures … of the inner checker
        return getattr(self._inner, name)

    def check(self, text: str, path: str, fmt: str, config: Config) -> CheckResult:
        if fmt not in WORD_FORMATS:
            return self._inner.check(text, path, fmt, config)
        view = self.views.get(path)
        if view is None or view.text != text:
            try:
                view = self.views[path] = extract(path)
            except KlarsynError as exc:
                log.info("cannot read %s again: %s", path, exc)
        if view is None or view.text != text:
            # The editor shows a text the file no longer gives (it changed again meanwhile):
            # check what is shown, as Markdown, so the positions still agree; the next
            # extraction brings the file's own findings back.
            log.info("%s: the shown text is not the file's; checked as Markdown until it is shown again", path)
            return self._inner.check(text, path, "markdown", config)
        document = view.document
        language = config.language or view.language
        if document.language != language:
            document = replace(document, language=language, language_source="config")
        analysis, found = document_phase(document, config)
        found = suppress(document, config, found)
        result = CheckResult(analysis, found)
        lang = config.message_language or language
        headings_at = heading_lines(document)
        for f in found:
            _name(result, f, lang, headings_at)
        found.sort(key=Finding.sort_key)
        return result


def _name(result: CheckResult, f: Finding, lang: str, headings_at: set[int]) -> None:
    """Give a finding its place name as related information: the Problems panel shows it
    as a line under the finding (its own row stays short) and the hover lists it; clicking
    it goes to the paragraph."""
    source = result.document.source
    line_start = source.rfind("\n", 0, f.start) + 1
    line_end = source.find("\n", f.start)
    line_end = len(source) if line_end == -1 else line_end
    f.related = [*f.related, Related(result.document.path, line_start, line_end, place_name(result, f.start, lang, headings_at))]


# -- the server side ---------------------------------------------------------------------------------


def word_draft(state: State, uri: str) -> Draft | None:
    """The draft for a ``klarsyn-word:`` document being opened: the .docx's own path (its
    project config, its name in findings), checked as the reader's document. A copy of the
    same file indexed from disk (none today: only md/txt/html are indexed) is dropped, so
    consistency does not count its words twice."""
    if not is_word_uri(uri):
        return None
    path = word_path(uri)
    if path is None:
        return None
    from klarsyn.lsp.state import Draft

    for other_uri, other in list(state.drafts.items()):
        if other.path == path and other_uri != uri and not other.is_open:
            state.drafts.pop(other_uri)
    return Draft(uri=uri, path=path, fmt=format_for(Path(path)) or "docx", text="")


def register(server: KlarsynServer) -> None:
    """The request, and the checker that knows the reader's documents."""
    state = server.state
    checker = WordAwareChecker(state.checker)
    state.checker = checker  # type: ignore[assignment]

    @server.feature(EXTRACT_REQUEST)
    async def extracted_text(ls: KlarsynServer, params: Any) -> dict[str, object]:
        uri = params.get("uri") if isinstance(params, dict) else getattr(params, "uri", None)
        if not isinstance(uri, str):
            raise JsonRpcInvalidParams("klarsyn/extractedText needs {\"uri\": \"file:///…/utkast.docx\"}")
        path = word_path(uri)
        if path is None:
            raise JsonRpcInvalidParams(f"klarsyn/extractedText reads .docx and .odt files, not {uri}")
        lang = state.settings.message_language or "nb"
        try:
            # A 100 MB package takes a while to unpack: off the loop, so the editor's
            # other requests are answered meanwhile.
            view = await asyncio.get_running_loop().run_in_executor(None, extract, path)
        except KlarsynError as exc:
            message, kind = cannot_read_message(path, exc, lang)
            detail = exc.problem if isinstance(exc, InputError) else str(exc)
            raise ExtractionFailed(message, data={"path": path, "kind": kind, "detail": detail}) from None
        checker.views[path] = view
        return {"text": view.text, "fmt": view.fmt, "language": view.language}


def without_own_edits(uri: str, actions: list[Any]) -> list[Any]:
    """The code actions that still make sense for a read-only ``klarsyn-word:`` view: not
    those that edit the view (the editor refuses them, and the .docx would not change),
    but those that edit something else, such as allowing a word in klarsyn.yml."""
    if not is_word_uri(uri):
        return actions
    kept = []
    for action in actions:
        changes = action.edit.document_changes if action.edit is not None else None
        edits_view = any(getattr(getattr(c, "text_document", None), "uri", None) == uri for c in changes or [])
        if not edits_view:
            kept.append(action)
    return kept
