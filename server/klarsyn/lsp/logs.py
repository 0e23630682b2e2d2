"""The server's log as the editor shows it. VS Code's output channel shows everything on a
server's stderr as ``[error]``, so an INFO line ("the client does not watch files for us")
looked like a failure. Once the client is connected, records go as window/logMessage with
their own level; stderr keeps what comes before the connection, after it, and what could
not be sent."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from typing import Any

from lsprotocol import types

_TYPES = ((logging.ERROR, types.MessageType.Error), (logging.WARNING, types.MessageType.Warning),
          (logging.INFO, types.MessageType.Info))


def message_type(level: int) -> types.MessageType:
    for floor, kind in _TYPES:
        if level >= floor:
            return kind
    return types.MessageType.Log


class ClientLogHandler(logging.Handler):
    def __init__(self, fallback: logging.Handler | None = None) -> None:
        super().__init__()
        self.fallback = fallback or logging.StreamHandler(sys.stderr)
        self.server: Any = None  # the LanguageServer, while the client is connected
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread: int | None = None
        self._busy = threading.local()  # a failing send that logs must not recurse

    def setFormatter(self, fmt: logging.Formatter | None) -> None:  # noqa: N802 - logging's name
        super().setFormatter(fmt)
        self.fallback.setFormatter(fmt)

    def connect(self, server: Any) -> None:
        self.server = server
        self.loop = asyncio.get_running_loop()
        self.thread = threading.get_ident()

    def disconnect(self) -> None:
        self.server = None

    def _send(self, params: types.LogMessageParams) -> None:
        server = self.server
        if server is None:
            raise RuntimeError("not connected")
        server.window_log_message(params)

    def emit(self, record: logging.LogRecord) -> None:
        server, loop = self.server, self.loop
        if server is None or loop is None or getattr(self._busy, "on", False) or loop.is_closed():
            self.fallback.handle(record)
            return
        self._busy.on = True
        try:
            params = types.LogMessageParams(message_type(record.levelno), record.getMessage() if record.exc_info is None
                                            else self.format(record).removeprefix("klarsyn "))
            if threading.get_ident() == self.thread:
                self._send(params)
            else:  # the consistency pass runs in a thread; the transport belongs to the loop
                loop.call_soon_threadsafe(self._send_or_fallback, params, record)
        except Exception:  # noqa: BLE001 - the client went away: stderr still works
            self.fallback.handle(record)
        finally:
            self._busy.on = False

    def _send_or_fallback(self, params: types.LogMessageParams, record: logging.LogRecord) -> None:
        self._busy.on = True
        try:
            self._send(params)
        except Exception:  # noqa: BLE001
            self.fallback.handle(record)
        finally:
            self._busy.on = False


handler = ClientLogHandler()


def install(level: int = logging.INFO) -> None:
    """The root logger writes through ``handler`` (stderr until a client connects)."""
    handler.setFormatter(logging.Formatter("klarsyn %(levelname)s %(message)s"))
    root = logging.getLogger()
    if handler not in root.handlers:
        root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("pygls").setLevel(logging.WARNING)
