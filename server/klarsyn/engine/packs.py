"""Load rule packs: YAML files into typed rule objects, with ``path:line`` errors.

A pack is a folder with ``pack.yml`` (``id``, ``language``: nb | nn | en | any) and one
YAML file per rule. The built-in packs ship in the package; a project adds its own with
``packs: [path, ...]`` in klarsyn.yml. Loaded packs are kept for the life of the process.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex
import yaml

from klarsyn.document.model import BlockKind
from klarsyn.engine.rules import METRICS, RULE_TYPES, AcronymRule, AnalysisRule, StructureRule, VariantRule, CapitalizationRule, ConsistencyRule, Example, MetricRule, OccurrenceRule, PatternRule, RepetitionRule, Rule, TermRule
from klarsyn.engine.terms import NN_SUFFIXES, Term
from klarsyn.errors import ConfigError
from klarsyn.findings import FixSafety, Severity
from klarsyn.resources import rules_dir
from klarsyn.yamlfile import compose_file, line_of, mapping_items, scalar, string_list

_COMMON = ("id", "type", "severity", "enabled", "message", "description", "source", "link", "scope", "examples", "measured")
_TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "existence": ("terms", "patterns", "case_sensitive"),
    "substitution": ("terms", "case_sensitive", "fix_safety"),
    "termbase": ("terms", "case_sensitive", "fix_safety"),
    "metric": ("metric", "max", "min_words", "strong"),
    "occurrence": ("terms", "unit", "max", "clause_start", "subjects"),
    "repetition": ("allow",),
    "capitalization": ("min_words",),
    "consistency": ("variants", "fixed", "min_dominant", "min_ratio"),
    "variants": ("kind", "min_dominant", "min_ratio", "min_frequent"),
    "acronym": ("known", "expansions"),
    "analysis": ("analysis", "fix_safety", "max_words", "min_count", "min_share"),
    "structure": ("check", "max", "wcag"),
}
_SCOPES = {"heading": BlockKind.HEADING, "paragraph": BlockKind.PARAGRAPH, "list_item": BlockKind.LIST_ITEM,
           "table_cell": BlockKind.TABLE_CELL, "quote": BlockKind.QUOTE}
_ID = regex.compile(r"[a-z0-9][a-z0-9-]*")
LANGUAGES = ("nb", "nn", "en")

# Bounds on what a rule file may ask of every run. The built-in packs are far inside them.
MAX_PATTERN_CHARS = 5_000  # one pattern; a readable pattern is a line or two
MAX_PATTERN_DEPTH = 100  # groups inside groups; compiling recurses per level
# Compiling writes out counted repeats: «a{1000000}» costs 270 MB, «a{4294967294}» more
# memory than the machine has. This bounds the repeats written out, times their nesting.
MAX_PATTERN_EXPANSION = 100_000
MAX_MESSAGE_CHARS = 1_000  # one message template
MAX_MESSAGE_FIELDS = 20  # {fields} in one template
_FIELD = regex.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# A project's own packs together (the built-in ones hold 63 rule files, 342 KB and 2,012 terms
# counted as below since the loanword, English and mixed-standard packs of issue 16; 55,
# 236 KB and 1,500 when the Nynorsk packs came; 47, 141 KB and 537 before).
# Every term costs about 11 KB and 0.1 ms in every run (its inflected forms are indexed),
# so 100,000 terms took 12 s and 1.1 GB before any text was read (25,000: about 3 s and
# 280 MB, the price of a glossary that large). The limits are over ten
# times the built-in catalogue: room for a large glossary, not for a dictionary.
MAX_PROJECT_RULE_FILES = 1_000
MAX_PROJECT_PACK_BYTES = 8 * 1024 * 1024
MAX_PROJECT_TERMS = 25_000


@dataclass
class PackLimits:
    """What the project's packs have used so far of their common bounds."""

    files: int = 0
    bytes: int = 0
    terms: int = 0

    def add_file(self, path: Path) -> None:
        self.files += 1
        if self.files > MAX_PROJECT_RULE_FILES:
            raise ConfigError(str(path), None, f"too many rule files: the project's packs may hold {MAX_PROJECT_RULE_FILES:,} in all")
        try:
            self.bytes += path.stat().st_size
        except OSError:
            return  # compose_file reports what is wrong with it
        if self.bytes > MAX_PROJECT_PACK_BYTES:
            raise ConfigError(str(path), None, f"the project's packs are too large: at most {MAX_PROJECT_PACK_BYTES:,} bytes of rule files in all")

    def add_terms(self, path: str, line: int, count: int) -> None:
        self.terms += count
        if self.terms > MAX_PROJECT_TERMS:
            raise ConfigError(path, line, f"too many terms: the project's packs may hold {MAX_PROJECT_TERMS:,} in all (with this list, {self.terms:,})")


