"""Code actions: the fix for one finding, every fix of one rule, every safe fix (also as
source.fixAll.klarsyn for fix-on-save), a suppression comment, and allowing a word in the
project's klarsyn.yml."""

from __future__ import annotations

import re
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path

from klarsyn.config import CONFIG_NAMES, find_config_file
from klarsyn.errors import InputError
from klarsyn.findings import Finding, FixSafety
from klarsyn.lsp.convert import fix_edit
from klarsyn.lsp.state import Draft
from klarsyn.safeio import read_bounded
from klarsyn.yamlfile import MAX_YAML_BYTES

# LSP ends lines only at \n, \r\n and \r (str.splitlines also breaks at \f, \x85, U+2028 …).
_LSP_LINE_BREAK = re.compile(r"\r\n|\r|\n")

FIX_ALL_KIND = "source.fixAll.klarsyn"
_TEXT = {
    "nb": {
        "all_rule": "Rett alle «{0}» i dokumentet ({1})",
        "all_safe": "Rett alle sikre funn i dokumentet ({0})",
        "suppress": "Slå av «{0}» for denne linjen",
        "allow": "Tillat «{0}» i prosjektet (klarsyn.yml)",
    },
    "nn": {
        "all_rule": "Rett alle «{0}» i dokumentet ({1})",
        "all_safe": "Rett alle sikre funn i dokumentet ({0})",
        "suppress": "Slå av «{0}» for denne linja",
        "allow": "Tillat «{0}» i prosjektet (klarsyn.yml)",
    },
    "en": {
        "all_rule": "Fix all “{0}” in the document ({1})",
        "all_safe": "Fix all safe findings in the document ({0})",
        "suppress": "Turn off “{0}” for this line",
        "allow": "Allow “{0}” in the project (klarsyn.yml)",
    },
}
_CONSISTENCY = frozenset({"sammensetning", "saerskriving", "bindebokstav", "stor-forbokstav", "skrivefeil", "samsvar", "blandede-former", "valgfrie-former"})


def code_actions(draft: Draft, params: types.CodeActionParams) -> list[types.CodeAction]:
    if draft.converter is None or draft.result is None:
        return []
    conv = draft.converter
    lang = draft.result.document.language
    text = _TEXT.get(lang, _TEXT["nb"])
    findings = draft.findings()
    only = params.context.only or []
    actions: list[types.CodeAction] = []
    safe = [f.fixes[0] for f in findings if f.fixes and f.fixes[0].safety is FixSafety.SAFE]
    if only and all(str(k).startswith("source") for k in only):
        if safe:
            actions.append(types.CodeAction(text["all_safe"].format(len(safe)), kind=FIX_ALL_KIND,
                                            edit=fix_edit(draft.uri, draft.version, safe, conv)))
        return actions
    start, end = conv.offset(params.range.start), conv.offset(params.range.end)
    here = [f for f in findings if f.start <= end and start <= f.end]
    # A diagnostic starts where its finding does (only its end may be narrowed): the client's
    # diagnostics are matched to the findings by start, rule and length.
    diagnostics = {(conv.offset(d.range.start), d.data.get("rule"), d.data.get("length")): d
                   for d in params.context.diagnostics if isinstance(d.data, dict)}
    for f in here:
        match = diagnostics.get((f.start, f.rule, f.end - f.start))
        diagnostic = [match] if match is not None else None
        for i, fix in enumerate(f.fixes):
            actions.append(types.CodeAction(fix.title, kind=types.CodeActionKind.QuickFix, diagnostics=diagnostic,
                                            is_preferred=i == 0 and fix.safety is not FixSafety.DISPLAY,
                                            edit=fix_edit(draft.uri, draft.version, [fix], conv)))
        same_rule = [g.fixes[0] for g in findings if g.rule == f.rule and g.fixes]
        if len(same_rule) > 1:
            actions.append(types.CodeAction(text["all_rule"].format(f.rule, len(same_rule)), kind=types.CodeActionKind.QuickFix,
                                            edit=fix_edit(draft.uri, draft.version, same_rule, conv)))
        if draft.fmt in ("markdown", "html"):
            suppress = _suppress(draft, f, text["suppress"].format(f.rule))
            if suppress is not None:
                actions.append(suppress)
        if f.rule in _CONSISTENCY:
            word = draft.text[f.start : f.end]
            allow = _allow(draft, word, text["allow"].format(word))
            if allow is not None:
                actions.append(allow)
    if safe and (not only or types.CodeActionKind.Source in only or FIX_ALL_KIND in only):
        actions.append(types.CodeAction(text["all_safe"].format(len(safe)), kind=FIX_ALL_KIND,
                                        edit=fix_edit(draft.uri, draft.version, safe, conv)))
    return actions


