"""Errors the user caused and can fix: each prints as one clear line, exit code 2."""

from __future__ import annotations


class KlarsynError(Exception):
    """Base for errors reported to the user without a traceback."""


class InputError(KlarsynError):
    """A file that cannot be read as a draft (missing, binary, not UTF-8, too big)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class ConfigError(KlarsynError):
    """A broken config file or rule pack, located to the line."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        # One line whatever the message quotes (a library's multi-line text, a value).
        problem = " ".join(problem.splitlines())
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


class UsageError(KlarsynError):
    """Bad command-line arguments (unknown rule ids, bad values)."""
