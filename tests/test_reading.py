"""Every read decided on before it happens and every write leaving special files alone:
pipes, devices and sockets among the drafts, in --config and --baseline, in the language
server's workspace; UTF-16 drafts; outputs that are pipes, devices or symbolic links;
folder checks that stay inside the folder; file names that cannot break a line."""

from __future__ import annotations

import json
import os
import resource
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

DRAFT = "Vi vil herunder styrke skolen.\n"  # one kanselli finding at 1:8
pytestmark = pytest.mark.skipif(os.name != "posix", reason="pipes, devices and sockets as POSIX has them")


def _limit_memory() -> None:
    # A read without a bound eats about 1 GB/s from /dev/zero: never let a failing test
    # take the machine with it.
    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))


def klarsyn(*args: str, cwd: Path, timeout: float = 15.0) -> tuple[int, str, str, float]:
    """`python -m klarsyn ARGS` in a subprocess: a hang shows as a timeout, not a stuck run."""
    start = time.monotonic()
    try:
        result = subprocess.run([sys.executable, "-m", "klarsyn", *args], cwd=cwd, capture_output=True, text=True,
                                timeout=timeout, preexec_fn=_limit_memory, env={**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", str(ROOT))})
    except subprocess.TimeoutExpired:
        pytest.fail(f"klarsyn {' '.join(args)} still running after {timeout} s")
    return result.returncode, result.stdout, result.stderr, time.monotonic() - start


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "kap").mkdir()
    (tmp_path / "kap" / "a.md").write_text(DRAFT, encoding="utf-8")
    return tmp_path


# --- reading: pipes, devices, sockets ----------------------------------------------------


def test_fifo_named_on_the_command_line_is_refused_at_once(project: Path) -> None:
    os.mkfifo(project / "z.md")
    code, out, err, elapsed = klarsyn("check", "z.md", "kap/a.md", "--no-cache", cwd=project)
    assert code == 2
    assert err.splitlines() == ["klarsyn: z.md: is a named pipe (FIFO), not a regular file; refused"]
    assert "kap/a.md:1:8:" in out  # the other file is still checked
    assert elapsed < 10


def test_fifo_inside_a_checked_folder_is_refused_at_once(project: Path) -> None:
    os.mkfifo(project / "kap" / "z.md")
    code, out, err, _ = klarsyn("check", "kap", "--no-cache", cwd=project)
    assert code == 2
    assert err.splitlines() == ["klarsyn: kap/z.md: is a named pipe (FIFO), not a regular file; refused"]
    assert "kap/a.md:1:8:" in out


def test_socket_and_device_are_refused(project: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(project / "kap" / "s.md"))
    try:
        (project / "kap" / "null.txt").symlink_to("/dev/zero")  # inside the folder by name, a device in fact
        code, out, err, elapsed = klarsyn("check", "kap", "/dev/zero", "--no-cache", cwd=project)
    finally:
        server.close()
    assert code == 2
    lines = sorted(err.splitlines())
    assert "klarsyn: /dev/zero: is a character device, not a regular file; refused" in lines
    assert "klarsyn: kap/s.md: is a socket, not a regular file; refused" in lines
    assert any(line.startswith("klarsyn: kap/null.txt: ") for line in lines)
    assert len(lines) == 3 and "kap/a.md:1:8:" in out
    assert elapsed < 10


@pytest.mark.parametrize("option", ["--config", "--baseline"])
@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_config_and_baseline_from_a_device_or_a_pipe_are_refused_quickly(project: Path, option: str, special: str) -> None:
    if special == "fifo":
        os.mkfifo(project / "pipe.yml")
        special = "pipe.yml"
    code, _out, err, elapsed = klarsyn("check", "kap/a.md", option, special, "--no-cache", cwd=project)
    assert code == 2
    [line] = err.splitlines()
    assert line.startswith(f"klarsyn: {special}: ") and "not a regular file" in line, line
    assert elapsed < 10


def test_bounded_read_reads_at_most_the_limit(tmp_path: Path) -> None:
    from klarsyn.errors import InputError
    from klarsyn.safeio import read_bounded

    f = tmp_path / "x.md"
    f.write_bytes(b"x" * 1000)
    assert read_bounded(f, 1000) == b"x" * 1000
    with pytest.raises(InputError, match=r"is too large \(0.0 MiB; the limit is 999 bytes\)"):
        read_bounded(f, 999)
    link = tmp_path / "link.md"
    link.symlink_to(f)
    assert read_bounded(link, 1000) == b"x" * 1000
    (tmp_path / "broken.md").symlink_to(tmp_path / "gone.md")
    with pytest.raises(InputError, match="symbolic link to a file that does not exist"):
        read_bounded(tmp_path / "broken.md", 1000)
    with pytest.raises(InputError, match="is a folder, not a file"):
        read_bounded(tmp_path, 1000)


def test_language_server_indexes_a_workspace_with_a_fifo(project: Path) -> None:
    """With a FIFO named *.md under the root, indexing must not block the event loop: the
    server answers didOpen with diagnostics and a hover after it."""
    os.mkfifo(project / "kap" / "z.md")
    proc = subprocess.Popen([sys.executable, "-m", "klarsyn", "lsp", "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, cwd=project, preexec_fn=_limit_memory)
    messages: list[dict] = []

    def reader() -> None:
        assert proc.stdout is not None
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                byte = proc.stdout.read(1)
                if not byte:
                    return
                header += byte
            length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
            message = json.loads(proc.stdout.read(length))
            messages.append(message)
            if "method" in message and "id" in message:  # a request to the editor (progress, registration): agree
                send({"jsonrpc": "2.0", "id": message["id"], "result": None})

    lock = threading.Lock()

    def send(payload: dict) -> None:
        body = json.dumps(payload).encode()
        assert proc.stdin is not None
        with lock:
            proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            proc.stdin.flush()

    def wait_for(predicate, timeout: float = 20.0) -> dict:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for m in list(messages):
                if predicate(m):
                    return m
            time.sleep(0.05)
        pytest.fail("the language server did not answer")

    threading.Thread(target=reader, daemon=True).start()
    try:
        root = project.as_uri()
        send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": root, "capabilities": {"window": {"workDoneProgress": True}},
                                                                             "workspaceFolders": [{"uri": root, "name": "p"}]}})
        wait_for(lambda m: m.get("id") == 1)
        send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        time.sleep(2)  # indexing starts after initialized: the document comes after it
        uri = (project / "open.md").as_uri()
        send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
              "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": DRAFT}}})
        published = wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
                             and m["params"]["diagnostics"])
        assert any(d.get("code") == "kanselli" for d in published["params"]["diagnostics"])
        send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 9}}})
        wait_for(lambda m: m.get("id") == 2)
    finally:
        proc.kill()
        proc.wait()


