"""The editor's workspace is the programme (issue 14): what is checked follows the settings
(include, exclude, filesExclude, disabledFiles), klarsyn.yml and .gitignore; a copy of a
draft counts once; and an idle editor that pulls every two seconds costs no checks.

Two clients: "pull" is VS Code with vscode-languageclient 11 (pull diagnostics, refresh
support, workspace diagnostics), "push" the recorded VS Code 1.65 (published diagnostics)."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.test_lsp import TIMEOUT, capabilities, has

SERVER = [sys.executable, "-m", "klarsyn", "lsp", "--stdio"]
ARBEID = ("# Arbeid\n\nVi vil styrke fellesskapet. Fellesskapet er viktig. Et sterkt fellesskapet.\n\n"
          "Alt handler om fellesskapet. Vi bygger fellesskapet sammen.\n")


@pytest.fixture(autouse=True)
def _text_request(monkeypatch):
    monkeypatch.setenv("KLARSYN_LSP_TEST", "1")  # klarsyn/_text reports the server's counters


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER), params=["pull", "push"])
async def client(lsp_client: LanguageClient, request, tmp_path):
    root = tmp_path / "program"
    (root / "eksport").mkdir(parents=True)
    (root / "01-arbeid.md").write_text(ARBEID, encoding="utf-8")
    # The plain-text export of the same chapter, older than the draft.
    export = root / "eksport" / "01-arbeid.txt"
    export.write_text(ARBEID.replace("# Arbeid", "ARBEID"), encoding="utf-8")
    old = time.time() - 3600
    os.utime(export, (old, old))
    (root / "gammel.md").write_text("# Gammel\n\nVi vil f.eks. bygge.\n", encoding="utf-8")
    (root / ".gitignore").write_text("ignorert/\n", encoding="utf-8")
    (root / "ignorert").mkdir()
    (root / "ignorert" / "kopi.md").write_text(ARBEID, encoding="utf-8")
    caps = capabilities("visual-studio-code" if request.param == "pull" else "visual-studio-code@1.65")
    lsp_client.refreshed = asyncio.Event()  # type: ignore[attr-defined]

    def diagnostic_refresh(params: None) -> None:
        lsp_client.diagnostic_refresh_count += 1
        lsp_client.refreshed.set()  # type: ignore[attr-defined]

    lsp_client.protocol.fm.features[types.WORKSPACE_DIAGNOSTIC_REFRESH] = diagnostic_refresh

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        pass

    @lsp_client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def lens_refresh(params: None) -> None:
        pass

    await lsp_client.initialize_session(types.InitializeParams(capabilities=caps, root_uri=root.as_uri()))
    lsp_client.root = root  # type: ignore[attr-defined]
    lsp_client.pulls = request.param == "pull"  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def counters(client: LanguageClient, uri: str) -> dict[str, object]:
    answer = await client.protocol.send_request_async("klarsyn/_text", {"uri": uri})
    return {"checks": answer.checks, "passes": answer.passes}


async def quiet(client: LanguageClient, uri: str) -> dict[str, object]:
    """Waits until the start-up indexing and its checks are over: the counters stand still."""
    last = await counters(client, uri)
    deadline = time.monotonic() + TIMEOUT
    while True:
        await asyncio.sleep(0.8)
        now = await counters(client, uri)
        if now == last:
            return now
        assert time.monotonic() < deadline, "the server never went quiet"
        last = now


async def workspace_report(client: LanguageClient, previous: dict[str, str] | None = None) -> dict[str, object]:
    """uri -> report of a workspace/diagnostic pull, as VS Code sends it."""
    ids = [types.PreviousResultId(uri, value) for uri, value in (previous or {}).items()]
    report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=ids))
    return {item.uri: item for item in report.items}


def settings(client: LanguageClient, **values: object) -> None:
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams({"klarsyn": values}))


async def eventually(check, what: str) -> None:  # noqa: ANN001
    """Polls a condition the server promises to reach (after a settings change the
    re-index runs in the background)."""
    deadline = time.monotonic() + TIMEOUT
    while not await check():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


def open_doc(client: LanguageClient, name: str, text: str) -> str:
    path = client.root / name  # type: ignore[attr-defined]
    path.write_text(text, encoding="utf-8")
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(path.as_uri(), "markdown", 1, text)))
    return path.as_uri()


async def own_diagnostics(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    if client.pulls:  # type: ignore[attr-defined]
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri)))
        return list(report.items)

    async def publish() -> None:
        # The test and the registration of the waiter run without a pause between them,
        # so a publish cannot slip past: wrapping wait_for_notification itself in
        # asyncio.wait_for made it a task that started one loop turn later, and a publish
        # handled in that turn was never seen (a 60 s timeout in CI under load).
        while uri not in client.diagnostics:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    await asyncio.wait_for(publish(), TIMEOUT)
    return list(client.diagnostics[uri])


async def test_gitignored_files_are_not_in_the_workspace_and_a_copy_counts_once(client: LanguageClient) -> None:
    uri = open_doc(client, "02-klima.md", "# Klima\n\nKlimaet trenger felleskapet.\n")
    if client.pulls:  # type: ignore[attr-defined]
        report = await workspace_report(client)
        names = sorted(u.rsplit("/program/", 1)[1] for u in report)
        assert names == ["01-arbeid.md", "02-klima.md", "eksport/01-arbeid.txt", "gammel.md"]  # not ignorert/
    found: list[types.Diagnostic] = []

    async def typo() -> bool:
        nonlocal found
        if client.pulls:  # type: ignore[attr-defined]
            found = list((await workspace_report(client))[uri].items)
        else:
            found = list(client.diagnostics.get(uri, []))
        return has("skrivefeil")(found)

    await eventually(typo, "the cross-file typo")
    diag = next(d for d in found if d.code == "skrivefeil")
    related = {r.location.uri.rsplit("/program/", 1)[1] for r in diag.related_information or []}
    # The export and the ignored copy say the same: only the newer draft is compared.
    assert related == {"01-arbeid.md"}


async def test_settings_include_and_exclude_reindex_the_workspace(client: LanguageClient) -> None:
    uri = open_doc(client, "02-klima.md", "# Klima\n\nVi vil f.eks. bygge.\n")
    assert [d.code for d in await own_diagnostics(client, uri)] == ["forkortelser"]
    client.diagnostics.pop(uri, None)
    settings(client, include=["0*.md"], exclude=["02-*"])
    await eventually(lambda: _excluded(client, uri, True), "02-klima.md excluded")
    assert await own_diagnostics(client, uri) == []  # push: an empty publish clears it
    if client.pulls:  # type: ignore[attr-defined]
        names = sorted(u.rsplit("/program/", 1)[1] for u in await workspace_report(client))
        assert names == ["01-arbeid.md"]
    client.diagnostics.pop(uri, None)
    settings(client, filesExclude=["eksport"])
    await eventually(lambda: _excluded(client, uri, False), "02-klima.md back")
    assert [d.code for d in await own_diagnostics(client, uri)] == ["forkortelser"]
    if client.pulls:  # type: ignore[attr-defined]
        async def back() -> bool:
            names = sorted(u.rsplit("/program/", 1)[1] for u in await workspace_report(client))
            return names == ["01-arbeid.md", "02-klima.md", "gammel.md"]
        await eventually(back, "gammel.md indexed again, the export left out")


async def _excluded(client: LanguageClient, uri: str, value: bool) -> bool:
    return (await client.protocol.send_request_async("klarsyn/_text", {"uri": uri})).excluded is value


async def test_disabled_files_go_quiet_and_come_back(client: LanguageClient) -> None:
    uri = open_doc(client, "02-klima.md", "# Klima\n\nVi vil f.eks. bygge.\n")
    gammel = (client.root / "gammel.md").as_uri()  # type: ignore[attr-defined]
    assert [d.code for d in await own_diagnostics(client, uri)] == ["forkortelser"]
    if client.pulls:  # type: ignore[attr-defined]
        first = await workspace_report(client)
        assert [d.code for d in first[gammel].items] == ["forkortelser"]
    client.diagnostics.pop(uri, None)
    client.refreshed.clear()  # type: ignore[attr-defined]
    settings(client, disabledFiles=[uri, gammel])
    if client.pulls:  # type: ignore[attr-defined]
        await asyncio.wait_for(client.refreshed.wait(), TIMEOUT)  # type: ignore[attr-defined]
    assert await own_diagnostics(client, uri) == []
    if client.pulls:  # type: ignore[attr-defined]
        previous = {u: r.result_id for u, r in first.items()}
        again = await workspace_report(client, previous)
        assert again[gammel].kind == "full" and list(again[gammel].items) == []  # once, to clear the squiggles
        previous.update({u: r.result_id for u, r in again.items()})
        third = await workspace_report(client, previous)
        assert gammel not in third and uri not in third  # then left out
    client.diagnostics.pop(uri, None)
    client.refreshed.clear()  # type: ignore[attr-defined]
    settings(client)
    if client.pulls:  # type: ignore[attr-defined]
        await asyncio.wait_for(client.refreshed.wait(), TIMEOUT)  # type: ignore[attr-defined]
    assert [d.code for d in await own_diagnostics(client, uri)] == ["forkortelser"]


async def test_bad_settings_are_reported_and_the_last_good_ones_kept(client: LanguageClient) -> None:
    uri = open_doc(client, "02-klima.md", "# Klima\n\nVi vil f.eks. bygge.\n")
    await own_diagnostics(client, uri)
    for bad, says in ((dict(include="*.md"), "klarsyn.include must be a list of globs"),
                      (dict(exclude=["{a,b"]), "unbalanced braces"),
                      (dict(disabledFiles=["gammel.md"]), "klarsyn.disabledFiles must be a list of document URIs")):
        settings(client, **bad)
        await eventually(lambda: _told(client, says), says)
    # The errors also reached the log as warnings through window/logMessage, not stderr.
    assert any(m.type == types.MessageType.Warning and "unbalanced braces" in m.message for m in client.log_messages)


async def _told(client: LanguageClient, text: str) -> bool:
    return any(text in m.message for m in client.messages)


async def test_idle_pulls_with_result_ids_run_no_check(client: LanguageClient) -> None:
    """VS Code pulls the workspace again two seconds after each answer. With the resultIds
    it was given, nothing changed means no check, no pass and "unchanged" answers."""
    if not client.pulls:  # type: ignore[attr-defined]
        pytest.skip("push clients do not pull")
    uri = open_doc(client, "02-klima.md", "# Klima\n\nKlimaet trenger felleskapet.\n")
    await quiet(client, uri)
    report = await workspace_report(client)
    previous = {u: r.result_id for u, r in report.items()}
    assert all(previous.values())
    before = await counters(client, uri)
    for _ in range(5):
        again = await workspace_report(client, previous)
        assert {u: r.kind for u, r in again.items()} == {u: "unchanged" for u in previous}
    doc = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        types.TextDocumentIdentifier(uri), previous_result_id=previous[uri]))
    assert doc.kind == "unchanged"
    assert await counters(client, uri) == before
    # An edit changes the draft's resultId, and only that draft is sent in full.
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(version=2, uri=uri),
        [types.TextDocumentContentChangePartial(range=types.Range(types.Position(2, 0), types.Position(2, 0)), text="Og f.eks. ")]))
    changed = await workspace_report(client, previous)
    assert changed[uri].kind == "full" and has("forkortelser")(list(changed[uri].items))
    assert {r.kind for u, r in changed.items() if u != uri} == {"unchanged"}


async def test_a_save_of_checked_text_runs_no_check(client: LanguageClient) -> None:
    uri = open_doc(client, "02-klima.md", "# Klima\n\nVi vil f.eks. bygge.\n")
    await own_diagnostics(client, uri)
    before = await quiet(client, uri)
    for _ in range(3):  # autosave
        client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri)))
    await asyncio.sleep(1.0)  # past the consistency pause
    assert await counters(client, uri) == before


async def test_klarsyn_yml_and_gitignore_changes_reindex(client: LanguageClient) -> None:
    if not client.pulls:  # type: ignore[attr-defined]
        pytest.skip("the workspace answer is what shows it")
    root: Path = client.root  # type: ignore[attr-defined]
    uri = open_doc(client, "02-klima.md", "# Klima\n\nVi vil f.eks. bygge.\n")
    await own_diagnostics(client, uri)

    async def names_are(wanted: list[str]) -> None:
        async def check() -> bool:
            return sorted(u.rsplit("/program/", 1)[1] for u in await workspace_report(client)) == wanted
        await eventually(check, f"the workspace is {wanted}")

    await names_are(["01-arbeid.md", "02-klima.md", "eksport/01-arbeid.txt", "gammel.md"])
    config = root / "klarsyn.yml"
    config.write_text("exclude: [gammel.md]\n", encoding="utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams([types.FileEvent(config.as_uri(), types.FileChangeType.Created)]))
    await names_are(["01-arbeid.md", "02-klima.md", "eksport/01-arbeid.txt"])
    ignore = root / ".gitignore"
    ignore.write_text("ignorert/\neksport/\n", encoding="utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams([types.FileEvent(ignore.as_uri(), types.FileChangeType.Changed)]))
    await names_are(["01-arbeid.md", "02-klima.md"])
    ignore.write_text("", encoding="utf-8")
    config.unlink()
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams([
        types.FileEvent(ignore.as_uri(), types.FileChangeType.Changed), types.FileEvent(config.as_uri(), types.FileChangeType.Deleted)]))
    await names_are(["01-arbeid.md", "02-klima.md", "eksport/01-arbeid.txt", "gammel.md", "ignorert/kopi.md"])
