"""Every request answered, every frame survived (L3–L9 of the fuzz report).

A raw JSON-RPC client over stdio sends what pytest-lsp cannot: broken frames and params
that do not fit their method. The server must answer each request (a client that waits
must not wait forever), write one log line for it rather than a traceback, and go on
serving."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLE_MD

SERVER = [sys.executable, "-m", "klarsyn", "lsp", "--stdio"]
WAIT = 10.0  # seconds for an answer; the server answers in milliseconds


class RawClient:
    """Just enough of a client: frames written by hand, the server's frames read strictly."""

    def __init__(self, tmp_path: Path, options: dict[str, Any] | None = None, encoding: str = "utf-16",
                 nonblocking: bool = False, read_delay: float = 0.0) -> None:
        self.log_path = tmp_path / "server.log"
        self._log = open(self.log_path, "wb")
        self._read_delay = read_delay
        if nonblocking:  # the server's stdout as a Node editor may hand it over: O_NONBLOCK
            r, w = os.pipe()
            os.set_blocking(w, False)
            self.proc = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=w, stderr=self._log, bufsize=0)
            os.close(w)
            self._out = os.fdopen(r, "rb")
        else:
            self.proc = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, bufsize=0)
            self._out = self.proc.stdout
        self.answers: dict[object, dict[str, Any]] = {}
        self.notes: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self._cv = threading.Condition()
        self._next = 1
        threading.Thread(target=self._read, daemon=True).start()
        reply = self.request("initialize", {"processId": None, "rootUri": tmp_path.as_uri(), "initializationOptions": options,
                                            "capabilities": {"general": {"positionEncodings": [encoding]}}})
        assert reply is not None and "result" in reply
        self.notify("initialized", {})

    def _read(self) -> None:
        out = self._out
        assert out is not None
        while True:
            if self._read_delay and self.seen:  # a slow editor: the pipe fills meanwhile
                time.sleep(self._read_delay)
                self._read_delay = 0.0
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    return
                if line == b"\r\n":
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            length, body = int(headers["content-length"]), b""
            while len(body) < length:  # a pipe gives what it has
                chunk = out.read(length - len(body))
                if not chunk:
                    return
                body += chunk
            message = json.loads(body)
            if "id" in message and "method" in message:  # a request from the server: answer it
                self.raw(_frame({"jsonrpc": "2.0", "id": message["id"], "result": None}))
                continue
            with self._cv:
                if "id" in message:
                    self.answers[message["id"]] = message
                else:
                    self.seen.append(message)
                    self.notes.put(message)
                self._cv.notify_all()

    def raw(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.raw(_frame(message))

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any, wait: float = WAIT, send: bool = True) -> dict[str, Any] | None:
        msg_id = self._next
        self._next += 1
        if send:
            self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return self.answer(msg_id, wait)

    def answer(self, msg_id: object, wait: float = WAIT) -> dict[str, Any] | None:
        with self._cv:
            self._cv.wait_for(lambda: msg_id in self.answers, timeout=wait)
            return self.answers.get(msg_id)

    def next_id(self) -> int:
        self._next += 1
        return self._next - 1

    def diagnostics(self, uri: str, wait: float = WAIT, until: Any = None) -> list[dict[str, Any]] | None:
        deadline = time.monotonic() + wait
        with self._cv:
            while True:
                found = [m for m in self.seen if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri]
                if found and (until is None or until(found[-1]["params"])):
                    return found[-1]["params"]["diagnostics"]
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cv.wait(left)

    def messages(self) -> list[str]:
        with self._cv:
            return [m["params"]["message"] for m in self.seen if m.get("method") == "window/showMessage"]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> str:
        """Shut down cleanly; the server's log."""
        if self.alive():
            # A request after shutdown is answered with an error, so asking twice is fine.
            assert self.request("shutdown", None, wait=5) is not None
            self.notify("exit", None)
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (subprocess.TimeoutExpired, OSError):
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


@pytest.fixture
def raw(tmp_path):
    clients: list[RawClient] = []

    def start(**kwargs: Any) -> RawClient:
        clients.append(RawClient(tmp_path, **kwargs))
        return clients[-1]

    yield start
    for c in clients:
        if c.proc.poll() is None:
            c.proc.kill()
            c.proc.wait()


def open_doc(c: RawClient, uri: str, text: str, language: str = "markdown") -> None:
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}})


# -- L3, L9: requests whose params do not fit ------------------------------------------------------------


