"""The JSON-RPC side of the server: reading the editor's messages without trusting them,
and fast publishing of many diagnostics.

Reading: frames come from klarsyn.lsp.framing. A message whose params lsprotocol cannot
read (a hover without a position, a negative line, null params, a code action without a
context) is answered with InvalidParams and one log line; pygls logged a traceback and
never answered, so a client that waited, waited forever.

Writing: pygls turns lsprotocol objects into JSON through cattrs, which costs about 20 ms
for 1,400 diagnostics; on a 100-page programme that is most of an edit's budget. The push
path builds plain dicts and writes the JSON itself. Pull requests keep the typed path."""

from __future__ import annotations

import json
import logging
import re
import threading
from typing import Any, Generator

import cattrs
from lsprotocol import types
from lsprotocol.types import ResponseErrorMessage
from pygls.exceptions import JsonRpcException, JsonRpcInternalError
from pygls.protocol import JsonRPCNotification, JsonRPCRequestMessage, JsonRPCResponseMessage, LanguageServerProtocol, lsp_method

from klarsyn.engine.rules import Rule
from klarsyn.findings import Finding
from klarsyn.lsp.convert import SEVERITY, SOURCE, _TAGS, focus, whole_label
from klarsyn.lsp.framing import FrameReader, Message, Skipped, serve, sniff
from klarsyn.lsp.positions import Converter

log = logging.getLogger("klarsyn.lsp")

INVALID_REQUEST = -32600
INVALID_PARAMS = -32602
_SPACE = re.compile(r"\s*")
_URI = re.compile(rb'(?<!\\)"uri"\s*:\s*"((?:[^"\\]|\\.){1,2000})"')


class Unreadable:
    """A JSON-RPC message lsprotocol could not turn into its type."""

    def __init__(self, data: dict[str, Any], error: Exception) -> None:
        self.data = data
        self.error = error

    def reason(self) -> str:
        try:
            details = cattrs.transform_error(self.error)  # e.g. "required field missing @ $.params.position"
        except Exception:  # noqa: BLE001 - not a cattrs validation error
            details = [str(self.error) or type(self.error).__name__]
        return "; ".join(details[:3])


class RawResult:
    """A request's result that is JSON text already (the diagnostics: see
    klarsyn.lsp.fragments); written into the response as it is."""

    __slots__ = ("json",)

    def __init__(self, json_text: str) -> None:
        self.json = json_text


def _json_id(value: object) -> object:
    """A request id fit to be sent back (JSON-RPC allows a string, a number or null)."""
    return value if isinstance(value, (str, int)) and not isinstance(value, bool) else None


