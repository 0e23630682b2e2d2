"""Checking drafts and giving the client their diagnostics: quickly after each edit (only
the touched paragraphs are re-checked), and a moment later for consistency across the
workspace (the cross-file findings).

What a client gets, and when (docs/lsp.md, "When diagnostics arrive"):

- push clients: a publish with the document's own findings at once after didOpen and soon
  after each burst of edits; when the consistency pass ends, another publish for every open
  document whose cross-file findings changed;
- pull clients that support ``workspace/diagnostic/refresh``: the answer to
  ``textDocument/diagnostic`` never waits for the consistency pass (it would delay every
  keystroke's squiggles by the pause); it holds the cross-file findings once the pass has
  run on that text, and the server sends a refresh when a pass changes them, so the client
  pulls again;
- pull clients without refresh support: the answer waits for the pass, since they have no
  other way to learn its result.

Every pull answer has a resultId (result_id); a pull that names the id the client already
has is answered "unchanged" without a check, a conversion or a consistency pass: VS Code
pulls the whole workspace again two seconds after each answer, idle or not.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import threading
import traceback
import uuid
from typing import Callable

from lsprotocol import types

from klarsyn.config import Config
from klarsyn.document.loader import MAX_BYTES
from klarsyn.engine import cancel
from klarsyn.engine.runner import _context, enabled_rules
from klarsyn.errors import KlarsynError
from klarsyn.findings import Finding
from klarsyn.lsp.convert import SOURCE
from klarsyn.lsp.copies import Fingerprint, distinct, fingerprint
from klarsyn.lsp.fragments import DiagnosticJSON
from klarsyn.lsp.state import Draft, State

log = logging.getLogger("klarsyn.lsp")

EDIT_DELAY = 0.015  # seconds of quiet that end a burst of edits
BURST_MAX = 0.25  # while a burst goes on, its text is still checked this often
WORKSPACE_DELAY = 0.6  # consistency across files waits for a pause in typing

Plan = list[tuple[Config, list[object], list[tuple[Draft, str, object]]]]


def too_large_message(size: int) -> str:
    return (f"klarsyn: the document is too large to check ({size / 2**20:.1f} MiB; the limit is "
            f"{MAX_BYTES // 2**20} MiB, as for klarsyn check)")


class Checker:
    def __init__(self, state: State, send_json: Callable[[str, str], None], show_error: Callable[[str], None],
                 show_warning: Callable[[str], None] | None = None) -> None:
        self.state = state
        self._send_json = send_json
        self._show_error = show_error
        self._show_warning = show_warning or show_error
        self.push = True  # false when the client pulls diagnostics instead
        self.refresh: Callable[[], None] | None = None  # workspace/diagnostic/refresh, when the client has it
        self.checks = 0  # per-document checks run (the burst test counts them)
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._due: dict[str, float] = {}
        self._burst: dict[str, float] = {}
        self._last_end: dict[str, float] = {}
        self._ws_task: asyncio.Task[None] | None = None
        self._ws_due: float | None = None
        self._ws_stop = threading.Event()  # set to stop the running consistency pass
        self.passes = 0  # consistency passes run (the idle test counts them)
        self.dirty = True  # something the consistency pass reads changed since the last one
        self._fingerprints: dict[str, tuple[object, Fingerprint]] = {}
        self._session = uuid.uuid4().hex[:8]  # resultIds of an earlier server never match

    # -- running checks --------------------------------------------------------------------------

    def config(self, draft: Draft) -> Config:
        try:
            config = self.state.config_for(draft.path)
        except KlarsynError as exc:
            message = f"klarsyn: {exc} (the last good settings are used)"
            if self.state.first_report(message):
                self._show_error(message)
            config = self.state.last_good_config(draft.path)
        while self.state.warnings:
            self._show_warning(self.state.warnings.pop(0))
        return config

    def check(self, draft: Draft) -> None:
        """Run the per-document rules on the draft's current text."""
        draft.checks += 1
        draft.checked_text = draft.text
        self.dirty = True
        if draft.too_large is not None:
            draft.result = None  # not checked: one diagnostic says why
            return
        self.checks += 1
        config = self.config(draft)
        try:
            draft.result = self.state.checker.check(draft.text, draft.path, draft.fmt, config)
        except Exception:  # noqa: BLE001 - a failing check must never stop the server
            log.error("check of %s failed:\n%s", draft.uri, traceback.format_exc())
            draft.result = None
        draft.converter_for(self.state.encoding)

    def ensure_current(self, draft: Draft) -> None:
        """Check now if a check is waiting (a request in a burst of edits, or right after a
        settings change) or the last one was not of this text."""
        task = self._pending.get(draft.uri)
        waiting = task is not None and not task.done()
        if not waiting and draft.checked_text is draft.text and (draft.result is not None or draft.too_large is not None):
            return
        if waiting:
            self._pending.pop(draft.uri, None)
            task.cancel()  # type: ignore[union-attr]
        self.check(draft)

    def check_workspace(self) -> None:
        """Consistency rules over every draft of the workspace (open or on disk), now, if
        anything they read changed since the last pass."""
        if self.dirty:
            results = _run_rules(self._plan())  # no stop event: it runs to its end
            if results is not None:
                self._apply_workspace(results)

    def result_id(self, draft: Draft) -> str:
        """Names what a pull answer for ``draft`` holds: its result (by check count), the
        cross-file findings that apply, whether it is shown, and the settings and config
        generation (a severity or messageLanguage change changes the diagnostics)."""
        return f"{self._session}-{self.state.generation}-{hash(draft.view()) & 0xFFFFFFFFFFFF:x}"

    def _plan(self) -> Plan:
        """The drafts to compare, grouped by language, with their config and rules. Made in
        the event loop (configs may report errors to the editor); only _run_rules runs in a
        thread. Each draft comes with the text its result was computed on, so findings are
        never applied to a newer text."""
        self.dirty = False
        self.passes += 1
        candidates: list[tuple[Draft, Fingerprint]] = []
        for d in self.state.drafts.values():
            # Excluded drafts are not part of the programme; disabled ones are (only their
            # own diagnostics are hidden), so they still count.
            if d.result is not None and d.checked_text is not None and d.too_large is None and not d.excluded:
                candidates.append((d, self._fingerprint(d)))
        kept, _copies = distinct(candidates)
        groups: dict[str, list[tuple[Draft, str, object]]] = {}
        for d in kept:
            assert d.result is not None and d.checked_text is not None
            groups.setdefault(d.result.document.language, []).append((d, d.checked_text, d.result))
        plan: Plan = []
        for language, group in groups.items():
            config = self.config(group[0][0])
            rules = [r for r in enabled_rules(config, language) if hasattr(r, "run_workspace")]
            plan.append((config, rules, group))
        return plan

    def _fingerprint(self, d: Draft) -> Fingerprint:
        cached = self._fingerprints.get(d.uri)
        if cached is None or cached[0] is not d.result:
            assert d.result is not None
            cached = (d.result, fingerprint(d.result))
            self._fingerprints[d.uri] = cached
        return cached[1]

    def _apply_workspace(self, results: list[tuple[Draft, str, list[Finding]]]) -> None:
        compared = set()
        for d, text, findings in results:
            d.workspace_findings, d.workspace_text = findings, text  # carried through later edits: Draft.cross_file
            compared.add(id(d))
        for d in self.state.drafts.values():
            if id(d) not in compared and d.workspace_findings:  # a copy, or now excluded
                d.workspace_findings, d.workspace_text = [], d.checked_text
        for uri in [u for u in self._fingerprints if u not in self.state.drafts]:
            del self._fingerprints[uri]

    def _after_workspace(self) -> None:
        """Tell the client about cross-file findings that changed what it was shown."""
        # A closed draft counts too once a workspace answer gave it to a pull client: a
        # disabled or excluded file must lose its squiggles without waiting for a re-pull.
        changed = [d for d in self.state.drafts.values()
                   if (d.is_open or not self.push) and d.shown is not None and d.shown != d.view()]
        if not changed:
            return
        if self.push:
            for d in changed:
                self.publish(d)
        elif self.refresh is not None:
            try:
                self.refresh()
            except Exception:  # noqa: BLE001 - the client went away
                log.warning("could not ask the client to pull diagnostics again")

    # -- publishing ----------------------------------------------------------------------------------

    def diagnostics_json(self, draft: Draft) -> str:
        """The draft's diagnostics as a JSON array: the same text for a push, a pull and a
        workspace report. Diagnostics that did not move since the last answer are not
        written again (klarsyn.lsp.fragments)."""
        if draft.silent:
            return "[]"  # excluded or turned off: an empty answer clears what was shown
        if draft.too_large is not None:
            return json.dumps([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                                "severity": int(types.DiagnosticSeverity.Warning), "source": SOURCE,
                                "message": too_large_message(draft.too_large)}], ensure_ascii=False)
        if draft.result is None:
            return "[]"
        conv = draft.converter_for(self.state.encoding)
        config = self.config(draft)
        rules = self.state.rules(config)
        lang = config.message_language or draft.result.document.language
        try:
            return draft.rendered.render(draft.findings(), conv, rules, draft.uri, lang, self._related_target)
        except Exception:  # noqa: BLE001 - never seen: a failing conversion must not stop the server
            log.error("could not convert the findings of %s:\n%s", draft.uri, traceback.format_exc())
            draft.rendered = DiagnosticJSON()
            return "[]"

    def publish(self, draft: Draft) -> None:
        if not (self.push and draft.is_open):
            return
        draft.shown = draft.view()
        items = self.diagnostics_json(draft)
        version = "" if draft.version is None else f', "version": {int(draft.version)}'
        self._send_json("textDocument/publishDiagnostics", f'{{"uri": {json.dumps(draft.uri)}, "diagnostics": {items}{version}}}')

    def _related_target(self, path: str) -> tuple[str, object] | None:
        for d in self.state.drafts.values():
            if d.path == path and d.too_large is None:
                return d.uri, d.converter_for(self.state.encoding)
        return None

    # -- scheduling -------------------------------------------------------------------------------------

    def schedule(self, draft: Draft, delay: float = EDIT_DELAY) -> None:
        """Check and publish soon. The first edit after a quiet moment is checked at once;
        later edits of a burst only move the waiting check to the end of the burst (at most
        BURST_MAX after its start), and it checks the newest text. Each check used to block
        the loop long enough that every edit of a burst was checked: 500 edits, 501 checks."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        uri = draft.uri
        task = self._pending.get(uri)
        if task is not None and not task.done():
            self._due[uri] = min(now + delay, self._burst[uri] + BURST_MAX) if delay else now
        else:
            quiet = now - self._last_end.get(uri, -math.inf) >= delay
            self._burst[uri] = now
            self._due[uri] = now if quiet or not delay else now + delay
            self._pending[uri] = asyncio.ensure_future(self._run(uri, draft))
        # A consistency pass running now would hold the interpreter while this edit is
        # checked (Python runs one thread at a time): stop it; it runs after the next pause.
        self._ws_stop.set()
        self.schedule_workspace()

    async def _run(self, uri: str, draft: Draft) -> None:
        loop = asyncio.get_running_loop()
        try:
            while (wait := self._due.get(uri, 0) - loop.time()) > 0:
                await asyncio.sleep(wait)
            draft = self.state.drafts.get(uri, draft)  # reopened meanwhile: check the open one
            self.check(draft)
            self.publish(draft)
        except asyncio.CancelledError:
            pass
        except Exception:  # noqa: BLE001
            log.error("diagnostics for %s failed:\n%s", uri, traceback.format_exc())
        finally:
            self._last_end[uri] = loop.time()

    def schedule_workspace(self, delay: float = WORKSPACE_DELAY) -> None:
        """Run the consistency pass ``delay`` seconds from now (a later call moves it). A
        pass that is running is not cancelled: the next one follows it."""
        self._ws_due = asyncio.get_running_loop().time() + delay
        if self._ws_task is None or self._ws_task.done():
            self._ws_task = asyncio.ensure_future(self._workspace_loop())

    async def _workspace_loop(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._ws_due is not None:
                wait = self._ws_due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                    continue
                self._ws_due = None
                pending = [t for t in self._pending.values() if not t.done()]
                if pending:
                    await asyncio.wait(pending)
                    if self._ws_due is not None:
                        continue  # more edits came meanwhile: wait for their pause
                if not self.dirty:
                    continue  # nothing it reads changed (a save, a re-pull): no pass
                plan = self._plan()
                # A programme of many chapters takes seconds: work in a thread so the
                # editor's requests are still answered meanwhile.
                self._ws_stop = threading.Event()
                results = await loop.run_in_executor(None, _run_rules, plan, self._ws_stop)
                if results is None:  # an edit stopped it: run again after the next pause
                    self.dirty = True  # _plan cleared it, but this pass gave nothing
                    self._ws_due = self._ws_due or loop.time() + WORKSPACE_DELAY
                    continue
                self._apply_workspace(results)
                self._after_workspace()
        except asyncio.CancelledError:
            pass
        except Exception:  # noqa: BLE001
            log.error("workspace check failed:\n%s", traceback.format_exc())

    async def settle(self) -> None:
        """Wait for all pending checks and the consistency pass (pull clients without
        refresh support, workspace/diagnostic and documentStats use it)."""
        while True:
            pending = [t for t in self._pending.values() if not t.done()]
            if self._ws_task is not None and not self._ws_task.done():
                pending.append(self._ws_task)
            if not pending:
                return
            await asyncio.wait(pending)


def _run_rules(plan: Plan, stop: threading.Event | None = None) -> list[tuple[Draft, str, list[Finding]]] | None:
    """The consistency findings for a plan (safe to run in a thread: it reads the plan's
    results only), or None when ``stop`` was set meanwhile (an edit came: see
    klarsyn.engine.cancel)."""
    with cancel.cancellable(stop or threading.Event()):
        try:
            return _run_plan(plan)
        except cancel.Cancelled:
            return None


def _run_plan(plan: Plan) -> list[tuple[Draft, str, list[Finding]]]:
    out: list[tuple[Draft, str, list[Finding]]] = []
    for config, rules, group in plan:
        found: list[list[Finding]] = [[] for _ in group]
        for rule in rules:
            cancel.check()
            try:
                per_doc = rule.run_workspace([_context(rule, config, result.analysis) for _d, _t, result in group])  # type: ignore[attr-defined]
            except cancel.Cancelled:
                raise
            except Exception:  # noqa: BLE001
                log.error("workspace rule %s failed:\n%s", rule.id, traceback.format_exc())  # type: ignore[attr-defined]
                continue
            for i, fs in enumerate(per_doc):
                found[i].extend(fs)
        out.extend((d, text, _dedupe(fs)) for (d, text, _r), fs in zip(group, found))
    return out


def _dedupe(findings: list[Finding]) -> list[Finding]:
    kept: dict[tuple[int, int], Finding] = {}
    for f in findings:
        other = kept.get((f.start, f.end))
        if other is None or f.severity.rank > other.severity.rank:
            kept[(f.start, f.end)] = f
    return list(kept.values())