def test_malformed_requests_are_answered_with_invalid_params_and_one_log_line(raw, tmp_path) -> None:
    c = raw()
    uri = (tmp_path / "p.md").as_uri()
    open_doc(c, uri, "Kommunen skal herunder bygge skoler.\n")
    assert c.diagnostics(uri) is not None
    zero = {"line": 0, "character": 0}
    cases = {
        "hover without a position": ("textDocument/hover", {"textDocument": {"uri": uri}}),
        "a negative position": ("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": -1, "character": -1}}),
        "a position over 2^31-1": ("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 2**31, "character": 0}}),
        "null params": ("textDocument/hover", None),
        "string params": ("textDocument/hover", "x"),
        "a code action without context": ("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": {"start": zero, "end": zero}}),
        "a diagnostic pull without a document": ("textDocument/diagnostic", {}),
    }
    for name, (method, params) in cases.items():
        reply = c.request(method, params)
        assert reply is not None, f"{name}: no answer"
        assert reply.get("error", {}).get("code") == -32602, (name, reply)
        assert method in reply["error"]["message"]
    for name, (method, params) in {"stats with a number": ("klarsyn/documentStats", {"uri": 5}),
                                   "stats without params": ("klarsyn/documentStats", None)}.items():
        reply = c.request(method, params)
        assert reply is not None and reply.get("error", {}).get("code") == -32602, (name, reply)
    # Good requests after all that are still answered.
    hover = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 16}})
    assert hover is not None and "herunder" in hover["result"]["contents"]["value"]
    missing = c.request("textDocument/hover", {"textDocument": {"uri": (tmp_path / "no.md").as_uri()}, "position": zero})
    assert missing is not None and missing["error"]["code"] == -32602
    log = c.close()
    assert "Traceback" not in log
    # One line each: the seven above, the two stats requests, the document that is not open.
    assert len([line for line in log.splitlines() if "WARNING" in line or "ERROR" in line or "INFO request" in line]) <= 12, log


# -- L4: frames ------------------------------------------------------------------------------------------------

FRAMES = {
    "a body shorter than its length": b'Content-Length: 20\r\n\r\n{"jsonrpc": "2.0", ',
    "no Content-Length": b"Content-Type: x\r\n\r\n{}",
    "a negative length": b"Content-Length: -5\r\n\r\n",
    "a huge length": b'Content-Length: 999999999999\r\n\r\n{"a":1}',
    "a lower-case header": b"content-length: 2\r\n\r\n{}",
    "LF-only headers": b"Content-Length: 2\n\n{}",
    "a body that is not JSON": b"Content-Length: 5\r\n\r\nhello",
    "a JSON array": b"Content-Length: 2\r\n\r\n[]",
    "nesting 100,000 deep": b"Content-Length: 100000\r\n\r\n" + b"[" * 100000,
    "junk between frames": b"\r\n\x00\xff garbage\r\n",
}


@pytest.mark.parametrize("name", list(FRAMES))
def test_bad_frames_neither_kill_nor_stall_the_server(raw, tmp_path, name: str) -> None:
    c = raw()
    c.raw(FRAMES[name])
    reply = c.request("textDocument/hover", {"textDocument": {"uri": "file:///x.md"}, "position": {"line": 0, "character": 0}})
    assert reply is not None and reply["error"]["code"] == -32602, f"{name}: the next request was not answered"
    assert c.request("shutdown", None) is not None
    assert c.alive()
    assert "Traceback" not in c.close()


def test_requests_in_frames_read_leniently_are_answered(raw, tmp_path) -> None:
    c = raw()
    # Lower-case header, LF line ends: read as the message it is.
    body = json.dumps({"jsonrpc": "2.0", "id": 501, "method": "klarsyn/documentStats", "params": {"uri": "file:///x.md"}}).encode()
    c.raw(b"content-length: %d\n\n" % len(body) + body)
    assert c.answer(501)["error"]["code"] == -32602  # type: ignore[index]
    # Shorter than its length, and the client waits: answered after a moment without more bytes.
    body = json.dumps({"jsonrpc": "2.0", "id": 502, "method": "klarsyn/documentStats", "params": {"uri": "file:///x.md"}}).encode()
    c.raw(b"Content-Length: %d\r\n\r\n" % (len(body) + 40) + body)
    assert c.answer(502) is not None
    # Shorter than its length, and the next frame follows: both answered.
    second = _frame({"jsonrpc": "2.0", "id": 504, "method": "klarsyn/documentStats", "params": {"uri": "file:///y.md"}})
    body = json.dumps({"jsonrpc": "2.0", "id": 503, "method": "klarsyn/documentStats", "params": {"uri": "file:///x.md"}}).encode()
    c.raw(b"Content-Length: %d\r\n\r\n" % (len(body) + 10) + body + second)
    assert c.answer(503) is not None and c.answer(504) is not None
    assert "Traceback" not in c.close()


