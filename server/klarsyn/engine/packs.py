"""Load rule packs: YAML files into typed rule objects, with ``path:line`` errors.

A pack is a folder with ``pack.yml`` (``id``, ``language``: nb | nn | en | any) and one
YAML file per rule. The built-in packs ship in the package; a project adds its own with
``packs: [path, ...]`` in klarsyn.yml. Loaded packs are kept for the life of the process.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import regex
import yaml

from klarsyn.document.model import BlockKind
from klarsyn.engine.rules import METRICS, RULE_TYPES, AcronymRule, AnalysisRule, StructureRule, VariantRule, CapitalizationRule, ConsistencyRule, Example, MetricRule, OccurrenceRule, PatternRule, RepetitionRule, Rule, TermRule
from klarsyn.engine.terms import Term
from klarsyn.errors import ConfigError
from klarsyn.findings import FixSafety, Severity
from klarsyn.resources import rules_dir
from klarsyn.yamlfile import compose_file, line_of, mapping_items, scalar, string_list

_COMMON = ("id", "type", "severity", "enabled", "message", "description", "source", "link", "scope", "examples")
_TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "existence": ("terms", "patterns", "case_sensitive"),
    "substitution": ("terms", "case_sensitive", "fix_safety"),
    "termbase": ("terms", "case_sensitive", "fix_safety"),
    "metric": ("metric", "max", "min_words"),
    "occurrence": ("terms", "unit", "max"),
    "repetition": ("allow",),
    "capitalization": ("min_words",),
    "consistency": ("variants", "min_dominant", "min_ratio"),
    "variants": ("kind", "min_dominant", "min_ratio", "min_frequent"),
    "acronym": ("known", "expansions"),
    "analysis": ("analysis", "fix_safety", "max_words", "min_count", "min_share"),
    "structure": ("check", "max", "wcag"),
}
_SCOPES = {"heading": BlockKind.HEADING, "paragraph": BlockKind.PARAGRAPH, "list_item": BlockKind.LIST_ITEM,
           "table_cell": BlockKind.TABLE_CELL, "quote": BlockKind.QUOTE}
_ID = regex.compile(r"[a-z0-9][a-z0-9-]*")
LANGUAGES = ("nb", "nn", "en")


class _Reader:
    """Reads one rule file's mapping, remembering which keys were used."""

    def __init__(self, path: str, node: yaml.Node) -> None:
        self.path = path
        self.items = {key: (k, v) for key, k, v in mapping_items(node, path, "a rule file")}
        self.node = node

    def fail(self, node: yaml.Node | None, problem: str) -> ConfigError:
        return ConfigError(self.path, line_of(node) if node is not None else line_of(self.node), problem)

    def has(self, key: str) -> bool:
        return key in self.items

    def value_node(self, key: str) -> yaml.Node | None:
        return self.items[key][1] if key in self.items else None

    def string(self, key: str, required: bool = True, default: str = "") -> str:
        node = self.value_node(key)
        if node is None:
            if required:
                raise self.fail(None, f"missing '{key}'")
            return default
        value = scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if value is None and not required:
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(node, f"'{key}' must be a non-empty text")
        return value.strip()

    def number(self, key: str, default: float | None = None, minimum: float = 0) -> float:
        node = self.value_node(key)
        if node is None:
            if default is None:
                raise self.fail(None, f"missing '{key}'")
            return default
        value = scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
            raise self.fail(node, f"'{key}' must be a number of at least {minimum:g}")
        return float(value)

    def flag(self, key: str, default: bool = False) -> bool:
        node = self.value_node(key)
        if node is None:
            return default
        value = scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, bool):
            raise self.fail(node, f"'{key}' must be true or false")
        return value


def _examples(reader: _Reader) -> tuple[list[Example], list[Example]]:
    node = reader.value_node("examples")
    if node is None:
        raise reader.fail(None, "missing 'examples' (every rule needs bad and good examples)")
    out: dict[str, list[Example]] = {"bad": [], "good": []}
    for key, key_node, value in mapping_items(node, reader.path, "examples"):
        if key not in out:
            raise reader.fail(key_node, f"examples take 'bad' and 'good', not '{key}'")
        if not isinstance(value, yaml.SequenceNode):
            raise reader.fail(value, f"examples.{key} must be a list")
        for item in value.value:
            if isinstance(item, yaml.ScalarNode):
                out[key].append(Example(str(item.value)))
            else:
                fields = {k: str(scalar(v)) for k, _kn, v in mapping_items(item, reader.path, f"an example in {key}")}
                if "text" not in fields:
                    raise reader.fail(item, "an example given as a mapping needs 'text'")
                if "lang" in fields and fields["lang"] not in LANGUAGES:
                    raise reader.fail(item, f"an example's lang must be nb, nn or en, not '{fields['lang']}'")
                if fields.get("format", "markdown") not in ("markdown", "text", "html"):
                    raise reader.fail(item, "an example's format must be markdown, text or html")
                out[key].append(Example(fields["text"], fields.get("match"), fields.get("lang"), fields.get("format", "markdown")))
    if not out["bad"] or not out["good"]:
        raise reader.fail(node, "examples need at least one 'bad' and one 'good' text")
    return out["bad"], out["good"]


