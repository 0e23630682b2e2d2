"""Run the enabled checks on a document, honouring the project config."""

from __future__ import annotations

from dataclasses import dataclass

from klarsyn.checks.base import CheckContext, CheckSpec
from klarsyn.checks.readability import CHECKS as READABILITY_CHECKS
from klarsyn.config import Config, match_rules
from klarsyn.document.model import Document
from klarsyn.findings import Finding
from klarsyn.metrics.analysis import DocumentAnalysis, analyze

ALL_CHECKS: tuple[CheckSpec, ...] = READABILITY_CHECKS


def rule_ids() -> list[str]:
    return [c.id for c in ALL_CHECKS]


def enabled_checks(config: Config) -> list[CheckSpec]:
    ids = rule_ids()
    chosen = match_rules(config.select, ids, "") if config.select else set(ids)
    chosen -= match_rules(config.ignore, ids, "") if config.ignore else set()
    return [c for c in ALL_CHECKS if c.id in chosen and (c.id not in config.rules or config.rules[c.id].enabled)]


@dataclass
class CheckResult:
    analysis: DocumentAnalysis
    findings: list[Finding]

    @property
    def document(self) -> Document:
        return self.analysis.document


def check_document(document: Document, config: Config) -> CheckResult:
    analysis = analyze(document)
    findings: list[Finding] = []
    for spec in enabled_checks(config):
        settings = config.rules.get(spec.id)
        options = {o.name: o.default for o in spec.options}
        severity = spec.severity
        if settings is not None:
            options.update(settings.options)
            severity = settings.severity or severity
        findings.extend(spec.run(CheckContext(analysis, spec, severity, options)))
    findings.sort(key=Finding.sort_key)
    return CheckResult(analysis, findings)
