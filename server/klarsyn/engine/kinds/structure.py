"""``structure`` rules: accessible structure (headings, links, images, tables, language)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from klarsyn.engine.kinds.base import Rule, RunContext
from klarsyn.findings import Finding


@dataclass
class StructureRule(Rule):
    """``structure``: one of klarsyn's accessible-structure checks (``check: heading-skip``,
    ``link-text``, ``image-alt`` …; klarsyn.checks.structure), over the whole document."""

    check: str = ""
    OPTIONS: ClassVar[tuple[str, ...]] = ("max",)

    @property
    def local(self) -> bool:
        return False

    def run(self, ctx: RunContext) -> list[Finding]:
        from klarsyn.checks.structure import CHECKS

        out = []
        for block, start, end, values in CHECKS[self.check](ctx.analysis, ctx.options):
            if block is None:
                out.append(Finding(self.id, ctx.severity, self.text(ctx.lang, **values), 0, 0, [], dict(values)))
            elif block.quoted and not self.include_quotes:
                continue
            else:
                out.append(self.finding(ctx, block, start, end, None, dict(values), **values))
        return out