def _terms(reader: _Reader, node: yaml.Node, what: str = "terms") -> list[Term]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise reader.fail(node, f"'{what}' must be a non-empty list")
    terms = []
    seen: set[str] = set()
    for item in node.value:
        if isinstance(item, yaml.ScalarNode):
            entry: dict[str, Any] = {"term": str(item.value)}
        else:
            entry = {}
            for key, key_node, value in mapping_items(item, reader.path, "a term"):
                if key in ("replace", "forms"):
                    entry[key] = tuple(string_list(value, reader.path, key))
                elif key in ("term", "note", "severity"):
                    entry[key] = str(scalar(value))
                elif key == "inflect":
                    v = scalar(value)
                    if not isinstance(v, bool):
                        raise reader.fail(value, "'inflect' must be true or false")
                    entry[key] = v
                elif key == "source":
                    continue  # per-entry sources are documentation only
                else:
                    raise reader.fail(key_node, f"unknown term field '{key}' (use term, replace, forms, inflect, note, severity, source)")
        if not entry.get("term", "").strip():
            raise reader.fail(item, "a term entry needs 'term'")
        if "severity" in entry:
            try:
                Severity.parse(entry["severity"])
            except ValueError as exc:
                raise reader.fail(item, str(exc)) from None
        key = entry["term"].strip().lower()
        if key in seen:
            raise reader.fail(item, f"duplicate term '{entry['term']}'")
        seen.add(key)
        terms.append(Term(line=line_of(item), **entry))
    return terms


def _termbase(reader: _Reader, node: yaml.Node | None) -> list[Term]:
    """``{preferred: Nav, variants: [NAV], note: ...}`` entries as terms to replace."""
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise reader.fail(node, "'terms' must be a non-empty list of {preferred, variants}")
    terms: list[Term] = []
    seen: set[str] = set()
    for item in node.value:
        fields = {key: (k, v) for key, k, v in mapping_items(item, reader.path, "a term base entry")}
        for key, (key_node, _v) in fields.items():
            if key not in ("preferred", "variants", "note", "severity", "forms", "inflect"):
                raise reader.fail(key_node, f"unknown term base field '{key}' (use preferred, variants, note, severity)")
        if "preferred" not in fields or "variants" not in fields:
            raise reader.fail(item, "a term base entry needs 'preferred' and 'variants'")
        preferred = str(scalar(fields["preferred"][1]))
        note = str(scalar(fields["note"][1])) if "note" in fields else ""
        severity = str(scalar(fields["severity"][1])) if "severity" in fields else None
        inflect = scalar(fields["inflect"][1]) if "inflect" in fields else True
        for variant in string_list(fields["variants"][1], reader.path, "variants"):
            if variant in seen:
                raise reader.fail(item, f"duplicate variant '{variant}'")
            seen.add(variant)
            terms.append(Term(variant, (preferred,), note=note, severity=severity, inflect=bool(inflect), line=line_of(item)))
    return terms


def parse_rule(path: Path, pack: str, languages: tuple[str, ...]) -> Rule:
    name = str(path)
    root = compose_file(path)
    if root is None:
        raise ConfigError(name, None, "empty rule file")
    r = _Reader(name, root)
    rule_type = r.string("type")
    if rule_type not in RULE_TYPES:
        raise r.fail(r.value_node("type"), f"unknown rule type '{rule_type}' (use one of: {', '.join(RULE_TYPES)})")
    allowed = set(_COMMON) | set(_TYPE_FIELDS[rule_type])
    for key, (key_node, _v) in r.items.items():
        if key not in allowed:
            raise r.fail(key_node, f"unknown field '{key}' for a {rule_type} rule (it takes: {', '.join(sorted(allowed))})")
    rule_id = r.string("id")
    if not _ID.fullmatch(rule_id):
        raise r.fail(r.value_node("id"), f"rule id '{rule_id}' must be lower-case letters, digits and hyphens")
    if rule_id != path.stem:
        raise r.fail(r.value_node("id"), f"rule id '{rule_id}' must match the file name '{path.stem}'")
    try:
        severity = Severity.parse(r.string("severity"))
    except ValueError as exc:
        raise r.fail(r.value_node("severity"), str(exc)) from None
    message_node = r.value_node("message")
    if message_node is None:
        raise r.fail(None, "missing 'message'")
    if isinstance(message_node, yaml.ScalarNode):
        message = {"nb": str(message_node.value)}
    else:
        message = {k: str(scalar(v)) for k, _kn, v in mapping_items(message_node, name, "message")}
        for k in message:
            if k not in LANGUAGES:
                raise r.fail(message_node, f"message languages are nb, nn and en, not '{k}'")
    scope = set(DEFAULT_SCOPE_NAMES)
    include_quotes = False
    if r.has("scope"):
        names = string_list(r.value_node("scope"), name, "scope")  # type: ignore[arg-type]
        for n in names:
            if n not in _SCOPES:
                raise r.fail(r.value_node("scope"), f"unknown scope '{n}' (use {', '.join(_SCOPES)})")
        scope = set(names)
        include_quotes = "quote" in scope
    bad, good = _examples(r)
    common = dict(
        id=rule_id, type=rule_type, severity=severity, message=message,
        description=r.string("description"), source=r.string("source", required=False),
        link=r.string("link", required=False), scope=frozenset(_SCOPES[n] for n in scope),
        include_quotes=include_quotes, bad=bad, good=good, pack=pack, path=name,
        line=line_of(root), languages=languages, enabled=r.flag("enabled", True),
    )
    return _typed(r, rule_type, common)