def test_a_frame_over_the_limit_is_skipped_answered_and_reported(raw, tmp_path) -> None:
    c = raw()
    filler = "a" * (65 * 2**20)
    body = json.dumps({"jsonrpc": "2.0", "id": 77, "method": "textDocument/hover",
                       "params": {"textDocument": {"uri": "file:///big.md"}, "position": {"line": 0, "character": 0}, "x": filler}}).encode()
    c.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    del body, filler
    reply = c.answer(77, wait=60)
    assert reply is not None and reply["error"]["code"] == -32600
    assert any("64 MiB" in m and "skipped" in m for m in c.messages())
    assert c.request("shutdown", None) is not None
    assert "Traceback" not in c.close()


# -- L8: a draft over the CLI's limit -------------------------------------------------------------------------


def test_a_draft_over_20_mib_is_refused_with_one_diagnostic_and_the_server_answers(raw, tmp_path) -> None:
    c = raw()
    paragraph = "Kommunen skal herunder bygge flere skoler og barnehager i hele byen.\n\n"
    text = paragraph * (21 * 2**20 // len(paragraph) + 1)
    uri = (tmp_path / "huge.md").as_uri()
    started = time.monotonic()
    open_doc(c, uri, text)
    found = c.diagnostics(uri, wait=60)
    took = time.monotonic() - started
    assert found is not None and len(found) == 1 and "too large" in found[0]["message"] and "20 MiB" in found[0]["message"]
    assert took < 20, f"{took:.1f} s"  # the check of 30 MB took 47 s before, and nothing was answered meanwhile
    assert any("too large" in m and "huge.md" in m for m in c.messages())
    hover = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 16}})
    assert hover is not None and hover.get("result") is None
    # An edit that brings it under the limit makes it a draft like any other.
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": paragraph}]})
    found = c.diagnostics(uri, until=lambda p: p.get("version") == 2)
    assert found is not None and [d["code"] for d in found] == ["kanselli"]
    assert "Traceback" not in c.close()


# -- L7: bursts -------------------------------------------------------------------------------------------------


def test_a_burst_of_500_edits_gives_a_handful_of_checks_and_the_last_text_is_checked(raw, tmp_path) -> None:
    c = raw()
    text = SAMPLE_MD.read_text(encoding="utf-8")
    uri = (tmp_path / "burst.md").as_uri()
    open_doc(c, uri, text)
    assert c.diagnostics(uri) is not None
    with c._cv:
        before = len(c.seen)
    # Typing "og og " at the start of the first paragraph, a character at a time, then more.
    line = next(i for i, l in enumerate(text.splitlines()) if l and not l.startswith("#"))
    frames = []
    typed = ("og og " * 84)[:500]
    for i, ch in enumerate(typed):
        frames.append(_frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": i + 2},
            "contentChanges": [{"range": {"start": {"line": line, "character": i}, "end": {"line": line, "character": i}}, "text": ch}]}}))
    c.raw(b"".join(frames))
    found = c.diagnostics(uri, wait=60, until=lambda p: p.get("version") == 501)
    assert found is not None
    with c._cv:
        publishes = [m for m in c.seen[before:] if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri]
    print(f"\n500 edits: {len(publishes)} publishes")
    assert len(publishes) <= 20, len(publishes)  # before: 501, one per edit
    # The last text is the one checked: the doubled words typed are flagged.
    assert sum(1 for d in found if d["code"] == "dobbelt-ord" and d["range"]["start"]["line"] == line) >= 80
    assert "Traceback" not in c.close()


# -- L5: a typo in the settings ---------------------------------------------------------------------------------


