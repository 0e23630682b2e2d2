"""Run the enabled rules on documents, honouring each document's project config.

Rules of most types look at one document. Workspace rules (term consistency) look at
every document of a run at once — the files of a CLI run, the drafts of an editor's
workspace — so a spelling in chapter 2 is weighed against chapter 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from klarsyn.config import Config, match_rules
from klarsyn.document.model import Document
from klarsyn.engine.rules import Rule, RunContext, WorkspaceRule
from klarsyn.engine.suppress import RULE_ID as SUPPRESSION_RULE_ID, apply_suppressions, parse_suppressions
from klarsyn.findings import Finding
from klarsyn.metrics.analysis import DocumentAnalysis, analyze
from klarsyn.engine.rules import regex_budget


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


def suppress(document: Document, config: Config, findings: list[Finding], report_unused: bool = False) -> list[Finding]:
    """``findings`` without what the document's suppression comments silence, plus the
    ``unntak`` findings about those comments, honouring the config like any other rule:
    selected or ignored, turned off, or given another severity."""
    suppressions = parse_suppressions(document, {r.id for r in config.all_rules()})
    enabled = any(r.id == SUPPRESSION_RULE_ID for r in enabled_rules(config, document.language))
    settings = config.rules.get(SUPPRESSION_RULE_ID)
    lang = config.message_language or document.language
    return apply_suppressions(findings, suppressions, report_unused, lang, enabled, settings.severity if settings else None)


@dataclass
class CheckResult:
    analysis: DocumentAnalysis
    findings: list[Finding]

    @property
    def document(self) -> Document:
        return self.analysis.document


def _context(rule: Rule, config: Config, analysis: DocumentAnalysis) -> RunContext:
    settings = config.rules.get(rule.id)
    options = dict(rule.options)
    severity = rule.severity
    if settings is not None:
        options.update(settings.options)
        severity = settings.severity or severity
    return RunContext(analysis, severity, options, config)


def document_phase(document: Document, config: Config) -> tuple[DocumentAnalysis, list[Finding]]:
    """The per-document part of a check: analysis and the findings of every rule that looks
    at one document. Pure in its inputs, so it can run in another process and be cached."""
    analysis = analyze(document)
    found: list[Finding] = []
    with regex_budget():  # the pack patterns' time is bounded per document, not per block
        for rule in enabled_rules(config, document.language):
            if not isinstance(rule, WorkspaceRule):
                found.extend(rule.run(_context(rule, config, analysis)))
    return analysis, found


def check_documents(
    items: list[tuple[Document, Config]],
    report_unused_suppressions: bool = False,
    phase: Callable[[list[tuple[Document, Config]]], list[tuple[DocumentAnalysis, list[Finding]]]] | None = None,
) -> list[CheckResult]:
    """Check several documents together: per-document rules (``phase`` may run them in
    parallel or from a cache), then workspace rules over all documents that share a
    language, then each document's suppression comments."""
    done = phase(items) if phase is not None else [document_phase(d, c) for d, c in items]
    analyses = [analysis for analysis, _found in done]
    findings: list[list[Finding]] = [list(found) for _analysis, found in done]
    workspace: dict[str, tuple[WorkspaceRule, list[tuple[int, RunContext]]]] = {}
    for i, ((document, config), analysis) in enumerate(zip(items, analyses)):
        for rule in enabled_rules(config, document.language):
            if isinstance(rule, WorkspaceRule):
                key = f"{rule.id}/{document.language}"
                workspace.setdefault(key, (rule, []))[1].append((i, _context(rule, config, analysis)))
    for i, found in enumerate(_workspace_findings(workspace, len(items))):
        findings[i].extend(found)
    results = []
    for (document, config), analysis, found in zip(items, analyses, findings):
        found = suppress(document, config, found, report_unused_suppressions)
        found.sort(key=Finding.sort_key)
        results.append(CheckResult(analysis, found))
    return results


def _workspace_findings(workspace: dict[str, tuple[WorkspaceRule, list[tuple[int, RunContext]]]], count: int) -> list[list[Finding]]:
    """Run the workspace rules; where two of them flag the very same words (a misspelling
    that also looks like a missing linking letter), keep the more severe finding."""
    out: list[dict[tuple[int, int], Finding]] = [{} for _ in range(count)]
    for rule, members in workspace.values():
        per_document = rule.run_workspace([ctx for _i, ctx in members])
        for (i, _ctx), found in zip(members, per_document):
            for f in found:
                kept = out[i].get((f.start, f.end))
                if kept is None or f.severity.rank > kept.severity.rank:
                    out[i][(f.start, f.end)] = f
    return [list(spans.values()) for spans in out]


def check_document(document: Document, config: Config, report_unused_suppressions: bool = False) -> CheckResult:
    return check_documents([(document, config)], report_unused_suppressions)[0]
