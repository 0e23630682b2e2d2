"""``analysis`` rules: the checks written in Python (checks/), with a message and an optional fix."""

from __future__ import annotations

from dataclasses import dataclass

from klarsyn.engine.kinds.base import Rule, RunContext, in_language
from klarsyn.findings import Edit, Finding, Fix, FixSafety

_FIX_TITLES = {
    "replace": {"nb": "Erstatt med «{0}»", "nn": "Byt ut med «{0}»", "en": "Replace with “{0}”"},
    "delete": {"nb": "Fjern «{0}»", "nn": "Fjern «{0}»", "en": "Remove “{0}”"},
}


@dataclass
class AnalysisRule(Rule):
    """``analysis``: one of klarsyn's built-in analyses (``analysis: passive``, …; see
    klarsyn.checks.ANALYSES), with the pack supplying severity, messages, examples and
    option values. The message gets the analysis's values (``{match}`` and others)."""

    analysis: str = ""
    fix_safety: FixSafety = FixSafety.UNSAFE

    def run(self, ctx: RunContext) -> list[Finding]:
        from klarsyn.checks import ANALYSES

        function = ANALYSES[self.analysis]
        lang = ctx.lang  # the messages'; the analysis reads the text in its own language
        out = []
        for ba in self.blocks(ctx.analysis):
            for hit in function(ba, ctx.text_lang, ctx.options):
                fixes = []
                if hit.replacement is not None:
                    fs = hit.start if hit.fix_start is None else hit.fix_start
                    fe = hit.end if hit.fix_end is None else hit.fix_end
                    s, e = ba.block.source_span(fs, fe)
                    old = ba.block.text[fs:fe]
                    kind = "replace" if hit.replacement else "delete"
                    title = _FIX_TITLES[kind].get(lang, _FIX_TITLES[kind]["nb"]).format(hit.replacement or old.strip())
                    fixes.append(Fix(title, (Edit(s, e, hit.replacement),), self.fix_safety))
                data = {k: in_language(v, lang) if isinstance(v, dict) else v for k, v in hit.values.items()}
                out.append(self.finding(ctx, ba.block, hit.start, hit.end, fixes, data, **hit.values))
        return out
