"""Findings to LSP diagnostics, fixes to workspace edits."""

from __future__ import annotations

from lsprotocol import types
from pygls.uris import from_fs_path

from klarsyn.engine.rules import Rule
from klarsyn.findings import Finding, Fix, Severity
from klarsyn.lsp.positions import Converter

SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}
# Rendered faded (text to remove) or struck through (a word to replace), where that fits.
_TAGS = {
    "dobbelt-ord": [types.DiagnosticTag.Unnecessary],
    "bindestrek-komma": [types.DiagnosticTag.Unnecessary],
    "termer": [types.DiagnosticTag.Deprecated],
}
SOURCE = "klarsyn"


def to_diagnostic(f: Finding, conv: Converter, rules: dict[str, Rule], uri_of: dict[str, str], converters: dict[str, Converter]) -> types.Diagnostic:
    rule = rules.get(f.rule)
    related = []
    for r in f.related:
        uri = uri_of.get(r.path) or from_fs_path(r.path) or r.path
        other = converters.get(uri)
        if other is None:
            continue
        related.append(types.DiagnosticRelatedInformation(types.Location(uri, other.range(r.start, r.end)), r.message))
    return types.Diagnostic(
        range=conv.range(f.start, f.end),
        message=f.message,
        severity=SEVERITY[f.severity],
        code=f.rule,
        code_description=types.CodeDescription(href=rule.link) if rule is not None and rule.link.startswith("http") else None,
        source=SOURCE,
        tags=_TAGS.get(f.rule),
        related_information=related or None,
        data={"rule": f.rule, "start": f.start, "end": f.end},
    )


def fix_edit(uri: str, version: int | None, fixes: list[Fix], conv: Converter) -> types.WorkspaceEdit:
    """One workspace edit for several fixes; overlapping edits after the first are dropped."""
    edits: list[types.TextEdit] = []
    taken: list[tuple[int, int]] = []
    for fix in fixes:
        spans = [(e.start, e.end) for e in fix.edits]
        if any(a < tb and ta < b or (a == b == ta) for a, b in spans for ta, tb in taken):
            continue
        taken.extend(spans)
        edits.extend(types.TextEdit(conv.range(e.start, e.end), e.new_text) for e in fix.edits)
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(types.OptionalVersionedTextDocumentIdentifier(uri, version), edits)]
    )
