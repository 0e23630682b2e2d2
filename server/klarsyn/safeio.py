"""Reading and writing files that may not be what their names say.

A path on the command line, in a checked folder or in a config setting can name a named
pipe (which blocks open() until a writer comes), a device (/dev/zero never ends), a socket,
or a symbolic link to any of these. Every read here is decided on before it happens: only
regular files are read, never more than the caller's limit. Outputs are written atomically
when they are regular files and straight into pipes and devices when that is what the user
named, so a device node, a pipe or a symbolic link is never replaced by a file.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import time

from klarsyn.errors import InputError, UsageError

# Read without blocking on a pipe, without a device becoming our terminal, without leaking
# the descriptor into git or worker processes. (Windows has none of the first three.)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_CHUNK = 1 << 20
# How long an output pipe may wait for its reader (`mkfifo p; klarsyn report -o p & cat p`
# may start the reader a moment later): long enough for a human, never a hang.
PIPE_READER_WAIT = 10.0


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in the words of an error message."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def size_text(n: int) -> str:
    """2 MiB, 512 KiB or 300 bytes: limits read as people write them."""
    if n >= 2**20 and n % 2**20 == 0:
        return f"{n // 2**20} MiB"
    if n >= 2**10 and n % 2**10 == 0:
        return f"{n // 2**10} KiB"
    return f"{n} bytes"


class NoSuchFile(InputError):
    """The file is not there (callers word this one their own way: "no such baseline")."""


def _not_regular(name: str, mode: int) -> InputError:
    if stat.S_ISDIR(mode):
        return InputError(name, "is a folder, not a file")
    return InputError(name, f"is {kind_of(mode)}, not a regular file; refused")


def read_bounded(path: str | os.PathLike[str], limit: int, name: str | None = None) -> bytes:
    """The bytes of a regular file, at most ``limit`` of them, or one clear InputError.

    The file is stat()ed before it is opened, so a pipe, a device or a socket is refused
    without opening it (opening a pipe with no writer blocks forever, and opening some
    devices has effects). It is opened non-blocking and fstat()ed again, because the name
    can be swapped in between. At most limit + 1 bytes are read, because a file can grow
    while it is read and its size is only a claim.
    """
    name = str(path) if name is None else name
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(name, info.st_mode)
        if info.st_size > limit:
            raise InputError(name, f"is too large ({info.st_size / 2**20:.1f} MiB; the limit is {size_text(limit)})")
        fd = os.open(path, _READ_FLAGS)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise _not_regular(name, info.st_mode)
            chunks: list[bytes] = []
            total = 0
            while total <= limit:
                # One read for a file that is as big as it says; more only if it grew.
                want = min(limit + 1 - total, max(info.st_size + 1 - total, _CHUNK))
                chunk = os.read(fd, want)
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
        finally:
            os.close(fd)
    except FileNotFoundError:
        if os.path.islink(path):
            raise InputError(name, "is a symbolic link to a file that does not exist") from None
        raise NoSuchFile(name, "no such file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except IsADirectoryError:
        raise InputError(name, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    if total > limit:
        raise InputError(name, f"is too large (the limit is {size_text(limit)})")
    return b"".join(chunks)


# Characters that would break a one-line-per-finding output or mislead a terminal: C0 and C1
# controls (newline, carriage return, ESC), DEL, the Unicode line and paragraph separators,
# bidirectional overrides ("Trojan source" names) and the lone surrogates os.fsdecode makes
# of bytes that are not UTF-8 (which would not even print on a UTF-8 terminal).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode: show the byte
        return f"\\x{code - 0xDC00:02x}"
    if ch in "\n\r\t":
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with control characters as visible escapes (\\n, \\x1b, \\u2028), so a file
    name always prints as one harmless piece of one line."""
    return _UNPRINTABLE.sub(_escape, text)


