"""The server's copy of a draft stays the editor's copy (L1/L2 of the fuzz report).

pygls applied incremental changes with str.splitlines(), which also breaks lines at \\f, \\v,
\\x1c–\\x1e, \\x85, U+2028 and U+2029, and it did not clamp a position past a line's end to
that end. After a form feed every edit landed on the wrong line, and findings and fixes
pointed at the wrong words. The client model here is written from the LSP specification
alone: code units of the negotiated encoding, lines ending at \\n, \\r\\n or \\r."""

from __future__ import annotations

import asyncio
import random
import re
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SERVER = [sys.executable, "-m", "klarsyn", "lsp"]
TIMEOUT = 60.0  # seconds: only reached when the server breaks its promise


@pytest.fixture(autouse=True)
def _text_request(monkeypatch):
    """The server answers klarsyn/_text (its copy of a draft) only in tests."""
    monkeypatch.setenv("KLARSYN_LSP_TEST", "1")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER), params=["utf-16", "utf-8", "utf-32"])
async def client(lsp_client: LanguageClient, request, tmp_path):
    caps = client_capabilities("neovim")
    caps.general = types.GeneralClientCapabilities(position_encodings=[request.param])
    assert caps.text_document is not None
    caps.text_document.diagnostic = None  # pushed diagnostics carry the version they belong to
    result = await lsp_client.initialize_session(types.InitializeParams(capabilities=caps, root_uri=tmp_path.as_uri()))
    lsp_client.encoding = str(result.capabilities.position_encoding)  # type: ignore[attr-defined]
    assert lsp_client.encoding == request.param  # type: ignore[attr-defined]
    lsp_client.root = tmp_path  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


# -- the editor's side -----------------------------------------------------------------------------


def encode(text: str, encoding: str) -> list[int]:
    if encoding == "utf-16":
        data = text.encode("utf-16-le", "surrogatepass")
        return [data[i] | data[i + 1] << 8 for i in range(0, len(data), 2)]
    if encoding == "utf-8":
        return list(text.encode("utf-8", "surrogatepass"))
    return [ord(c) for c in text]


def decode(units: list[int], encoding: str) -> str:
    if encoding == "utf-16":
        return b"".join(u.to_bytes(2, "little") for u in units).decode("utf-16-le", "surrogatepass")
    if encoding == "utf-8":
        return bytes(units).decode("utf-8", "surrogatepass")
    return "".join(map(chr, units))


class EditorText:
    """A document as an editor holds it: code units, LSP lines."""

    def __init__(self, text: str, encoding: str) -> None:
        self.encoding = encoding
        self.units = encode(text, encoding)

    @property
    def text(self) -> str:
        return decode(self.units, self.encoding)

    def lines(self) -> list[tuple[int, int]]:
        """(start, end without the line break) of each line, in units."""
        out, start, i, u = [], 0, 0, self.units
        while i < len(u):
            if u[i] in (10, 13):
                end = i
                i += 2 if u[i] == 13 and i + 1 < len(u) and u[i + 1] == 10 else 1
                out.append((start, end))
                start = i
            else:
                i += 1
        out.append((start, len(u)))
        return out

    def offset(self, pos: types.Position) -> int:
        lines = self.lines()
        if pos.line >= len(lines):
            return len(self.units)
        start, end = lines[pos.line]
        return min(start + pos.character, end)  # past the line's end means its end

    def apply(self, rng: types.Range, new: str) -> None:
        a, b = self.offset(rng.start), self.offset(rng.end)
        self.units[a:b] = encode(new, self.encoding)

    def at(self, rng: types.Range) -> str:
        return decode(self.units[self.offset(rng.start) : self.offset(rng.end)], self.encoding)

    def inside(self, pos: types.Position) -> bool:
        lines = self.lines()
        return 0 <= pos.line < len(lines) and 0 <= pos.character <= lines[pos.line][1] - lines[pos.line][0]


def change(uri: str, version: int, *edits: tuple[types.Range, str]) -> types.DidChangeTextDocumentParams:
    return types.DidChangeTextDocumentParams(types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                                             [types.TextDocumentContentChangePartial(range=r, text=t) for r, t in edits])


async def server_text(client: LanguageClient, uri: str) -> str:
    return (await client.protocol.send_request_async("klarsyn/_text", {"uri": uri})).text


