"""`klarsyn lsp --tcp` with a bad HOST:PORT: one usage line and exit 2, not a ValueError or
OverflowError traceback (fuzz report D8, repro 22_lsp_tcp_usage.sh)."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest


@pytest.mark.parametrize("value", ["nonsense", "127.0.0.1:99999", "127.0.0.1:0", "127.0.0.1:-5", ":abc", "127.0.0.1:", "h:٣٣"])
def test_bad_tcp_address_is_a_usage_error(run_cli, value: str) -> None:
    code, out, err = run_cli("lsp", "--tcp", value)
    assert code == 2 and out == ""
    assert err.splitlines() == [f"klarsyn: --tcp must be HOST:PORT with a port from 1 to 65535, not '{value}'"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    # A subprocess with a timeout: should the address be usable after all, the server would
    # serve forever in this process.
    return subprocess.run([sys.executable, "-m", "klarsyn", *args], capture_output=True, text=True, timeout=30)


def test_port_in_use_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _run("lsp", "--tcp", f"127.0.0.1:{port}")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"klarsyn: --tcp 127.0.0.1:{port}: cannot listen there (")


def test_unknown_host_is_one_line() -> None:
    result = _run("lsp", "--tcp", "nosuchhost.invalid:2087")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("klarsyn: --tcp nosuchhost.invalid:2087: cannot listen there (")