def one_line(message: str, limit: int = 300) -> str:
    """A message from a library (lxml, zlib) as one line of at most ``limit`` characters."""
    # A line break before punctuation (lxml: "range\n, line 1") goes without a space.
    message = re.sub(r"\s*\n\s*(?=[,.;:])", "", message)
    flat = " ".join(printable(part) for part in message.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --- writing ---------------------------------------------------------------------------

# The names of an already open descriptor: writing there means writing to that descriptor,
# which keeps the shell's redirection (its append mode and position) as the user set it up.
_FD_NAME = re.compile(r"^/(?:dev/(?:fd/(?P<dev>\d+)|std(?P<std>out|err))|proc/(?P<who>self|thread-self|\d+)/fd/(?P<proc>\d+))$")


def _open_fd_name(path: str) -> int | None:
    """The descriptor a path like /dev/stdout or /proc/self/fd/1 names, also through
    symbolic links to it (``out.html -> /dev/stdout``); None for any other path."""
    current = os.path.abspath(path)
    for _hop in range(40):
        m = _FD_NAME.match(os.path.normpath(current))
        if m:
            if m["std"]:
                return 1 if m["std"] == "out" else 2
            if m["who"] and m["who"] not in ("self", "thread-self", str(os.getpid())):
                return None  # another process's descriptor: an ordinary path to open
            return int(m["dev"] or m["proc"])
        if not os.path.islink(current):
            return None
        current = os.path.join(os.path.dirname(current), os.readlink(current))
    return None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except BlockingIOError:  # a non-blocking pipe that is full: wait for the reader
            time.sleep(0.01)
            continue
        view = view[written:]


def _write_special(path: str, data: bytes, mode: int) -> None:
    """Into a pipe or a device, as `> path` in a shell would: no temporary file, no rename."""
    if stat.S_ISSOCK(mode) or stat.S_ISDIR(mode) or stat.S_ISBLK(mode):
        # A block device is a disk: no report belongs there, whoever runs klarsyn.
        raise OSError(errno.EISDIR if stat.S_ISDIR(mode) else errno.ENXIO, f"is {kind_of(mode)}")
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    if stat.S_ISFIFO(mode) and hasattr(os, "O_NONBLOCK"):
        # Opening a pipe for writing blocks until a reader comes: wait a while, never forever.
        deadline = time.monotonic() + PIPE_READER_WAIT
        while True:
            try:
                fd = os.open(path, flags | os.O_NONBLOCK)
                os.set_blocking(fd, True)  # now that a reader is there, write as a shell would
                break
            except OSError as exc:
                if exc.errno != errno.ENXIO or time.monotonic() > deadline:
                    if exc.errno == errno.ENXIO:
                        raise OSError(errno.ENXIO, f"is a named pipe (FIFO) and nothing read from it for {PIPE_READER_WAIT:g} s") from None
                    raise
                time.sleep(0.05)
    else:
        fd = os.open(path, flags)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_atomic(target: str, data: bytes) -> None:
    """Write aside in the same folder, flush to disk, then rename over ``target``: a reader
    (or a crash) never sees half a file, and a failed write leaves the old file as it was."""
    folder, base = os.path.split(target)
    try:
        old_mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        old_mode = None
    for attempt in range(100):
        tmp = os.path.join(folder, f".{base}.{os.getpid()}.{attempt}.tmp")
        try:
            # 0o666 less the umask, as a plain open() would create it; O_EXCL never follows
            # a symbolic link someone planted at the temporary name.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:
            continue
    else:
        raise OSError(errno.EEXIST, "cannot create a temporary file next to it")
    try:
        try:
            _write_all(fd, data)
            if old_mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fd, old_mode)  # a replaced file keeps its permissions
            try:
                os.fsync(fd)  # on disk before the rename makes it the file
            except OSError as exc:
                if exc.errno not in (errno.EINVAL, errno.ENOTSUP):  # some file systems cannot, and need not
                    raise
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_output(path: str | os.PathLike[str], text: str | bytes, what: str = "the output") -> None:
    """Write ``text`` (UTF-8; bytes as they are) to the file the user named, or raise one clear UsageError.

    - a regular file, or a name that does not exist yet: atomically (write aside, rename);
    - a symbolic link: what it points to is written (atomically if that is a regular file);
      the link stays;
    - /dev/stdout, /dev/fd/N, /proc/self/fd/N (or a link to one): that open descriptor;
    - a named pipe or a character device (/dev/null, a terminal): straight into it, as a
      shell would;
    - a folder, a socket or a block device (a disk): refused.
    """
    name = str(path)
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    try:
        fd = _open_fd_name(name) if os.name == "posix" else None
        if fd is not None:
            # Whatever Python still buffers for that descriptor goes out first.
            for stream in (sys.stdout, sys.stderr):
                if stream is not None and not stream.closed:
                    stream.flush()
            _write_all(fd, data)
            return
        try:
            mode: int | None = os.stat(name).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and not stat.S_ISREG(mode):
            _write_special(name, data, mode)
            return
        # A regular file or a new name: follow symbolic links to the real file, so the link
        # survives and the file it names gets the new content.
        _write_atomic(os.path.realpath(name), data)
    except OSError as exc:
        raise UsageError(f"{printable(name)}: cannot write {what} ({exc.strerror or exc})") from None

