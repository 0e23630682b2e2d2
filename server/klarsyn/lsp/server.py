"""The klarsyn language server: wiring of the features in this package to pygls."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import threading
import traceback
import uuid
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from klarsyn import __version__
from klarsyn.config import CONFIG_NAMES
from klarsyn.document.loader import read_source
from klarsyn.errors import KlarsynError
from klarsyn.lsp import extract
from klarsyn.lsp.actions import FIX_ALL_KIND, code_actions
from klarsyn.lsp.diagnostics import Checker, too_large_message
from klarsyn.lsp.framing import FrameReader
from klarsyn.lsp import logs
from klarsyn.lsp.hover import hover
from klarsyn.lsp.lens import STATS_REQUEST, code_lenses, document_stats
from klarsyn.cli.files import IGNORE_FILE
from klarsyn.lsp.state import Draft, State, parse_settings, too_large, uri_key
from klarsyn.lsp.wire import FastProtocol, RawResult

log = logging.getLogger("klarsyn.lsp")
CLEARED = "cleared"  # the resultId of the empty report for a draft that left the workspace


class KlarsynServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("klarsyn", __version__, protocol_cls=FastProtocol)
        self.state = State()
        self.checker = Checker(self.state, self.protocol.send_json_notification, self._show_error,  # type: ignore[attr-defined]
                               self._show_warning)

    def _show(self, kind: types.MessageType, message: str) -> None:
        log.warning(message)
        try:
            self.window_show_message(types.ShowMessageParams(kind, message))
        except Exception:  # noqa: BLE001 - no client yet, or it went away
            pass

    def _show_error(self, message: str) -> None:
        self._show(types.MessageType.Error, message)

    def _show_warning(self, message: str) -> None:
        self._show(types.MessageType.Warning, message)

    # The transports: pygls' loops read frames with readexactly(Content-Length), which a bad
    # frame could kill or stall; klarsyn.lsp.framing reads them instead.

    def _start_io_async(self, stdin: Any = None, stdout: Any = None) -> None:
        self._stop_event = stop = threading.Event()
        _blocking(stdin or sys.stdin.buffer, stdout or sys.stdout.buffer)
        source = stdin or sys.stdin.buffer
        read = getattr(source, "read1", None) or source.read  # read1: what is there, not a fixed count
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))

        async def main() -> None:
            loop = asyncio.get_running_loop()
            pool = self.thread_pool
            await self.protocol.serve(FrameReader(lambda: loop.run_in_executor(pool, read, 65536)), stop)  # type: ignore[attr-defined]

        try:
            asyncio.run(main())
        except BrokenPipeError:
            log.error("the editor closed the connection")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    def start_tcp(self, host: str, port: int) -> None:
        self._stop_event = stop = threading.Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.protocol.set_writer(writer)  # type: ignore[arg-type]
            await self.protocol.serve(FrameReader(lambda: reader.read(65536)), stop)  # type: ignore[attr-defined]
            self.shutdown()

        async def listen() -> None:
            self._server = await asyncio.start_server(connection, host, port)
            log.info("listening on %s:%s", host, port)
            async with self._server:
                await self._server.serve_forever()

        try:
            asyncio.run(listen())
        except (asyncio.CancelledError, KeyboardInterrupt, SystemExit):
            pass

    def draft(self, uri: str) -> Draft:
        draft = self.state.drafts.get(uri)
        if draft is None or not draft.is_open:
            raise JsonRpcInvalidParams(f"klarsyn: the document {uri} is not open")
        return draft

    def current(self, uri: str) -> Draft:
        """An open draft whose result and positions are of its current text (a request in
        the middle of a burst of edits must not mix the old findings with the new text)."""
        draft = self.draft(uri)
        self.checker.ensure_current(draft)
        return draft


def _blocking(*streams: Any) -> None:
    """Make the pipes to the editor blocking. An editor that runs on Node (VS Code, code-
    server) may hand over pipes in non-blocking mode; a 700 KB answer then stopped half
    written when the pipe was full, the next message began inside it, and the client read
    broken JSON and gave up on the server (seen once in code-server)."""
    for stream in streams:
        try:
            os.set_blocking(stream.fileno(), True)
        except (AttributeError, OSError, ValueError):  # not a file descriptor (tests), or closed
            pass


def create_server() -> KlarsynServer:
    server = KlarsynServer()
    state = server.state
    checker = server.checker

    @server.feature(types.INITIALIZE)
    def initialize(ls: KlarsynServer, params: types.InitializeParams) -> None:
        state.encoding = ls.workspace.position_encoding or types.PositionEncodingKind.Utf16
        root = params.root_uri or (params.workspace_folders[0].uri if params.workspace_folders else None)
        if root:
            path = to_fs_path(root)
            state.root = Path(path) if path else None
        try:
            state.set_settings(parse_settings(params.initialization_options))
        except KlarsynError as exc:
            ls._show_error(f"klarsyn: {exc}")
        state.reload_configs()
        capabilities = params.capabilities
        pull = capabilities.text_document is not None and capabilities.text_document.diagnostic is not None
        checker.push = not pull
        workspace_caps = capabilities.workspace
        if pull and workspace_caps is not None and workspace_caps.diagnostics is not None and workspace_caps.diagnostics.refresh_support:
            checker.refresh = lambda: ls.protocol.send_request(types.WORKSPACE_DIAGNOSTIC_REFRESH, None)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: KlarsynServer, params: types.InitializedParams) -> None:
        logs.handler.connect(ls)  # from now on the log goes to the client, with its levels
        watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in CONFIG_NAMES]
        watchers.append(types.FileSystemWatcher(glob_pattern="**/pack.yml"))
        watchers.append(types.FileSystemWatcher(glob_pattern=f"**/{IGNORE_FILE}"))
        watchers.append(types.FileSystemWatcher(glob_pattern="**/*.{md,markdown,txt,html,htm}"))
        caps = ls.client_capabilities.workspace
        dynamic = caps is not None and caps.did_change_watched_files is not None and caps.did_change_watched_files.dynamic_registration
        try:
            if not dynamic:
                raise RuntimeError("no dynamic registration")
            await ls.client_register_capability_async(types.RegistrationParams([types.Registration(
                id=str(uuid.uuid4()), method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))]))
        except Exception:  # noqa: BLE001 - clients without dynamic registration
            log.info("the client does not watch files for us")
        await index_workspace(ls)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: KlarsynServer, params: Any) -> None:
        log.info("shutting down")
        logs.handler.disconnect()  # what follows (exit, a closed pipe) goes to stderr

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: KlarsynServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        draft = extract.word_draft(state, item.uri) or state.draft_from_uri(item.uri, item.text, item.language_id)
        draft.set_text(item.text, state.encoding)
        draft.version, draft.is_open = item.version, True
        state.classify(draft)
        state.drafts[item.uri] = draft
        if draft.too_large is not None:
            ls._show_warning(f"{too_large_message(draft.too_large)}: {Path(draft.path).name}")
        checker.check(draft)  # at once: the first underlines should not wait
        checker.publish(draft)
        checker.schedule_workspace()

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: KlarsynServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        draft = state.drafts.get(uri)
        if draft is None or not draft.is_open:
            log.warning("change for a document that is not open: %s", uri)
            return
        if draft.sync is None:
            draft.set_text(draft.text, state.encoding)
        sync = draft.sync
        assert sync is not None
        for change in params.content_changes:
            try:
                sync.apply(change)
            except Exception:  # noqa: BLE001 - never seen; the text may now differ from the editor's
                log.error("could not apply a change to %s:\n%s", uri, traceback.format_exc())
        was_large = draft.too_large
        draft.text = sync.text
        draft.too_large = too_large(draft.text)
        draft.version = params.text_document.version
        if draft.too_large is not None and was_large is None:
            ls._show_warning(f"{too_large_message(draft.too_large)}: {Path(draft.path).name}")
        checker.schedule(draft)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: KlarsynServer, params: types.DidSaveTextDocumentParams) -> None:
        draft = state.drafts.get(params.text_document.uri)
        # A save of the text already checked changes nothing: with autosave, rechecking
        # (and the pass and refresh after it) ran every second while nothing was typed.
        if draft is not None and draft.checked_text != draft.text:
            checker.schedule(draft, delay=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KlarsynServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        draft = state.drafts.get(uri)
        if draft is None:
            return
        draft.is_open = False
        if checker.push:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))
        # The file stays in the workspace index (its words count for consistency) if it exists.
        if not Path(draft.path).is_file() or extract.is_word_uri(uri):  # a .docx view is not indexed
            state.drafts.pop(uri, None)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: KlarsynServer, params: types.DidChangeConfigurationParams) -> None:
        try:
            settings = parse_settings(params.settings)
        except KlarsynError as exc:
            ls._show_error(f"klarsyn: {exc} (the last good settings are kept)")
            return
        # Trust is decided by the editor once, at start; a settings change cannot raise it.
        settings.trusted = settings.trusted and state.settings.trusted
        state.set_settings(settings)
        state.reload_configs()
        reindex(ls)  # include/exclude may have changed the programme
        recheck_all(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: KlarsynServer, params: types.DidChangeWatchedFilesParams) -> None:
        config_changed = False
        for change in params.changes:
            path = to_fs_path(change.uri) or change.uri
            name = Path(path).name
            if name in CONFIG_NAMES or name == "pack.yml" or name == IGNORE_FILE or path.endswith((".yml", ".yaml")):
                config_changed = True  # a .gitignore or the config's include/exclude can change the programme
            elif change.uri not in state.drafts or not state.drafts[change.uri].is_open:
                _reindex_file(ls, change.uri, path, deleted=change.type == types.FileChangeType.Deleted)
        if config_changed:
            state.reload_configs()
            from klarsyn.engine import packs

            packs._builtin.cache_clear()
            reindex(ls)
            recheck_all(ls)
        else:
            checker.schedule_workspace()

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL_KIND]))
    def code_action(ls: KlarsynServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        draft = ls.current(uri)
        return [] if draft.silent else extract.without_own_edits(uri, code_actions(draft, params))

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: KlarsynServer, params: types.HoverParams) -> types.Hover | None:
        draft = ls.current(params.text_document.uri)
        return hover(draft, params.position, state.rules(checker.config(draft)))

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    def code_lens(ls: KlarsynServer, params: types.CodeLensParams) -> list[types.CodeLens]:
        draft = ls.current(params.text_document.uri)
        return [] if draft.silent else code_lenses(draft)

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, types.DiagnosticOptions(
        identifier="klarsyn", inter_file_dependencies=True, workspace_diagnostics=True))
    async def pull_diagnostics(ls: KlarsynServer, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport | RawResult:
        draft = ls.draft(params.text_document.uri)
        if checker.refresh is None:
            # This answer is the client's only way to learn the consistency pass's result.
            await checker.settle()
            draft = ls.draft(params.text_document.uri)
        checker.ensure_current(draft)  # never waits for the pass: a refresh follows it
        result_id = checker.result_id(draft)
        draft.shown = draft.view()
        if params.previous_result_id == result_id:
            return types.UnchangedDocumentDiagnosticReport(result_id=result_id)
        # Written as JSON here, not as lsprotocol objects: cattrs took ~20 ms for 1,500 items.
        return RawResult(f'{{"kind": "full", "resultId": {json.dumps(result_id)}, "items": {checker.diagnostics_json(draft)}}}')

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def workspace_diagnostics(ls: KlarsynServer, params: types.WorkspaceDiagnosticParams) -> RawResult:
        """Every draft of the programme. A draft whose resultId the client sent back is
        answered "unchanged": with nothing typed, an answer runs no check and no pass (VS
        Code asks again two seconds after each answer). Excluded and disabled drafts are
        left out, after one empty report that clears what the client was shown."""
        await checker.settle()
        checker.check_workspace()  # only when something changed since the last pass
        previous = {uri_key(p.uri): p.value for p in params.previous_result_ids}
        items: list[str] = []
        reported: set[str] = set()

        def report(uri: str, version: int | None, result_id: str, body: str | None) -> None:
            head = f'"uri": {json.dumps(uri)}, "version": {json.dumps(version)}, "resultId": {json.dumps(result_id)}'
            items.append(f'{{"kind": "unchanged", {head}}}' if body is None else f'{{"kind": "full", {head}, "items": {body}}}')

        for draft in list(state.drafts.values()):
            key = uri_key(draft.uri)
            version = draft.version if draft.is_open else None
            reported.add(key)
            if draft.silent:
                draft.shown = draft.view()
                if previous.get(key, CLEARED) != CLEARED:
                    report(draft.uri, version, CLEARED, "[]")
                continue
            checker.ensure_current(draft)
            result_id = checker.result_id(draft)
            draft.shown = draft.view()
            report(draft.uri, version, result_id, None if previous.get(key) == result_id else checker.diagnostics_json(draft))
        for p in params.previous_result_ids:  # files that left the workspace (excluded, deleted)
            if uri_key(p.uri) not in reported and p.value != CLEARED:
                report(p.uri, None, CLEARED, "[]")
        return RawResult('{"items": [' + ", ".join(items) + "]}")

    @server.feature(STATS_REQUEST)
    async def stats(ls: KlarsynServer, params: Any) -> dict[str, object]:
        uri = params.get("uri") if isinstance(params, dict) else getattr(params, "uri", None)
        if uri is None and hasattr(params, "text_document"):
            uri = params.text_document.uri
        if not isinstance(uri, str):
            raise JsonRpcInvalidParams("klarsyn/documentStats needs {\"uri\": ...}")
        ls.draft(uri)
        await checker.settle()
        draft = ls.current(uri)
        if draft.too_large is not None:
            raise JsonRpcInvalidParams(too_large_message(draft.too_large))
        if draft.result is None:
            raise JsonRpcInternalError(f"klarsyn: the check of {uri} failed (see the server's log)")
        return document_stats(draft)

    extract.register(server)  # klarsyn/extractedText and the .docx views

    if os.environ.get("KLARSYN_LSP_TEST") == "1":
        # Tests only: the server's copy of a draft, to compare with the editor's.
        @server.feature("klarsyn/_text")
        def synced_text(ls: KlarsynServer, params: Any) -> dict[str, object]:
            uri = params.get("uri") if isinstance(params, dict) else getattr(params, "uri", None)
            draft = ls.draft(str(uri))
            return {"text": draft.text, "version": draft.version, "checks": checker.checks, "passes": checker.passes,
                    "excluded": draft.excluded, "disabled": draft.disabled}

    return server


def reindex(ls: KlarsynServer) -> None:
    """After a settings or config change: drafts that left the programme leave the index
    (an open one stays, silent: classify), new ones are read soon."""
    state = ls.state
    wanted = {from_fs_path(str(p)) for p in state.workspace_files()}
    for uri, draft in list(state.drafts.items()):
        if not draft.is_open and uri not in wanted:
            state.drafts.pop(uri)
        else:
            state.classify(draft)
    ls.checker.dirty = True
    asyncio.ensure_future(index_workspace(ls, only_new=True))


def recheck_all(ls: KlarsynServer) -> None:
    for draft in ls.state.drafts.values():
        if draft.is_open:
            ls.checker.schedule(draft, delay=0)
    ls.checker.schedule_workspace(delay=0.1)
    caps = ls.client_capabilities.workspace
    if caps is not None and caps.code_lens is not None and caps.code_lens.refresh_support:
        ls.workspace_code_lens_refresh(None)  # type: ignore[arg-type]


def _reindex_file(ls: KlarsynServer, uri: str, path: str, deleted: bool) -> None:
    state = ls.state
    ls.checker.dirty = True
    if deleted:
        state.drafts.pop(uri, None)
        return
    try:
        text = read_source(Path(path))
    except KlarsynError as exc:
        log.info("not indexed: %s", exc)
        state.drafts.pop(uri, None)
        return
    draft = state.draft_from_uri(uri, text)
    state.classify(draft)
    if draft.excluded:  # a file saved beside the drafts that is not part of the programme
        state.drafts.pop(uri, None)
        return
    state.drafts[uri] = draft
    ls.checker.check(draft)


async def index_workspace(ls: KlarsynServer, only_new: bool = False) -> None:
    """Read the workspace's drafts so consistency spans files that are not open
    (``only_new``: those not read yet, after a settings change)."""
    files = ls.state.workspace_files()
    if only_new:
        files = [p for p in files if from_fs_path(str(p)) not in ls.state.drafts]
    if not files:
        return
    token = str(uuid.uuid4())
    progress = False
    try:
        await ls.work_done_progress.create_async(token)
        ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(title="klarsyn", message="Leser utkastene", percentage=0))
        progress = True
    except Exception:  # noqa: BLE001 - the client does not show progress
        pass
    for i, path in enumerate(files):
        uri = from_fs_path(str(path))
        if uri is None or (uri in ls.state.drafts and ls.state.drafts[uri].is_open):
            continue
        try:
            _reindex_file(ls, uri, str(path), deleted=False)
        except Exception:  # noqa: BLE001
            log.error("indexing %s failed:\n%s", path, traceback.format_exc())
        if progress:
            ls.work_done_progress.report(token, types.WorkDoneProgressReport(message=path.name, percentage=int(100 * (i + 1) / len(files))))
        await asyncio.sleep(0)  # keep answering the editor while indexing
    if progress:
        ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=f"{len(files)} utkast"))
    ls.checker.schedule_workspace(delay=0)


def start(tcp: str | None = None) -> None:
    logs.install()
    server = create_server()
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
