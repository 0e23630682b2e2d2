"""Project configuration: ``klarsyn.yml`` found by walking up from the checked file.

A project keeps its decisions (language, rule settings, what fails CI) in the
repository, so the whole team shares them. See docs/configuration.md.

    language: nb            # auto | nb | nn | en
    fail_on: error          # error | warning | info | hint | never
    select: [lang-setning]  # only these rules (ids or globs such as lix-*)
    ignore: [langt-ord]     # never these
    include: [kapitler/**/*.md]  # only these paths (relative to this file) in folder checks
    exclude: [arkiv/**]     # paths (relative to this file) that folder checks skip
    per_file_ignores:       # rules turned off for some files
      "kapitler/sammendrag.md": [lix-*]
    allow: [Oslo-avtalen]   # words the consistency rules leave alone
    choices:                # the form the project chose, per variant group
      framtid: framtid
    packs: [regler/]        # the project's own rule packs (folders with pack.yml)
    rules:
      lang-setning:
        severity: info      # or off
        max: 30             # numeric options of the rule's type
"""

from __future__ import annotations

import difflib
import fnmatch
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from klarsyn.engine.packs import load_rules
from klarsyn.engine.rules import Rule
from klarsyn.errors import ConfigError, UsageError
from klarsyn.findings import Severity
from klarsyn.globs import any_match, check_glob
from klarsyn.text.language import normalize_language
from klarsyn.yamlfile import compose_file, line_of, mapping_items, scalar, string_list

CONFIG_NAMES = ("klarsyn.yml", ".klarsyn.yml")
FAIL_LEVELS = ("error", "warning", "info", "hint", "never")
_TOP_KEYS = ("language", "fail_on", "select", "ignore", "per_file_ignores", "include", "exclude", "packs", "allow", "choices", "rules")


@dataclass(frozen=True)
class RuleSettings:
    severity: Severity | None = None  # None: the rule's default
    enabled: bool = True
    options: dict[str, int | float] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    path: Path | None = None  # the file it came from; None for defaults
    language: str | None = None  # None: front matter, then detection
    fail_on: str = "error"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    include: tuple[str, ...] = ()  # empty: every draft below the config's folder
    exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, rule patterns)
    allow: tuple[str, ...] = ()  # words the consistency rules never report
    choices: dict[str, str] = field(default_factory=dict)  # variant group -> the form the project chose
    message_language: str | None = None  # messages in this language whatever the document's
    rules: dict[str, RuleSettings] = field(default_factory=dict)
    catalog: tuple[Rule, ...] = ()  # built-in rules plus the project's packs

    def all_rules(self) -> tuple[Rule, ...]:
        return self.catalog or load_rules()

    def with_overrides(
        self,
        language: str | None = None,
        fail_on: str | None = None,
        select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
    ) -> "Config":
        """Command-line flags win over the file: --select replaces, --ignore adds."""
        return replace(
            self,
            language=language or self.language,
            fail_on=fail_on or self.fail_on,
            select=select or self.select,
            ignore=self.ignore + ignore,
        )

    def _relative(self, path: Path) -> str | None:
        if self.path is None:
            return None
        try:
            return path.resolve().relative_to(self.path.parent.resolve()).as_posix()
        except ValueError:
            return None

    def excludes(self, path: Path) -> bool:
        rel = self._relative(path) if self.exclude else None
        return rel is not None and any_match(rel, self.exclude)

    def includes(self, path: Path) -> bool:
        """False when ``include`` is set and the path (below the config's folder) matches
        none of it. A file outside the config's folder is not restricted by it."""
        rel = self._relative(path) if self.include else None
        return rel is None or any_match(rel, self.include)

    def ignores_for(self, path: Path) -> tuple[str, ...]:
        """Rule patterns that ``per_file_ignores`` turns off for this file."""
        rel = self._relative(path) if self.per_file_ignores else None
        if rel is None:
            return ()
        return tuple(p for glob, patterns in self.per_file_ignores if fnmatch.fnmatch(rel, glob) for p in patterns)


def _suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def match_rules(patterns: tuple[str, ...], known: list[str], where: str) -> set[str]:
    """Rule ids matched by ids or globs; an unknown id is an error, not a silent no-op."""
    matched: set[str] = set()
    for pattern in patterns:
        hits = fnmatch.filter(known, pattern)
        if not hits:
            raise UsageError(f"{where}unknown rule id '{pattern}'{_suggest(pattern, known)}")
        matched.update(hits)
    return matched


