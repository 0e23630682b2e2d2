"""The closed set of rule types, and how each is read from a YAML rule file.

Every rule file has: ``id``, ``type``, ``severity``, ``message`` (nb/nn/en),
``description``, ``source``/``link``, optional ``scope`` (block kinds; quotes
excluded unless named) and ``examples: {bad: [...], good: [...]}``. Type-specific
fields are documented on each class and in docs/rule-packs.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, ClassVar

import regex

from klarsyn.document.model import Block, BlockKind
from klarsyn.engine.terms import Term, TermMatcher, Token, normalize_space, term_tokens
from klarsyn.errors import ConfigError
from klarsyn.findings import Edit, Finding, Fix, FixSafety, Severity
from klarsyn.metrics.analysis import BlockAnalysis, DocumentAnalysis
from klarsyn.metrics.lix import band

DEFAULT_SCOPE = frozenset({BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.TABLE_CELL})
REGEX_TIMEOUT = 0.25  # seconds per block for a pack's own regular expressions

_OR = {"nb": "eller", "nn": "eller", "en": "or"}
_REPLACE_TITLE = {"nb": "Erstatt med «{0}»", "nn": "Byt ut med «{0}»", "en": "Replace with “{0}”"}


class RuleTimeout(Exception):
    def __init__(self, rule: str) -> None:
        super().__init__(rule)
        self.rule = rule


@dataclass
class RunContext:
    analysis: DocumentAnalysis
    severity: Severity
    options: dict[str, float]

    @property
    def lang(self) -> str:
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
    options: dict[str, float] = field(default_factory=dict)

    OPTIONS: ClassVar[tuple[str, ...]] = ()  # numeric fields a project config may override

    # -- helpers for subclasses -------------------------------------------------
    def text(self, lang: str, **values: object) -> str:
        template = self.message.get(lang) or self.message.get("nb") or next(iter(self.message.values()))
        try:
            return " ".join(template.format(**values).split())
        except (KeyError, IndexError, ValueError):
            return " ".join(template.split())

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


@dataclass
class TermRule(Rule):
    """``existence`` and ``substitution``: flag listed terms (with their inflected forms).

    Fields: ``terms`` (list of ``{term, replace, forms, inflect, note, severity}``),
    ``case_sensitive`` (default false), ``fix_safety`` (safe | unsafe | display-only).
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
            for start, end, matched, term in self.matcher.finditer(ba.block.text, ctx.tokens(ba)):
                fixes = []
                exact = matched.lower() == term.term.lower()
                safety = self.fix_safety if exact else FixSafety.UNSAFE
                s, e = ba.block.source_span(start, end)
                # "… epler, pærer osv." : the abbreviation's period also ends the sentence.
                keep_period = matched.endswith(".") and end in sentence_ends
                for alternative in term.replace[:4]:
                    new = _match_case(alternative, matched)
                    if keep_period and not new.endswith("."):
                        new += "."
                    fixes.append(Fix(_REPLACE_TITLE.get(ctx.lang, _REPLACE_TITLE["nb"]).format(new), (Edit(s, e, new),), safety))
                severity = Severity.parse(term.severity) if term.severity else None
                out.append(
                    self.finding(
                        ctx, ba.block, start, end, fixes,
                        {"term": term.term, "alternatives": list(term.replace), "note": term.note},
                        severity if severity and ctx.severity is self.severity else None,
                        match=matched, suggestions=_suggestions(term.replace, ctx.lang), note=term.note,
                    )
                )
        return out


@dataclass
class PatternRule(Rule):
    """``existence`` with ``patterns``: regular expressions (the ``regex`` module's syntax),
    run with a time limit so a runaway pattern cannot hang a check."""

    patterns: list[regex.Pattern[str]] = field(default_factory=list)

    def run(self, ctx: RunContext) -> list[Finding]:
        out = []
        for ba in self.blocks(ctx.analysis):
            text = normalize_space(ba.block.text)
            for pattern in self.patterns:
                try:
                    for m in pattern.finditer(text, timeout=REGEX_TIMEOUT):
                        if m.end() > m.start():
                            out.append(self.finding(ctx, ba.block, m.start(), m.end(), match=m.group()))
                except TimeoutError:
                    raise RuleTimeout(self.id) from None
        return out


