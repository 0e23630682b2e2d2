"""Batch runs: the per-document phase of many drafts in parallel across cores, with a
content-hash cache so a second run over unchanged files is fast, and a progress line on a
terminal.

The cache keeps, per text, the sentences of each block (splitting is the costly part of
the analysis) and the findings of the per-document rules, as JSON. Nothing in an entry
names a file: on a hit the analysis is rebuilt around the document being checked, so a
renamed, copied or moved file reports under its own name. JSON is data, not code: a cache
folder restored from an untrusted CI run can at worst hold wrong entries, which fail the
shape checks below or are keyed to other inputs, and are then computed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import signal
import stat
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, TextIO

from klarsyn import __version__
from klarsyn.config import Config
from klarsyn.document.model import Document
from klarsyn.engine.rules import RuleTimeout
from klarsyn.errors import KlarsynError
from klarsyn.engine.runner import document_phase
from klarsyn.findings import Edit, Finding, Fix, FixSafety, Severity
from klarsyn.metrics.analysis import DocumentAnalysis, analyze
from klarsyn.text.sentences import Sentence, Word

if TYPE_CHECKING:
    import multiprocessing.process
    from multiprocessing.connection import Connection

Done = tuple[DocumentAnalysis, list[Finding]]
Item = tuple[Document, Config]
# Parallel work only pays off past this much text (process start and pickling cost).
PARALLEL_MIN_CHARS = 150_000
# Bumped whenever the layout of an entry changes: older entries are then misses.
CACHE_SCHEMA = 1
_SEVERITIES = {s.value: s for s in Severity}
_SAFETIES = {s.value: s for s in FixSafety}


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "klarsyn"


# -- the key: everything but the file's name that decides the per-document findings -------


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """klarsyn's own files (code, word lists, built-in rules), so a changed checkout or a
    patched install never reuses results of other code under the same version number.
    Content, not modification times: a fresh install in CI must still hit its cache."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        try:
            if not path.is_file():
                continue
            data = path.read_bytes()
        except OSError:
            data = b"\0unreadable"
        name = path.relative_to(root).as_posix().encode("utf-8", "surrogateescape")
        h.update(len(name).to_bytes(8, "little") + name + len(data).to_bytes(8, "little") + data)
    return h.digest()


