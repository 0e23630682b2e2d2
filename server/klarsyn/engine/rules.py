"""The closed set of rule types, and how each is read from a YAML rule file.

Every rule file has: ``id``, ``type``, ``severity``, ``message`` (nb/nn/en),
``description``, ``source``/``link``, optional ``scope`` (block kinds; quotes
excluded unless named) and ``examples: {bad: [...], good: [...]}``. Type-specific
fields are documented on each class and in docs/rule-packs.md.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps
from typing import Callable, ClassVar, Iterator, TypeVar

import regex

from klarsyn.document.model import Block, BlockKind, Document
from klarsyn.engine.terms import Term, TermMatcher, Token, conjugate, normalize_space, term_tokens, verb_category
from klarsyn.errors import ConfigError, KlarsynError
from klarsyn.findings import Edit, Finding, Fix, FixSafety, Related, Severity
from klarsyn.metrics.analysis import BlockAnalysis, DocumentAnalysis
from klarsyn.metrics.lix import band

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
    format: str = "markdown"  # markdown, text or html (structure checks need HTML's markup)
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


_OPENING_QUOTES = "«\"“‘'"
_CLOSING_QUOTES = "»\"”’'"


def _quoted(text: str, start: int, end: int) -> bool:
    """The match is the whole of a quotation: the author names the word (to reject or
    explain it) rather than writes with it."""
    return start > 0 and end < len(text) and text[start - 1] in _OPENING_QUOTES and text[end] in _CLOSING_QUOTES


_LIST_WORDS = frozenset({"og", "eller"})
# Words that stand between a verb and its particle when they follow the verb: an inverted
# subject («medfører dette»), a sentence adverb («medfører ofte»).
_SPLITS_PARTICLE = frozenset(
    "dette det den de vi jeg du han hun dere man en ikke aldri ofte alltid også gjerne bare "
    "derfor likevel nå da dermed altså samtidig heller neppe sjelden trolig antakelig kanskje "
    "fortsatt igjen ofte fremdeles".split()
)


@dataclass
class TermRule(Rule):
    """``existence``, ``substitution`` and ``termbase``: flag listed terms (with their
    inflected forms) and offer the replacements, carrying the match's ending over.

    Fields: ``terms`` (list of ``{term, replace, forms, inflect, note, severity}``; a
    ``termbase`` lists ``{preferred, variants, note}`` instead), ``case_sensitive``
    (default false), ``fix_safety`` (safe | unsafe | display-only).
    """

    terms: list[Term] = field(default_factory=list)
    case_sensitive: bool = False
    fix_safety: FixSafety = FixSafety.UNSAFE
    _matcher: TermMatcher | None = field(default=None, repr=False)

    @property
    def matcher(self) -> TermMatcher:
        if self._matcher is None:
            self._matcher = TermMatcher(self.terms, self.case_sensitive)
        return self._matcher

    def run(self, ctx: RunContext) -> list[Finding]:
        out = []
        for ba in self.blocks(ctx.analysis):
            sentence_ends = {sentence.end for sentence in ba.sentences}
            tokens = ctx.tokens(ba)
            starts = [t[0] for t in tokens]
            for start, end, matched, term in self.matcher.finditer(ba.block.text, tokens):
                i = bisect_left(starts, start)
                j = bisect_left(starts, end)
                text = ba.block.text
                # The words just before the match, nearest last, up to a punctuation mark.
                before: list[str] = []
                k = i - 1
                while k >= 0 and len(before) < 3 and not text[tokens[k][1] : (tokens[k + 1][0] if k + 1 < len(tokens) else start)].strip():
                    before.insert(0, tokens[k][3])
                    if tokens[k][3].endswith(".") and k < i - 1:
                        break
                    k -= 1
                if term.not_after and before and before[-1] in term.not_after:
                    continue
                if _quoted(text, start, end):
                    continue  # «andregenerasjons innvandrere»: the word is mentioned, not used
                after = tokens[j][3] if j < len(tokens) and not text[end : tokens[j][0]].strip() else ""
                if term.not_before and after.lower() in term.not_before:
                    continue
                s, e = ba.block.source_span(start, end)
                # "… epler, pærer osv." : the abbreviation's period also ends the sentence.
                following = text[end:].lstrip()[:1]
                keep_period = matched.endswith(".") and end in sentence_ends and not (following.isdigit() or following.islower())
                fixes = []
                # "transport, samt informasjon": in a list «og» takes no comma, before a clause
                # it does; which one this is, the rule cannot tell, so it offers no fix.
                head = text[:start].rstrip()
                comma = len(head) - 1 if head.endswith(",") else -1
                for new, safety in self._replacements(term, matched, before, after):
                    if keep_period and not new.endswith("."):
                        new += "."
                    edit = Edit(s, e, new)
                    if comma >= 0 and new.lower() in _LIST_WORDS:
                        break  # «, samt»: whether the comma goes (a list) or stays (a clause) is the author's call
                    fixes.append(Fix(_REPLACE_TITLE.get(ctx.lang, _REPLACE_TITLE["nb"]).format(new), (edit,), safety))
                severity = Severity.parse(term.severity) if term.severity else None
                out.append(
                    self.finding(
                        ctx, ba.block, start, end, fixes,
                        {"term": term.term, "alternatives": list(term.replace), "note": term.note},
                        severity if severity and ctx.severity is self.severity else None,
                        match=matched, suggestions=_suggestions(tuple(dict.fromkeys(term.replace)), ctx.lang), note=term.note,
                    )
                )
        return out

    def _replacements(self, term: Term, matched: str, before: list[str], after: str) -> list[tuple[str, FixSafety]]:
        """The fixes for one match: each replacement in the matched form, with its safety;
        none when the term offers none or the form cannot be replaced with certainty."""
        if term.fix == "none":
            return []
        alternatives = list(term.replace[:4])
        if term.when:
            prev = before[-1] if before else ""
            held = [alt for alt, (p, n) in zip(term.replace, term.when) if (p or n) and _holds(p, prev) and _holds(n, after)]
            alternatives = held or [alt for alt, (p, n) in zip(term.replace, term.when) if not p and not n]
        exact = matched.lower() == term.term.lower()
        safety = FixSafety(term.fix) if term.fix else self.fix_safety
        if not exact:
            safety = FixSafety.DISPLAY if safety is FixSafety.DISPLAY else FixSafety.UNSAFE
        out = []
        if term.verb:
            words = matched.split()
            category = verb_category(term, words[0], before, after)
            if category is None:
                return []
            for alternative in alternatives:
                new = conjugate(alternative, category)
                if new is None:
                    continue  # a replacement we cannot put in this form: leave it out
                if " " in new and after.lower() in _SPLITS_PARTICLE:
                    # «medfører dette at» → «fører dette til at», not «fører til dette at»:
                    # the subject or an adverb goes between verb and particle; no sure fix.
                    continue
                new = new if self.case_sensitive else _match_case(new, words[0])
                out.append((new, safety))
            return out
        # An inflected match keeps its ending on a one-word replacement:
        # «helsesøsteren» → «helsesykepleieren», «NAVs» → «Navs».
        head = matched[: len(term.term)]
        ending = matched[len(term.term) :] if head.lower() == term.term.lower() and " " not in term.term else None
        if term.ending == "exact" and not exact:
            return []
        if term.ending == "drop":
            ending = None
            head = matched
        for alternative in alternatives:
            if self.case_sensitive:
                new = alternative  # the preferred form is written exactly as declared
            else:
                new = _match_case(alternative, head if ending is not None else matched)
            if ending and " " not in alternative:
                new += ending
            out.append((new, safety))
        return out


@dataclass
class PatternRule(Rule):
    """``existence`` with ``patterns``: regular expressions (the ``regex`` module's syntax),
    run within a time budget per document check (REGEX_BUDGET for the rule, REGEX_TOTAL for
    all pattern rules), so a runaway pattern cannot hang a check however many blocks the
    document has: the check stops with RuleTimeout, naming the rule, its pack and pattern."""

    patterns: list[regex.Pattern[str]] = field(default_factory=list)
    pattern_lines: list[int] = field(default_factory=list)  # where each pattern is written

    def run(self, ctx: RunContext) -> list[Finding]:
        # Outside a document check (a rule's examples, a direct call): this run alone.
        budget = _BUDGET.get() or RegexBudget()
        lines = self.pattern_lines or [self.line] * len(self.patterns)
        out = []
        for ba in self.blocks(ctx.analysis):
            text = normalize_space(ba.block.text)
            for pattern, line in zip(self.patterns, lines):
                own = budget.per_rule - budget.used.get(self.id, 0.0)
                left = budget.left(self.id)
                started = time.process_time()
                try:
                    if left <= 0:
                        raise TimeoutError
                    for m in pattern.finditer(text, timeout=left):
                        if m.end() > m.start():
                            out.append(self.finding(ctx, ba.block, m.start(), m.end(), match=m.group()))
                except TimeoutError:
                    again = self.id in budget.timed_out
                    budget.timed_out.add(self.id)
                    shared = left < own
                    raise RuleTimeout(self.id, ctx.analysis.document.path, self.pack, self.path, line, pattern.pattern,
                                      budget.total if shared else budget.per_rule, again, shared) from None
                finally:
                    budget.spend(self.id, time.process_time() - started)
        return out


@dataclass
class MetricRule(Rule):
    """``metric``: a threshold on a readability figure.

    Fields: ``metric`` (sentence_words | word_letters | paragraph_lix | section_lix),
    ``max``, ``min_words`` (units with fewer words are not judged), ``strong``: a figure
    above ``max`` but not above ``strong`` is a hint; only above ``strong`` does the finding
    have the rule's severity. A sentence of 28 words is over the guides' 25 and worth a
    faint mark; one of 40 is what the author must see (judged so on real programmes).
    """

    metric: str = ""
    OPTIONS: ClassVar[tuple[str, ...]] = ("max", "min_words", "strong")

    @property
    def local(self) -> bool:
        return self.metric != "section_lix"

    def run(self, ctx: RunContext) -> list[Finding]:
        limit = ctx.options["max"]
        min_words = ctx.options.get("min_words", 0)
        strong = ctx.options.get("strong")
        lang = ctx.lang
        out: list[Finding] = []

        # A severity set in the project's config is for every finding of the rule.
        tiered = strong is not None and ctx.severity is self.severity

        def level(value: float) -> Severity | None:
            """A hint up to ``strong``; None: the rule's severity."""
            return Severity.HINT if tiered and value <= strong else None
        if self.metric == "section_lix":
            for section in ctx.analysis.sections:
                lix = section.counts.lix
                if section.heading is None or lix is None or section.counts.words < min_words or lix <= limit:
                    continue
                block = section.heading.block
                out.append(self.finding(ctx, block, 0, len(block.text), data={"lix": round(lix, 1), **section.counts.as_dict()},
                                        severity=level(lix), value=f"{lix:.0f}", limit=f"{limit:g}", band=band(lix, lang),
                                        words=section.counts.words))
            return out
        broken = self.metric in ("paragraph_lix", "sentence_words") and any(n.kind == "ligatures" for n in ctx.analysis.document.notes)
        if broken:
            from klarsyn.checks.broken_words import has_broken_word
        for ba in self.blocks(ctx.analysis):
            block = ba.block
            if self.metric == "paragraph_lix":
                lix = ba.counts.lix
                if ba.counted and lix is not None and ba.counts.words >= min_words and lix > limit:
                    if broken and has_broken_word(block.text):
                        continue  # «re slig besky else»: the PDF lost letters; the figure is not the text's
                    out.append(self.finding(ctx, block, 0, len(block.text), data={"lix": round(lix, 1), **ba.counts.as_dict()},
                                            severity=level(lix), value=f"{lix:.0f}", limit=f"{limit:g}", band=band(lix, lang),
                                            words=ba.counts.words))
                continue
            for s in ba.sentences:
                if self.metric == "sentence_words" and len(s.words) > limit:
                    if broken and has_broken_word(block.text[s.start : s.end]):
                        continue
                    out.append(self.finding(ctx, block, s.start, s.end, data={"words": len(s.words)},
                                            severity=level(len(s.words)), value=len(s.words), limit=f"{limit:g}"))
                elif self.metric == "word_letters":
                    for w in s.words:
                        word = block.text[w.start : w.end]
                        if w.letters > limit and "-" not in word:
                            out.append(self.finding(ctx, block, w.start, w.end, data={"letters": w.letters},
                                                    severity=level(w.letters), value=w.letters, limit=f"{limit:g}", word=word))
        return out


@dataclass
class OccurrenceRule(Rule):
    """``occurrence``: more than ``max`` matches of ``terms`` in one ``unit`` (sentence | paragraph).
    The finding covers the unit; the message gets ``{count}`` and ``{limit}``.

    ``clause_start`` lists terms that count only where they begin a clause: after a comma,
    semicolon, colon or dash and before one of the ``subjects`` («…, for vi vil» is the
    conjunction; «for alle», «, for å sikre» the preposition; «så mye» the adverb). Two
    matches joined by a slash («og/eller») count once, and ``og``/``eller`` after a cut
    compound («helse- og omsorgstjenester») joins parts of words, not clauses: not counted.
    A unit with dot leaders or with two lines starting with a section number is a table
    of contents or a list of headings, not a sentence: not flagged."""

    terms: list[Term] = field(default_factory=list)
    unit: str = "sentence"
    clause_start: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()
    OPTIONS: ClassVar[tuple[str, ...]] = ("max",)
    _matcher: TermMatcher | None = field(default=None, repr=False)

    def _counted(self, text: str, toks: list[Token]) -> list[int]:
        out: list[int] = []
        previous_end = -1
        for start, end, matched, _t in self._matcher.finditer(text, toks):  # type: ignore[union-attr]
            joined = previous_end >= 0 and text[previous_end:start].strip() == "/"
            previous_end = end
            if joined:
                continue  # og/eller: one choice, written with a slash
            if text[:start].rstrip().endswith("-") and text[:start].rstrip()[-2:-1].isalpha():
                continue  # barne- og ungdomsskole
            low = matched.lower()
            if low in self.clause_start:
                before = text[:start].rstrip()
                after = regex.match(r"\s*(\p{L}+)(?:\s+(\p{L}+))?", text[end:])
                if not before.endswith((",", ";", ":", "–", "—", " -")) or after is None:
                    continue
                subject, verb = after.group(1).lower(), (after.group(2) or "").lower()
                if subject not in self.subjects or verb in _NOT_A_VERB:
                    continue
            out.append(start)
        return out

    def run(self, ctx: RunContext) -> list[Finding]:
        if self._matcher is None:
            self._matcher = TermMatcher(self.terms)
        limit = ctx.options["max"]
        out = []
        for ba in self.blocks(ctx.analysis):
            hits = self._counted(ba.block.text, ctx.tokens(ba))
            units = [(s.start, s.end) for s in ba.sentences] if self.unit == "sentence" else [(0, len(ba.block.text))]
            for a, b in units:
                count = sum(1 for h in hits if a <= h < b)
                if count > limit and not _DOT_LEADER.search(ba.block.text, a, b) and not _heading_list(ctx, ba, a, b):
                    out.append(self.finding(ctx, ba.block, a, b, data={"count": count}, count=count, limit=f"{limit:g}"))
        return out


# A table of contents («Kulturens egenverdi.........44»): lines, not a sentence.
_DOT_LEADER = regex.compile(r"\.{5,}|(?:\. ){4,}|…{3,}")
# Lines that start with a section number («6.1 Bonden først», «13.3 KI og personvern»):
# two or more in one unit are a list of headings, not a sentence.
_NUMBERED_LINE = regex.compile(r"(?m)(?:^|(?<=\n))[ \t\f]*\d+(?:\.\d+)+\.?[ \t]+\p{L}")
def _heading_list(ctx: RunContext, ba: BlockAnalysis, a: int, b: int) -> bool:
    s, e = ba.block.source_span(a, b)
    return len(_NUMBERED_LINE.findall(ctx.analysis.document.source, s, e)) >= 2


# After «for det», «så det»: the words that make it a noun phrase, not a subject and verb
# («for det første», «for det offentlige»).
_NOT_A_VERB = frozenset("fleste første andre tredje fjerde femte meste beste siste samme offentlige enkelte".split())


_GAP_MARKUP = regex.compile(r"<[^<>]*>|[*_~]")
_WORD = regex.compile(r"(?<![\p{L}\p{N}-])\p{L}[\p{L}\p{M}]*(?:-\p{L}[\p{L}\p{M}]*)*")


def _line_break_pair(source: str, first: tuple[int, int], second: tuple[int, int], gap: str,
                     a: str, b: str) -> str:
    """How two equal words separated by a line break in the file are to be read:
    ``"skip"`` (not a doubled word), or ``"flag"`` (a wrapped line: ``og`` at the end of a
    line, ``og`` again at the start of the next).

    Only one kind of pair across a line break is a doubled word: a single line break
    (no blank line between: a blank line ends a paragraph), the first word with other
    words before it on its line, the second with other words after it on its line, and
    the second in lower case. A word alone on its line is a heading, a list of one word,
    a table cell or a pdftotext fragment (``ti``/``tt`` left over from ligatures in
    konservativt.txt); a capital after a line break starts a heading's paragraph
    («Rasisme\nRasisme innebærer …»), a new sentence or the next table row."""
    if gap.count("\n") + gap.count("\r") - gap.count("\r\n") > 1 or "\f" in gap or "\v" in gap:
        return "skip"
    line_start = max(source.rfind("\n", 0, first[0]), source.rfind("\r", 0, first[0])) + 1
    ends = [i for i in (source.find("\n", second[1]), source.find("\r", second[1])) if i >= 0]
    line_end = min(ends) if ends else len(source)
    before = source[line_start : first[0]]
    after = source[second[1] : line_end]
    if not regex.search(r"\p{L}", before) or not regex.search(r"\p{L}", after):
        return "skip"
    if not b[:1].islower():
        return "skip"
    return "flag"


@dataclass
class RepetitionRule(Rule):
    """``repetition``: the same word twice in a row (``og og``). ``allow`` lists words that
    may be doubled on purpose (``det det``). The fix deletes the second copy; it is safe
    only when nothing but spaces stands between the two on one line. Across a line break
    a pair is flagged only when it reads as one wrapped sentence (see _line_break_pair),
    and its fix is unsafe (it joins two lines). An acronym after the same word in small
    letters («alt for FOR») is not a doubled word."""

    allow: frozenset[str] = frozenset()
    _TITLE: ClassVar[dict[str, str]] = {"nb": "Fjern det doble «{0}»", "nn": "Fjern den doble «{0}»", "en": "Remove the repeated “{0}”"}

    def run(self, ctx: RunContext) -> list[Finding]:
        out = []
        document = ctx.analysis.document
        # Letters lost with the PDF's ligatures leave word tails: «rø er er» is «røtter er».
        broken = any(note.kind == "ligatures" for note in document.notes)
        lexicon: frozenset[str] | None = None
        for ba in self.blocks(ctx.analysis):
            text = ba.block.text
            previous: regex.Match[str] | None = None
            before: regex.Match[str] | None = None  # the word before ``previous``
            for m in _WORD.finditer(text):
                if broken and previous is not None and m.group().lower() == previous.group().lower() and before is not None:
                    if lexicon is None:
                        from klarsyn.text.lexicon import lemmas

                        lexicon = lemmas(document.language or "nb")
                    if len(before.group()) <= 4 and before.group().lower() not in lexicon and before.end() == previous.start() - 1:
                        before, previous = previous, m
                        continue
                if (
                    previous is not None
                    and m.group().lower() == previous.group().lower()
                    and text[previous.end() : m.start()].strip() == ""
                    and m.group().lower() not in self.allow
                    and not _acronym_after_word(previous.group(), m.group())
                ):
                    s, _ = ba.block.source_span(previous.end(), previous.end())
                    _, e = ba.block.source_span(m.start(), m.end())
                    # What stands between the two words in the file, markup included.
                    first = ba.block.source_span(previous.start(), previous.end())
                    second = ba.block.source_span(m.start(), m.end())
                    source = ctx.analysis.document.source
                    gap = source[first[1] : second[0]]
                    fixes = []
                    across_lines = any(c in gap for c in "\n\r\f\v\u2028\u2029\x85")
                    if across_lines and _line_break_pair(source, first, second, gap, previous.group(), m.group()) == "skip":
                        before, previous = previous, m
                        continue
                    if not gap.strip() and m.group().lower() in _TYPO_DOUBLES:
                        pass  # «Vi vi derfor»: the second is most often «vil» mistyped, not a copy
                    elif not gap.strip():
                        title = self._TITLE.get(ctx.lang, self._TITLE["nb"]).format(m.group())
                        # Across a line break deleting the second copy also joins the lines:
                        # never offered as safe.
                        fixes.append(Fix(title, (Edit(s, e, ""),), FixSafety.UNSAFE if across_lines else FixSafety.SAFE))
                    elif _GAP_MARKUP.sub("", gap).strip():
                        # Code or other text stands between the two in the file (the plain
                        # text only has a space for it): not a word written twice.
                        before, previous = previous, m
                        continue
                    # Else only markup (**, a tag) stands between them: flag it, but deleting
                    # across the markup would break it, so no fix.
                    out.append(self.finding(ctx, ba.block, previous.start(), m.end(), fixes, word=m.group()))
                before, previous = previous, m
        return out


# Short words whose doubling is most often a typo for a longer word (vi vi: vi vil; de de:
# de det; so so: so som): the finding stands, but deleting a copy would not mend it.
_TYPO_DOUBLES = frozenset({"vi", "de", "so", "ti", "me", "da", "ve"})


def _acronym_after_word(a: str, b: str) -> bool:
    """«for FOR», «sp SP»: one of the two is an acronym in capitals, the other is not."""
    return (len(a) > 1 and a.isupper()) != (len(b) > 1 and b.isupper())


# Words in capitals with up to three characters between them; a sentence end, colon,
# slash or bracket ends the run («MOMS/MVA: INP», «BARNS BESTE. INP» are not one text).
_CAPS_RUN = regex.compile(r"(?<![\p{L}\p{N}])\p{Lu}[\p{Lu}\p{M}-]*(?:[^\p{L}\n.:;!?/()\[\]]{1,3}\p{Lu}[\p{Lu}\p{M}-]*)*(?![\p{L}])")
# One-letter words that exist: «I» (i), «Å» (å), «Ø» (øy). Any other letter alone inside a
# run is letter-spaced text, a logo or a pdftotext split («S T OR T I N GS P R OGR A M»).
_ONE_LETTER_WORDS = frozenset("IÅØ")
FURNITURE_REPEATS = 3  # a line in capitals alone on its line this often: page furniture


def _letter_spaced(run: str) -> bool:
    tokens = regex.findall(r"\p{L}+", run)
    return any(len(t) == 1 and t not in _ONE_LETTER_WORDS for t in tokens[1:])


def _acronym_list(run: str) -> bool:
    """«EU, FN, WEF, WHO, USA»: short acronyms separated by commas, not text in capitals."""
    words = regex.findall(r"\p{L}+", run)
    gaps = regex.split(r"\p{L}+", run)[1:-1]
    return bool(gaps) and all(len(w) <= 4 for w in words) and all("," in g for g in gaps)


def _alone_on_line(source: str, start: int, end: int) -> bool:
    line_start = max(source.rfind("\n", 0, start), source.rfind("\r", 0, start)) + 1
    ends = [i for i in (source.find("\n", end), source.find("\r", end)) if i >= 0]
    line_end = min(ends) if ends else len(source)
    rest = source[line_start:start] + source[end:line_end]
    return not regex.search(r"\p{L}", rest)


def typeset_line(document: Document, block: Block, whole: bool, words: int) -> bool:
    """In text extracted from a PDF, a short title wholly in capitals (the cover's
    «VÅRT PROGRAM», a part title «D SIVILT SAMFUNN») was set so by the designer; the author
    writing the .txt cannot change it. Runs of capitals inside prose are still flagged."""
    return document.format == "text" and whole and words <= _TYPESET_WORDS and not block.text.rstrip().endswith(":")


_TYPESET_WORDS = 5  # «C 💉 VELFERD, HELSE OG OMSORG»; a lead-in in capitals ending in «:» is prose


@dataclass
class CapitalizationRule(Rule):
    """``capitalization``: text in capitals. Flags a run of at least ``min_words`` words
    written in capitals (each of at least two letters), and a whole heading or paragraph in
    capitals from two words; acronyms stand alone and are not runs. No fix is offered.

    Page furniture is not flagged: letter-spaced text or a logo split by pdftotext («PARTI
    ET SENTRU M»), and a line in capitals that stands alone on its line FURNITURE_REPEATS
    times or more in the document (a running header); nor a list of acronyms («EU, FN,
    WHO»). Repetition is counted over the document, so the rule is not local."""

    OPTIONS: ClassVar[tuple[str, ...]] = ("min_words",)

    @property
    def local(self) -> bool:
        return False  # a running header is known by its repeats on other pages

    def run(self, ctx: RunContext) -> list[Finding]:
        min_words = ctx.options.get("min_words", 3)
        source = ctx.analysis.document.source
        candidates = []
        lines: dict[str, int] = {}
        for ba in self.blocks(ctx.analysis):
            # A whole heading or line in capitals counts from two words ("VÅR POLITIKK").
            letters = regex.findall(r"\p{L}+", ba.block.text)
            whole = len(letters) >= 2 and all(w.isupper() for w in letters) and any(len(w) >= 4 for w in letters)
            for m in _CAPS_RUN.finditer(ba.block.text):
                words = [w for w in regex.findall(r"\p{L}+", m.group()) if len(w) >= 2]
                if len(words) < min_words and not (whole and len(words) >= 2):
                    continue
                if typeset_line(ctx.analysis.document, ba.block, whole, len(words)):
                    continue
                if _letter_spaced(m.group()) or _acronym_list(m.group()):
                    continue
                s, e = ba.block.source_span(m.start(), m.end())
                key = " ".join(m.group().split())
                if _alone_on_line(source, s, e):
                    lines[key] = lines.get(key, 0) + 1
                candidates.append((ba, m, s, e, words, key))
        out = []
        for ba, m, s, e, words, key in candidates:
            if lines.get(key, 0) >= FURNITURE_REPEATS:
                continue
            # No fix: which words keep their capitals (names, abbreviations: «GPs program»,
            # «Industri og næring» after a part letter) is beyond a rule; five of six such
            # fixes judged on the programmes were wrong.
            out.append(self.finding(ctx, ba.block, m.start(), m.end(), [], words=len(words)))
        return out


class WorkspaceRule(Rule):
    """A rule that weighs every document of a run together (term consistency)."""

    @property
    def local(self) -> bool:
        return False

    def run(self, ctx: RunContext) -> list[Finding]:
        return self.run_workspace([ctx])[0]

    def run_workspace(self, ctxs: list[RunContext]) -> list[list[Finding]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def groups(self, ctxs: list[RunContext]) -> list[object]:  # pragma: no cover - abstract
        raise NotImplementedError

    def report(self, groups: list, ctxs: list[RunContext], only_bare: bool = False) -> list[list[Finding]]:  # type: ignore[type-arg]
        """One finding per use of a rarer form, with the dominant form as the fix, a fix
        for every use in the document, and the dominant uses as related places."""
        out: list[list[Finding]] = [[] for _ in ctxs]
        options = ctxs[0].options
        min_dominant = options.get("min_dominant", 2)
        min_ratio = options.get("min_ratio", 2)
        choices = getattr(ctxs[0].config, "choices", {}) or {}
        for g in groups:
            counts = {form: len(occs) for form, occs in g.forms.items() if occs}
            forced = getattr(g, "force", None)
            if forced is not None:
                counts.setdefault(forced, 0)
            if len(counts) < 2:
                continue
            ranked = sorted(counts, key=lambda f: -counts[f])
            dominant = forced or choices.get(g.key)
            if dominant not in counts:
                dominant = ranked[0]
                runner_up = counts[ranked[1]]
                if counts[dominant] < min_dominant or counts[dominant] < min_ratio * runner_up:
                    continue  # no clear majority: both may be deliberate
            only = getattr(g, "dominant_only", None)
            if only is not None and dominant not in only:
                continue
            rewrite = g.rewrite.get(dominant)
            label = g.label.get(dominant, dominant)
            places = _places(g.forms.get(dominant, []), ctxs) or "–"
            related = [
                Related(ctxs[o.doc].analysis.document.path, *o.block.source_span(o.start, o.end), f"«{o.text}»")
                for o in g.forms.get(dominant, [])[:5]
            ]
            for form, occurrences in g.forms.items():
                if form == dominant or (only_bare and form != getattr(g, "only_report", form)):
                    continue
                per_doc: dict[int, list[tuple[object, str]]] = {}
                for o in occurrences:
                    new = rewrite(o.text) if callable(rewrite) else None
                    per_doc.setdefault(o.doc, []).append((o, new))
                for d, uses in per_doc.items():
                    ctx = ctxs[d]
                    all_edits = tuple(Edit(*o.block.source_span(o.start, o.end), new) for o, new in uses if new is not None)  # type: ignore[attr-defined]
                    for o, new in uses:
                        s, e = o.block.source_span(o.start, o.end)  # type: ignore[attr-defined]
                        fixes = []
                        if new is not None and new != o.text:  # type: ignore[attr-defined]
                            fixes.append(Fix(_FIX_TITLES["replace"].get(ctx.lang, _FIX_TITLES["replace"]["nb"]).format(new), (Edit(s, e, new),), FixSafety.UNSAFE))
                            if len(all_edits) > 1:
                                fixes.append(Fix(_EVERYWHERE.get(ctx.lang, _EVERYWHERE["nb"]).format(getattr(g, "what", {}).get(dominant) or label), all_edits, FixSafety.UNSAFE))
                        shown = new if getattr(g, "per_use_label", False) and new else label
                        what = getattr(g, "what", {}).get(dominant) or f"«{shown}»"
                        values = {
                            "match": o.text, "form": g.label.get(form, form), "dominant": shown,  # type: ignore[attr-defined]
                            "count": counts[form], "dominant_count": counts[dominant], "where": places, "what": what,
                            **getattr(g, "notes", {}).get(id(o), {}),
                        }
                        out[d].append(Finding(self.id, ctx.severity, self.text(ctx.lang, **values), s, e, fixes,
                                              {"group": g.key, "counts": counts, "dominant": dominant}, related))
        return out


_EVERYWHERE = {"nb": "Bruk «{0}» overalt i dokumentet", "nn": "Bruk «{0}» overalt i dokumentet", "en": "Use “{0}” throughout the document"}


def _places(occurrences: list, ctxs: list[RunContext]) -> str:  # type: ignore[type-arg]
    """``01-arbeid.md: 5, 02-klima.md: 1`` — where the dominant form is used."""
    counts: dict[str, int] = {}
    for o in occurrences:
        name = ctxs[o.doc].analysis.document.path.replace("\\", "/").rsplit("/", 1)[-1]
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{name}: {n}" for name, n in counts.items())


@dataclass
class ConsistencyRule(WorkspaceRule):
    """``consistency``: declared variant groups (``variants: [[framtid, fremtid], ...]``).
    When the documents of a run use more than one form of a group, the rarer forms are
    flagged, pointing at the dominant one; ``choices`` in klarsyn.yml fixes the form."""

    groups_: list[list[Term]] = field(default_factory=list)
    # Fixed expressions that keep their form whatever the text prefers («først og fremst»).
    fixed: tuple[str, ...] = ()
    OPTIONS: ClassVar[tuple[str, ...]] = ("min_dominant", "min_ratio")
    _matcher: TermMatcher | None = field(default=None, repr=False)
    _group_of: dict[int, int] = field(default_factory=dict, repr=False)

    def run_workspace(self, ctxs: list[RunContext]) -> list[list[Finding]]:
        from klarsyn.checks.variants import Group, Occurrence

        if self._matcher is None:
            self._matcher = TermMatcher([t for group in self.groups_ for t in group])
            self._group_of = {id(t): i for i, group in enumerate(self.groups_) for t in group}
        groups = [Group("declared", group[0].term) for group in self.groups_]
        for i, group in enumerate(self.groups_):
            groups[i].label = {t.term: t.term for t in group}
            groups[i].rewrite = {t.term: (lambda text, base=t.term, group=group: _swap_variant(text, base, group)) for t in group}
        from klarsyn.checks.base import sentence_tokens

        for d, ctx in enumerate(ctxs):
            for ba in self.blocks(ctx.analysis):
                # The analyses' word tokens (kept per block) serve here: the groups hold
                # plain words, no abbreviations with periods.
                toks = [t for sentence in sentence_tokens(ba) for t in sentence]
                kept = _fixed_spans(ba.block.text, self.fixed)
                for start, end, matched, term in self._matcher.finditer(ba.block.text, toks):
                    if any(s <= start and end <= e for s, e in kept):
                        continue
                    groups[self._group_of[id(term)]].forms[term.term].append(Occurrence(d, ba.block, start, end, matched))
        return self.report(groups, ctxs)


def _fixed_spans(text: str, fixed: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where the fixed expressions stand in ``text`` (whole words, any case, any spaces)."""
    if not fixed:
        return []
    spans = []
    for phrase in fixed:
        pattern = r"(?<![\p{L}\p{N}])" + r"\s+".join(regex.escape(w) for w in phrase.split()) + r"(?![\p{L}\p{N}])"
        spans += [(m.start(), m.end()) for m in regex.finditer(pattern, text, flags=regex.IGNORECASE)]
    return spans


def _swap_variant(text: str, target: str, group: list[Term]) -> str:
    """Write ``text`` (one form of the group, maybe inflected) as ``target``, keeping the
    ending and the capital: «Fremtiden» → «Framtiden»."""
    low = text.lower()
    for t in sorted(group, key=lambda t: -len(t.term)):
        if low.startswith(t.term.lower()):
            new = target + low[len(t.term) :]
            return new[:1].upper() + new[1:] if text[:1].isupper() else new
    return target


@dataclass
class VariantRule(WorkspaceRule):
    """``variants``: spelling variants discovered in the documents themselves —
    ``kind`` is compound, linking, case, misspelling, agreement or optional (see
    klarsyn.checks.variants). Options: ``min_dominant`` and ``min_ratio`` (how clear the
    majority must be), ``min_frequent`` (misspelling: uses of the right word)."""

    kind: str = ""
    OPTIONS: ClassVar[tuple[str, ...]] = ("min_dominant", "min_ratio", "min_frequent")

    def run_workspace(self, ctxs: list[RunContext]) -> list[list[Finding]]:
        from klarsyn.checks.variants import all_groups, corpus_words

        allowed = frozenset(w.lower() for w in (getattr(ctxs[0].config, "allow", ()) or ()))
        # The word list of a run is the same for every variant rule: build it once, and keep
        # only the latest (a language server runs this again and again).
        key = (tuple(id(c.analysis) for c in ctxs), allowed)
        cached = ctxs[0].analysis.cache.get("corpus_words")
        if cached is not None and cached[0] == key:  # type: ignore[index]
            words = cached[1]  # type: ignore[index]
        else:
            words = corpus_words([c.analysis for c in ctxs], allowed)
            ctxs[0].analysis.cache["corpus_words"] = (key, words)
        options = dict(ctxs[0].options)
        groups = all_groups(self.kind, words, ctxs[0].lang, options, _case_terms(ctxs[0].config) if self.kind == "case" else None)
        return self.report(groups, ctxs, only_bare=self.kind == "agreement")


def _case_terms(config: object) -> dict[str, str]:
    """Names whose capitals a term base settles (``NAV`` → ``Nav``): lower case → the
    preferred form. The variant rule leaves them to the term base."""
    out: dict[str, str] = {}
    all_rules = getattr(config, "all_rules", None)
    if all_rules is None:
        return out
    for rule in all_rules():
        if isinstance(rule, TermRule) and rule.case_sensitive:
            for t in rule.terms:
                for preferred in t.replace:
                    if preferred.lower() == t.term.lower() and preferred != t.term:
                        out[t.term.lower()] = preferred
    return out


_ACRONYM = regex.compile(r"(?<![\p{L}\p{N}-])(\p{Lu}{2,6})(?:s|-\p{Ll}+)?(?![\p{L}\p{N}])")


@dataclass
class AcronymRule(Rule):
    """``acronym``: an acronym (2–6 capitals) not explained at its first use. It counts as
    explained when its long form stands in parentheses right after it, or it stands in
    parentheses right after the long form. ``known`` lists acronyms every reader knows;
    ``expansions`` gives long forms, offered as a fix at the first use."""

    known: frozenset[str] = frozenset()
    expansions: dict[str, str] = field(default_factory=dict)

    @property
    def local(self) -> bool:
        return False  # "first use" looks at the blocks before

    def run(self, ctx: RunContext) -> list[Finding]:
        from klarsyn.text.lexicon import lemmas

        seen: set[str] = set()
        out = []
        source = ctx.analysis.document.source
        lexicon = lemmas(ctx.analysis.document.language or "nb")
        lowercase_words: set[str] | None = None
        words_in_doc: set[str] | None = None
        uses: Counter[str] | None = None  # how often each word in capitals stands in the file
        for ba in self.blocks(ctx.analysis):
            text = ba.block.text
            for m in _ACRONYM.finditer(text):
                acronym = m.group(1)
                if acronym in seen or acronym in self.known:
                    continue
                if _in_capitals_run(text, m.start(), m.end()):
                    continue
                if uses is None:
                    uses = Counter(_CAPITALS_WORD.findall(source))
                if acronym not in self.expansions and uses[acronym] >= _DOCUMENT_NAME_USES:
                    continue  # «ND», «INP» all through the party's own programme: its readers know it
                if regex.match(r"[ \u00a0]?\d{1,3}(?![\d:])", text[m.end(1) : m.end(1) + 6]) and acronym not in self.expansions:
                    continue  # «NH 90», «ROLE 2»: a model's designation (not «NOU 2023: 4»)
                if acronym not in self.expansions and acronym.lower() in _ORDINARY_WORDS:
                    continue  # «ALLE skal ha», «DEL 1»: a word in capitals for emphasis
                if acronym not in self.expansions and m.group() == acronym and acronym.lower() in lexicon:
                    if lowercase_words is None:
                        lowercase_words = set(regex.findall(r"(?<![\p{L}])\p{Ll}+(?![\p{L}])", source))
                    if acronym.lower() in lowercase_words:
                        continue  # «BASIS», «SUM»: a word of the language, used as a word here too
                if words_in_doc is None:
                    words_in_doc = set(regex.findall(r"(?<![\p{L}])\p{Lu}\p{Ll}+(?![\p{L}])", source))
                if acronym not in self.expansions and acronym[0] + acronym[1:].lower() in words_in_doc:
                    continue  # «ENOVA» beside «Enova»: a name, written in capitals here
                s, e = ba.block.source_span(m.start(1), m.end(1))
                after = text[m.end() : m.end() + 3].lstrip()
                before = text[: m.start()].rstrip()
                closes = text[m.end(1) : m.end(1) + 1] == ")" or text[m.end() : m.end() + 1] == ")"  # (NGOs), (UH-sektoren)
                if (after.startswith("(") or (before.endswith("(") and closes) or _explained_beside(text, m.start(1), m.end(), acronym)
                        or _named_kind(before)):
                    seen.add(acronym)
                    continue
                if ba.block.is_heading or _contents_line(source, s, e):
                    continue  # a heading or the table of contents: explained in the text below
                seen.add(acronym)
                fixes = []
                long_form = self.expansions.get(acronym)
                if long_form:
                    title = {"nb": "Skriv «{0} ({1})»", "nn": "Skriv «{0} ({1})»", "en": "Write “{0} ({1})”"}.get(ctx.lang, "Skriv «{0} ({1})»")
                    fixes.append(Fix(title.format(long_form, acronym), (Edit(s, e, f"{long_form} ({acronym})"),), FixSafety.UNSAFE))
                out.append(self.finding(ctx, ba.block, m.start(1), m.end(1), fixes, {"acronym": acronym, "long_form": long_form or ""},
                                        match=acronym, long_form=long_form or "…"))
        return out


# «EUs energibyrå ACER», «tilsynet PTIL»: a word right before the acronym says what it is.
_KINDS = regex.compile(r"(?:byrå|byrået|tilsyn|tilsynet|direktorat|direktoratet|etat|etaten|organisasjon|organisasjonen|"
                       r"fond|fondet|forbund|forbundet|nemnd|nemnda|institutt|instituttet|selskap|selskapet|"
                       r"program|programmet|avtale|avtalen|konvensjon|konvensjonen|system|systemet)$")


def _named_kind(before: str) -> bool:
    words = before.split()
    return bool(words) and words[-1].islower() and bool(_KINDS.search(words[-1]))


# Common words written in capitals for emphasis or in a heading: never acronyms.
_ORDINARY_WORDS = frozenset(
    """alle alt aldri alltid bare del deg dem den der det du eller en er et for fra gratis
    han har hele her hun ikke ingen ja jeg kan kun litt man med meg men mer mest mindre må
    nei nok nå når og også oss seg selv sin skal som sum til ut uten vi vil vår våre vårt
    ønsker all ei eg dei me ho ikkje noko berre""".split()
)
_FUNCTION_WORDS = frozenset("og for i av til på med om the of and for de del la le des und für".split())
_SECTION_NUMBER = regex.compile(r"^\s*\f?\s*(?:[A-Z]\d*|\d+(?:\.\d+)*)\.?\s")


def _contents_line(source: str, start: int, end: int) -> bool:
    """A line of a table of contents («17.3 ACER», «CRPD......30») or a numbered heading
    («11.8 KAD og kommunal helsetjeneste»): short, numbered or with dot leaders, no period."""
    line_start = max(source.rfind("\n", 0, start), source.rfind("\r", 0, start)) + 1
    ends = [i for i in (source.find("\n", end), source.find("\r", end)) if i >= 0]
    line = source[line_start : min(ends) if ends else len(source)].strip()
    if "...." in line or "…" * 3 in line:
        return True
    words = regex.findall(r"\p{L}+", line)
    return bool(_SECTION_NUMBER.match(line)) and len(words) <= 10 and not line.endswith((".", ",", ";"))


def _spells(acronym: str, words: list[str]) -> bool:
    """True when the words, in order, give the acronym's letters: each word its initial
    and maybe more letters inside it (a compound: «petroleumstilsynet» → PTIL); small
    function words may give a letter or none («Institutt for Nordisk Utvikling» → INU)."""
    acr = acronym.lower()
    low = [w.lower() for w in words]

    def match(a: int, w: int) -> bool:
        if w == len(low):
            return a == len(acr)
        word = low[w]
        if word in _FUNCTION_WORDS and match(a, w + 1):
            return True
        if a >= len(acr) or word[0] != acr[a]:
            return False
        # The word gives its initial, then maybe further letters in order.
        def rest(a2: int, i: int) -> bool:
            if match(a2, w + 1):
                return True
            if a2 >= len(acr):
                return False
            j = word.find(acr[a2], i)
            return j >= 0 and rest(a2 + 1, j + 1)

        return rest(a + 1, 1)

    return match(0, 0)


def _explained_beside(text: str, start: int, end: int, acronym: str) -> bool:
    """The long form right before the acronym («New Public Management, NPM», «Små og
    Mellomstore Bedrifter – SMB») or right after it («NIU, Nordisk Institutt for Utvikling»),
    set off by a comma, a dash or a bracket: the initials spell the acronym. With only a
    space between, the long form must be a name (capital initials: «Norgesdemokratene ND»)."""

    def fits(words: list[str], marked: bool) -> bool:
        if not words or any(len(w) > 1 and w.isupper() for w in words):
            return False  # another acronym is no long form («UD og UDI»)
        return _spells(acronym, words) and (marked or all(w[:1].isupper() for w in words if w.lower() not in _FUNCTION_WORDS))

    before = regex.match(r"(?s)(.*?)(\s*[,–—(-]\s*|\s+)$", text[max(0, start - 120) : start])
    if before:
        marked = bool(before.group(2).strip())
        words = regex.findall(r"\p{L}+", before.group(1))[-8:]
        if any(fits(words[-n:], marked) for n in range(1, len(words) + 1)):
            return True
    after = regex.match(r"(\s*[,:–—-]\s*|\s+)((?:\p{L}+[ \t\n,-]*){1,8})", text[end : end + 120])
    if after:
        marked = bool(after.group(1).strip())
        words = regex.findall(r"\p{L}+", after.group(2))
        if any(fits(words[:n], marked) for n in range(1, len(words) + 1)):
            return True
    return False


# An acronym this frequent in one document is what the document is about (the party that
# wrote the programme); its readers know it. The sample draft's «SFO» is used 3 times.
_DOCUMENT_NAME_USES = 15


_CAPITALS_WORD = regex.compile(r"(?<![\p{L}\p{N}])\p{Lu}[\p{Lu}\p{N}]{1,7}(?![\p{L}\p{N}])")


def _in_capitals_run(text: str, start: int, end: int) -> bool:
    """True inside text written in capitals (``SKAL BYGGE PÅ FEM``) or letter-spaced
    (``S T OR T I N GS``): not an acronym."""
    neighbours = regex.findall(r"\p{L}+", text[max(0, start - 20) : start])[-1:] + regex.findall(r"\p{L}+", text[end : end + 20])[:1]
    return any(w.isupper() and (len(w) >= 2 or w not in _ONE_LETTER_WORDS) for w in neighbours)


_FIX_TITLES = {
    "replace": {"nb": "Erstatt med «{0}»", "nn": "Byt ut med «{0}»", "en": "Replace with “{0}”"},
    "delete": {"nb": "Fjern «{0}»", "nn": "Fjern «{0}»", "en": "Remove “{0}”"},
}


@dataclass
class AnalysisRule(Rule):
    """``analysis``: one of klarsyn's built-in analyses (``analysis: passive``, …; see
    klarsyn.checks.ANALYSES), with the pack supplying severity, messages, examples and
    option values. The message gets the analysis's values (``{match}`` and others)."""

    analysis: str = ""
    fix_safety: FixSafety = FixSafety.UNSAFE

    def run(self, ctx: RunContext) -> list[Finding]:
        from klarsyn.checks import ANALYSES

        function = ANALYSES[self.analysis]
        lang = ctx.lang
        out = []
        for ba in self.blocks(ctx.analysis):
            for hit in function(ba, lang, ctx.options):
                fixes = []
                if hit.replacement is not None:
                    fs = hit.start if hit.fix_start is None else hit.fix_start
                    fe = hit.end if hit.fix_end is None else hit.fix_end
                    s, e = ba.block.source_span(fs, fe)
                    old = ba.block.text[fs:fe]
                    kind = "replace" if hit.replacement else "delete"
                    title = _FIX_TITLES[kind].get(lang, _FIX_TITLES[kind]["nb"]).format(hit.replacement or old.strip())
                    fixes.append(Fix(title, (Edit(s, e, hit.replacement),), self.fix_safety))
                out.append(self.finding(ctx, ba.block, hit.start, hit.end, fixes, dict(hit.values), **hit.values))
        return out


@dataclass
class StructureRule(Rule):
    """``structure``: one of klarsyn's accessible-structure checks (``check: heading-skip``,
    ``link-text``, ``image-alt`` …; klarsyn.checks.structure), over the whole document."""

    check: str = ""
    OPTIONS: ClassVar[tuple[str, ...]] = ("max",)

    @property
    def local(self) -> bool:
        return False

    def run(self, ctx: RunContext) -> list[Finding]:
        from klarsyn.checks.structure import CHECKS

        out = []
        for block, start, end, values in CHECKS[self.check](ctx.analysis, ctx.options):
            if block is None:
                out.append(Finding(self.id, ctx.severity, self.text(ctx.lang, **values), 0, 0, [], dict(values)))
            elif block.quoted and not self.include_quotes:
                continue
            else:
                out.append(self.finding(ctx, block, start, end, None, dict(values), **values))
        return out


RULE_TYPES: dict[str, Callable[..., Rule]] = {
    "existence": TermRule,
    "substitution": TermRule,
    "metric": MetricRule,
    "occurrence": OccurrenceRule,
    "repetition": RepetitionRule,
    "capitalization": CapitalizationRule,
    "consistency": ConsistencyRule,
    "acronym": AcronymRule,
    "analysis": AnalysisRule,
    "variants": VariantRule,
    "termbase": TermRule,
    "structure": StructureRule,
}
METRICS = ("sentence_words", "word_letters", "paragraph_lix", "section_lix")
