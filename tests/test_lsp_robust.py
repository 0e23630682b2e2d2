"""The language server under stress: random edits with multi-byte characters, every
position encoding, workspace pull diagnostics."""

from __future__ import annotations

import asyncio
import random
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import SAMPLE_MD
from tests.test_lsp_sync import published, track_versions

SERVER = [sys.executable, "-m", "klarsyn", "lsp"]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER), params=["utf-8", "utf-16", "utf-32"])
async def client(lsp_client: LanguageClient, request, tmp_path):
    caps = client_capabilities("neovim")
    caps.general = types.GeneralClientCapabilities(position_encodings=[request.param])
    if caps.text_document is not None:
        caps.text_document.diagnostic = None  # diagnostics pushed to us, as to Neovim 0.7–0.9
    (tmp_path / "b.md").write_text("Vi styrker fellesskapet. Fellesskapet er sterkt. Et godt fellesskapet. Mer fellesskapet.\n", encoding="utf-8")
    result = await lsp_client.initialize_session(types.InitializeParams(capabilities=caps, root_uri=tmp_path.as_uri()))
    lsp_client.encoding = result.capabilities.position_encoding  # type: ignore[attr-defined]
    lsp_client.requested = request.param  # type: ignore[attr-defined]
    lsp_client.root = tmp_path  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


def _units(ch: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(ch.encode("utf-8"))
    if encoding == "utf-32":
        return 1
    return 2 if ord(ch) > 0xFFFF else 1


def _line_units(text: str, encoding: str) -> list[int]:
    return [sum(_units(c, encoding) for c in line.rstrip("\r\n")) for line in text.splitlines(keepends=True)] or [0]


def _offset(text: str, pos: types.Position, encoding: str) -> int:
    lines = text.splitlines(keepends=True)
    before = sum(len(l) for l in lines[: pos.line])
    units = 0
    for i, ch in enumerate(lines[pos.line] if pos.line < len(lines) else ""):
        if units >= pos.character:
            return before + i
        units += _units(ch, encoding)
    return before + len((lines[pos.line] if pos.line < len(lines) else "").rstrip("\r\n"))


async def test_negotiated_encoding_is_used(client: LanguageClient) -> None:
    assert client.encoding == client.requested
    text = "Vi 🙂 vil f.eks. bygge.\n"
    uri = (client.root / "enc.md").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", 1, text)))
    for _ in range(100):
        if client.diagnostics.get(uri):
            break
        await asyncio.sleep(0.05)
    [d] = [d for d in client.diagnostics[uri] if d.code == "forkortelser"]
    assert d.range.start.character == {"utf-8": 12, "utf-16": 10, "utf-32": 9}[client.encoding]


async def test_random_edits_keep_ranges_inside_and_the_server_alive(client: LanguageClient) -> None:
    if client.requested != "utf-16":
        pytest.skip("one encoding is enough for the long fuzz run")
    rng = random.Random(11)
    text = SAMPLE_MD.read_text(encoding="utf-8")[:6000]
    uri = (client.root / "fuzz.md").as_uri()
    track_versions(client)
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", 1, text)))
    pieces = ["a", "æ", "🙂", "e\u0301", "\n", "\r\n", "\n\n", "# ", "- ", "**", "`", "og og ", "f.eks. ", "«", "\t", ""]
    version = 1
    for step in range(2000):
        lines = text.splitlines(keepends=True) or [""]
        line = rng.randrange(len(lines))
        units = _line_units(text, "utf-16")
        start_char = rng.randint(0, units[line] if line < len(units) else 0)
        # _offset lands on a character boundary, so a surrogate pair is never cut in half.
        start_offset = _offset(text, types.Position(line, start_char), "utf-16")
        end_offset = min(len(text), start_offset + rng.choice([0, 0, 1, 2, 5]))
        new = rng.choice(pieces)
        new_text = text[:start_offset] + new + text[end_offset:]
        # Send the change as a range computed from offsets on the old text.
        def pos(offset: int) -> types.Position:
            before = text[:offset]
            line_no = before.count("\n")
            line_start = before.rfind("\n") + 1
            return types.Position(line_no, sum(_units(c, "utf-16") for c in text[line_start:offset]))

        if "\r" in text:
            # Keep the fuzz simple for the client side: a full-text change when CR is present.
            change: object = types.TextDocumentContentChangeWholeDocument(text=new_text)
        else:
            change = types.TextDocumentContentChangePartial(range=types.Range(pos(start_offset), pos(end_offset)), text=new)
        text = new_text
        version += 1
        client.text_document_did_change(types.DidChangeTextDocumentParams(types.VersionedTextDocumentIdentifier(version=version, uri=uri), [change]))
        if step % 250 == 0:
            await asyncio.sleep(0.2)
    # The last text is always checked and published; then the consistency pass may publish
    # again (the cross-file findings, carried through the edits since its text).
    await published(client, uri, version)
    await asyncio.sleep(1.5)
    assert client.versions[uri] == version  # type: ignore[attr-defined]
    # The server is alive and its view matches ours: hover answers, diagnostics fit the text.
    await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(0, 0)))
    diagnostics = client.diagnostics.get(uri, [])
    assert diagnostics, "the edited draft still has findings"
    lines = text.splitlines(keepends=True)
    units = _line_units(text, "utf-16")
    for d in diagnostics:
        for p in (d.range.start, d.range.end):
            assert 0 <= p.line <= len(lines)
            assert p.line == len(lines) or p.character <= units[p.line]


async def test_workspace_pull_diagnostics_include_unopened_drafts(client: LanguageClient) -> None:
    if client.requested != "utf-16":
        pytest.skip("encoding does not matter here")
    uri = (client.root / "a.md").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", 1, "Vi trenger felleskapet.\n")))
    await asyncio.sleep(1.0)
    report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    by_uri = {item.uri: item for item in report.items}
    assert (client.root / "b.md").as_uri() in by_uri
    [typo] = [d for d in by_uri[uri].items if d.code == "skrivefeil"]
    assert typo.related_information[0].location.uri.endswith("b.md")


def test_tcp_transport_answers_initialize(tmp_path) -> None:
    import json
    import socket
    import subprocess
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "klarsyn", "lsp", "--tcp", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not listen")
        with conn:
            body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                               "params": {"processId": None, "rootUri": None, "capabilities": {}}}).encode()
            conn.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(4096)
            header, _, rest = data.partition(b"\r\n\r\n")
            length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
            while len(rest) < length:
                rest += conn.recv(4096)
            reply = json.loads(rest[:length])
        assert reply["id"] == 1 and reply["result"]["serverInfo"]["name"] == "klarsyn"
        assert reply["result"]["capabilities"]["codeActionProvider"]
    finally:
        server.kill()
        server.wait()
