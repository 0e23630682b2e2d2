"""Cooperative cancellation of long work in a thread (the language server's consistency
pass across files).

Python runs one thread at a time: while the pass runs in its thread, the check of the
author's next keystroke waits for its share of the interpreter, and on a real programme the
pass takes about a second. The server sets the pass's event when an edit arrives; the
loops of the pass call ``check()`` often enough (once per block, once per group of words)
that it stops within milliseconds, and the pass runs again after the next pause.
Outside a cancellable pass ``check()`` does nothing, so the CLI is not affected."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_local = threading.local()


class Cancelled(Exception):
    """The work was cancelled: its result is not wanted any more."""


def check() -> None:
    """Raise Cancelled when the work this thread is doing has been cancelled."""
    event: threading.Event | None = getattr(_local, "event", None)
    if event is not None and event.is_set():
        raise Cancelled


@contextmanager
def cancellable(event: threading.Event) -> Iterator[None]:
    """Let ``check()`` in this thread see ``event`` for the duration of the block."""
    previous = getattr(_local, "event", None)
    _local.event = event
    try:
        yield
    finally:
        _local.event = previous
