"""Findings to LSP diagnostics, fixes to workspace edits."""

from __future__ import annotations

import re

from lsprotocol import types

from klarsyn.findings import Fix, Severity
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
    "termer-nn": [types.DiagnosticTag.Deprecated],
}
SOURCE = "klarsyn"
# A finding about a whole sentence, paragraph or section is drawn on its first words only:
# a squiggle under every line of a paragraph hides the text it is about, and an editor full
# of them is one an author turns off. The whole range stays in the related information
# (and in ``data`` for the code actions).
_FOCUS_WORDS = 4
_LONG_WORDS = 6
_WORD = re.compile(r"\S+")
_WHOLE = {"nb": "Hele teksten som funnet gjelder", "nn": "Heile teksten som funnet gjeld", "en": "The whole text the finding is about"}


def whole_label(lang: str) -> str:
    """The related-information message that points at a narrowed finding's whole range."""
    return _WHOLE.get(lang, _WHOLE["nb"])


def focus(text: str, start: int, end: int) -> tuple[int, int]:
    """The part of ``[start, end)`` to underline: all of it for a few words on one line (or
    a word pair a line break splits, «og⏎og»), else its first words on its first line."""
    piece = text[start:end]
    words = list(_WORD.finditer(piece))
    one_line = "\n" not in piece and "\r" not in piece
    if len(words) <= _LONG_WORDS and (one_line or len(words) <= 2):
        return start, end
    line_end = len(piece)
    for brk in ("\n", "\r"):
        at = piece.find(brk, words[0].end() if words else 0)
        if at != -1:
            line_end = min(line_end, at)
    first = [w for w in words[:_FOCUS_WORDS] if w.end() <= line_end] or words[:1]
    return (start, start + first[-1].end()) if first else (start, end)


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