def load_config(path: Path, trusted: bool = True) -> Config:
    name = str(path)
    root = compose_file(path)
    if root is None:
        return Config(path=path, catalog=load_rules())
    values: dict[str, object] = {}
    items = mapping_items(root, name, "the config file")
    # Project packs first: the rule ids the rest of the file may name depend on them.
    packs: list[Path] = []
    for key, _key_node, node in items:
        if key == "packs" and trusted:
            for entry in string_list(node, name, "packs"):
                folder = (path.parent / entry).resolve()
                if not (folder / "pack.yml").is_file():
                    raise ConfigError(name, line_of(node), f"packs: '{entry}' is not a rule pack folder (no pack.yml)")
                packs.append(folder)
    catalog = load_rules(tuple(packs))
    known_ids = [c.id for c in catalog]
    by_id = {c.id: c for c in catalog}
    rules: dict[str, RuleSettings] = {}
    for key, key_node, node in items:
        line = line_of(key_node)
        if key not in _TOP_KEYS:
            raise ConfigError(name, line, f"unknown key '{key}'{_suggest(key, _TOP_KEYS)}")
        if key == "language":
            value = str(scalar(node) or "")
            if value != "auto" and normalize_language(value) is None:
                raise ConfigError(name, line_of(node), f"language must be auto, nb, nn or en, not '{value}'")
            values["language"] = None if value == "auto" else normalize_language(value)
        elif key == "fail_on":
            value = str(scalar(node))
            if value not in FAIL_LEVELS:
                raise ConfigError(name, line_of(node), f"fail_on must be one of {', '.join(FAIL_LEVELS)}, not '{value}'")
            values["fail_on"] = value
        elif key in ("select", "ignore"):
            patterns = tuple(string_list(node, name, key))
            for pattern in patterns:
                if not fnmatch.filter(known_ids, pattern):
                    raise ConfigError(name, line_of(node), f"unknown rule id '{pattern}' in {key}{_suggest(pattern, known_ids)}")
            values[key] = patterns
        elif key in ("include", "exclude"):
            globs = tuple(string_list(node, name, key))
            for glob in globs:
                problem = check_glob(glob)
                if problem:
                    raise ConfigError(name, line_of(node), f"{key}: {problem}")
            values[key] = globs
        elif key == "per_file_ignores":
            entries = []
            for glob, _glob_node, patterns_node in mapping_items(node, name, "per_file_ignores"):
                patterns = tuple(string_list(patterns_node, name, f"per_file_ignores.{glob}"))
                for pattern in patterns:
                    if not fnmatch.filter(known_ids, pattern):
                        raise ConfigError(name, line_of(patterns_node), f"unknown rule id '{pattern}' in per_file_ignores{_suggest(pattern, known_ids)}")
                entries.append((glob, patterns))
            values["per_file_ignores"] = tuple(entries)
        elif key == "packs":
            continue
        elif key == "allow":
            values["allow"] = tuple(string_list(node, name, key))
        elif key == "choices":
            choices = {}
            for group, _group_node, form in mapping_items(node, name, "choices"):
                if not isinstance(form, yaml.ScalarNode) or scalar(form) is None:
                    raise ConfigError(name, line_of(form), f"choices.{group} must be one form (a word)")
                choices[group] = str(scalar(form))
            values["choices"] = choices
        elif key == "rules":
            for rule_id, rule_key_node, rule_node in mapping_items(node, name, "rules"):
                spec = by_id.get(rule_id)
                if spec is None:
                    raise ConfigError(
                        name, line_of(rule_key_node), f"unknown rule id '{rule_id}'{_suggest(rule_id, known_ids)}"
                    )
                rules[rule_id] = _rule_settings(spec, rule_node, name)
    return Config(path=path, rules=rules, catalog=catalog, **values)  # type: ignore[arg-type]


def _rule_settings(spec: Rule, node: object, name: str) -> RuleSettings:
    assert isinstance(node, yaml.Node)
    # "lang-setning: off" and "lang-setning: warning" are shorthands.
    if isinstance(node, yaml.ScalarNode):
        return _severity_setting(str(node.value), line_of(node), name, spec)
    severity: Severity | None = None
    enabled = True
    options: dict[str, int | float] = {}
    option_specs = {o: spec.options.get(o, 0) for o in spec.OPTIONS}
    for key, key_node, value_node in mapping_items(node, name, f"rules.{spec.id}"):
        if key == "severity":
            s = _severity_setting(str(scalar(value_node)), line_of(value_node), name, spec)
            severity, enabled = s.severity, s.enabled
            continue
        if key not in option_specs:
            allowed = ["severity", *option_specs]
            raise ConfigError(
                name, line_of(key_node), f"rule {spec.id} has no option '{key}'{_suggest(key, allowed)}; it takes: {', '.join(allowed)}"
            )
        value = scalar(value_node)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(name, line_of(value_node), f"{spec.id}.{key} must be a number, not {value!r}")
        if value < 0:
            raise ConfigError(name, line_of(value_node), f"{spec.id}.{key} must be at least 0")
        options[key] = value
    return RuleSettings(severity, enabled, options)


def _severity_setting(value: str, line: int, name: str, spec: Rule) -> RuleSettings:
    if value in ("off", "False", "false"):
        return RuleSettings(enabled=False)
    try:
        return RuleSettings(severity=Severity.parse(value))
    except ValueError:
        raise ConfigError(name, line, f"severity of {spec.id} must be error, warning, info, hint or off, not '{value}'") from None


def find_config_file(start: Path) -> Path | None:
    """The nearest config file in ``start`` (a folder or a file's folder) or above it."""
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        for config_name in CONFIG_NAMES:
            path = candidate / config_name
            if path.is_file():
                return path
    return None


class ConfigCache:
    """Config per folder, each file parsed once per run."""

    def __init__(self, explicit: Path | None = None, trusted: bool = True) -> None:
        """``trusted=False`` (an untrusted editor workspace): the project's rule packs are
        not loaded, only the built-in ones."""
        self._trusted = trusted
        self._explicit = load_config(explicit, trusted) if explicit else None
        self._by_file: dict[Path, Config] = {}

    def for_path(self, path: Path) -> Config:
        if self._explicit is not None:
            return self._explicit
        found = find_config_file(path)
        if found is None:
            return Config(catalog=load_rules())
        if found not in self._by_file:
            self._by_file[found] = load_config(found, self._trusted)
        return self._by_file[found]