async def published(client: LanguageClient, uri: str, version: int) -> list[types.Diagnostic]:
    """The diagnostics the server publishes for this version (the last text of a burst is
    always checked and published)."""
    async def wait() -> list[types.Diagnostic]:
        while client.versions.get(uri) != version:  # type: ignore[attr-defined]
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return list(client.diagnostics[uri])

    return await asyncio.wait_for(wait(), TIMEOUT)


def track_versions(client: LanguageClient) -> None:
    client.versions = {}  # type: ignore[attr-defined]

    def on_publish(params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.versions[params.uri] = params.version  # type: ignore[attr-defined]

    client.protocol.fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish


def P(line: int, character: int) -> types.Position:
    return types.Position(line, character)


# -- the report's example --------------------------------------------------------------------------


async def test_edit_below_a_form_feed_lands_on_the_editors_line(client: LanguageClient) -> None:
    track_versions(client)
    text = "Innledning.\fKommunen skal bygge skoler.\nVi vil herunder styrke helsa.\n"
    editor = EditorText(text, client.encoding)  # type: ignore[attr-defined]
    uri = (client.root / "ff.txt").as_uri()  # type: ignore[attr-defined]
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "plaintext", 1, text)))
    insert = types.Range(P(1, 0), P(1, 0))  # LSP line 1 is "Vi vil ...": a form feed does not end a line
    editor.apply(insert, "Nå ")
    client.text_document_did_change(change(uri, 2, (insert, "Nå ")))
    found = await published(client, uri, 2)
    assert editor.text == "Innledning.\fKommunen skal bygge skoler.\nNå Vi vil herunder styrke helsa.\n"
    assert await server_text(client, uri) == editor.text
    [kanselli] = [d for d in found if d.code == "kanselli"]
    assert kanselli.range.start.line == 1 and editor.at(kanselli.range) == "herunder"
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), kanselli.range, types.CodeActionContext([kanselli], only=[types.CodeActionKind.QuickFix])))
    fix = next(a for a in actions if a.title == "Erstatt med «under dette»")
    [edit] = fix.edit.document_changes[0].edits
    editor.apply(edit.range, edit.new_text)
    assert editor.text == "Innledning.\fKommunen skal bygge skoler.\nNå Vi vil under dette styrke helsa.\n"


async def test_positions_past_the_line_end_and_past_the_last_line_clamp(client: LanguageClient) -> None:
    track_versions(client)
    text = "Første linje.\r\nAndre 🙂 linje.\rTredje\nVi vil herunder bygge."
    editor = EditorText(text, client.encoding)  # type: ignore[attr-defined]
    uri = (client.root / "clamp.md").as_uri()  # type: ignore[attr-defined]
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", 1, text)))
    edits = [
        (types.Range(P(0, 40), P(0, 41)), " Slutt."),  # past the end of a CRLF line: before the \r\n
        (types.Range(P(2, 7), P(2, 7)), "!"),  # one past the end of a \n line (pygls: after the \n)
        (types.Range(P(3, 30), P(3, 30)), " Nå."),  # past the end of the last line (pygls: before its last character)
        (types.Range(P(9, 0), P(12, 5)), "\nSist."),  # past the last line: the end of the text
        (types.Range(P(1, 100), P(1, 100)), " og"),  # a CR line
    ]
    for version, (rng, new) in enumerate(edits, start=2):
        editor.apply(rng, new)
        client.text_document_did_change(change(uri, version, (rng, new)))
    found = await published(client, uri, len(edits) + 1)
    assert editor.text == "Første linje. Slutt.\r\nAndre 🙂 linje. og\rTredje!\nVi vil herunder bygge. Nå.\nSist."
    assert await server_text(client, uri) == editor.text
    [kanselli] = [d for d in found if d.code == "kanselli"]
    assert kanselli.range.start.line == 3 and editor.at(kanselli.range) == "herunder"


# -- the fuzz ---------------------------------------------------------------------------------------

PIECES = ["a", "æ", " ", "herunder ", "og og ", "f.eks. ", "Kommunen skal ", ".", "\t", "🙂", "e\u0301",
          "\n", "\r\n", "\r", "\n\n", "\f", "\v", "\x85", "\u2028", "\u2029", "\x1c", "\x1e", "# ", "- ", ""]
START = ("# Innledning.\fKommunen skal herunder bygge skoler.\r\nVi vil f.eks. styrke helsa 🙂.\x85Ny linje\u2028"
         "og og mer.\rSlutt.\n\n\vTabell\tmed\ttab.\u2029Til sist NAV og SFO.\n")
