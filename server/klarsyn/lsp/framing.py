"""Reading the editor's JSON-RPC frames without trusting them.

pygls reads a frame with ``readexactly(Content-Length)``: a frame that claims 999999999999
bytes raised MemoryError and killed the server, and a frame that was shorter than it said,
had no Content-Length, a lower-case header or LF-only line ends left the server reading
forever. This reader:

- accepts header names in any case and lines ending in LF or CRLF (HTTP-style headers);
- skips a frame over MAX_FRAME bytes without holding it in memory (the editor is told,
  and a request in it is answered with an error when its id can be seen);
- after a frame it cannot read (no usable Content-Length, a body that is not one JSON
  message), finds the next ``Content-Length:`` header and carries on from there. JSON
  cannot hold a raw line break inside a string, so a header line is never mistaken for a
  body's text;
- takes a body that is shorter than its Content-Length when it is a whole JSON message and
  nothing more arrives for STALL seconds, so a client that waits for the answer gets one.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from typing import Awaitable, Callable

MAX_FRAME = 64 * 2**20  # bytes: three times the largest draft klarsyn checks (20 MiB)
MAX_HEADER = 8 * 1024  # a header block longer than this is not a header block
STALL = 1.0  # seconds without new bytes before a short body is taken as it is
HEAD = 64 * 1024  # bytes of a skipped frame kept to find its id and method

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")
_LINE_END = re.compile(rb"\r?\n")
# The start of the next frame: "Content-Length: 123" and its line end.
_RESYNC = re.compile(rb"(?i)content-length[ \t]*:[ \t]*[0-9]+[ \t]*\r?\n")
_MARKER_TAIL = 64  # bytes kept when a marker may straddle two reads


@dataclass
class Message:
    body: bytes
    short: bool = False  # shorter than its Content-Length


@dataclass
class Skipped:
    """Bytes that were not a readable frame."""

    reason: str
    head: bytes  # the first HEAD bytes, to find a request's id


class FrameReader:
    def __init__(self, read: Callable[[], Awaitable[bytes]], max_frame: int = MAX_FRAME, stall: float = STALL) -> None:
        self._read = read
        self._buf = bytearray()
        self._eof = False
        self._pending: asyncio.Future[bytes] | None = None
        self._resync: str | None = None  # why the bytes up to the next header are not a frame
        self.max_frame = max_frame
        self.stall = stall

    async def _fill(self, timeout: float | None = None) -> bool:
        """Read more bytes. False at the end of the stream, or when ``timeout`` passes
        first (the read goes on and its bytes are kept for the next call)."""
        if self._eof:
            return False
        if self._pending is None:
            self._pending = asyncio.ensure_future(self._read())
        done, _ = await asyncio.wait({self._pending}, timeout=timeout)
        if not done:
            return False
        future, self._pending = self._pending, None
        try:
            chunk = future.result()
        except (OSError, ValueError):  # the pipe or socket went away
            chunk = b""
        if not chunk:
            self._eof = True
            return False
        self._buf += chunk
        return True

    def unread(self, data: bytes, reason: str | None = None) -> None:
        """Put bytes back: what followed a message that was shorter than its length, or
        (with a reason) a body that was not one message, whose bytes up to the next header
        are then dropped."""
        self._buf[:0] = data
        if reason is not None:
            self._resync = reason

    async def next(self) -> Message | Skipped | None:
        """The next frame, or None at the end of the stream."""
        while True:
            if self._resync is not None:
                found = await self._find_header(self._resync)
                if found is not None:
                    return found
                if not self._buf and self._eof:
                    return None
            match = _HEADER_END.search(self._buf, 0, MAX_HEADER)
            if match is None:
                newline = self._buf.find(b"\n", 0, MAX_HEADER)
                if len(self._buf) >= MAX_HEADER or (newline != -1 and not _HEADER_LINE.match(self._buf)):
                    self._resync = "bytes that were not a frame"
                    continue
                if not await self._fill():
                    if self._buf.strip():
                        self._resync = "bytes that were not a frame"
                        continue
                    return None
                continue
            lines = _LINE_END.split(bytes(self._buf[: match.start()]))
            if not all(_HEADER_LINE.match(line) for line in lines):
                self._resync = "bytes that were not a frame"
                continue
            length: int | None = None
            for line in lines:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    value = value.strip()
                    length = int(value) if value.isdigit() and len(value) <= 18 else None
            del self._buf[: match.end()]
            if length is None:
                self._resync = "a frame without a usable Content-Length header"
                continue
            if length > self.max_frame:
                return await self._skip(length)
            return await self._body(length)

    async def _body(self, length: int) -> Message | Skipped | None:
        use_timeout = True
        while len(self._buf) < length:
            before = len(self._buf)
            if await self._fill(timeout=self.stall if (use_timeout and self._buf) else None):
                use_timeout = True
                continue
            if self._eof:
                head = bytes(self._buf[:HEAD])
                self._buf.clear()
                return Skipped("the stream ended inside a message", head) if head.strip() else None
            # Nothing new for a while: if what came is a whole message, the length was wrong.
            if len(self._buf) == before and _whole_json(self._buf):
                body = bytes(self._buf)
                self._buf.clear()
                return Message(body, short=True)
            use_timeout = False  # not whole yet: wait for more without polling
        body = bytes(self._buf[:length])
        del self._buf[:length]
        return Message(body)

    async def _skip(self, length: int) -> Skipped:
        """Drop a frame that is too large, without holding it in memory. A header inside
        it means the length was a lie: reading goes on from that header."""
        head = bytearray()
        remaining = length
        while remaining > 0:
            if len(self._buf) <= _MARKER_TAIL and not await self._fill():
                head += self._buf[: HEAD - len(head)]
                self._buf.clear()
                break
            window = min(len(self._buf), remaining)
            marker = _RESYNC.search(self._buf, 0, window + _MARKER_TAIL)
            if marker is not None and marker.start() < window:
                head += self._buf[: min(marker.start(), HEAD - len(head))]
                del self._buf[: marker.start()]
                break
            cut = window if window == remaining else max(0, window - _MARKER_TAIL)
            head += self._buf[: min(cut, max(0, HEAD - len(head)))]
            del self._buf[:cut]
            remaining -= cut
        return Skipped(f"a message of {length:,} bytes (the limit is {self.max_frame // 2**20} MiB)", bytes(head))

    async def _find_header(self, reason: str) -> Message | Skipped | None:
        """Drop bytes up to the next ``Content-Length:`` header. Bytes that are one whole
        JSON message (a frame that came without a usable header) are taken as one."""
        self._resync = None
        head = bytearray()
        dropped = 0
        while True:
            marker = _RESYNC.search(self._buf)
            if marker is not None:
                if dropped == 0 and marker.start() and _whole_json(self._buf[: marker.start()]):
                    body = bytes(self._buf[: marker.start()])
                    del self._buf[: marker.start()]
                    return Message(body, short=True)
                head += self._buf[: min(marker.start(), max(0, HEAD - len(head)))]
                dropped += marker.start()
                del self._buf[: marker.start()]
                break
            if dropped == 0 and _whole_json(self._buf):
                # One message and nothing after it yet: the client may be waiting for the answer.
                if not await self._fill(timeout=self.stall):
                    if self._eof or _whole_json(self._buf):
                        body = bytes(self._buf)
                        self._buf.clear()
                        return Message(body, short=True)
                continue
            cut = max(0, len(self._buf) - _MARKER_TAIL)
            head += self._buf[: min(cut, max(0, HEAD - len(head)))]
            dropped += cut
            del self._buf[:cut]
            if not await self._fill():
                head += self._buf[: max(0, HEAD - len(head))]
                dropped += len(self._buf)
                self._buf.clear()
                break
        return Skipped(reason, bytes(head)) if head.strip() else None


def _whole_json(data: bytearray) -> bool:
    stripped = data.strip()
    if not stripped.startswith(b"{") or not stripped.endswith(b"}"):
        return False
    try:
        json.loads(stripped)
    except ValueError:
        return False
    return True


_ID = re.compile(rb'(?<!\\)"id"\s*:\s*(-?[0-9]{1,18}|"(?:[^"\\]|\\.){0,200}")')
_METHOD = re.compile(rb'(?<!\\)"method"\s*:\s*"((?:[^"\\]|\\.){0,200})"')


def sniff(head: bytes) -> tuple[object, str | None]:
    """The id and method of a request from the first bytes of a frame that could not be
    read; (None, None) when there is no request to answer. In JSON a quote inside a string
    is escaped, so an unescaped "id" is a key."""
    method = _METHOD.search(head)
    found = _ID.search(head)
    if found is None or method is None:
        return None, method.group(1).decode("utf-8", "replace") if method else None
    try:
        msg_id = json.loads(found.group(1))
    except ValueError:
        return None, None
    return msg_id, method.group(1).decode("utf-8", "replace")


async def serve(reader: FrameReader, handle: Callable[[Message], None], skipped: Callable[[Skipped], None],
                stopped: Callable[[], bool]) -> None:
    """Read frames until the stream ends or ``stopped()``; never raises for bad input."""
    while not stopped():
        frame = await reader.next()
        if frame is None:
            return
        if isinstance(frame, Skipped):
            skipped(frame)
        else:
            handle(frame)
