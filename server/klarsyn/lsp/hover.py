"""Hover: what a finding means and why, with its alternatives and source; on a heading,
the section's readability figures."""

from __future__ import annotations

import re

from lsprotocol import types

from klarsyn.engine.rules import Rule
from klarsyn.lsp.state import Draft
from klarsyn.cli.messages import count
from klarsyn.metrics.lix import band, whole

_LABELS = {
    "nb": {"alternatives": "Alternativer", "source": "Kilde", "rule": "Regel", "long": "lange ord", "section": "Seksjonen"},
    "nn": {"alternatives": "Alternativ", "source": "Kjelde", "rule": "Regel", "long": "lange ord", "section": "Seksjonen"},
    "en": {"alternatives": "Alternatives", "source": "Source", "rule": "Rule", "long": "long words", "section": "The section"},
}


def hover(draft: Draft, position: types.Position, rules: dict[str, Rule]) -> types.Hover | None:
    if draft.converter is None or draft.result is None:
        return None
    conv = draft.converter
    offset = conv.offset(position)
    lang = draft.result.document.language
    label = _LABELS.get(lang, _LABELS["nb"])
    parts: list[str] = []
    first_range: types.Range | None = None
    for f in ([] if draft.silent else draft.findings()):
        if not (f.start <= offset < f.end or f.start == f.end == offset):
            continue
        rule = rules.get(f.rule)
        first_range = first_range or conv.range(f.start, f.end)
        # No message line: the editor shows the diagnostic's message right above the hover.
        lines: list[str] = []
        if rule is not None:
            lines.append(" ".join(rule.description.split()))
        alternatives = f.data.get("alternatives") if isinstance(f.data, dict) else None
        if alternatives:
            lines += ["", f"{label['alternatives']}: " + ", ".join(f"«{a}»" for a in alternatives)]
        note = f.data.get("note") if isinstance(f.data, dict) else None
        if note:
            lines += ["", str(note)]
        if rule is not None and (rule.source or rule.link):
            source = hover_source(rule.source) + (f" ({rule.link})" if rule.link else "")
            lines += ["", f"{label['source']}: {source}"]
        lines += ["", f"{label['rule']}: `{f.rule}`"]
        parts.append("\n".join(lines).lstrip("\n"))
    if not parts:
        section = _heading_at(draft, offset)
        if section is None:
            return None
        counts, title, span = section
        lix = counts.lix
        share = 100 * counts.long_word_share
        figure = f"LIX {whole(lix)} ({band(lix, lang)})" if lix is not None else "LIX –"
        parts.append(f"**{label['section']} «{title}»**: {figure} · {count(lang, 'word', counts.words)} · "
                     f"{count(lang, 'sentence', counts.sentences)} · {share:.0f} % {label['long']}")
        first_range = conv.range(*span)
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(parts)), first_range)


# Licence notes belong in the rule files and docs/rules.md, not in every hover: "(CC BY 4.0)",
# ", MIT)" and the provenance sentence the data-derived rules end with.
_LICENCE = re.compile(r"\s*\((?:CC[ -]BY[^()]*|MIT|Apache[^()]*|NLOD[^()]*)\)|,\s*(?:CC[ -]BY[ \d.]*|MIT)(?=\))")
_PROVENANCE = re.compile(r"\s*Ordvalg og fakta er hentet derfra; meldinger og merknader er skrevet for klarsyn\.")


def hover_source(source: str) -> str:
    """The rule's source as the hover shows it: names, without licence notes."""
    text = " ".join(source.split())
    return _PROVENANCE.sub("", _LICENCE.sub("", text)).strip()


def _heading_at(draft: Draft, offset: int):  # type: ignore[no-untyped-def]
    analysis = draft.result.analysis  # type: ignore[union-attr]
    for section in analysis.sections:
        if section.heading is None:
            continue
        block = section.heading.block
        start, end = block.source_span(0, len(block.text))
        line_start = draft.text.rfind("\n", 0, start) + 1
        if line_start <= offset <= end:
            return section.counts, section.title, (start, end)
    return None