class FastProtocol(LanguageServerProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._decoder = json.JSONDecoder(object_hook=self.structure_message)

    # -- reading ---------------------------------------------------------------------------

    async def serve(self, reader: FrameReader, stop: threading.Event) -> None:
        await serve(reader, lambda message: self.handle_frame(message, reader), self.frame_skipped, stop.is_set)

    def handle_frame(self, frame: Message, reader: FrameReader) -> None:
        text = frame.body.decode("utf-8", "replace")
        try:
            message, end = self._decoder.raw_decode(text, _SPACE.match(text).end())  # type: ignore[union-attr]
        except json.JSONDecodeError as exc:
            # Not one message: perhaps a body shorter than its length ran into the next
            # frame. Drop what is before the next header and read on from there.
            reader.unread(frame.body, reason=f"a body that is not JSON ({exc.msg})")
            return
        except RecursionError:
            self.frame_skipped(Skipped("a message nested too deeply", frame.body[:4096]))
            return
        if text[end:].strip():
            reader.unread(text[end:].encode("utf-8"))  # the start of the next frame
            frame.short = True
        if frame.short:
            log.warning("a message was shorter than its Content-Length header said; read it as it was")
        self.dispatch(message)

    def frame_skipped(self, frame: Skipped) -> None:
        msg_id, method = sniff(frame.head)
        log.warning("skipped %s%s", frame.reason, f" ({method})" if method else "")
        if frame.reason.startswith("a message of"):  # the user should know why a document shows nothing
            uri = _URI.search(frame.head)
            what = f" about {uri.group(1).decode('utf-8', 'replace')}" if uri else ""
            self.notify(types.WINDOW_SHOW_MESSAGE, types.ShowMessageParams(
                types.MessageType.Warning, f"klarsyn: the editor sent {frame.reason}{what}; it was skipped"))
        if msg_id is not None:
            self._send_error(msg_id, INVALID_REQUEST, f"klarsyn: the message could not be read: {frame.reason}")

    def dispatch(self, message: object) -> None:
        if isinstance(message, Unreadable):
            self._unreadable(message)
            return
        if not hasattr(message, "jsonrpc"):  # valid JSON, but not a JSON-RPC 2.0 message
            log.warning("ignored a message that is not JSON-RPC 2.0: %.80s", json.dumps(message, default=str))
            if isinstance(message, dict) and "id" in message and "method" in message:
                self._send_error(message["id"], INVALID_REQUEST, "klarsyn: not a JSON-RPC 2.0 message")
            return
        if self._shutdown and hasattr(message, "method") and hasattr(message, "id") and message.method != types.EXIT:  # type: ignore[attr-defined]
            # LSP: a request after shutdown gets InvalidRequest (pygls dropped it unanswered).
            self._send_error(message.id, INVALID_REQUEST, "klarsyn: the server is shutting down")  # type: ignore[attr-defined]
            return
        try:
            self.handle_message(message)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - one bad message must not end the session
            log.exception("could not handle %s", getattr(message, "method", "a message"))

    def _unreadable(self, message: Unreadable) -> None:
        data = message.data
        method, msg_id = data.get("method"), data.get("id")
        reason = message.reason()
        if "method" in data and "id" in data:
            log.warning("request %s: %s: %s", msg_id, method, reason)
            known = isinstance(method, str) and self.get_message_type(method) is not None
            self._send_error(msg_id, INVALID_PARAMS if known else INVALID_REQUEST, f"klarsyn: invalid {method} request: {reason}")
        elif "id" in data:  # the answer to one of our requests: whoever waits for it must not wait forever
            future = self._request_futures.pop(msg_id, None) if isinstance(msg_id, (str, int)) else None
            log.warning("could not read the editor's answer to request %s: %s", msg_id, reason)
            if future is not None and not future.done():
                future.set_exception(JsonRpcInternalError(f"unreadable answer: {reason}"))
        else:
            log.warning("ignored %s: %s", method, reason)

    def structure_message(self, data: dict[str, Any]) -> Any:
        """pygls' version, except that a message lsprotocol cannot read becomes an
        Unreadable (answered with an error) instead of an exception nobody answers."""
        if "jsonrpc" not in data:
            return data
        try:
            if "id" in data:
                if "error" in data:
                    return self._converter.structure(data, ResponseErrorMessage)
                if "method" in data:
                    return self._converter.structure(data, self.get_message_type(data["method"]) or JsonRPCRequestMessage)
                return self._converter.structure(data, self._result_types.pop(data["id"], None) or JsonRPCResponseMessage)
            return self._converter.structure(data, self.get_message_type(data.get("method", "")) or JsonRPCNotification)
        except Exception as exc:  # noqa: BLE001 - any bad shape
            return Unreadable(data, exc)

    def _send_handler_result(self, future: Any, *, msg_id: Any) -> None:
        """An error we raise on purpose (InvalidParams for a document that is not open)
        is an answer, not a failure: one log line, no traceback."""
        if not future.cancelled():
            exc = future.exception()
            if isinstance(exc, JsonRpcException):
                self._request_futures.pop(msg_id, None)
                log.info("request %s: %s", msg_id, exc)
                self._send_response(msg_id, error=exc.to_response_error())
                return
            result = future.result() if exc is None else None
            if isinstance(result, RawResult):
                self._request_futures.pop(msg_id, None)
                self.send_raw('{"jsonrpc": "2.0", "id": ' + json.dumps(_json_id(msg_id)) + ', "result": ' + result.json + "}")
                return
        super()._send_handler_result(future, msg_id=msg_id)

    # -- documents: the server keeps its own copy (klarsyn.lsp.text_sync) -----------------------
    # pygls' workspace would keep a second copy, built with str.splitlines() (wrong lines
    # after a form feed) and failing the whole notification on a change it cannot apply.

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    # -- writing -------------------------------------------------------------------------------------

    def _send_error(self, msg_id: object, code: int, message: str) -> None:
        self._write({"jsonrpc": "2.0", "id": _json_id(msg_id), "error": {"code": code, "message": message}})

    def _write(self, obj: object) -> None:
        self.send_raw(json.dumps(obj))

    def send_raw(self, body_json: str) -> None:
        if self.writer is None:
            log.error("cannot send a message: no transport")
            return
        try:
            body = body_json.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from the text: JSON can escape it, UTF-8 cannot carry it
            body = json.dumps(json.loads(body_json)).encode("ascii")
        header = f"Content-Length: {len(body)}\r\nContent-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
        self.writer.write(header.encode("ascii") + body)

    def send_json_notification(self, method: str, params_json: str) -> None:
        """Write a notification whose params are already JSON."""
        self.send_raw('{"jsonrpc": "2.0", "method": ' + json.dumps(method) + ', "params": ' + params_json + "}")


def diagnostic_data(f: Finding) -> dict[str, object]:
    """What a diagnostic carries for the code actions: the rule and the length of the whole
    finding (the range may be narrowed to its first words; it starts where the finding
    does). No offsets: they change at every edit before the finding, and then so would the
    JSON that klarsyn.lsp.fragments keeps."""
    return {"rule": f.rule, "length": f.end - f.start}


def _position(conv: Converter, offset: int) -> dict[str, int]:
    p = conv.position(offset)
    return {"line": p.line, "character": p.character}


def diagnostic_dict(f: Finding, conv: Converter, rule: Rule | None, related: list[dict[str, object]],
                    own_uri: str = "", lang: str = "nb") -> dict[str, object]:
    start, end = focus(conv.text, f.start, f.end)
    if (start, end) != (f.start, f.end) and own_uri:
        whole = {"start": _position(conv, f.start), "end": _position(conv, f.end)}
        related = [{"location": {"uri": own_uri, "range": whole}, "message": whole_label(lang)}, *related]
    d: dict[str, object] = {
        "range": {"start": _position(conv, start), "end": _position(conv, end)},
        "severity": int(SEVERITY[f.severity]),
        "code": f.rule,
        "source": SOURCE,
        "message": f.message,
        "data": diagnostic_data(f),
    }
    if rule is not None and rule.link.startswith("http"):
        d["codeDescription"] = {"href": rule.link}
    tags = _TAGS.get(f.rule)
    if tags:
        d["tags"] = [int(t) for t in tags]
    if related:
        d["relatedInformation"] = related
    return d
