"""Suppression comments in Markdown (HTML comments), with an optional reason after ``--``:

    <!-- klarsyn-disable-next-line lang-setning -- sitat fra vedtaket -->
    <!-- klarsyn-disable kanselli, forkortelser -->  … <!-- klarsyn-enable kanselli -->
    <!-- klarsyn-disable-file versaler -->

Without rule ids a comment covers every rule. A comment naming an unknown rule is
reported (rule ``unntak``), and so, with --report-unused-suppressions, is a comment that
silenced nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import regex

from klarsyn.document.model import Document
from klarsyn.engine.rules import DEFAULT_SCOPE, Example, Rule, RunContext
from klarsyn.findings import Finding, Severity

RULE_ID = "unntak"
_COMMENT = regex.compile(r"<!--\s*klarsyn-(disable-next-line|disable-line|disable-file|disable|enable)\b(.*?)-->", regex.DOTALL)


@dataclass
class SuppressionRule(Rule):
    """The rule behind findings about suppression comments themselves.

    It is a rule like the others in the catalog, so ``klarsyn explain unntak``, ``--select``,
    ``--ignore``, ``rules: {unntak: ...}`` and the editor's severity settings all know it.
    Its findings come from the suppression pass (:func:`apply_suppressions`), which runs after
    every other rule because an unused comment is only known then; ``run`` therefore adds
    nothing of its own.
    """

    unused_message: dict[str, str] = field(default_factory=dict)

    def run(self, ctx: RunContext) -> list[Finding]:
        return []

    def unused_text(self, lang: str) -> str:
        return self.unused_message.get(lang) or self.unused_message["nb"]


SUPPRESSION_RULE = SuppressionRule(
    id=RULE_ID,
    type="suppression",
    severity=Severity.WARNING,
    message={
        "nb": "Ukjent regel «{rule}» i unntakskommentaren.",
        "nn": "Ukjend regel «{rule}» i unntakskommentaren.",
        "en": "Unknown rule “{rule}” in the suppression comment.",
    },
    unused_message={
        "nb": "Unntaket demper ingen funn og kan fjernes.",
        "nn": "Unntaket dempar ingen funn og kan fjernast.",
        "en": "This suppression silences nothing and can be removed.",
    },
    description=(
        "Flagger en unntakskommentar (<!-- klarsyn-disable … -->) som nevner en regel som ikke "
        "finnes, ofte en skrivefeil, slik at regelen som skulle slås av, fortsatt gjelder. Med "
        "--report-unused-suppressions flagges også kommentarer som ikke demper noe funn (som info)."
    ),
    source="klarsyn",
    link="",
    scope=DEFAULT_SCOPE,
    include_quotes=False,
    bad=[Example("<!-- klarsyn-disable-next-line lang-setnig -->\nVi vil bygge flere skoler.", match="<!-- klarsyn-disable-next-line lang-setnig -->")],
    good=[Example("<!-- klarsyn-disable-next-line lang-setning -->\nVi vil bygge flere skoler.")],
    pack="felles",
)


@dataclass
class Suppression:
    start: int  # source range of the comment
    end: int
    rules: frozenset[str]  # empty: every rule
    first: int  # covered source range
    last: int
    used: bool = False
    reason: str = ""

    def covers(self, finding: Finding) -> bool:
        return (not self.rules or finding.rule in self.rules) and self.first <= finding.start < self.last


@dataclass
class Suppressions:
    items: list[Suppression] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)


def parse_suppressions(document: Document, known: set[str]) -> Suppressions:
    out = Suppressions()
    if document.format not in ("markdown", "html"):  # the formats where a comment is invisible
        return out
    source = document.source
    if "klarsyn-" not in source:
        return out
    lines = document.lines
    open_blocks: list[Suppression] = []
    lang = document.language
    for m in _COMMENT.finditer(source):
        kind, body = m.group(1), m.group(2)
        ids_text, _, reason = body.partition("--")
        ids = [i for i in regex.split(r"[,\s]+", ids_text.strip()) if i]
        for rule_id in ids:
            if rule_id not in known:
                message = SUPPRESSION_RULE.text(lang, rule=rule_id)
                out.problems.append(Finding(RULE_ID, SUPPRESSION_RULE.severity, message, m.start(), m.end()))
        rules = frozenset(i for i in ids if i in known)
        if ids and not rules:
            continue
        line, _ = lines.position(m.start())
        end_line, _ = lines.position(m.end())
        if kind == "disable-next-line":
            first = lines.starts[end_line] if end_line < lines.count else len(source)
            last = lines.starts[end_line + 1] if end_line + 1 < lines.count else len(source)
        elif kind == "disable-line":
            first = lines.starts[line - 1]
            last = lines.starts[end_line] if end_line < lines.count else len(source)
        elif kind == "disable-file":
            first, last = 0, len(source)
        elif kind == "disable":
            first, last = m.end(), len(source)
        else:  # enable: close the open blocks it names
            for block in list(open_blocks):
                if not rules or block.rules & rules or not block.rules:
                    block.last = m.start()
                    open_blocks.remove(block)
            continue
        item = Suppression(m.start(), m.end(), rules, first, last, reason=reason.strip())
        out.items.append(item)
        if kind == "disable":
            open_blocks.append(item)
    return out


def apply_suppressions(findings: list[Finding], suppressions: Suppressions, report_unused: bool, lang: str,
                       enabled: bool = True, severity: Severity | None = None) -> list[Finding]:
    """The findings no comment silences, plus the findings about the comments themselves:
    those only when the ``unntak`` rule is ``enabled`` for the document, at ``severity`` when
    the project set one (otherwise warning for an unknown rule, info for an unused comment)."""
    kept = []
    for f in findings:
        hit = next((s for s in suppressions.items if s.covers(f)), None)
        if hit is None:
            kept.append(f)
        else:
            hit.used = True
    if not enabled:
        return kept
    own = list(suppressions.problems)
    if report_unused:
        message = SUPPRESSION_RULE.unused_text(lang)
        own.extend(Finding(RULE_ID, Severity.INFO, message, s.start, s.end) for s in suppressions.items if not s.used)
    if severity is not None:
        own = [replace(f, severity=severity) for f in own]
    return kept + own