@dataclass
class MetricRule(Rule):
    """``metric``: a threshold on a readability figure.

    Fields: ``metric`` (sentence_words | word_letters | paragraph_lix | section_lix),
    ``max``, ``min_words`` (units with fewer words are not judged).
    """

    metric: str = ""
    OPTIONS: ClassVar[tuple[str, ...]] = ("max", "min_words")

    def run(self, ctx: RunContext) -> list[Finding]:
        limit = ctx.options["max"]
        min_words = ctx.options.get("min_words", 0)
        lang = ctx.lang
        out: list[Finding] = []
        if self.metric == "section_lix":
            for section in ctx.analysis.sections:
                lix = section.counts.lix
                if section.heading is None or lix is None or section.counts.words < min_words or lix <= limit:
                    continue
                block = section.heading.block
                out.append(self.finding(ctx, block, 0, len(block.text), data={"lix": round(lix, 1), **section.counts.as_dict()},
                                        value=f"{lix:.0f}", limit=f"{limit:g}", band=band(lix, lang), words=section.counts.words))
            return out
        for ba in self.blocks(ctx.analysis):
            block = ba.block
            if self.metric == "paragraph_lix":
                lix = ba.counts.lix
                if ba.counted and lix is not None and ba.counts.words >= min_words and lix > limit:
                    out.append(self.finding(ctx, block, 0, len(block.text), data={"lix": round(lix, 1), **ba.counts.as_dict()},
                                            value=f"{lix:.0f}", limit=f"{limit:g}", band=band(lix, lang), words=ba.counts.words))
                continue
            for s in ba.sentences:
                if self.metric == "sentence_words" and len(s.words) > limit:
                    out.append(self.finding(ctx, block, s.start, s.end, data={"words": len(s.words)},
                                            value=len(s.words), limit=f"{limit:g}"))
                elif self.metric == "word_letters":
                    for w in s.words:
                        word = block.text[w.start : w.end]
                        if w.letters > limit and "-" not in word:
                            out.append(self.finding(ctx, block, w.start, w.end, data={"letters": w.letters},
                                                    value=w.letters, limit=f"{limit:g}", word=word))
        return out


@dataclass
class OccurrenceRule(Rule):
    """``occurrence``: more than ``max`` matches of ``terms`` in one ``unit`` (sentence | paragraph).
    The finding covers the unit; the message gets ``{count}`` and ``{limit}``."""

    terms: list[Term] = field(default_factory=list)
    unit: str = "sentence"
    OPTIONS: ClassVar[tuple[str, ...]] = ("max",)
    _matcher: TermMatcher | None = field(default=None, repr=False)

    def run(self, ctx: RunContext) -> list[Finding]:
        if self._matcher is None:
            self._matcher = TermMatcher(self.terms)
        limit = ctx.options["max"]
        out = []
        for ba in self.blocks(ctx.analysis):
            hits = [start for start, _e, _m, _t in self._matcher.finditer(ba.block.text, ctx.tokens(ba))]
            units = [(s.start, s.end) for s in ba.sentences] if self.unit == "sentence" else [(0, len(ba.block.text))]
            for a, b in units:
                count = sum(1 for h in hits if a <= h < b)
                if count > limit:
                    out.append(self.finding(ctx, ba.block, a, b, data={"count": count}, count=count, limit=f"{limit:g}"))
        return out


_WORD = regex.compile(r"(?<![\p{L}\p{N}-])\p{L}[\p{L}\p{M}]*(?:-\p{L}[\p{L}\p{M}]*)*")


@dataclass
class RepetitionRule(Rule):
    """``repetition``: the same word twice in a row (``og og``). ``allow`` lists words that
    may be doubled on purpose (``det det``). The fix deletes the second copy."""

    allow: frozenset[str] = frozenset()
    _TITLE: ClassVar[dict[str, str]] = {"nb": "Fjern det doble «{0}»", "nn": "Fjern den doble «{0}»", "en": "Remove the repeated “{0}”"}

    def run(self, ctx: RunContext) -> list[Finding]:
        out = []
        for ba in self.blocks(ctx.analysis):
            text = ba.block.text
            previous: regex.Match[str] | None = None
            for m in _WORD.finditer(text):
                if (
                    previous is not None
                    and m.group().lower() == previous.group().lower()
                    and text[previous.end() : m.start()].strip() == ""
                    and m.group().lower() not in self.allow
                ):
                    s, _ = ba.block.source_span(previous.end(), previous.end())
                    _, e = ba.block.source_span(m.start(), m.end())
                    title = self._TITLE.get(ctx.lang, self._TITLE["nb"]).format(m.group())
                    fix = Fix(title, (Edit(s, e, ""),), FixSafety.SAFE)
                    out.append(self.finding(ctx, ba.block, previous.start(), m.end(), [fix], word=m.group()))
                previous = m
        return out


_CAPS_RUN = regex.compile(r"(?<![\p{L}\p{N}])\p{Lu}[\p{Lu}\p{M}-]*(?:[^\p{L}\n]{1,3}\p{Lu}[\p{Lu}\p{M}-]*)*(?![\p{L}])")


