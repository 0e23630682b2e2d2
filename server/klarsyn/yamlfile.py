"""Read YAML with line numbers, safely: every value keeps the line it came from.

Only PyYAML's safe composer and constructor are used, so no tag can run code,
and aliases are refused (a "billion laughs" file cannot blow up memory: composing
shares nodes, and the refusal comes before anything is expanded).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from klarsyn.errors import ConfigError

MAX_YAML_BYTES = 2 * 1024 * 1024


# libyaml's parser when PyYAML was built with it (several times faster), else pure Python.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _refuse_aliases(root: yaml.Node, name: str) -> None:
    """An alias composes to the very node it refers to: a node seen twice is an alias."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, line_of(root))]
    while stack:
        node, line = stack.pop()
        if id(node) in seen:
            raise ConfigError(name, line, "invalid YAML: aliases (*name) are not allowed here")
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack.append((value, line_of(key)))
                stack.append((key, line_of(key)))
        elif isinstance(node, yaml.SequenceNode):
            for item in reversed(node.value):
                stack.append((item, line_of(item)))


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


def compose_text(text: str, name: str) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is not None:
            _refuse_aliases(root, name)
        return root
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigError(name, line, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(name, None, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()


_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def scalar(node: yaml.Node) -> Any:
    """The Python value of a scalar node (int, float, bool, str or None)."""
    return _CONSTRUCTOR.construct_object(node, deep=True)


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
