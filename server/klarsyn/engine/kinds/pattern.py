"""``pattern`` rules: a pack's own regular expressions, under a time budget."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import regex

from klarsyn.engine.kinds.base import (
    _BUDGET,
    RegexBudget,
    Rule,
    RuleTimeout,
    RunContext,
)
from klarsyn.engine.terms import normalize_space
from klarsyn.findings import Finding


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