def _file_digest(path: str, memo: dict[str, str]) -> str:
    digest = memo.get(path)
    if digest is None:
        try:
            with open(path, "rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            # The rule was read but its file is gone now: nothing says what it held, so
            # its results must not be shared with any other run.
            digest = "unreadable:" + os.urandom(16).hex()
        memo[path] = digest
    return digest


def _config_signature(config: Config, memo: dict[str, str]) -> bytes:
    """What in the config can change a document's findings, as bytes for the cache key.
    Rules count by their file's content (a project pack edited in place keeps its name
    and, after a checkout, often its modification time)."""
    parts: list[object] = [
        config.language, config.select, config.ignore, config.allow,
        sorted(config.choices.items()), config.message_language,
        sorted((k, repr(v)) for k, v in config.rules.items()),
    ]
    for rule in config.all_rules():
        parts.append((rule.id, rule.pack, rule.languages, _file_digest(rule.path, memo) if rule.path else repr(rule)))
    return repr(parts).encode("utf-8")


def cache_key(document: Document, config: Config, memo: dict[str, str] | None = None) -> str:
    """The entry name for ``document`` checked with ``config``. The path is left out on
    purpose: equal texts share an entry, and the path is put back on load."""
    memo = {} if memo is None else memo
    h = hashlib.sha256()
    for part in (
        str(CACHE_SCHEMA).encode(), __version__.encode(), _code_digest(), document.format.encode(),
        document.language.encode(), document.language_source.encode(), repr(document.declared_language).encode(),
        document.source.encode("utf-8", "surrogatepass"), document.raw_digest.encode(), _config_signature(config, memo),
    ):
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


# -- entries: JSON in, checked objects out -------------------------------------------------


def _plain(value: object, depth: int = 0) -> bool:
    """True when JSON gives ``value`` back unchanged (no tuples, no non-string keys)."""
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if depth > 20:
        return False
    if type(value) is list:
        return all(_plain(v, depth + 1) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _plain(v, depth + 1) for k, v in value.items())
    return False


def encode_entry(key: str, done: Done) -> bytes | None:
    """The entry for a result, or None when the result cannot be stored faithfully."""
    analysis, findings = done
    out: list[list[object]] = []
    for f in findings:
        if f.related or not _plain(f.data):
            return None  # names other files, or data JSON would change: do not cache
        fixes = [[fix.title, fix.safety.value, [[e.start, e.end, e.new_text] for e in fix.edits]] for fix in f.fixes]
        out.append([f.rule, f.severity.value, f.message, f.start, f.end, fixes, f.data])
    sentences = [
        [[s.start, s.end, [v for w in s.words for v in (w.start, w.end, w.letters)]] for s in ba.sentences]
        for ba in analysis.blocks
    ]
    entry = {"schema": CACHE_SCHEMA, "key": key, "sentences": sentences, "findings": out}
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


class _Bad(Exception):
    """An entry that does not have the shape this version writes."""


def _int_in(value: object, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise _Bad
    return value


def _str(value: object) -> str:
    if type(value) is not str:
        raise _Bad
    return value


def _list(value: object) -> list[object]:
    if type(value) is not list:
        raise _Bad
    return value


def _sentences(value: object, document: Document) -> list[list[Sentence]]:
    blocks = _list(value)
    if len(blocks) != len(document.blocks):
        raise _Bad
    out: list[list[Sentence]] = []
    for block, sentences in zip(document.blocks, blocks):
        size = len(block.text)
        parsed: list[Sentence] = []
        for s in _list(sentences):
            row = _list(s)
            if len(row) != 3:
                raise _Bad
            start = _int_in(row[0], 0, size)
            end = _int_in(row[1], start, size)
            flat = _list(row[2])
            # Checked with builtins over the flat list: a warm run reads every word.
            if flat and (len(flat) % 3 or set(map(type, flat)) != {int} or min(flat) < 0 or max(flat) > size):
                raise _Bad
            it = iter(flat)
            parsed.append(Sentence(start, end, list(map(Word, it, it, it))))
        out.append(parsed)
    return out


def _findings(value: object, document: Document, rule_ids: frozenset[str]) -> list[Finding]:
    size = len(document.source)
    out: list[Finding] = []
    for f in _list(value):
        row = _list(f)
        if len(row) != 7:
            raise _Bad
        rule, severity, message, start, end, fixes, data = row
        if _str(rule) not in rule_ids or type(data) is not dict:
            raise _Bad
        severity_ = _SEVERITIES.get(_str(severity))
        if severity_ is None:
            raise _Bad
        parsed_fixes: list[Fix] = []
        for fix in _list(fixes):
            fix_row = _list(fix)
            if len(fix_row) != 3 or _str(fix_row[1]) not in _SAFETIES:
                raise _Bad
            edits = []
            for e in _list(fix_row[2]):
                e_row = _list(e)
                if len(e_row) != 3:
                    raise _Bad
                a = _int_in(e_row[0], 0, size)
                edits.append(Edit(a, _int_in(e_row[1], a, size), _str(e_row[2])))
            parsed_fixes.append(Fix(_str(fix_row[0]), tuple(edits), _SAFETIES[fix_row[1]]))  # type: ignore[index]
        s = _int_in(start, 0, size)
        out.append(Finding(rule, severity_, _str(message), s, _int_in(end, s, size), parsed_fixes, data))  # type: ignore[arg-type]
    return out


def decode_entry(raw: bytes, key: str, document: Document, config: Config) -> Done | None:
    """The result an entry holds, for ``document`` (its path, its blocks), or None for
    anything else: not JSON, cut short, another schema or key, wrong shape or ranges."""
    try:
        entry = json.loads(raw.decode("utf-8"))
        if type(entry) is not dict or entry.get("schema") != CACHE_SCHEMA or type(entry.get("schema")) is not int:
            return None
        if entry.get("key") != key:
            return None  # a copy of another document's entry
        rule_ids = frozenset(r.id for r in config.all_rules())
        findings = _findings(entry.get("findings"), document, rule_ids)
        return analyze(document, _sentences(entry.get("sentences"), document)), findings
    except (_Bad, ValueError, TypeError, RecursionError, UnicodeDecodeError):
        return None


# -- worker processes -----------------------------------------------------------------------


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """Hold back Ctrl-C while worker processes start: they begin life with it blocked (and
    then ignore it), and a Ctrl-C in that moment reaches this process right after."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _serve(conn: Connection, items: list[Item] | None) -> None:
    """A worker: read an index (and, when not forked, its item), send back the result.
    Ctrl-C is the parent's to handle; a worker ends when told, or when the parent ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, item = message
        try:
            analysis, findings = document_phase(*(item or items[index]))  # type: ignore[index]
            # Only what the parent cannot rebuild cheaply: it has the document already.
            reply: tuple[int, bool, object] = (index, True, ([ba.sentences for ba in analysis.blocks], findings))
        except Exception as exc:  # the parent raises it, as a plain run would
            reply = (index, False, exc)
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return  # the parent is gone
        except Exception as exc:  # an error that does not pickle: send what it says
            conn.send((index, False, RuntimeError(f"{type(exc).__name__}: {exc}")))


class WorkerDied(KlarsynError):
    """A worker process ended without an answer (killed, out of memory)."""


class Batch:
    def __init__(self, cache_dir: Path | None, jobs: int, progress: TextIO | None) -> None:
        self.cache_dir = cache_dir
        self.jobs = max(1, jobs)
        self.progress = progress
        self.hits = 0
        self._digests: dict[str, str] = {}  # rule file -> content digest, read once per run

    def _entry_path(self, key: str) -> Path:
        assert self.cache_dir is not None
        return self.cache_dir / key[:2] / key

    def _read(self, key: str, document: Document) -> bytes | None:
        # Bounded, and regular files only: a FIFO or /dev/zero put in the cache folder
        # must not hang the run or fill memory. Entries run a few times the text's size.
        limit = 64 * len(document.source) + (1 << 20)
        try:
            fd = os.open(self._entry_path(key), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        except OSError:
            return None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            with os.fdopen(fd, "rb", closefd=False) as handle:
                raw = handle.read(limit + 1)
            return raw if len(raw) <= limit else None
        except OSError:
            return None
        finally:
            os.close(fd)

    def _load(self, key: str | None, item: Item) -> Done | None:
        if self.cache_dir is None or key is None:
            return None
        raw = self._read(key, item[0])
        return decode_entry(raw, key, *item) if raw is not None else None

    def _store(self, key: str | None, done: Done) -> None:
        if self.cache_dir is None or key is None:
            return
        data = encode_entry(key, done)
        if data is None:
            return
        folder = self.cache_dir / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # Write aside, then rename: concurrent runs never see half a file, and a bad
            # entry (or a FIFO, or a symlink) in its place is replaced, not written through.
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(tmp, folder / key)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            pass  # a read-only or full cache folder only costs speed

    def _tick(self, done: int, total: int, name: str) -> None:
        if self.progress is not None:
            self.progress.write(f"\rklarsyn: {done}/{total} {name[-50:]:<50}")
            self.progress.flush()

    def __call__(self, items: list[Item]) -> list[Done]:
        try:
            return self._run(items)
        finally:
            if self.progress is not None and items:
                self.progress.write("\r" + " " * 70 + "\r")
                self.progress.flush()

    def _run(self, items: list[Item]) -> list[Done]:
        keys = [cache_key(d, c, self._digests) if self.cache_dir is not None else None for d, c in items]
        results: list[Done | None] = [self._load(k, item) for k, item in zip(keys, items)]
        self.hits = sum(r is not None for r in results)
        todo = [i for i, r in enumerate(results) if r is None]
        total = len(items)
        finished = self.hits
        big = sum(len(items[i][0].source) for i in todo) >= PARALLEL_MIN_CHARS
        if self.jobs > 1 and len(todo) > 1 and big:
            outcomes = self._parallel(items, todo)
        else:
            outcomes = ((i, document_phase(*items[i])) for i in todo)
        for i, done in outcomes:
            self._store(keys[i], done)
            results[i] = done
            finished += 1
            self._tick(finished, total, items[i][0].path)
        return [r for r in results if r is not None]

    def _parallel(self, items: list[Item], todo: list[int]) -> Iterator[tuple[int, Done]]:
        """Results of ``todo`` as workers finish them. No pool threads: on Ctrl-C (or any
        error) this process ends its workers and returns at once, with nothing left to wait
        for; the workers ignore Ctrl-C, so they print nothing."""
        # multiprocessing loads only here: a run in one process does not need it.
        import multiprocessing
        from multiprocessing.connection import Connection, wait

        forked = sys.platform != "win32"
        context = multiprocessing.get_context("fork" if forked else "spawn")
        queue = list(reversed(todo))
        workers: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
        busy: dict[Connection, int] = {}

        def hand_out(conn: Connection) -> None:
            try:
                if queue:
                    index = queue.pop()
                    busy[conn] = index
                    conn.send((index, None if forked else items[index]))
                else:
                    busy.pop(conn, None)
                    conn.send(None)
            except OSError:
                raise WorkerDied("a worker process ended unexpectedly") from None

        finished = False
        try:
            with _sigint_held():
                for _ in range(min(self.jobs, len(todo))):
                    mine, theirs = context.Pipe()
                    # Forked workers see ``items`` in their copy of memory; others get each item sent.
                    process = context.Process(target=_serve, args=(theirs, items if forked else None), daemon=True)
                    process.start()
                    theirs.close()
                    workers.append((process, mine))
            for _process, conn in workers:
                hand_out(conn)
            while busy:
                for conn in wait(list(busy)):
                    assert isinstance(conn, Connection)
                    try:
                        index, ok, payload = conn.recv()
                    except (EOFError, OSError):
                        raise WorkerDied(f"a worker process ended while checking {items[busy[conn]][0].path}") from None
                    if not ok:
                        if isinstance(payload, RuleTimeout) and not payload.path:
                            payload.path = items[index][0].path  # the path does not survive pickling
                        raise payload  # type: ignore[misc]
                    hand_out(conn)
                    sentences, findings = payload  # type: ignore[misc]
                    yield index, (analyze(items[index][0], sentences), findings)
            finished = True
        finally:
            # Normal end: workers were told to stop and exit by themselves. Otherwise
            # (Ctrl-C, an error): end them now rather than wait for their current file.
            with _sigint_held():
                for process, conn in workers:
                    if not finished and process.is_alive():
                        process.terminate()
                for process, conn in workers:
                    process.join(5)
                    if process.is_alive():
                        process.kill()
                        process.join()
                    conn.close()