QUOTE = re.compile(r"«([^»]*)»")
SEQUENCES, EDITS = 25, 40  # per encoding: about 3 s each here
QUOTING = {"kanselli", "forkortelser", "dobbelt-ord", "termer"}  # rules whose message quotes the flagged words


def random_position(rng: random.Random, editor: EditorText) -> types.Position:
    lines = editor.lines()
    line = rng.randrange(len(lines) + 2)  # now and then past the last line
    if line >= len(lines):
        return P(line, rng.randrange(5))
    start, end = lines[line]
    if rng.random() < 0.15:
        return P(line, end - start + rng.randrange(1, 4))  # past the line's end
    if editor.encoding == "utf-8":  # a UTF-8 editor has no position inside a character
        columns = [i - start for i in range(start, end) if editor.units[i] & 0xC0 != 0x80] + [end - start]
        return P(line, rng.choice(columns))
    return P(line, rng.randint(0, end - start))  # UTF-16: may fall between an emoji's halves


def random_edit(rng: random.Random, editor: EditorText) -> tuple[types.Range, str]:
    a, b = random_position(rng, editor), random_position(rng, editor)
    if editor.offset(b) < editor.offset(a):
        a, b = b, a
    if rng.random() < 0.6:
        b = a  # an insertion
    new = "".join(rng.choice(PIECES) for _ in range(rng.choice([0, 1, 1, 2, 3])))
    return types.Range(a, b), new


async def test_random_edits_keep_the_servers_text_the_editors(client: LanguageClient) -> None:
    """Seeded and bounded: SEQUENCES sequences of EDITS edits (some sent several to a didChange) in
    each encoding. After each sequence the server's text equals the editor's, every
    published range is inside the editor's text, and the words a finding flags are the
    words its message quotes."""
    track_versions(client)
    seed = {"utf-16": 1, "utf-8": 2, "utf-32": 3}[client.encoding]  # type: ignore[attr-defined]
    rng = random.Random(seed)
    for sequence in range(SEQUENCES):
        editor = EditorText(START, client.encoding)  # type: ignore[attr-defined]
        uri = (client.root / f"fuzz{sequence}.txt").as_uri()  # type: ignore[attr-defined]
        client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "plaintext", 1, START)))
        version, sent = 1, []
        while len(sent) < EDITS:
            batch = []
            for _ in range(rng.choice([1, 1, 1, 3])):
                rng_new = random_edit(rng, editor)
                editor.apply(*rng_new)
                batch.append(rng_new)
            version += 1
            sent.extend(batch)
            client.text_document_did_change(change(uri, version, *batch))
        where = f"seed {seed}, sequence {sequence}, edits {sent!r}"
        found = await published(client, uri, version)
        assert await server_text(client, uri) == editor.text, where
        for d in found:
            assert editor.inside(d.range.start) and editor.inside(d.range.end), (d, where)
            if d.code in QUOTING:
                flagged = editor.at(d.range).casefold()
                quotes = [q.casefold() for q in QUOTE.findall(d.message)]
                assert any(q and (q in flagged or flagged in q) for q in quotes), (flagged, d.message, where)
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))


def test_synced_text_matches_an_editor_and_keeps_its_line_starts() -> None:
    """The server side alone, many more edits: text and incrementally kept line starts
    equal an editor's code units and a fresh scan after every edit (CR, LF and CRLF
    joining and splitting at the edges of edits; emoji split by UTF-16 positions)."""
    from klarsyn.lsp.positions import line_starts
    from klarsyn.lsp.text_sync import SyncedText

    rng = random.Random(5)
    pieces = ["a", "\n", "\r", "\r\n", "\f", "\x85", "\u2028", "🙂", "æ", "\t", "", "xy\r", "\nz", "\ud83d", "\ude42"]
    normal = lambda s: s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")  # noqa: E731
    for encoding in ("utf-16", "utf-8", "utf-32"):
        for trial in range(400):
            text = normal("".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))))
            synced, editor = SyncedText(text, encoding), EditorText(text, encoding)
            for step in range(15):
                rng_new = random_edit(rng, editor)
                editor.apply(*rng_new)
                synced.apply(types.TextDocumentContentChangePartial(range=rng_new[0], text=normal(rng_new[1])))
                where = (encoding, trial, step, text, rng_new)
                assert encode(synced.text, encoding) == editor.units, where
                assert synced.starts == line_starts(synced.text), where
                assert normal(synced.text) == synced.text, where  # valid pairs are one character again
