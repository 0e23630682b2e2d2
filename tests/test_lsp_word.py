"""Word files in the editor: ``klarsyn/extractedText`` gives the text the CLI extracts, a
``klarsyn-word:`` document of that text is checked as the .docx (the CLI's findings at the
right characters, each named by paragraph and heading), and a file the reader refuses gives
one clear error. Driven as VS Code drives the server (pull diagnostics with refresh)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.test_lsp import SERVER, _text_at, capabilities, diagnostics, has, workspace

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STYLES = (f'<?xml version="1.0"?><w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr>'
          '<w:lang w:val="nb-NO"/></w:rPr></w:rPrDefault></w:docDefaults></w:styles>')
LONG = ("Kommunen skal i samarbeid med næringslivet, frivillige organisasjoner, skolene og de ansatte i "
        "helsetjenesten som over tid har opparbeidet seg erfaring med oppfølging av unge som står utenfor "
        "arbeidslivet, utarbeide en plan som sikrer at alle får et tilbud om arbeid eller utdanning.")
# (heading level or 0, text): a small programme chapter.
CHAPTER = [
    (1, "Arbeid og næring"),
    (0, "Vi vil iverksette tiltak for f.eks. unge arbeidsledige."),
    (2, "Tiltak"),
    (0, ""),
    (0, LONG),
    (0, "Klimaet trenger felleskapet."),
]
SHOWN = ("# Arbeid og næring\nVi vil iverksette tiltak for f.eks. unge arbeidsledige.\n## Tiltak\n\n"
         f"{LONG}\nKlimaet trenger felleskapet.\n")


def make_docx(path: Path, paragraphs: list[tuple[int, str]] = CHAPTER) -> Path:
    """A .docx as Word lays it out: headings by outline level, the language in the styles."""
    body = []
    for level, text in paragraphs:
        ppr = f'<w:pPr><w:outlineLvl w:val="{level - 1}"/></w:pPr>' if level else ""
        run = f"<w:r><w:t xml:space=\"preserve\">{escape(text)}</w:t></w:r>" if text else ""
        body.append(f"<w:p>{ppr}{run}</w:p>")
    document = f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>{"".join(body)}</w:body></w:document>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", document)
        z.writestr("word/styles.xml", STYLES)
    return path


def word_uri(path: Path) -> str:
    return "klarsyn-word:" + path.as_uri()[len("file:"):]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient, tmp_path):
    root = workspace(tmp_path)  # 01-arbeid.md: «fellesskapet», five times
    caps = capabilities("visual-studio-code")

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        pass

    await lsp_client.initialize_session(types.InitializeParams(capabilities=caps, root_uri=root.as_uri(),
                                                               workspace_folders=[types.WorkspaceFolder(root.as_uri(), "program")]))
    lsp_client.encoding = "utf-16"  # type: ignore[attr-defined]
    lsp_client.root = root  # type: ignore[attr-defined]
    lsp_client.pulls = True  # type: ignore[attr-defined]
    lsp_client.refreshes = True  # type: ignore[attr-defined]
    import asyncio

    lsp_client.refreshed = asyncio.Event()  # type: ignore[attr-defined]

    def diagnostic_refresh(params: None) -> None:
        lsp_client.refreshed.set()  # type: ignore[attr-defined]

    lsp_client.protocol.fm.features[types.WORKSPACE_DIAGNOSTIC_REFRESH] = diagnostic_refresh
    yield
    await lsp_client.shutdown_session()


async def extracted(client: LanguageClient, uri: str) -> dict[str, object]:
    answer = await client.protocol.send_request_async("klarsyn/extractedText", {"uri": uri})
    return answer if isinstance(answer, dict) else answer._asdict()  # pygls gives a named tuple


async def test_the_request_gives_the_text_the_cli_extracts(client: LanguageClient) -> None:
    path = make_docx(client.root / "03-arbeid.docx")  # type: ignore[attr-defined]
    answer = await extracted(client, path.as_uri())
    assert answer["text"] == SHOWN
    assert (answer["fmt"], answer["language"]) == ("docx", "nb")
    # Without the heading marks, the text is the reader's own, line for line (line N is
    # the CLI's paragraph N).
    from klarsyn.document.loader import load_document

    reader = load_document(path).source
    assert [line.lstrip("#").lstrip() for line in str(answer["text"]).split("\n")] == reader.split("\n")


async def test_the_view_is_checked_as_the_docx_with_places_named(client: LanguageClient) -> None:
    path = make_docx(client.root / "03-arbeid.docx")  # type: ignore[attr-defined]
    text = str((await extracted(client, path.as_uri()))["text"])
    uri = word_uri(path)
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", 1, text)))
    # «felleskapet» is a typo only next to 01-arbeid.md's «fellesskapet»: the view takes part
    # in the workspace's consistency pass as a chapter of the programme.
    found = await diagnostics(client, uri, until=has("skrivefeil"))
    by_rule = {str(d.code): d for d in found}
    kanselli, short, long = by_rule["kanselli"], by_rule["forkortelser"], by_rule["lang-setning"]
    assert _text_at(text, kanselli.range, "utf-16") == "iverksette"
    assert (kanselli.range.start.line, kanselli.range.start.character) == (1, 7)  # the CLI's 2:8
    assert _text_at(text, short.range, "utf-16") == "f.eks."
    assert long.range.start.line == 4
    places: dict[str, list[str]] = {}
    for d in found:
        places.setdefault(str(d.code), []).extend(r.message for r in d.related_information or [] if r.location.uri == uri)
    assert "Avsnitt 2 under «Arbeid og næring»" in places["kanselli"]
    assert "Avsnitt 5 under «Arbeid og næring › Tiltak»" in places["lang-setning"]
    assert "Avsnitt 1, overskriften «Arbeid og næring»" in places["lix-seksjon"]
    typo = by_rule["skrivefeil"]
    assert _text_at(text, typo.range, "utf-16") == "felleskapet"
    assert any(r.location.uri.endswith("01-arbeid.md") for r in typo.related_information or [])
    # The place is a line under the finding, not part of its message.
    assert "Avsnitt" not in kanselli.message
    # Code lenses on the heading lines, at the heading's words (after the «# »).
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri)))
    # «Tiltak» (line 2) holds too little text for LIX to mean anything: no lens (lens.py).
    assert [(lens.range.start.line, lens.range.start.character) for lens in lenses] == [(0, 2)]
    assert all(lens.command is not None and lens.command.title.startswith("LIX") for lens in lenses)
    # No quick fix may edit the read-only view; allowing the word in klarsyn.yml still may.
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), short.range, types.CodeActionContext([short])))
    assert not any(c.text_document.uri == uri for a in actions or [] if a.edit and a.edit.document_changes
                   for c in a.edit.document_changes if hasattr(c, "text_document"))


async def test_the_view_follows_the_file_when_word_saves_it(client: LanguageClient) -> None:
    path = make_docx(client.root / "03-arbeid.docx")  # type: ignore[attr-defined]
    uri = word_uri(path)
    text = str((await extracted(client, path.as_uri()))["text"])
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", 1, text)))
    await diagnostics(client, uri, until=has("kanselli"))
    # The author saves a new version in Word; the editor asks again and replaces the text.
    make_docx(path, [(1, "Arbeid"), (0, "Vi vil sette i gang tiltak, for eksempel for unge.")])
    new = str((await extracted(client, path.as_uri()))["text"])
    assert new.startswith("# Arbeid\n")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(version=2, uri=uri), [types.TextDocumentContentChangeWholeDocument(new)]))
    found = await diagnostics(client, uri, until=lambda ds: not any(d.code == "kanselli" for d in ds))
    assert not any(d.code in ("kanselli", "forkortelser") for d in found)


@pytest.mark.parametrize("content, words", [
    (b"this is not a zip at all", "ikke en lesbar Word"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "passordbeskyttet"),
    (None, "zip-bombe"),
])
async def test_a_file_the_reader_refuses_gives_one_clear_error(client: LanguageClient, content: bytes | None, words: str) -> None:
    path = client.root / "ødelagt.docx"  # type: ignore[attr-defined]
    if content is None:  # 8 MB of spaces in a few kilobytes: refused before it is unpacked
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("word/document.xml", f'<w:document xmlns:w="{W}">'.encode() + b" " * (8 * 1024 * 1024) + b"</w:document>")
    else:
        path.write_bytes(content)
    with pytest.raises(JsonRpcException) as caught:
        await extracted(client, path.as_uri())
    error = caught.value
    assert error.code == -32803
    assert error.message.startswith("klarsyn kan ikke vise ødelagt.docx som tekst: ") and words in error.message
    assert "\n" not in error.message and error.data["path"] == str(path)
    # The server goes on: a good file is still read.
    good = make_docx(client.root / "god.docx")  # type: ignore[attr-defined]
    assert (await extracted(client, good.as_uri()))["text"] == SHOWN


async def test_an_odt_is_shown_and_checked_the_same_way(client: LanguageClient) -> None:
    from odf import teletype
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    doc = OpenDocumentText()
    for level, text in [(1, "Skole"), (0, "Vi vil iverksette leksehjelp f.eks. i alle skoler i kommunen.")]:
        element = H(outlinelevel=level) if level else P()
        teletype.addTextToElement(element, text)
        doc.text.addElement(element)
    path = client.root / "04-skole.odt"  # type: ignore[attr-defined]
    doc.save(str(path))
    answer = await extracted(client, path.as_uri())
    assert answer["text"] == "# Skole\nVi vil iverksette leksehjelp f.eks. i alle skoler i kommunen.\n"
    assert answer["fmt"] == "odt"
    uri = word_uri(path)
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", 1, str(answer["text"]))))
    found = await diagnostics(client, uri, until=has("forkortelser"))
    short = next(d for d in found if d.code == "forkortelser")
    assert _text_at(str(answer["text"]), short.range, "utf-16") == "f.eks."
    assert any(r.message == "Avsnitt 2 under «Skole»" for r in short.related_information or [])
