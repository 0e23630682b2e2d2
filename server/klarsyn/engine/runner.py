"""Run the enabled rules on a document, honouring the project config."""

from __future__ import annotations

from dataclasses import dataclass

from klarsyn.config import Config, match_rules
from klarsyn.document.model import Document
from klarsyn.engine.rules import Rule, RunContext
from klarsyn.engine.suppress import apply_suppressions, parse_suppressions
from klarsyn.findings import Finding
from klarsyn.metrics.analysis import DocumentAnalysis, analyze


def enabled_rules(config: Config, language: str) -> list[Rule]:
    """Rules for a document in ``language``: selected, not ignored, not off, language-matched."""
    catalog = config.all_rules()
    ids = [r.id for r in catalog]
    # Rules that are off by default run when selected by name or given settings in the config.
    if config.select:
        chosen = match_rules(config.select, ids, "")
    else:
        chosen = {r.id for r in catalog if r.enabled} | {i for i, s in config.rules.items() if s.enabled}
    chosen -= match_rules(config.ignore, ids, "") if config.ignore else set()
    return [
        r
        for r in catalog
        if r.id in chosen
        and (r.id not in config.rules or config.rules[r.id].enabled)
        and (not r.languages or language in r.languages)
    ]


@dataclass
class CheckResult:
    analysis: DocumentAnalysis
    findings: list[Finding]

    @property
    def document(self) -> Document:
        return self.analysis.document


def check_document(document: Document, config: Config, report_unused_suppressions: bool = False) -> CheckResult:
    analysis = analyze(document)
    findings: list[Finding] = []
    for rule in enabled_rules(config, document.language):
        settings = config.rules.get(rule.id)
        options = dict(rule.options)
        severity = rule.severity
        if settings is not None:
            options.update(settings.options)
            severity = settings.severity or severity
        findings.extend(rule.run(RunContext(analysis, severity, options)))
    suppressions = parse_suppressions(document, {r.id for r in config.all_rules()})
    findings = apply_suppressions(findings, suppressions, report_unused_suppressions, document.language)
    findings.sort(key=Finding.sort_key)
    return CheckResult(analysis, findings)
