"""The language server end to end: `klarsyn lsp` as a subprocess, driven by pytest-lsp with
the recorded capabilities of real clients. Three ways to get diagnostics:

- "visual-studio-code": pulls and re-pulls on ``workspace/diagnostic/refresh``, as VS Code
  with vscode-languageclient 8 or later (the klarsyn extension uses 11) declares it. The
  recorded VS Code 1.65 capabilities predate pull diagnostics, so the two are added;
- "visual-studio-code@1.65": the recording as it is: diagnostics pushed;
- "neovim" (0.11): pulls, without refresh support.

Tests wait for what the server promises each kind of client (docs/lsp.md, "When
diagnostics arrive"), never for a fixed time."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Callable

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import SAMPLE_MD

SERVER = [sys.executable, "-m", "klarsyn", "lsp", "--stdio"]


def _text_at(text: str, rng: types.Range, encoding: str) -> str:
    lines = text.splitlines(keepends=True)

    def offset(pos: types.Position) -> int:
        line = lines[pos.line] if pos.line < len(lines) else ""
        before = sum(len(l) for l in lines[: pos.line])
        units = 0
        for i, ch in enumerate(line):
            if units >= pos.character:
                return before + i
            units += (2 if ord(ch) > 0xFFFF else 1) if encoding == "utf-16" else 1 if encoding == "utf-32" else len(ch.encode("utf-8"))
        return before + len(line.rstrip("\r\n"))

    return text[offset(rng.start) : offset(rng.end)]


def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "program"
    root.mkdir()
    (root / "01-arbeid.md").write_text(
        "# Arbeid\n\nVi vil styrke fellesskapet. Fellesskapet er viktig. Et sterkt fellesskapet.\n\n"
        "Alt handler om fellesskapet. Vi bygger fellesskapet sammen.\n",
        encoding="utf-8",
    )
    return root


def capabilities(profile: str) -> types.ClientCapabilities:
    if profile == "visual-studio-code@1.65":
        return client_capabilities("visual-studio-code")
    caps = client_capabilities(profile)
    if profile == "visual-studio-code":
        assert caps.text_document is not None and caps.workspace is not None
        caps.text_document.diagnostic = types.DiagnosticClientCapabilities(dynamic_registration=True, related_document_support=False)
        caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    return caps


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER),
                    params=["visual-studio-code", "visual-studio-code@1.65", "neovim"])
async def client(lsp_client: LanguageClient, request, tmp_path):
    root = workspace(tmp_path)
    caps = capabilities(request.param)

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:  # the editor would watch the files
        lsp_client.registrations = params.registrations  # type: ignore[attr-defined]

    @lsp_client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def refresh(params: None) -> None:
        lsp_client.lens_refreshes = getattr(lsp_client, "lens_refreshes", 0) + 1  # type: ignore[attr-defined]

    lsp_client.refreshed = asyncio.Event()  # type: ignore[attr-defined]

    def diagnostic_refresh(params: None) -> None:  # VS Code pulls every open document again
        lsp_client.diagnostic_refresh_count += 1
        lsp_client.refreshed.set()  # type: ignore[attr-defined]

    # pytest-lsp has a handler that only counts: replace it with one that can be awaited.
    lsp_client.protocol.fm.features[types.WORKSPACE_DIAGNOSTIC_REFRESH] = diagnostic_refresh

    result = await lsp_client.initialize_session(types.InitializeParams(capabilities=caps, root_uri=root.as_uri(),
                                                                        workspace_folders=[types.WorkspaceFolder(root.as_uri(), "program")]))
    lsp_client.encoding = str(result.capabilities.position_encoding or "utf-16")  # type: ignore[attr-defined]
    lsp_client.root = root  # type: ignore[attr-defined]
    lsp_client.pulls = caps.text_document is not None and caps.text_document.diagnostic is not None  # type: ignore[attr-defined]
    lsp_client.refreshes = bool(caps.workspace and caps.workspace.diagnostics and caps.workspace.diagnostics.refresh_support)  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def open_draft(client: LanguageClient, name: str, text: str, language_id: str = "markdown") -> str:
    path = client.root / name  # type: ignore[attr-defined]
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, language_id, 1, text)))
    return uri


Until = Callable[[list[types.Diagnostic]], bool]
TIMEOUT = 60.0  # seconds: only reached when the server breaks its promise


async def diagnostics(client: LanguageClient, uri: str, until: Until | None = None) -> list[types.Diagnostic]:
    """Diagnostics as this client gets them, waiting for what the server promises it:

    - push: the next publish for ``uri`` (pop it from client.diagnostics first to wait for
      a new one); with ``until``, publishes until one satisfies it;
    - pull with refresh: a pull; with ``until``, another pull after each refresh request
      until one satisfies it;
    - pull without refresh: one pull, which must already be complete.
    """
    async def pull() -> list[types.Diagnostic]:
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri)))
        return list(report.items)

    async def wait() -> list[types.Diagnostic]:
        if client.pulls:  # type: ignore[attr-defined]
            found = await pull()
            while client.refreshes and until is not None and not until(found):  # type: ignore[attr-defined]
                client.refreshed.clear()  # type: ignore[attr-defined]
                await client.refreshed.wait()  # type: ignore[attr-defined]
                found = await pull()
            return found
        while uri not in client.diagnostics or (until is not None and not until(list(client.diagnostics[uri]))):
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return list(client.diagnostics[uri])

    return await asyncio.wait_for(wait(), TIMEOUT)


async def sync(client: LanguageClient) -> None:
    """A round trip: the server has handled everything sent before, and what it sent
    meanwhile (window/showMessage) has arrived."""
    with pytest.raises(Exception, match="not open"):
        await client.protocol.send_request_async("klarsyn/documentStats", {"uri": "file:///sync.md"})


def has(rule: str) -> Until:
    return lambda found: any(d.code == rule for d in found)


async def test_sample_draft_diagnostics_point_at_the_words(client: LanguageClient) -> None:
    text = SAMPLE_MD.read_text(encoding="utf-8")
    uri = await open_draft(client, "utkast.md", text)
    # «felleskapet» is a typo only next to the workspace's «fellesskapet»: a cross-file
    # finding, which comes after the first diagnostics (the race this test once lost).
    found = await diagnostics(client, uri, until=has("skrivefeil"))
    by_rule: dict[str, list[str]] = {}
    for d in found:
        by_rule.setdefault(str(d.code), []).append(_text_at(text, d.range, client.encoding))
        assert d.source == "klarsyn"
    # Analyses in Python point at their words too (single passives are off by default).
    assert by_rule["gjentatt-preposisjon"] == ["gjennom direkte gjennom"] and by_rule["lengre-lenger"] == ["lengre"]
    assert by_rule["kanselli"].count("herunder") == 1
    assert "f.eks." in by_rule["forkortelser"]
    assert by_rule["skrivefeil"] == ["felleskapet"]
    assert "passiv" not in by_rule
    link = next(d for d in found if d.code == "lang-setning").code_description
    assert link is not None and link.href.startswith("https://")


async def test_edit_updates_diagnostics_incrementally(client: LanguageClient) -> None:
    text = "# Tittel\n\nVi vil styrke skolen.\n"
    uri = await open_draft(client, "edit.md", text)
    assert await diagnostics(client, uri) == []
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(version=2, uri=uri),
        [types.TextDocumentContentChangePartial(range=types.Range(types.Position(2, 7), types.Position(2, 7)), text="og og ")],
    ))
    client.diagnostics.pop(uri, None)
    found = await diagnostics(client, uri)
    new_text = "# Tittel\n\nVi vil og og styrke skolen.\n"
    assert [(d.code, _text_at(new_text, d.range, client.encoding)) for d in found] == [("dobbelt-ord", "og og")]


async def test_emoji_crlf_and_combining_characters(client: LanguageClient) -> None:
    text = "# 🙂 Tittel\r\n\r\nVi 🙂 trenger e\u0301n f.eks. ny plan.\r\n"
    uri = await open_draft(client, "emoji.md", text)
    found = await diagnostics(client, uri)
    [d] = [d for d in found if d.code == "forkortelser"]
    # "Vi 🙂 trenger e\u0301n " is 18 UTF-16 units (🙂 is two, é two code points) and 21 UTF-8 bytes.
    expected = {"utf-16": 18, "utf-8": 21, "utf-32": 17}[client.encoding]
    assert d.range.start == types.Position(2, expected)
    assert _text_at(text, d.range, client.encoding) == "f.eks."


async def test_html_page_findings_point_into_the_markup(client: LanguageClient) -> None:
    text = ('<!DOCTYPE html>\r\n<html lang="nb">\r\n<head><title>Herunder</title></head>\r\n<body class="herunder">\r\n'
            '<p>Kommunen&nbsp;skal 🙂 <b>herunder</b> bygge\tskoler, f.eks. i <a href="plan.html">sentrum</a>.</p>\r\n'
            '<!-- klarsyn-disable-next-line kanselli -->\r\n<p>Vi vil herunder ha flere lærere.</p>\r\n'
            '<script>var herunder = 1;</script>\r\n</body></html>\r\n')
    uri = await open_draft(client, "side.html", text, language_id="html")
    found = await diagnostics(client, uri)
    # Only the prose: not the title, the class name, the script, nor the suppressed line.
    assert sorted((str(d.code), d.range.start.line, _text_at(text, d.range, client.encoding)) for d in found) == [
        ("forkortelser", 4, "f.eks."), ("kanselli", 4, "herunder")]


async def test_code_actions_fix_suppress_allow_and_fix_all(client: LanguageClient) -> None:
    text = "Vi vil f.eks. bygge skoler, bl.a. i sentrum.\n"
    uri = await open_draft(client, "actions.md", text)
    found = await diagnostics(client, uri)
    diag = next(d for d in found if _text_at(text, d.range, client.encoding) == "f.eks.")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), diag.range, types.CodeActionContext([diag])))
    titles = [a.title for a in actions]
    assert titles[0] == "Erstatt med «for eksempel»"
    edit = actions[0].edit.document_changes[0].edits[0]
    assert edit.new_text == "for eksempel" and _text_at(text, edit.range, client.encoding) == "f.eks."
    assert "Rett alle «forkortelser» i dokumentet (2)" in titles
    assert "Slå av «forkortelser» for denne linjen" in titles
    suppress = next(a for a in actions if a.title.startswith("Slå av"))
    assert suppress.edit.document_changes[0].edits[0].new_text == " <!-- klarsyn-disable-line forkortelser -->"
    fix_all = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), types.Range(types.Position(0, 0), types.Position(0, 0)),
        types.CodeActionContext([], only=["source.fixAll.klarsyn"])))
    [action] = fix_all
    assert action.kind == "source.fixAll.klarsyn"
    assert [e.new_text for e in action.edit.document_changes[0].edits] == ["for eksempel", "blant annet"]


async def test_allow_word_writes_the_project_config(client: LanguageClient) -> None:
    uri = await open_draft(client, "02-klima.md", "# Klima\n\nKlimaet trenger felleskapet.\n")
    found = await diagnostics(client, uri, until=has("skrivefeil"))
    diag = next(d for d in found if d.code == "skrivefeil")
    assert diag.related_information and diag.related_information[0].location.uri.endswith("01-arbeid.md")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), diag.range, types.CodeActionContext([diag])))
    allow = next(a for a in actions if a.title.startswith("Tillat"))
    changes = allow.edit.document_changes
    assert changes[0].kind == "create" and changes[0].uri.endswith("klarsyn.yml")
    assert changes[1].edits[0].new_text == 'allow: ["felleskapet"]\n'


async def test_hover_on_finding_and_heading(client: LanguageClient) -> None:
    text = "# Skole\n\nKommunen skal herunder bygge skoler og barnehager i hele byen.\n"
    uri = await open_draft(client, "hover.md", text)
    await diagnostics(client, uri)
    result = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(2, 17)))
    value = result.contents.value
    assert "herunder" in value and "Kilde:" in value and "under dette" in value
    # VS Code shows the diagnostic's message right above the hover: it is not repeated,
    # and the source is named without its licence.
    [diag] = [d for d in await diagnostics(client, uri) if d.code == "kanselli"]
    assert diag.message not in value and not value.startswith("**")
    assert "Kilde: Språkrådet, Kansellisten (2009), via NAVs Klarspråkshjelpen (navikt/spraksjekk);" in value
    assert "MIT" not in value and "CC BY" not in value
    heading = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(0, 3)))
    assert "Seksjonen «Skole»" in heading.contents.value and "10 ord" in heading.contents.value


async def test_code_lens_and_document_stats(client: LanguageClient) -> None:
    text = SAMPLE_MD.read_text(encoding="utf-8")
    uri = await open_draft(client, "lens.md", text)
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri)))
    titles = [lens.command.title for lens in lenses]
    assert len(titles) == 6 and titles[0] == "LIX 47 · 2056 ord · 123 setninger"
    stats = await client.protocol.send_request_async("klarsyn/documentStats", {"uri": uri})
    assert stats.words == 2056 and stats.band == "middels" and len(stats.sections) == 6


async def test_configuration_changes_and_broken_config(client: LanguageClient) -> None:
    text = "Vi vil f.eks. bygge.\n"
    uri = await open_draft(client, "config.md", text)
    assert [d.code for d in await diagnostics(client, uri)] == ["forkortelser"]
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams({"klarsyn": {"severity": {"forkortelser": "off"}}}))
    client.diagnostics.pop(uri, None)
    assert await diagnostics(client, uri) == []
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams({"klarsyn": {"severity": {"forkortelser": "loud"}}}))
    await sync(client)
    assert any("forkortelser must be error" in m.message for m in client.messages)
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams({"klarsyn": {}}))
    config = client.root / "klarsyn.yml"  # type: ignore[attr-defined]
    config.write_text("lanugage: nb\n", encoding="utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams([types.FileEvent(config.as_uri(), types.FileChangeType.Created)]))
    client.diagnostics.pop(uri, None)
    # The check after the reload reports the broken file before it publishes; a publish
    # from the check after the settings change may come first.
    reported = lambda found: any("unknown key 'lanugage'" in m.message for m in client.messages)  # noqa: E731
    found = await diagnostics(client, uri, until=reported)
    assert [d.code for d in found] == ["forkortelser"]  # the last good config is kept
    # Each check reads the config; the editor is told about the broken file once per load
    # (a check may have read it before the reload too), not at every keystroke.
    await sync(client)
    told = sum("unknown key 'lanugage'" in m.message for m in client.messages)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(version=2, uri=uri),
        [types.TextDocumentContentChangePartial(range=types.Range(types.Position(0, 0), types.Position(0, 0)), text="Nå ")]))
    client.diagnostics.pop(uri, None)
    await diagnostics(client, uri)
    await sync(client)
    assert sum("unknown key 'lanugage'" in m.message for m in client.messages) == told <= 2


async def test_unknown_document_gets_an_error_and_the_server_lives(client: LanguageClient) -> None:
    with pytest.raises(Exception, match="not open"):
        await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier("file:///nope.md"), types.Position(0, 0)))
    uri = await open_draft(client, "alive.md", "Vi vil f.eks. bygge.\n")
    assert [d.code for d in await diagnostics(client, uri)] == ["forkortelser"]


async def test_settings_options_messages_and_disabled_packs(client: LanguageClient) -> None:
    text = "Kommunen skal bygge skoler og barnehager i hele byen for alle barn og unge som bor der.\n"
    uri = await open_draft(client, "settings.md", text)
    assert await diagnostics(client, uri) == []
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        {"klarsyn": {"options": {"lang-setning": {"max": 10}}, "messageLanguage": "en"}}))
    client.diagnostics.pop(uri, None)
    found = await diagnostics(client, uri)
    assert [d.message for d in found] == ["Long sentence: 17 words (the limit is 10). Consider splitting it."]
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        {"klarsyn": {"options": {"lang-setning": {"max": 10}}, "disabledPacks": ["felles"]}}))
    client.diagnostics.pop(uri, None)
    assert await diagnostics(client, uri) == []


async def test_pull_is_answered_at_once_and_refreshed_when_cross_file_findings_arrive(client: LanguageClient) -> None:
    """What each client gets, and when (docs/lsp.md): a client with refresh support is not
    kept waiting for the consistency pause; the server asks it to pull again once the pass
    has found something. Push clients get a second publish; pull clients without refresh
    support get one answer, after the pass."""
    uri = await open_draft(client, "02-klima.md", "# Klima\n\nKlimaet trenger felleskapet.\n")
    if client.refreshes:  # type: ignore[attr-defined]
        first = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri)))
        assert not has("skrivefeil")(list(first.items))  # answered before the pass, not after it
        await asyncio.wait_for(client.refreshed.wait(), TIMEOUT)  # type: ignore[attr-defined]
        again = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri)))
        assert has("skrivefeil")(list(again.items))
    elif client.pulls:  # type: ignore[attr-defined]
        assert has("skrivefeil")(await diagnostics(client, uri))
        assert client.diagnostic_refresh_count == 0
    else:
        first = await diagnostics(client, uri)
        assert not has("skrivefeil")(first)  # the document's own findings, at once
        client.diagnostics.pop(uri)
        assert has("skrivefeil")(await diagnostics(client, uri))  # the next publish has the pass's


async def test_cross_file_findings_stay_through_an_edit_elsewhere(client: LanguageClient) -> None:
    """Typing in one paragraph must not take away the cross-file squiggles of another until
    the next consistency pass (they used to vanish at every keystroke and come back after
    the pause); an edit of the flagged word itself takes its finding away at once."""
    from tests.test_lsp_sync import published, track_versions

    text = "# Klima\n\nKlimaet trenger felleskapet.\n\nVi vil bygge ut kollektivtrafikken.\n"
    if not client.pulls:  # type: ignore[attr-defined]
        track_versions(client)
    uri = await open_draft(client, "02-klima.md", text)
    await diagnostics(client, uri, until=has("skrivefeil"))

    async def right_after(version: int) -> list[types.Diagnostic]:
        # Push: the edit's own publish, which comes before the pass's; pull: a pull at once.
        return await diagnostics(client, uri) if client.pulls else await published(client, uri, version)  # type: ignore[attr-defined]

    line = "Vi vil bygge ut kollektivtrafikken"
    text = text.replace(line, line + " i hele fylket")
    client.text_document_did_change(types.DidChangeTextDocumentParams(types.VersionedTextDocumentIdentifier(version=2, uri=uri), [
        types.TextDocumentContentChangePartial(range=types.Range(types.Position(4, len(line)), types.Position(4, len(line))),
                                               text=" i hele fylket")]))
    typos = [d for d in await right_after(2) if d.code == "skrivefeil"]
    assert [_text_at(text, d.range, client.encoding) for d in typos] == ["felleskapet"]  # type: ignore[attr-defined]

    start = len("Klimaet trenger ")
    client.text_document_did_change(types.DidChangeTextDocumentParams(types.VersionedTextDocumentIdentifier(version=3, uri=uri), [
        types.TextDocumentContentChangePartial(range=types.Range(types.Position(2, start + 5), types.Position(2, start + 5)), text="s")]))
    assert not has("skrivefeil")(await right_after(3))


def test_hover_source_drops_licence_notes_only() -> None:
    from klarsyn.lsp.hover import hover_source

    assert hover_source("Norsk ordbank (CC BY 4.0)") == "Norsk ordbank"
    assert hover_source("Språkrådet; Norsk ordbank (CC BY 4.0) for verb") == "Språkrådet; Norsk ordbank for verb"
    assert hover_source("NRK, via NAVs Klarspråkshjelpen (navikt/spraksjekk, MIT); FFO") == "NRK, via NAVs Klarspråkshjelpen (navikt/spraksjekk); FFO"
    assert hover_source("Bufdir. Ordvalg og fakta er hentet derfra; meldinger og\n  merknader er skrevet for klarsyn.") == "Bufdir."
    assert hover_source("Språkrådet, «Bindestrek»") == "Språkrådet, «Bindestrek»"