def _pattern_problem(text: str) -> str | None:
    """Why a pattern may not be compiled (too long, too deeply nested, counted repeats that
    would be written out beyond the bound), or None. A scan of the pattern's text, made
    before compiling because compiling is where the memory and the recursion go."""
    if len(text) > MAX_PATTERN_CHARS:
        return f"pattern is too long ({len(text):,} characters; the limit is {MAX_PATTERN_CHARS:,})"
    # Each open group keeps the size of what it holds; a counted repeat multiplies the
    # size of the atom before it. The size of the whole is what compiling writes out.
    sizes: list[int] = [0]
    last = 0  # size of the atom just read (what a quantifier applies to)
    i, n, in_class = 0, len(text), 0
    quantifier = regex.compile(r"\{(\d*)(?:,(\d*))?\}")
    while i < n:
        c = text[i]
        if c == "\\":
            # \p{L}, \N{name}, \x{263a}: braces that belong to an escape are no repeat.
            j = i + 2
            if j < n and text[j] == "{":
                close = text.find("}", j)
                j = n if close < 0 else close + 1
            i, last = j, 1
            if not in_class:
                sizes[-1] += 1
            continue
        if in_class:
            if c == "[":
                in_class += 1
            elif c == "]":
                in_class -= 1
            i += 1
            continue
        if c == "[":
            in_class = 1
            # A "]" right after "[" or "[^" is a literal member of the set.
            j = i + 1 + (text.startswith("^", i + 1))
            i = j + 1 if j < n and text[j] == "]" else j
            sizes[-1] += 1
            last = 1
            continue
        if c == "(":
            if text.startswith("(?#", i):
                close = text.find(")", i)
                i = n if close < 0 else close + 1
                continue
            sizes.append(0)
            if len(sizes) > MAX_PATTERN_DEPTH:
                return f"pattern too deeply nested (more than {MAX_PATTERN_DEPTH} groups inside each other)"
            i += 1
            continue
        if c == ")" and len(sizes) > 1:
            last = max(sizes.pop(), 1)
            sizes[-1] += last
            i += 1
            continue
        if c == "{":
            m = quantifier.match(text, i)
            if m is not None and (m.group(1) or m.group(2)):
                count = max(int(m.group(1) or 0), int(m.group(2) or 0)) if len(m.group(0)) < 24 else MAX_PATTERN_EXPANSION + 1
                # The atom was counted once already; now it counts ``count`` times.
                sizes[-1] += last * max(count - 1, 0)
                last = last * max(count, 1)
                if sizes[-1] > MAX_PATTERN_EXPANSION:
                    return f"pattern repeats too much (counted repeats such as {{n}} come to more than {MAX_PATTERN_EXPANSION:,})"
                i = m.end()
                continue
        sizes[-1] += 1
        last = 1
        i += 1
    if sizes[0] > MAX_PATTERN_EXPANSION:
        return f"pattern repeats too much (counted repeats such as {{n}} come to more than {MAX_PATTERN_EXPANSION:,})"
    return None


def compile_pattern(text: str) -> regex.Pattern[str]:
    """A pack's pattern, compiled; ValueError with a one-line reason when it cannot be."""
    problem = _pattern_problem(text)
    if problem is not None:
        raise ValueError(problem)
    try:
        return regex.compile(text, regex.VERSION1)
    except regex.error as exc:
        raise ValueError(f"bad regular expression {text[:80]!r}: {exc}") from None
    except RecursionError:
        raise ValueError("pattern too deeply nested") from None
    except (OverflowError, MemoryError):
        raise ValueError("pattern is too large to compile") from None


def check_template(template: str) -> str | None:
    """Why a message template is refused, or None. Only plain ``{name}`` fields: a format
    spec (``{match:>1000000000}`` built a gigabyte string per finding), a conversion or an
    attribute lookup would let a pack do far more than fill in a word."""
    if len(template) > MAX_MESSAGE_CHARS:
        return f"is too long ({len(template):,} characters; the limit is {MAX_MESSAGE_CHARS:,})"
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"is not a valid template ({exc}; write {{{{ and }}}} for literal braces)"
    fields = [(name, spec, conversion) for _literal, name, spec, conversion in parts if name is not None]
    if len(fields) > MAX_MESSAGE_FIELDS:
        return f"has too many fields ({len(fields)}; the limit is {MAX_MESSAGE_FIELDS})"
    for name, spec, conversion in fields:
        if not _FIELD.fullmatch(name) or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            return f"may only use plain fields such as {{match}}, not '{shown}'"
    return None


