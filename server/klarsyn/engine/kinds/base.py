"""The fields and helpers every rule type shares: the run context, examples, the regex time budget."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps
from typing import Callable, ClassVar, Iterator, TypeVar

from klarsyn.document.model import Block, BlockKind
from klarsyn.engine.terms import Token, term_tokens
from klarsyn.errors import KlarsynError
from klarsyn.findings import Finding, Fix, Severity
from klarsyn.metrics.analysis import BlockAnalysis, DocumentAnalysis

DEFAULT_SCOPE = frozenset({BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.TABLE_CELL})
# A pack's own regular expressions get a time budget per document check, not per block:
# a per-block limit let a slow pattern take (blocks × limit), 30 s over 400 paragraphs.
# The seconds are processor time, the clock the regex module's timeout uses (on a busy
# machine the wall-clock time is longer by the load).
REGEX_BUDGET = 1.0  # seconds for one pattern rule over one document check
REGEX_TOTAL = 2.0  # seconds for all pattern rules of one document check together

MAX_VALUE_CHARS = 300  # one {field}'s value in a message
MAX_MESSAGE_CHARS = 2_000  # a finding's message

_OR = {"nb": "eller", "nn": "eller", "en": "or"}
_REPLACE_TITLE = {"nb": "Erstatt med «{0}»", "nn": "Byt ut med «{0}»", "en": "Replace with “{0}”"}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class RuleTimeout(KlarsynError):
    """A pattern rule used up its time on a document: the user's pattern is to blame, so it
    is reported like a config error (one line, exit 2) by every command."""

    def __init__(self, rule: str, path: str = "", pack: str = "", rule_path: str = "", line: int = 0,
                 pattern: str = "", seconds: float = 0.0, again: bool = False, shared: bool = False) -> None:
        where = f"{rule_path}:{line}: " if rule_path and line else f"{rule_path}: " if rule_path else ""
        in_pack = f" in pack {pack}" if pack else ""
        shown = pattern if len(pattern) <= 60 else pattern[:59] + "…"
        what = f"pattern {shown!r}" if pattern else "a regular expression"
        took = f"used up the {seconds:g} s all pattern rules share" if shared else f"took more than {seconds:g} s"
        super().__init__(f"{where}rule {rule}{in_pack}: {what} {took} on {path}; simplify the pattern")
        self.rule = rule
        self.path = path
        self.pack = pack
        self.rule_path = rule_path
        self.line = line
        self.pattern = pattern
        self.seconds = seconds
        self.again = again  # the rule had already run out of time in this check
        self.shared = shared  # the budget of all pattern rules ran out, not this rule's own

    def __reduce__(self) -> tuple[object, ...]:
        # Raised in a --jobs worker process and re-raised in the parent: keep every field.
        return (RuleTimeout, (self.rule, self.path, self.pack, self.rule_path, self.line, self.pattern, self.seconds, self.again, self.shared))


class RegexBudget:
    """The time the pattern rules may still spend in one document check."""

    def __init__(self, per_rule: float | None = None, total: float | None = None) -> None:
        self.per_rule = REGEX_BUDGET if per_rule is None else per_rule
        self.total = REGEX_TOTAL if total is None else total
        self.used: dict[str, float] = {}
        self.used_total = 0.0
        self.timed_out: set[str] = set()

    def left(self, rule: str) -> float:
        return min(self.per_rule - self.used.get(rule, 0.0), self.total - self.used_total)

    def spend(self, rule: str, seconds: float) -> None:
        self.used[rule] = self.used.get(rule, 0.0) + seconds
        self.used_total += seconds


_BUDGET: ContextVar[RegexBudget | None] = ContextVar("klarsyn_regex_budget", default=None)
_F = TypeVar("_F", bound=Callable[..., object])


@contextmanager
def regex_budget(per_rule: float | None = None, total: float | None = None) -> Iterator[RegexBudget]:
    """One document check: the pattern rules run inside share one budget. (A context
    variable, so the rules' signatures stay as they are and a --jobs worker gets its own.)"""
    budget = RegexBudget(per_rule, total)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def with_regex_budget(function: _F) -> _F:
    """Decorator: each call of ``function`` is one document check with its own budget."""

    @wraps(function)
    def wrapper(*args: object, **kwargs: object) -> object:
        with regex_budget():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@dataclass
class RunContext:
    analysis: DocumentAnalysis
    severity: Severity
    options: dict[str, float]
    config: object = None  # the document's Config (allow-lists and choices for workspace rules)

    @property
    def lang(self) -> str:
        """The language of the messages: the project's choice, else the document's."""
        return getattr(self.config, "message_language", None) or self.analysis.document.language

    @property
    def text_lang(self) -> str:
        """The language of the text, which decides what is found (lexicon, passive forms,
        optional forms). Never the message language: English messages on a Bokmål draft
        must not read the draft as English."""
        return self.analysis.document.language

    def tokens(self, ba: BlockAnalysis) -> list[Token]:
        """Term-matching tokens of a block, computed once for all rules."""
        key = ("term_tokens", ba.index)
        cached = self.analysis.cache.get(key)
        if cached is None:
            cached = self.analysis.cache[key] = term_tokens(ba.block.text)
        return cached  # type: ignore[return-value]


@dataclass
class Example:
    text: str
    match: str | None = None  # the text the finding must cover, when given
    lang: str | None = None  # the example's language, when the rule serves several
    # markdown, text or html (structure checks need HTML's markup), or pdf: then ``text`` is
    # a small YAML spec of the PDF the tests build (tests/pdf_build.py, document_from_spec).
    format: str = "markdown"
    fix: str | None = None  # the first fix's new text, when given; "none": no fix is offered


@dataclass
class Rule:
    """Fields every rule has."""

    id: str
    type: str
    severity: Severity
    message: dict[str, str]
    description: str
    source: str
    link: str
    scope: frozenset[BlockKind]
    include_quotes: bool
    bad: list[Example]
    good: list[Example]
    pack: str = ""
    path: str = ""
    line: int = 0
    languages: tuple[str, ...] = ()  # empty: every language
    enabled: bool = True  # false: off unless the project config turns it on
    # The rule's judged precision on real programmes (eval/judged), for a rule kept out of
    # the default set or shown as a hint: the author sees why it is quiet.
    measured: str = ""
    options: dict[str, float] = field(default_factory=dict)

    OPTIONS: ClassVar[tuple[str, ...]] = ()  # numeric fields a project config may override

    @property
    def local(self) -> bool:
        """True when a block's findings depend on that block alone, so they can be cached
        per block and reused while the author edits elsewhere."""
        return True

    # -- helpers for subclasses -------------------------------------------------
    def text(self, lang: str, **values: object) -> str:
        template = self.message.get(lang) or self.message.get("nb") or next(iter(self.message.values()))
        # A value may be as long as a paragraph (a pattern's match): cut it, and the
        # message, so a finding's text stays a line, whatever the template repeats.
        # A value worded per language (a dict keyed nb/nn/en: checks.base.Hit) is given in
        # the message's language: an analysis sees the text's language, not the reader's.
        values = {k: in_language(v, lang) if isinstance(v, dict) else v for k, v in values.items()}
        shown = {k: _cut(v, MAX_VALUE_CHARS) if isinstance(v, str) else v for k, v in values.items()}
        try:
            text = template.format(**shown)
        except (KeyError, IndexError, ValueError, AttributeError, TypeError):
            text = template
        return _cut(" ".join(text.split()), MAX_MESSAGE_CHARS)

    def blocks(self, analysis: DocumentAnalysis) -> list[BlockAnalysis]:
        return [
            ba
            for ba in analysis.blocks
            if ba.block.kind in self.scope and (self.include_quotes or not ba.block.quoted)
        ]

    def finding(self, ctx: RunContext, block: Block, start: int, end: int, fixes: list[Fix] | None = None,
                data: dict[str, object] | None = None, severity: Severity | None = None, **values: object) -> Finding:
        s, e = block.source_span(start, end)
        return Finding(self.id, severity or ctx.severity, self.text(ctx.lang, **values), s, e, fixes or [], data or {})

    def run(self, ctx: RunContext) -> list[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError


def _suggestions(words: tuple[str, ...], lang: str) -> str:
    quoted = [f"«{w}»" if lang != "en" else f"“{w}”" for w in words]
    if len(quoted) <= 1:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} {_OR.get(lang, 'eller')} {quoted[-1]}"


def _match_case(replacement: str, original: str) -> str:
    if len(original) > 1 and original.isupper():
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _holds(words: tuple[str, ...], word: str) -> bool:
    """A replacement's condition on the word before or after the match: one of the words
    listed, and none of those listed with a ``!`` (``["!av"]``: any word but «av»)."""
    wanted = [w for w in words if not w.startswith("!")]
    return (not wanted or word in wanted) and f"!{word}" not in words


def in_language(value: dict[str, object], lang: str) -> object:
    """A value worded per language (keys nb, nn, en), in ``lang`` (Bokmål if it has none)."""
    return value.get(lang) or value.get("nb") or next(iter(value.values()), "")