@dataclass
class CapitalizationRule(Rule):
    """``capitalization``: text in capitals. Flags a run of at least ``min_words`` words
    written in capitals (each of at least two letters), and a whole heading or paragraph in
    capitals from two words; acronyms stand alone and are not runs. The fix writes the run
    in sentence case (unsafe: names lose their capitals)."""

    OPTIONS: ClassVar[tuple[str, ...]] = ("min_words",)

    def run(self, ctx: RunContext) -> list[Finding]:
        min_words = ctx.options.get("min_words", 3)
        out = []
        for ba in self.blocks(ctx.analysis):
            # A whole heading or line in capitals counts from two words ("VÅR POLITIKK").
            letters = regex.findall(r"\p{L}+", ba.block.text)
            whole = len(letters) >= 2 and all(w.isupper() for w in letters) and any(len(w) >= 4 for w in letters)
            for m in _CAPS_RUN.finditer(ba.block.text):
                words = [w for w in regex.findall(r"\p{L}+", m.group()) if len(w) >= 2]
                if len(words) < min_words and not (whole and len(words) >= 2):
                    continue
                s, e = ba.block.source_span(m.start(), m.end())
                lowered = m.group().lower()
                fix = Fix(
                    {"nb": "Skriv med små bokstaver", "nn": "Skriv med små bokstavar", "en": "Use sentence case"}.get(ctx.lang, "Skriv med små bokstaver"),
                    (Edit(s, e, lowered[:1].upper() + lowered[1:]),),
                    FixSafety.UNSAFE,
                )
                out.append(self.finding(ctx, ba.block, m.start(), m.end(), [fix], words=len(words)))
        return out


@dataclass
class ConsistencyRule(Rule):
    """``consistency``: declared variant groups (``variants: [[framtid, fremtid], ...]``).
    When a document uses more than one form of a group, every use of the rarer form(s) is
    flagged, pointing at the dominant one with counts."""

    groups: list[list[Term]] = field(default_factory=list)
    _matcher: TermMatcher | None = field(default=None, repr=False)
    _group_of: dict[int, int] = field(default_factory=dict, repr=False)

    def run(self, ctx: RunContext) -> list[Finding]:
        out: list[Finding] = []
        blocks = self.blocks(ctx.analysis)
        if self._matcher is None:
            self._matcher = TermMatcher([t for group in self.groups for t in group])
            self._group_of = {id(t): i for i, group in enumerate(self.groups) for t in group}
        # One pass over the text for every group; hits sorted into their groups after.
        by_group: list[dict[str, list[tuple[BlockAnalysis, int, int, str]]]] = [
            {t.term: [] for t in group} for group in self.groups
        ]
        for ba in blocks:
            for start, end, matched, term in self._matcher.finditer(ba.block.text, ctx.tokens(ba)):
                by_group[self._group_of[id(term)]][term.term].append((ba, start, end, matched))
        for hits in by_group:
            used = {k: v for k, v in hits.items() if v}
            if len(used) < 2:
                continue
            dominant = max(used, key=lambda k: (len(used[k]), -list(hits).index(k)))
            for variant, places in used.items():
                if variant == dominant:
                    continue
                for ba, start, end, matched in places:
                    out.append(self.finding(ctx, ba.block, start, end, data={"dominant": dominant, "counts": {k: len(v) for k, v in used.items()}},
                                            match=matched, variant=variant, dominant=dominant,
                                            count=len(places), dominant_count=len(used[dominant])))
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

    def run(self, ctx: RunContext) -> list[Finding]:
        seen: set[str] = set()
        out = []
        for ba in self.blocks(ctx.analysis):
            text = ba.block.text
            for m in _ACRONYM.finditer(text):
                acronym = m.group(1)
                if acronym in seen or acronym in self.known:
                    continue
                if _in_capitals_run(text, m.start(), m.end()):
                    continue
                seen.add(acronym)
                after = text[m.end() : m.end() + 3].lstrip()
                before = text[: m.start()].rstrip()
                if after.startswith("(") or (before.endswith("(") and text[m.end(1) : m.end(1) + 1] == ")"):
                    continue
                fixes = []
                long_form = self.expansions.get(acronym)
                if long_form:
                    s, e = ba.block.source_span(m.start(1), m.end(1))
                    title = {"nb": "Skriv «{0} ({1})»", "nn": "Skriv «{0} ({1})»", "en": "Write “{0} ({1})”"}.get(ctx.lang, "Skriv «{0} ({1})»")
                    fixes.append(Fix(title.format(long_form, acronym), (Edit(s, e, f"{long_form} ({acronym})"),), FixSafety.UNSAFE))
                out.append(self.finding(ctx, ba.block, m.start(1), m.end(1), fixes, {"acronym": acronym, "long_form": long_form or ""},
                                        match=acronym, long_form=long_form or "…"))
        return out


def _in_capitals_run(text: str, start: int, end: int) -> bool:
    """True inside text written in capitals (``SKAL BYGGE PÅ FEM``): not an acronym."""
    neighbours = regex.findall(r"\p{L}+", text[max(0, start - 20) : start])[-1:] + regex.findall(r"\p{L}+", text[end : end + 20])[:1]
    return any(len(w) >= 2 and w.isupper() for w in neighbours)


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
}
METRICS = ("sentence_words", "word_letters", "paragraph_lix", "section_lix")