class _Reader:
    """Reads one rule file's mapping, remembering which keys were used."""

    def __init__(self, path: str, node: yaml.Node, limits: PackLimits | None = None) -> None:
        self.path = path
        self.items = {key: (k, v) for key, k, v in mapping_items(node, path, "a rule file")}
        self.node = node
        self.limits = limits  # None for the built-in packs

    def count_terms(self, node: yaml.Node, count: int) -> None:
        if self.limits is not None:
            self.limits.add_terms(self.path, line_of(node), count)

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
                if fields.get("format", "markdown") not in ("markdown", "text", "html", "pdf"):
                    raise reader.fail(item, "an example's format must be markdown, text, html or pdf")
                out[key].append(Example(fields["text"], fields.get("match"), fields.get("lang"), fields.get("format", "markdown"), fields.get("fix")))
    if not out["bad"] or not out["good"]:
        raise reader.fail(node, "examples need at least one 'bad' and one 'good' text")
    return out["bad"], out["good"]


def _replacements(reader: _Reader, node: yaml.SequenceNode) -> tuple[tuple[str, ...], tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]]:
    """``replace`` with conditions: each item a string or ``{text, prev: [...], next: [...]}``
    (the words that must stand just before or just after the match)."""
    texts: list[str] = []
    when: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for item in node.value:
        if isinstance(item, yaml.ScalarNode):
            texts.append(str(item.value))
            when.append(((), ()))
            continue
        fields = {k: v for k, _kn, v in mapping_items(item, reader.path, "a replacement")}
        for k in fields:
            if k not in ("text", "prev", "next"):
                raise reader.fail(item, f"a replacement takes text, prev and next, not '{k}'")
        if "text" not in fields:
            raise reader.fail(item, "a replacement given as a mapping needs 'text'")
        texts.append(str(scalar(fields["text"])))
        prev = tuple(w.lower() for w in string_list(fields["prev"], reader.path, "prev")) if "prev" in fields else ()
        nxt = tuple(w.lower() for w in string_list(fields["next"], reader.path, "next")) if "next" in fields else ()
        when.append((prev, nxt))
    return tuple(texts), tuple(when)


def _terms(reader: _Reader, node: yaml.Node, what: str = "terms") -> list[Term]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise reader.fail(node, f"'{what}' must be a non-empty list")
    reader.count_terms(node, len(node.value))  # before building them: the list may be huge
    terms = []
    seen: set[str] = set()
    for item in node.value:
        if isinstance(item, yaml.ScalarNode):
            entry: dict[str, Any] = {"term": str(item.value)}
        else:
            entry = {}
            for key, key_node, value in mapping_items(item, reader.path, "a term"):
                if key == "replace" and isinstance(value, yaml.SequenceNode) and any(isinstance(v, yaml.MappingNode) for v in value.value):
                    entry["replace"], entry["when"] = _replacements(reader, value)
                elif key in ("replace", "forms", "not_after", "not_before"):
                    entry[key] = tuple(string_list(value, reader.path, key))
                    if key in ("not_after", "not_before"):
                        entry[key] = tuple(w.lower() for w in entry[key])
                elif key == "verb":
                    entry[key] = tuple(string_list(value, reader.path, key))
                    if len(entry[key]) != 3:
                        raise reader.fail(value, "'verb' lists the present, past and participle of the term's first word (- for none)")
                elif key == "fix":
                    entry[key] = str(scalar(value))
                    if entry[key] not in ("none", "safe", "unsafe", "display-only"):
                        raise reader.fail(value, "a term's 'fix' must be none, safe, unsafe or display-only")
                elif key == "ending":
                    entry[key] = str(scalar(value))
                    if entry[key] not in ("carry", "drop", "exact"):
                        raise reader.fail(value, "a term's 'ending' must be carry, drop or exact")
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
                    raise reader.fail(key_node, f"unknown term field '{key}' (use term, replace, forms, inflect, verb, fix, ending, not_after, not_before, note, severity, source)")
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
    reader.count_terms(node, sum(len(t.forms) for t in terms))  # irregular forms are indexed too
    return terms


