"""Batch runs: the per-document phase of many drafts in parallel across cores, with a
content-hash cache so a second run over unchanged files is fast, and a progress line on a
terminal."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TextIO

from klarsyn import __version__
from klarsyn.config import Config
from klarsyn.document.model import Document
from klarsyn.engine.runner import document_phase
from klarsyn.findings import Finding
from klarsyn.metrics.analysis import DocumentAnalysis

Done = tuple[DocumentAnalysis, list[Finding]]
# Parallel work only pays off past this much text (process start and pickling cost).
PARALLEL_MIN_CHARS = 150_000


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "klarsyn"


def _config_signature(config: Config) -> bytes:
    """What in the config can change a document's findings, as bytes for the cache key."""
    parts: list[object] = [config.language, config.select, config.ignore, config.message_language,
                           sorted((k, repr(v)) for k, v in config.rules.items())]
    for rule in config.all_rules():
        try:
            stamp = os.stat(rule.path).st_mtime_ns if rule.path else 0
        except OSError:
            stamp = 0
        parts.append((rule.id, rule.path, stamp))
    return repr(parts).encode("utf-8")


def cache_key(document: Document, config: Config) -> str:
    h = hashlib.sha256()
    for part in (__version__.encode(), document.format.encode(), document.language.encode(),
                 document.source.encode("utf-8", "surrogatepass"), document.raw_digest.encode(), _config_signature(config)):
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def _slim(done: Done) -> Done:
    """Drop the derived data (token lists) that is cheap to rebuild and costly to store."""
    analysis, findings = done
    analysis.cache.clear()
    for ba in analysis.blocks:
        ba.scratch.clear()
    analysis.document.__dict__.pop("lines", None)
    return analysis, findings


def _work(item: tuple[Document, Config]) -> bytes:
    return pickle.dumps(_slim(document_phase(*item)), protocol=pickle.HIGHEST_PROTOCOL)


class Batch:
    def __init__(self, cache_dir: Path | None, jobs: int, progress: TextIO | None) -> None:
        self.cache_dir = cache_dir
        self.jobs = max(1, jobs)
        self.progress = progress
        self.hits = 0

    def _load(self, key: str) -> Done | None:
        if self.cache_dir is None:
            return None
        try:
            with open(self.cache_dir / key[:2] / key, "rb") as handle:
                return pickle.load(handle)  # noqa: S301 - our own cache folder
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            return None

    def _store(self, key: str, data: bytes) -> None:
        if self.cache_dir is None:
            return
        folder = self.cache_dir / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # Write aside, then rename: concurrent runs never see half a file.
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, folder / key)
        except OSError:
            pass  # a read-only or full cache folder only costs speed

    def _tick(self, done: int, total: int, name: str) -> None:
        if self.progress is not None:
            self.progress.write(f"\rklarsyn: {done}/{total} {name[-50:]:<50}")
            self.progress.flush()

    def __call__(self, items: list[tuple[Document, Config]]) -> list[Done]:
        keys = [cache_key(d, c) for d, c in items]
        results: list[Done | None] = [self._load(k) for k in keys]
        self.hits = sum(r is not None for r in results)
        todo = [i for i, r in enumerate(results) if r is None]
        total = len(items)
        finished = self.hits
        big = sum(len(items[i][0].source) for i in todo) >= PARALLEL_MIN_CHARS
        if self.jobs > 1 and len(todo) > 1 and big:
            context = multiprocessing.get_context("fork") if sys.platform != "win32" else None
            with ProcessPoolExecutor(max_workers=min(self.jobs, len(todo)), mp_context=context) as pool:
                for i, data in zip(todo, pool.map(_work, [items[i] for i in todo], chunksize=1)):
                    results[i] = pickle.loads(data)  # noqa: S301 - from our own worker
                    self._store(keys[i], data)
                    finished += 1
                    self._tick(finished, total, items[i][0].path)
        else:
            for i in todo:
                done = document_phase(*items[i])
                if self.cache_dir is not None:
                    data = pickle.dumps(_slim(done), protocol=pickle.HIGHEST_PROTOCOL)
                    self._store(keys[i], data)
                results[i] = done
                finished += 1
                self._tick(finished, total, items[i][0].path)
        if self.progress is not None and total:
            self.progress.write("\r" + " " * 70 + "\r")
        return [r for r in results if r is not None]
