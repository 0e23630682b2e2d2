"""Read YAML with line numbers, safely: every value keeps the line it came from.

Only PyYAML's safe composer and constructor are used, so no tag can run code,
and aliases are refused (a "billion laughs" file cannot blow up memory: composing
shares nodes, and the refusal comes before anything is expanded). Everything else
that could go wrong later (unknown tags, numbers too long or not finite, a key given
twice) is refused right after composing, as one ``path:line: problem`` error, so config
files and rule packs get the same checks.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml

from klarsyn.errors import ConfigError

MAX_YAML_BYTES = 2 * 1024 * 1024


# libyaml's parser when PyYAML was built with it (several times faster), else pure Python.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# Tags a klarsyn file may use: the plain YAML types. Anything else (``!foo``,
# ``!!python/name:...``) would reach the constructor and fail there, far from the file.
_SCALAR_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_STR_TAG = "tag:yaml.org,2002:str"
_YAML_TAG = "tag:yaml.org,2002:"
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
# No setting needs a number written with more characters than this; it also keeps
# Python's 4,300-digit limit on int() (a ValueError) out of reach.
MAX_NUMBER_CHARS = 100


def _short(value: str, limit: int = 40) -> str:
    """A value quoted in an error message: one line, not too long."""
    text = " ".join(value.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tag(tag: str) -> str:
    """A tag as the user wrote it: ``!!python/name:os.system``, not the expanded URI."""
    return _short("!!" + tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else tag)


def _check_scalar(node: yaml.ScalarNode, name: str, line: int) -> None:
    """Refuse a scalar the constructor cannot turn into a plain value, here, with its line."""
    if node.tag == _STR_TAG:
        return
    if node.tag not in _SCALAR_TAGS:
        raise ConfigError(name, line, f"invalid YAML: unknown tag '{_tag(node.tag)}' (only plain values are allowed)")
    if node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
        raise ConfigError(name, line, f"number is too long ({len(node.value)} characters; the limit is {MAX_NUMBER_CHARS})")
    try:
        value = scalar(node)
    except (yaml.YAMLError, ValueError, OverflowError, TypeError) as exc:
        reason = getattr(exc, "problem", None) or str(exc)
        kind = node.tag.rsplit(":", 1)[-1]
        raise ConfigError(name, line, f"invalid {kind} '{_short(node.value)}': {_short(reason, 80)}") from None
    # .nan compares false with everything, so "max: .nan" would silently turn a rule off;
    # .inf likewise. No klarsyn setting means either.
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(name, line, f"numbers must be finite, not '{_short(node.value)}'")


def _check_nodes(root: yaml.Node, name: str) -> None:
    """Walk the tree once (no recursion: depth is the attacker's choice) and refuse what
    a klarsyn file never needs: aliases, unknown tags, values that cannot be constructed,
    non-finite numbers, and a key given twice in one mapping (the later one would win
    silently)."""
    seen: set[int] = set()
    # Each node goes with the line to report: a mapping value is reported at its key's
    # line, which is where an alias (*x) is written, not where the anchored node is.
    stack: list[tuple[yaml.Node, int]] = [(root, line_of(root))]
    while stack:
        node, line = stack.pop()
        if id(node) in seen:
            # An alias composes to the very node it refers to: a node seen twice is an alias.
            raise ConfigError(name, line, "invalid YAML: aliases (*name) are not allowed here")
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            _check_scalar(node, name, line_of(node))
            continue
        if node.tag not in _COLLECTION_TAGS:
            raise ConfigError(name, line, f"invalid YAML: unknown tag '{_tag(node.tag)}' (only plain values are allowed)")
        if isinstance(node, yaml.MappingNode):
            first_line: dict[tuple[str, str], int] = {}
            for key, _value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    continue  # mapping_items refuses such keys with their line
                if (key.tag, key.value) in first_line:
                    raise ConfigError(
                        name, line_of(key),
                        f"duplicate key '{_short(key.value)}' (first given on line {first_line[(key.tag, key.value)]})",
                    )
                first_line[(key.tag, key.value)] = line_of(key)
            for key, value in reversed(node.value):
                stack.append((value, line_of(key)))
                stack.append((key, line_of(key)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, line_of(item)) for item in reversed(node.value))


def compose_file(path: Path) -> yaml.Node | None:
    """The YAML node tree of a file, or a ConfigError naming the line that is wrong."""
    from klarsyn.errors import InputError
    from klarsyn.safeio import read_bounded

    try:  # bounded, and no pipe or device: `--config /dev/zero` must not eat memory or hang
        data = read_bounded(path, MAX_YAML_BYTES)
    except InputError as exc:
        raise ConfigError(str(path), None, f"cannot read: {exc.problem}") from None
    if len(data) > MAX_YAML_BYTES:
        raise ConfigError(str(path), None, f"file is too large ({len(data)} bytes; the limit is {MAX_YAML_BYTES})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(str(path), line, "not valid UTF-8") from None
    return compose_text(text, str(path))


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def compose_text(text: str, name: str) -> yaml.Node | None:
    # A file read from disk cannot hold a lone surrogate, but an editor's text sent over LSP
    # can (JSON "\\ud83d"); libyaml encodes its input as UTF-8 and would raise on it.
    odd = _LONE_SURROGATE.search(text)
    if odd:
        line = text.count("\n", 0, odd.start()) + 1
        raise ConfigError(name, line, f"invalid YAML: U+{ord(odd.group()):04X} is half of a character (a lone surrogate)")
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is not None:
            _check_nodes(root, name)
        return root
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow (NUL, other control characters): the error has a
        # character position, not a line, and its text spans two lines.
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        what = f"character U+{code:04X}" if isinstance(code, int) else "a character"
        raise ConfigError(name, line, f"invalid YAML: {what} is not allowed (control characters cannot appear in YAML)") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigError(name, line, f"invalid YAML: {_short(problem, 200)}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(name, None, f"invalid YAML: {_short(str(exc), 200)}") from None
    except RecursionError:
        # The pure-Python composer recurses once per nesting level (libyaml stops at 1,000).
        raise ConfigError(name, None, "invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()




def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def scalar(node: yaml.Node) -> Any:
    """The Python value of a scalar node (int, float, bool, str or None)."""
    # A constructor per call: one shared constructor remembers every node it built (for
    # aliases, which are refused), so each node of every file read stayed in memory for
    # the life of the process, and it is not safe to share between threads.
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


def mapping_items(node: yaml.Node, name: str, what: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
    """(key, key node, value node) of a mapping node; ConfigError when it is not one."""
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(name, line_of(node), f"{what} must be a mapping (key: value)")
    out = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise ConfigError(name, line_of(key_node), f"keys in {what} must be plain words")
        out.append((str(key_node.value), key_node, value_node))
    return out


def string_list(node: yaml.Node, name: str, what: str) -> list[str]:
    """A list of strings, or a single string taken as a one-item list."""
    if isinstance(node, yaml.ScalarNode):
        return [str(node.value)]
    if not isinstance(node, yaml.SequenceNode):
        raise ConfigError(name, line_of(node), f"{what} must be a list of strings")
    out = []
    for item in node.value:
        if not isinstance(item, yaml.ScalarNode):
            raise ConfigError(name, line_of(item), f"{what} must be a list of strings")
        out.append(str(item.value))
    return out
