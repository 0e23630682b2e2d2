"""Workspace rules, which weigh every document of a run together: consistency and variants."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import ClassVar

import regex

from klarsyn.engine import cancel
from klarsyn.engine.kinds.analysis import _FIX_TITLES
from klarsyn.engine.kinds.base import Rule, RunContext
from klarsyn.engine.kinds.substitution import TermRule
from klarsyn.engine.terms import Term, TermMatcher
from klarsyn.findings import Edit, Finding, Fix, FixSafety, Related


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
                cancel.check()  # the language server stops this pass when the author types
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
    for pattern in _fixed_patterns(fixed):
        spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
    return spans


@lru_cache(maxsize=64)
def _fixed_patterns(fixed: tuple[str, ...]) -> tuple[regex.Pattern[str], ...]:
    """One compiled pattern per fixed expression, made once per rule: this runs for every
    block of every draft at each consistency pass."""
    return tuple(regex.compile(r"(?<![\p{L}\p{N}])" + r"\s+".join(regex.escape(w) for w in phrase.split()) + r"(?![\p{L}\p{N}])",
                               flags=regex.IGNORECASE) for phrase in fixed)


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
        groups = all_groups(self.kind, words, ctxs[0].text_lang, options, _case_terms(ctxs[0].config) if self.kind == "case" else None)
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
