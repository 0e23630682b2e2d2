"""Path globs as editors write them ("kapitler/**/*.md", "**/*.txt", "eksport/"), for the
include/exclude settings and the config file's include/exclude keys.

fnmatch alone is not enough: its ``*`` crosses folders and ``kapitler/**/*.md`` needs two
slashes, so it missed ``kapitler/innledning.md``; VS Code's ``files.exclude`` also uses
``{a,b}``. A pattern that names a folder covers everything inside it."""

from __future__ import annotations

import fnmatch
import functools
import re


@functools.lru_cache(maxsize=1024)
def _compile(pattern: str) -> re.Pattern[str]:
    pat = pattern.strip().replace("\\", "/").lstrip("/").rstrip("/")
    out = []
    i = 0
    depth = 0  # inside {a,b}
    while i < len(pat):
        ch = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pat.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = pat.find("]", i + 1)
            if end == -1:
                out.append(re.escape(ch))
            else:
                body = pat[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end + 1
                continue
        elif ch == "{":
            depth += 1
            out.append("(?:")
        elif ch == "}" and depth:
            depth -= 1
            out.append(")")
        elif ch == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(ch))
        i += 1
    out.append(")" * depth)
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def check_glob(pattern: object) -> str | None:
    """Why ``pattern`` is not a usable glob, or None when it is."""
    if not isinstance(pattern, str) or not pattern.strip():
        return "a glob must be a non-empty string"
    if pattern.count("{") != pattern.count("}"):
        return f"the glob {pattern!r} has unbalanced braces"
    try:
        _compile(pattern)
    except re.error as exc:
        return f"the glob {pattern!r} cannot be read ({exc})"
    return None


def glob_match(rel: str, pattern: str) -> bool:
    """True when the relative POSIX path ``rel``, or a folder it is in, matches ``pattern``.
    The old fnmatch reading is kept too, so existing ``exclude:`` lists mean what they did."""
    regex = _compile(pattern)
    parts = rel.split("/")
    for n in range(len(parts), 0, -1):
        if regex.match("/".join(parts[:n])):
            return True
    return fnmatch.fnmatch(rel, pattern)


def any_match(rel: str, patterns: tuple[str, ...] | list[str]) -> bool:
    return any(glob_match(rel, p) for p in patterns)