DEFAULT_SCOPE_NAMES = ("heading", "paragraph", "list_item", "table_cell")


def _fix_safety(r: _Reader, default: str) -> FixSafety:
    try:
        return FixSafety(r.string("fix_safety", required=False, default=default))
    except ValueError:
        raise r.fail(r.value_node("fix_safety"), "fix_safety must be safe, unsafe or display-only") from None


def _typed(r: _Reader, rule_type: str, common: dict[str, Any]) -> Rule:
    name = r.path
    if rule_type == "termbase":
        terms = _termbase(r, r.value_node("terms"))
        return TermRule(**common, terms=terms, case_sensitive=r.flag("case_sensitive"), fix_safety=_fix_safety(r, "safe"))
    if rule_type in ("existence", "substitution"):
        if rule_type == "existence" and r.has("patterns"):
            patterns = []
            node = r.value_node("patterns")
            for text in string_list(node, name, "patterns"):  # type: ignore[arg-type]
                try:
                    patterns.append(regex.compile(text, regex.VERSION1))
                except regex.error as exc:
                    raise r.fail(node, f"bad regular expression {text!r}: {exc}") from None
            return PatternRule(**common, patterns=patterns)
        if not r.has("terms"):
            raise r.fail(None, f"a {rule_type} rule needs 'terms'" + (" or 'patterns'" if rule_type == "existence" else ""))
        terms = _terms(r, r.value_node("terms"))  # type: ignore[arg-type]
        if rule_type == "substitution":
            for t in terms:
                if not t.replace:
                    raise ConfigError(name, t.line, f"term '{t.term}' needs 'replace' in a substitution rule")
        return TermRule(**common, terms=terms, case_sensitive=r.flag("case_sensitive"), fix_safety=_fix_safety(r, "unsafe"))
    if rule_type == "metric":
        metric = r.string("metric")
        if metric not in METRICS:
            raise r.fail(r.value_node("metric"), f"unknown metric '{metric}' (use {', '.join(METRICS)})")
        options = {"max": r.number("max"), "min_words": r.number("min_words", 0)}
        return MetricRule(**common, metric=metric, options=options)
    if rule_type == "occurrence":
        unit = r.string("unit", required=False, default="sentence")
        if unit not in ("sentence", "paragraph"):
            raise r.fail(r.value_node("unit"), "unit must be sentence or paragraph")
        return OccurrenceRule(**common, terms=_terms(r, r.value_node("terms")), unit=unit,  # type: ignore[arg-type]
                              options={"max": r.number("max")})
    if rule_type == "repetition":
        allow = frozenset(w.lower() for w in string_list(r.value_node("allow"), name, "allow")) if r.has("allow") else frozenset()  # type: ignore[arg-type]
        return RepetitionRule(**common, allow=allow)
    if rule_type == "capitalization":
        return CapitalizationRule(**common, options={"min_words": r.number("min_words", 3, minimum=1)})
    if rule_type == "consistency":
        node = r.value_node("variants")
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            raise r.fail(node, "'variants' must be a list of groups, each a list of forms")
        groups = []
        for group in node.value:
            forms = string_list(group, name, "a variant group")
            if len(forms) < 2:
                raise r.fail(group, "a variant group needs at least two forms")
            groups.append([Term(f, line=line_of(group)) for f in forms])
        options = {"min_dominant": r.number("min_dominant", 2), "min_ratio": r.number("min_ratio", 2)}
        return ConsistencyRule(**common, groups_=groups, options=options)
    if rule_type == "variants":
        from klarsyn.checks.variants import KINDS

        kind = r.string("kind")
        if kind not in KINDS:
            raise r.fail(r.value_node("kind"), f"unknown kind '{kind}' (use one of: {', '.join(KINDS)})")
        options = {
            "min_dominant": r.number("min_dominant", 2),
            "min_ratio": r.number("min_ratio", 2),
            "min_frequent": r.number("min_frequent", 3),
        }
        return VariantRule(**common, kind=kind, options=options)
    if rule_type == "acronym":
        known = frozenset(string_list(r.value_node("known"), name, "known")) if r.has("known") else frozenset()  # type: ignore[arg-type]
        expansions: dict[str, str] = {}
        if r.has("expansions"):
            for key, _kn, value in mapping_items(r.value_node("expansions"), name, "expansions"):  # type: ignore[arg-type]
                expansions[key] = str(scalar(value))
        return AcronymRule(**common, known=known, expansions=expansions)
    if rule_type == "structure":
        from klarsyn.checks.structure import CHECKS

        check = r.string("check")
        if check not in CHECKS:
            raise r.fail(r.value_node("check"), f"unknown structure check '{check}' (use one of: {', '.join(CHECKS)})")
        options = {"max": r.number("max", 15)} if r.has("max") else {}
        return StructureRule(**common, check=check, options=options)
    if rule_type == "analysis":
        from klarsyn.checks import ANALYSES, OPTIONS

        analysis = r.string("analysis")
        if analysis not in ANALYSES:
            raise r.fail(r.value_node("analysis"), f"unknown analysis '{analysis}' (use one of: {', '.join(ANALYSES)})")
        defaults = OPTIONS.get(analysis, {})
        for key in ("max_words", "min_count", "min_share"):
            if r.has(key) and key not in defaults:
                raise r.fail(r.items[key][0], f"analysis '{analysis}' takes no option '{key}'")
        options = {key: r.number(key, default) for key, default in defaults.items()}
        rule = AnalysisRule(**common, analysis=analysis, options=options, fix_safety=_fix_safety(r, "unsafe"))
        rule.OPTIONS = tuple(defaults)  # type: ignore[misc]
        return rule
    raise r.fail(None, f"unknown rule type '{rule_type}'")  # unreachable: checked above


