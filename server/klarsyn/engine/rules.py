"""The closed set of rule types, and how each is read from a YAML rule file.

Every rule file has: ``id``, ``type``, ``severity``, ``message`` (nb/nn/en),
``description``, ``source``/``link``, optional ``scope`` (block kinds; quotes
excluded unless named) and ``examples: {bad: [...], good: [...]}``. Type-specific
fields are documented on each class (one module each in klarsyn.engine.kinds) and in
docs/rule-packs.md. This module names the set; the rest of klarsyn imports from here.
"""

from __future__ import annotations

from typing import Callable

from klarsyn.engine.kinds.acronym import AcronymRule
from klarsyn.engine.kinds.analysis import AnalysisRule
from klarsyn.engine.kinds.base import (
    DEFAULT_SCOPE,
    MAX_MESSAGE_CHARS,
    MAX_VALUE_CHARS,
    Example,
    RegexBudget,
    Rule,
    RuleTimeout,
    RunContext,
    regex_budget,
    with_regex_budget,
)
from klarsyn.engine.kinds.capitalization import CapitalizationRule
from klarsyn.engine.kinds.consistency import ConsistencyRule, VariantRule, WorkspaceRule
from klarsyn.engine.kinds.metric import MetricRule
from klarsyn.engine.kinds.occurrence import OccurrenceRule
from klarsyn.engine.kinds.pattern import PatternRule
from klarsyn.engine.kinds.repetition import RepetitionRule
from klarsyn.engine.kinds.structure import StructureRule
from klarsyn.engine.kinds.substitution import TermRule

__all__ = [
    "DEFAULT_SCOPE", "MAX_MESSAGE_CHARS", "MAX_VALUE_CHARS", "METRICS", "RULE_TYPES", "AcronymRule", "AnalysisRule",
    "CapitalizationRule", "ConsistencyRule", "Example", "MetricRule", "OccurrenceRule", "PatternRule", "RegexBudget",
    "RepetitionRule", "Rule", "RuleTimeout", "RunContext", "StructureRule", "TermRule", "VariantRule", "WorkspaceRule",
    "regex_budget", "with_regex_budget",
]

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