def test_an_unknown_rule_id_in_the_settings_is_reported_and_the_rest_still_applies(raw, tmp_path) -> None:
    c = raw(options={"klarsyn": {"ignore": ["langt-ordd"]}})
    uri = (tmp_path / "typo.md").as_uri()
    open_doc(c, uri, SAMPLE_MD.read_text(encoding="utf-8"))
    found = c.diagnostics(uri)
    assert found, "a typo turned every diagnostic off"
    assert any("langt-ordd" in m and "langt-ord'" in m for m in c.messages()), c.messages()
    c.notify("workspace/didChangeConfiguration", {"settings": {"klarsyn": {"select": ["kanseli"], "severity": {"langt-ord": "off", "pasiv": "hint"}}}})
    found = c.diagnostics(uri, until=lambda p: "langt-ord" not in {d["code"] for d in p["diagnostics"]})
    assert found and {d["code"] for d in found} > {"kanselli"}  # kanseli is left out, so every rule runs
    messages = c.messages()
    assert any("'kanseli'" in m and "'kanselli'" in m for m in messages), messages
    assert any("'pasiv'" in m for m in messages), messages
    assert sum("langt-ordd" in m for m in messages) == 1  # once, not once per check
    assert "Traceback" not in c.close()


def test_a_message_with_a_lone_surrogate_is_still_written_as_utf8() -> None:
    """The fast publish path writes JSON with ensure_ascii=False; a lone surrogate cannot
    be UTF-8, so that message is written with JSON escapes instead of raising."""
    from klarsyn.lsp.server import create_server

    protocol = create_server().protocol
    written: list[bytes] = []

    class Writer:
        def write(self, data: bytes) -> None:
            written.append(data)

    protocol.set_writer(Writer())
    protocol.send_json_notification("textDocument/publishDiagnostics",
                                    json.dumps({"uri": "file:///a.md", "diagnostics": [{"message": "«ord\ud800ord»"}]}, ensure_ascii=False))
    header, _, body = written[0].partition(b"\r\n\r\n")
    assert int(header.split(b"Content-Length: ")[1].split(b"\r\n")[0]) == len(body)
    assert json.loads(body.decode("utf-8"))["params"]["diagnostics"][0]["message"] == "«ord\ud800ord»"


# -- L6: lone surrogates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
def test_lone_surrogates_do_not_drop_findings(raw, tmp_path, encoding: str) -> None:
    c = raw(encoding=encoding)
    uri = (tmp_path / "sur.md").as_uri()
    # \ud83d alone is valid JSON (json.dumps writes the escape) but not valid Unicode.
    text = "Vi \ud83d vil herunder bygge skoler, f.eks. i ord\ud800ord ord\ud800ord sentrum.\n"
    open_doc(c, uri, text)
    found = c.diagnostics(uri)
    assert found is not None
    codes = {d["code"]: d for d in found}
    assert {"kanselli", "forkortelser", "dobbelt-ord"} <= set(codes), found  # before: the findings after \ud83d were dropped

    def column(before: str) -> int:  # a lone surrogate is one UTF-16 unit, three bytes in UTF-8 (surrogatepass)
        return len(before.encode("utf-16-le", "surrogatepass")) // 2 if encoding == "utf-16" else len(before.encode("utf-8", "surrogatepass"))

    for rule, word in (("kanselli", "herunder"), ("forkortelser", "f.eks.")):
        start = text.index(word)
        assert codes[rule]["range"] == {"start": {"line": 0, "character": column(text[:start])},
                                        "end": {"line": 0, "character": column(text[: start + len(word)])}}, rule
    lens = c.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
    actions = c.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": codes["dobbelt-ord"]["range"],
                                                    "context": {"diagnostics": []}})
    assert lens is not None and actions is not None and actions["result"]
    assert "Traceback" not in c.close()


def test_big_answers_arrive_whole_through_a_non_blocking_pipe(raw, tmp_path) -> None:
    """Node-based editors may give the server a non-blocking stdout. A publish of some
    700 KB then stopped half written when the pipe was full and the editor read broken
    JSON; the server makes its pipes blocking at start (lsp/server.py)."""
    c = raw(nonblocking=True, read_delay=1.5)
    text = "\n\n".join([SAMPLE_MD.read_text(encoding="utf-8").split("\n---\n", 1)[-1]] * 16)
    uri = (tmp_path / "stor.md").as_uri()
    c.notify("window/logMessage", {})  # something seen, so the reader starts its pause
    open_doc(c, uri, text)
    found = c.diagnostics(uri, wait=60)
    assert found is not None and len(found) > 500  # parsed: the frame came whole
    assert c.request("shutdown", None, wait=30) is not None