def load_pack(folder: Path) -> list[Rule]:
    """All rules of one pack folder, in file-name order."""
    meta_path = folder / "pack.yml"
    if not meta_path.is_file():
        raise ConfigError(str(folder), None, "not a rule pack: pack.yml is missing")
    meta = compose_file(meta_path)
    if meta is None:
        raise ConfigError(str(meta_path), None, "empty pack.yml")
    fields = {key: (k, v) for key, k, v in mapping_items(meta, str(meta_path), "pack.yml")}
    if "id" not in fields:
        raise ConfigError(str(meta_path), line_of(meta), "missing 'id'")
    pack_id = str(scalar(fields["id"][1]))
    names = string_list(fields["language"][1], str(meta_path), "language") if "language" in fields else ["any"]
    for language in names:
        if language not in (*LANGUAGES, "any"):
            raise ConfigError(str(meta_path), line_of(fields["language"][1]), f"language must be nb, nn, en or any (or a list), not '{language}'")
    languages: tuple[str, ...] = () if "any" in names else tuple(names)
    rules = []
    for path in sorted(folder.glob("*.yml")):
        if path.name != "pack.yml":
            rules.append(parse_rule(path, pack_id, languages))
    return rules


@lru_cache(maxsize=8)
def _builtin(root: Path) -> tuple[Rule, ...]:
    from klarsyn.engine.suppress import SUPPRESSION_RULE

    rules: list[Rule] = []
    for folder in sorted(p for p in root.iterdir() if (p / "pack.yml").is_file()):
        rules.extend(load_pack(folder))
    # The rule about suppression comments is defined in code (its findings come from the
    # suppression pass), but it is listed, explained and configured like the pack rules, in
    # its pack's place among them.
    packs = list(dict.fromkeys(r.pack for r in rules))
    rules.append(SUPPRESSION_RULE)
    rules.sort(key=lambda r: (packs.index(r.pack) if r.pack in packs else len(packs), r.id))
    return tuple(rules)


def builtin_rules() -> tuple[Rule, ...]:
    return _builtin(rules_dir())


def load_rules(extra_packs: tuple[Path, ...] = ()) -> tuple[Rule, ...]:
    """Built-in rules plus the project's packs; a rule id may appear only once."""
    rules = list(builtin_rules())
    for folder in extra_packs:
        rules.extend(load_pack(folder))
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            raise ConfigError(rule.path, rule.line, f"rule id '{rule.id}' is already defined in {seen[rule.id].path}")
        seen[rule.id] = rule
    return tuple(rules)