# --- UTF-16 and byte-order marks -----------------------------------------------------------


@pytest.mark.parametrize("encoding, bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-8", b"\xef\xbb\xbf")])
def test_text_with_a_byte_order_mark_is_read_and_positions_count_decoded_characters(run_cli, tmp_path: Path, encoding: str, bom: bytes) -> None:
    text = "# Skole\n\nÆrlig talt: vi vil herunder styrke skolen.\r\n"
    draft = tmp_path / "notepad.txt"
    draft.write_bytes(bom + text.encode(encoding))
    code, out, err = run_cli("check", str(draft), "--format", "json", "--no-cache", "--select", "kanselli")
    assert err == "" and code in (0, 1)
    [finding] = json.loads(out)["files"][0]["diagnostics"]
    start, end = finding["offset"]
    assert text[start:end] == "herunder"  # offsets index the decoded text, the mark dropped
    assert finding["location"] == {"line": 3, "column": 20}


def test_utf16_without_a_mark_and_binary_files_say_what_they_are(run_cli, tmp_path: Path) -> None:
    draft = tmp_path / "uten-bom.txt"
    draft.write_bytes(DRAFT.encode("utf-16-le"))
    binary = tmp_path / "bilde.md"
    binary.write_bytes(b"\x00\x01\x02\x03binary\x00")
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"\xff\xfe" + "a\x00b".encode("utf-16-le"))
    cut = tmp_path / "kuttet.txt"
    cut.write_bytes(b"\xff\xfe" + "ab\ncd".encode("utf-16-le") + b"x")
    code, _, err = run_cli("check", str(draft), str(binary), str(nul), str(cut))
    assert code == 2
    assert err.splitlines() == [
        f"klarsyn: {binary}: looks like a binary file (it contains NUL bytes), not a text draft",
        f"klarsyn: {cut}: not valid UTF-16 at line 2, column 3 (a character cut off at the end)",
        f"klarsyn: {nul}: looks like a binary file (UTF-16 text with NUL characters), not a text draft",
        f"klarsyn: {draft}: looks like UTF-16 LE text without a byte-order mark (it contains NUL bytes); "
        "save it as UTF-8, or as UTF-16 with a byte-order mark",
    ]


# --- writing: never replace a special file -----------------------------------------------


