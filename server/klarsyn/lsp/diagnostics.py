"""Checking drafts and publishing diagnostics: quickly after each edit (only the touched
paragraphs are re-checked), and a moment later for consistency across the workspace."""

from __future__ import annotations

import asyncio
import json
import logging
import traceback
from typing import Callable

from lsprotocol import types

from klarsyn.config import Config
from klarsyn.engine.runner import _context, enabled_rules
from klarsyn.errors import KlarsynError
from klarsyn.findings import Finding
from klarsyn.lsp.convert import to_diagnostic
from klarsyn.lsp.positions import Converter
from klarsyn.lsp.state import Draft, State

log = logging.getLogger("klarsyn.lsp")

EDIT_DELAY = 0.015  # seconds: keystrokes in one burst give one check
WORKSPACE_DELAY = 0.6  # consistency across files waits for a pause in typing


class Checker:
    def __init__(self, state: State, publish: Callable[[types.PublishDiagnosticsParams], None],
                 show_error: Callable[[str], None], send_json: Callable[[str, str], None] | None = None) -> None:
        self.state = state
        self._publish = publish
        self._send_json = send_json
        self._show_error = show_error
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._workspace_task: asyncio.Task[None] | None = None
        self.push = True  # false when the client pulls diagnostics instead

    # -- running checks --------------------------------------------------------------------------

    def config(self, draft: Draft) -> Config:
        try:
            return self.state.config_for(draft.path)
        except KlarsynError as exc:
            self._show_error(f"klarsyn: {exc} (the last good settings are used)")
            return self.state.last_good_config(draft.path)

    def check(self, draft: Draft) -> None:
        """Run the per-document rules on the draft's current text."""
        config = self.config(draft)
        try:
            draft.result = self.state.checker.check(draft.text, draft.path, draft.fmt, config)
        except Exception:  # noqa: BLE001 - a failing check must never stop the server
            log.error("check of %s failed:\n%s", draft.uri, traceback.format_exc())
            draft.result = None
        draft.converter = Converter(draft.text, self.state.encoding)

    def check_workspace(self) -> None:
        """Consistency rules over every draft of the workspace (open or on disk)."""
        self._apply_workspace(self._workspace_findings(self._snapshot()))

    def _snapshot(self) -> list[tuple[Draft, str, object]]:
        return [(d, d.text, d.result) for d in self.state.drafts.values() if d.result is not None]

    def _workspace_findings(self, snapshot: list[tuple[Draft, str, object]]) -> list[tuple[Draft, str, list[Finding]]]:
        """The consistency findings for a snapshot of the drafts (safe to run in a thread:
        it reads the snapshot only)."""
        by_language: dict[str, list[tuple[Draft, str, object]]] = {}
        for item in snapshot:
            by_language.setdefault(item[2].document.language, []).append(item)  # type: ignore[attr-defined]
        out: list[tuple[Draft, str, list[Finding]]] = []
        for group in by_language.values():
            config = self.config(group[0][0])
            language = group[0][2].document.language  # type: ignore[attr-defined]
            rules = [r for r in enabled_rules(config, language) if hasattr(r, "run_workspace")]
            found: list[list[Finding]] = [[] for _ in group]
            for rule in rules:
                try:
                    per_doc = rule.run_workspace([_context(rule, config, result.analysis) for _d, _t, result in group])  # type: ignore[attr-defined]
                except Exception:  # noqa: BLE001
                    log.error("workspace rule %s failed:\n%s", rule.id, traceback.format_exc())
                    continue
                for i, fs in enumerate(per_doc):
                    found[i].extend(fs)
            out.extend((d, text, _dedupe(fs)) for (d, text, _r), fs in zip(group, found))
        return out

    def _apply_workspace(self, results: list[tuple[Draft, str, list[Finding]]]) -> None:
        for d, text, findings in results:
            d.workspace_findings, d.workspace_text = findings, text  # shown only while the text is unchanged

    # -- publishing ----------------------------------------------------------------------------------

    def diagnostics(self, draft: Draft) -> list[types.Diagnostic]:
        if draft.converter is None or draft.result is None:
            return []
        config = self.config(draft)
        rules = self.state.rules(config)
        uri_of = {d.path: d.uri for d in self.state.drafts.values()}
        converters = {}
        for d in self.state.drafts.values():
            if d.converter is None or d.converter.text != d.text:
                d.converter = Converter(d.text, self.state.encoding)
            converters[d.uri] = d.converter
        out = []
        for f in draft.findings():
            try:
                out.append(to_diagnostic(f, draft.converter, rules, uri_of, converters))
            except Exception:  # noqa: BLE001
                log.error("could not convert a finding of %s:\n%s", f.rule, traceback.format_exc())
        return out

    def publish(self, draft: Draft) -> None:
        if not (self.push and draft.is_open):
            return
        if self._send_json is None:
            self._publish(types.PublishDiagnosticsParams(draft.uri, self.diagnostics(draft), draft.version))
            return
        # The fast path: plain dicts, JSON written once (see klarsyn.lsp.wire).
        from klarsyn.lsp.wire import diagnostic_dict

        if draft.converter is None or draft.converter.text != draft.text:
            draft.converter = Converter(draft.text, self.state.encoding)
        rules = self.state.rules(self.config(draft))
        items = []
        for f in draft.findings():
            try:
                related = []
                for r in f.related:
                    other = self._related_target(r.path)
                    if other is not None:
                        uri, conv = other
                        rng = conv.range(r.start, r.end)
                        related.append({"location": {"uri": uri, "range": {
                            "start": {"line": rng.start.line, "character": rng.start.character},
                            "end": {"line": rng.end.line, "character": rng.end.character}}}, "message": r.message})
                items.append(diagnostic_dict(f, draft.converter, rules, related))
            except Exception:  # noqa: BLE001
                log.error("could not convert a finding of %s:\n%s", f.rule, traceback.format_exc())
        params = {"uri": draft.uri, "diagnostics": items}
        if draft.version is not None:
            params["version"] = draft.version
        self._send_json("textDocument/publishDiagnostics", json.dumps(params, ensure_ascii=False))

    def _related_target(self, path: str) -> tuple[str, Converter] | None:
        for d in self.state.drafts.values():
            if d.path == path:
                if d.converter is None or d.converter.text != d.text:
                    d.converter = Converter(d.text, self.state.encoding)
                return d.uri, d.converter
        return None

    # -- scheduling -------------------------------------------------------------------------------------

    def schedule(self, draft: Draft, delay: float = EDIT_DELAY) -> None:
        """Check and publish soon; a newer edit cancels the older run. The first edit after
        a quiet moment is checked at once, the rest of a burst after ``delay``."""
        previous = self._pending.pop(draft.uri, None)
        if previous is not None and not previous.done():
            previous.cancel()
        else:
            delay = 0
        self._pending[draft.uri] = asyncio.ensure_future(self._run(draft, delay))
        self.schedule_workspace()

    async def _run(self, draft: Draft, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            self.check(draft)
            self.publish(draft)
        except asyncio.CancelledError:
            pass
        except Exception:  # noqa: BLE001
            log.error("diagnostics for %s failed:\n%s", draft.uri, traceback.format_exc())

    def schedule_workspace(self, delay: float = WORKSPACE_DELAY) -> None:
        if self._workspace_task is not None:
            self._workspace_task.cancel()
        self._workspace_task = asyncio.ensure_future(self._run_workspace(delay))

    async def _run_workspace(self, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
            for task in list(self._pending.values()):
                if not task.done():
                    await asyncio.wait([task])
            # A programme of many chapters takes seconds: work in a thread so the editor's
            # requests are still answered meanwhile.
            snapshot = self._snapshot()
            results = await asyncio.get_running_loop().run_in_executor(None, self._workspace_findings, snapshot)
            self._apply_workspace(results)
            for d in self.state.drafts.values():
                self.publish(d)
        except asyncio.CancelledError:
            pass
        except Exception:  # noqa: BLE001
            log.error("workspace check failed:\n%s", traceback.format_exc())

    async def settle(self) -> None:
        """Wait for all pending checks (tests and pull requests use it)."""
        while any(not t.done() for t in self._pending.values()) or (self._workspace_task and not self._workspace_task.done()):
            await asyncio.sleep(0.01)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    kept: dict[tuple[int, int], Finding] = {}
    for f in findings:
        other = kept.get((f.start, f.end))
        if other is None or f.severity.rank > other.severity.rank:
            kept[(f.start, f.end)] = f
    return list(kept.values())