def _suppress(draft: Draft, f: Finding, title: str) -> types.CodeAction | None:
    """An inline comment at the end of the finding's first line: it cannot break a list or
    a paragraph the way a comment on a line of its own can."""
    conv = draft.converter
    assert conv is not None
    line = conv.lines.position(f.start)[0] - 1
    line_end = conv.lines.starts[line + 1] if line + 1 < conv.lines.count else len(draft.text)
    while line_end > 0 and draft.text[line_end - 1] in "\r\n":
        line_end -= 1
    line_text = draft.text[conv.lines.starts[line] : line_end]
    if draft.fmt == "html" and line_text.rfind("<") > line_text.rfind(">"):
        return None  # the line ends inside a tag: a comment there would break the markup
    edit = types.TextEdit(conv.range(line_end, line_end), f" <!-- klarsyn-disable-line {f.rule} -->")
    return types.CodeAction(title, kind=types.CodeActionKind.QuickFix, edit=types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(types.OptionalVersionedTextDocumentIdentifier(draft.uri, draft.version), [edit])]))


def _allow(draft: Draft, word: str, title: str) -> types.CodeAction | None:
    """Add the word to ``allow:`` in the project's config file (created when missing)."""
    if not word.strip() or "\n" in word:
        return None
    found = find_config_file(Path(draft.path))
    if found is None:
        folder = Path(draft.path).parent
        target = folder / CONFIG_NAMES[0]
        uri = from_fs_path(str(target))
        return types.CodeAction(title, kind=types.CodeActionKind.QuickFix, edit=types.WorkspaceEdit(document_changes=[
            types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True)),
            types.TextDocumentEdit(types.OptionalVersionedTextDocumentIdentifier(uri, None),
                                   [types.TextEdit(types.Range(types.Position(0, 0), types.Position(0, 0)), f"allow: [{_quote(word)}]\n")]),
        ]))
    try:
        # Bounded like every config read: the file may be huge or have become a pipe.
        text = read_bounded(found, MAX_YAML_BYTES).decode("utf-8")
    except (InputError, UnicodeDecodeError):
        return None  # the config loader reports a config it cannot read; no edit into it
    lines = _LSP_LINE_BREAK.split(text)
    if lines[-1] == "":
        lines.pop()  # a final line break starts no line of its own
    uri = from_fs_path(str(found))
    for i, line in enumerate(lines):
        if line.startswith("allow:"):
            rest = line[len("allow:"):].strip()
            if rest.startswith("[") and rest.endswith("]"):
                inner = rest[1:-1].strip()
                new = f"allow: [{inner + ', ' if inner else ''}{_quote(word)}]"
                edit = types.TextEdit(types.Range(types.Position(i, 0), types.Position(i, len(line))), new)
            else:  # a block list: add an item under the key
                edit = types.TextEdit(types.Range(types.Position(i + 1, 0), types.Position(i + 1, 0)), f"  - {_quote(word)}\n")
            break
    else:
        end = len(lines)
        prefix = "" if text.endswith("\n") or not text else "\n"
        edit = types.TextEdit(types.Range(types.Position(end, 0), types.Position(end, 0)), f"{prefix}allow: [{_quote(word)}]\n")
    return types.CodeAction(title, kind=types.CodeActionKind.QuickFix, edit=types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(types.OptionalVersionedTextDocumentIdentifier(uri, None), [edit])]))


def _quote(word: str) -> str:
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
