"""Log records reach the editor as window/logMessage with their level once it is connected:
VS Code shows a server's stderr as [error], so "shutting down" looked like a failure."""

from __future__ import annotations

import asyncio
import logging
import threading

from lsprotocol import types

from klarsyn.lsp.logs import ClientLogHandler


class FakeServer:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[types.LogMessageParams] = []
        self.fail = fail

    def window_log_message(self, params: types.LogMessageParams) -> None:
        if self.fail:
            raise BrokenPipeError("gone")
        self.sent.append(params)


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record.getMessage())


def _logger(handler: logging.Handler) -> logging.Logger:
    log = logging.getLogger("klarsyn.test.logs")
    log.handlers[:] = [handler]
    log.propagate = False
    log.setLevel(logging.DEBUG)
    return log


def test_levels_go_to_the_client_once_connected() -> None:
    async def run() -> None:
        stderr = Collect()
        handler = ClientLogHandler(stderr)
        log = _logger(handler)
        log.info("before the connection")
        server = FakeServer()
        handler.connect(server)
        log.debug("d")
        log.info("i")
        log.warning("w")
        log.error("e")
        threading.Thread(target=lambda: log.error("from the pass's thread")).start()
        await asyncio.sleep(0.2)
        assert [(p.type, p.message) for p in server.sent] == [
            (types.MessageType.Log, "d"), (types.MessageType.Info, "i"), (types.MessageType.Warning, "w"),
            (types.MessageType.Error, "e"), (types.MessageType.Error, "from the pass's thread")]
        handler.connect(FakeServer(fail=True))
        log.info("the client went away")
        handler.disconnect()
        log.info("after")
        assert stderr.records == ["before the connection", "the client went away", "after"]

    asyncio.run(run())