def _termbase(reader: _Reader, node: yaml.Node | None) -> list[Term]:
    """``{preferred: Nav, variants: [NAV], note: ...}`` entries as terms to replace."""
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise reader.fail(node, "'terms' must be a non-empty list of {preferred, variants}")
    # Every variant is a term of its own (with its inflected forms): count them, before
    # building any.
    variants = 0
    for item in node.value:
        if isinstance(item, yaml.MappingNode):
            for key, value in item.value:
                if isinstance(key, yaml.ScalarNode) and key.value == "variants":
                    variants += len(value.value) if isinstance(value, yaml.SequenceNode) else 1
    reader.count_terms(node, max(variants, len(node.value)))
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


def parse_rule(path: Path, pack: str, languages: tuple[str, ...], limits: PackLimits | None = None) -> Rule:
    name = str(path)
    if limits is not None:
        limits.add_file(path)
    root = compose_file(path)
    if root is None:
        raise ConfigError(name, None, "empty rule file")
    r = _Reader(name, root, limits)
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
    if not message:
        raise r.fail(message_node, "'message' needs at least one of nb, nn and en")
    message_lines = {k: line_of(v) for k, _kn, v in mapping_items(message_node, name, "message")} if isinstance(message_node, yaml.MappingNode) else {}
    for k, template in message.items():
        problem = check_template(template)
        if problem is not None:
            raise ConfigError(name, message_lines.get(k, line_of(message_node)), f"message {k} {problem}")
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
        measured=" ".join(r.string("measured", required=False).split()),
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
            lines = []
            node = r.value_node("patterns")
            texts = string_list(node, name, "patterns")  # type: ignore[arg-type]
            items = node.value if isinstance(node, yaml.SequenceNode) else [node]  # type: ignore[union-attr]
            for text, item in zip(texts, items):
                try:
                    patterns.append(compile_pattern(text))
                except ValueError as exc:
                    raise r.fail(item, str(exc)) from None
                lines.append(line_of(item))
            return PatternRule(**common, patterns=patterns, pattern_lines=lines)
        if not r.has("terms"):
            raise r.fail(None, f"a {rule_type} rule needs 'terms'" + (" or 'patterns'" if rule_type == "existence" else ""))
        terms = _terms(r, r.value_node("terms"))  # type: ignore[arg-type]
        if common["languages"] == ("nn",):
            terms = [replace(t, suffixes=NN_SUFFIXES) for t in terms]
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
        if r.has("strong"):
            options["strong"] = r.number("strong")
            if options["strong"] < options["max"]:
                raise r.fail(r.value_node("strong"), "strong must be at least max (values above max and up to strong are hints)")
        return MetricRule(**common, metric=metric, options=options)
    if rule_type == "occurrence":
        unit = r.string("unit", required=False, default="sentence")
        if unit not in ("sentence", "paragraph"):
            raise r.fail(r.value_node("unit"), "unit must be sentence or paragraph")
        def words(key: str) -> frozenset[str]:
            return frozenset(w.lower() for w in string_list(r.value_node(key), name, key)) if r.has(key) else frozenset()  # type: ignore[arg-type]

        return OccurrenceRule(**common, terms=_terms(r, r.value_node("terms")), unit=unit,  # type: ignore[arg-type]
                              clause_start=words("clause_start"), subjects=words("subjects"),
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
        r.count_terms(node, sum(len(g.value) if isinstance(g, yaml.SequenceNode) else 1 for g in node.value))
        for group in node.value:
            forms = string_list(group, name, "a variant group")
            if len(forms) < 2:
                raise r.fail(group, "a variant group needs at least two forms")
            groups.append([Term(f, line=line_of(group)) for f in forms])
        options = {"min_dominant": r.number("min_dominant", 2), "min_ratio": r.number("min_ratio", 2)}
        fixed = tuple(string_list(r.value_node("fixed"), name, "fixed")) if r.has("fixed") else ()  # type: ignore[arg-type]
        return ConsistencyRule(**common, groups_=groups, fixed=fixed, options=options)
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


def load_pack(folder: Path, limits: PackLimits | None = None) -> list[Rule]:
    """All rules of one pack folder, in file-name order. ``limits``: the bounds a project's
    packs share (None for the built-in ones)."""
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
            rules.append(parse_rule(path, pack_id, languages, limits))
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
    limits = PackLimits()
    for folder in extra_packs:
        rules.extend(load_pack(folder, limits))
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            raise ConfigError(rule.path, rule.line, f"rule id '{rule.id}' is already defined in {seen[rule.id].path}")
        seen[rule.id] = rule
    return tuple(rules)