def test_report_through_a_symlink_writes_the_target_and_keeps_the_link(run_cli, project: Path) -> None:
    real = project / "ut" / "rapport.html"
    real.parent.mkdir()
    real.write_text("gammel", encoding="utf-8")
    real.chmod(0o640)
    link = project / "rapport.html"
    link.symlink_to(real)
    code, _, err = run_cli("report", str(project / "kap" / "a.md"), "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640  # a replaced file keeps its permissions
    assert sorted(p.name for p in real.parent.iterdir()) == ["rapport.html"]  # no temporary file left


def test_report_into_a_fifo_with_a_reader(run_cli, project: Path) -> None:
    fifo = project / "ut.html"
    os.mkfifo(fifo)
    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:  # blocks until the report is written
            got.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    code, _, err = run_cli("report", str(project / "kap" / "a.md"), "-o", str(fifo))
    reader.join(5)
    if reader.is_alive():  # the pipe was never opened for writing: free the reader
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert code == 0, err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a file"
    assert got and got[0].startswith(b"<!DOCTYPE html>")


def test_fifo_without_a_reader_is_refused_after_a_wait(run_cli, project: Path, monkeypatch) -> None:
    from klarsyn import safeio

    monkeypatch.setattr(safeio, "PIPE_READER_WAIT", 0.3)
    fifo = project / "ingen.json"
    os.mkfifo(fifo)
    code, _, err = run_cli("baseline", "write", str(fifo), str(project / "kap" / "a.md"))
    assert code == 2
    assert err.splitlines() == [f"klarsyn: {fifo}: cannot write the baseline (is a named pipe (FIFO) and nothing read from it for 0.3 s)"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_baseline_into_a_fifo_and_through_a_link_to_a_device(run_cli, project: Path) -> None:
    fifo = project / "baseline.json"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    code, _, err = run_cli("baseline", "write", str(fifo), str(project / "kap" / "a.md"))
    reader.join(5)
    if reader.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert code == 0, err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and json.loads(got[0])["version"] == 1
    null = project / "null.html"
    null.symlink_to("/dev/null")
    code, _, err = run_cli("report", str(project / "kap" / "a.md"), "-o", str(null))
    assert code == 0, err
    assert null.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_report_to_a_link_to_stdout_reaches_stdout(project: Path) -> None:
    (project / "out.html").symlink_to("/proc/self/fd/1")
    code, out, err, _ = klarsyn("report", "kap/a.md", "-o", "out.html", cwd=project)
    assert code == 0, err
    assert out.startswith("<!DOCTYPE html>")
    assert (project / "out.html").is_symlink()
    # `-o /dev/stdout >> log` appends to the log, as the shell's redirection says.
    (project / "stdout.html").symlink_to("/dev/stdout")
    log = project / "log.txt"
    log.write_text("før\n", encoding="utf-8")
    with log.open("ab") as handle:
        subprocess.run([sys.executable, "-m", "klarsyn", "report", "kap/a.md", "-o", "stdout.html"], cwd=project, stdout=handle,
                       stderr=subprocess.DEVNULL, timeout=15, preexec_fn=_limit_memory, check=True)
    assert log.read_text(encoding="utf-8").startswith("før\n<!DOCTYPE html>")
    assert (project / "stdout.html").is_symlink()


def test_output_to_a_folder_is_one_line(run_cli, project: Path) -> None:
    code, _, err = run_cli("report", str(project / "kap" / "a.md"), "-o", str(project / "kap"))
    assert code == 2
    assert err.splitlines() == [f"klarsyn: {project / 'kap'}: cannot write the report (is a folder)"]


# --- folder checks stay inside; names print as one line ----------------------------------


def test_folder_check_skips_links_out_of_the_folder_and_says_so(run_cli, project: Path) -> None:
    outside = project / "hemmelig.txt"
    outside.write_text("Vi vil herunder avsløre passordet.\n", encoding="utf-8")
    (project / "kap" / "passwd.txt").symlink_to(outside)
    (project / "kap" / "inne.md").symlink_to(project / "kap" / "a.md")  # inside: checked
    (project / "andre").mkdir()
    (project / "kap" / "andre").symlink_to(project / "andre")
    code, out, err = run_cli("check", "kap", "--no-cache", cwd=project)
    assert code == 0 or code == 1  # a note, not an error
    assert sorted(err.splitlines()) == [
        f"klarsyn: kap/andre: skipped: a symbolic link to {project / 'andre'}, outside kap",
        f"klarsyn: kap/passwd.txt: skipped: a symbolic link to {outside}, outside kap",
    ]
    assert "avsløre" not in out and "passwd" not in out
    assert "kap/inne.md:1:8:" in out


def test_file_names_with_control_characters_print_escaped(run_cli, project: Path) -> None:
    folder = project / "kap"
    (folder / "ny\nlinje.md").write_text(DRAFT, encoding="utf-8")
    (folder / "farge\x1b[31m.md").write_text(DRAFT, encoding="utf-8")
    (folder / "binær\r.txt").write_bytes(b"\x00\x01binary")
    os.close(os.open(os.fsencode(folder) + b"/latin\xe5.md", os.O_WRONLY | os.O_CREAT, 0o644))
    Path(os.fsdecode(os.fsencode(folder) + b"/latin\xe5.md")).write_text(DRAFT, encoding="utf-8")
    code, out, err = run_cli("check", "kap", "--no-cache", cwd=project)
    assert code == 2
    finding_lines = [line for line in out.splitlines() if " kanselli " in line]
    assert sorted(line.split(":")[0] for line in finding_lines) == [
        "kap/a.md", "kap/farge\\x1b[31m.md", "kap/latin\\xe5.md", "kap/ny\\nlinje.md"]
    assert "\x1b" not in out and "\x1b" not in err
    assert err.splitlines() == ["klarsyn: kap/binær\\r.txt: looks like a binary file (it contains NUL bytes), not a text draft"]
