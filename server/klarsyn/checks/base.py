"""What every built-in check declares: id, severity, options and messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from klarsyn.findings import Finding, Severity
from klarsyn.metrics.analysis import DocumentAnalysis


@dataclass(frozen=True)
class Option:
    name: str
    default: int | float
    minimum: int | float
    description: str


@dataclass(frozen=True)
class CheckSpec:
    id: str
    severity: Severity
    summary: str  # one line, English, for docs and --list-rules
    messages: dict[str, str]  # language -> message template (str.format fields)
    options: tuple[Option, ...] = ()
    run: Callable[["CheckContext"], list[Finding]] = field(default=lambda ctx: [], repr=False)

    def message(self, lang: str, **values: object) -> str:
        template = self.messages.get(lang) or self.messages["nb"]
        return template.format(**values)


@dataclass
class CheckContext:
    analysis: DocumentAnalysis
    spec: CheckSpec
    severity: Severity
    options: dict[str, int | float]

    @property
    def lang(self) -> str:
        return self.analysis.document.language

    def finding(self, start: int, end: int, data: dict[str, object] | None = None, **values: object) -> Finding:
        return Finding(
            rule=self.spec.id,
            severity=self.severity,
            message=self.spec.message(self.lang, **values),
            start=start,
            end=end,
            data=data or {},
        )
