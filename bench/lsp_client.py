"""A small JSON-RPC client for the benchmarks: starts `python -m klarsyn lsp` on stdio.

Shared by bench_lsp.py, bench_lsp_idle.py and bench_realtime.py. The server's stderr goes
to a temporary file; when the server dies or an answer does not come in time, the error
says what was awaited and shows the end of that file.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SERVER = [sys.executable, "-m", "klarsyn", "lsp"]


class ServerError(RuntimeError):
    """The server died, or did not answer in time."""


class Connection:
    def __init__(self, command: list[str] | None = None, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.stderr = tempfile.NamedTemporaryFile(prefix="klarsyn-bench-stderr-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(command or SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr)
        self.messages: queue.Queue[dict | None] = queue.Queue()
        self._id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        try:
            while True:
                length = 0
                while True:
                    line = stream.readline()
                    if not line:
                        return
                    if line in (b"\r\n", b"\n"):
                        break
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                self.messages.put(json.loads(stream.read(length)))
        finally:
            self.messages.put(None)  # end of stream: the server closed stdout or died

    def stderr_tail(self, chars: int = 4000) -> str:
        self.stderr.flush()
        try:
            text = Path(self.stderr.name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return text[-chars:]

    def _fail(self, what: str, ended: bool = False) -> ServerError:
        if ended:  # the output closed: the exit code follows at once
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        code = self.proc.poll()
        state = (f"the server exited with code {code}" if code is not None
                 else "the server closed its output" if ended else f"no answer within {self.timeout:g} s")
        tail = self.stderr_tail().strip()
        detail = f"\n--- server stderr ({self.stderr.name}), last lines ---\n{tail}" if tail else " (its stderr is empty)"
        return ServerError(f"while waiting for {what}: {state}{detail}")

    def next_message(self, what: str, timeout: float | None = None) -> dict:
        """The next message from the server; a request from it is answered with null here."""
        message = self.poll(timeout or self.timeout, what)
        if message is None:
            raise self._fail(what)
        return message

    def poll(self, seconds: float, what: str = "a message") -> dict | None:
        """The next message within `seconds`, else None; raises when the server is gone."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                message = self.messages.get(timeout=min(left, 0.5))
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise self._fail(what, ended=True) from None
                continue
            if message is None:
                self.messages.put(None)  # every later wait fails too
                raise self._fail(what, ended=True)
            if "method" in message and "id" in message:  # a request from the server
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            return message

    def send(self, payload: dict) -> None:
        data = json.dumps(payload).encode("utf-8")
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._fail(f"sending {payload.get('method', 'an answer')}") from None

    def send_request(self, method: str, params: dict | None) -> int:
        self._id += 1
        payload: dict = {"jsonrpc": "2.0", "id": self._id, "method": method}
        if params is not None:
            payload["params"] = params
        self.send(payload)
        return self._id

    def wait_response(self, request_id: int, what: str = "an answer", timeout: float | None = None) -> dict:
        while True:
            message = self.next_message(f"{what} (request {request_id})", timeout)
            if message.get("id") == request_id and "method" not in message:
                return message

    def request(self, method: str, params: dict | None, timeout: float | None = None) -> dict:
        return self.wait_response(self.send_request(method, params), method, timeout)

    def notify(self, method: str, params: dict) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, uri: str, version: int, timeout: float | None = None) -> dict:
        while True:
            message = self.next_message(f"publishDiagnostics for version {version} of {uri}", timeout)
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                if params["uri"] == uri and params.get("version") == version:
                    return params

    def peak_memory_mb(self) -> float:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.proc.pid)

    def close(self) -> None:
        """shutdown and exit if the server still runs; killed after 10 s at the most."""
        if self.proc.poll() is None:
            try:
                self.request("shutdown", None, timeout=10)
                self.notify("exit", {})
                self.proc.wait(timeout=10)
            except (ServerError, subprocess.TimeoutExpired):
                pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()
        os.unlink(self.stderr.name)

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None and exc[0] is not KeyboardInterrupt and self.proc.poll() is not None:
            tail = self.stderr_tail().strip()
            if tail:
                print(f"--- server stderr ---\n{tail}", file=sys.stderr)
        self.close()


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
