"""The one result type every check returns.

Offsets are half-open ranges of code points (Python ``str`` indices) into the
document's source text. Only renderers convert them to lines and columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"

    @property
    def rank(self) -> int:
        """Higher is more severe; used for --fail-on and sorting."""
        return _RANK[self]

    @classmethod
    def parse(cls, value: str) -> "Severity":
        try:
            return cls(value.lower())
        except ValueError:
            raise ValueError(
                f"unknown severity {value!r} (use one of: {', '.join(s.value for s in cls)})"
            ) from None


_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1, Severity.HINT: 0}


def fails(severity: Severity, fail_on: str) -> bool:
    """Whether a finding of ``severity`` fails a run with ``--fail-on``/``fail_on`` set to
    ``fail_on`` (a severity or ``never``). The exit code and the JUnit report both ask here,
    so a report never shows failures for a run that passed."""
    return fail_on != "never" and severity.rank >= Severity(fail_on).rank


class FixSafety(str, Enum):
    SAFE = "safe"  # meaning kept; may be applied in bulk (fix-all, fix on save)
    UNSAFE = "unsafe"  # likely right, but the author should look at it
    DISPLAY = "display-only"  # a suggestion to show, never applied automatically


@dataclass(frozen=True, slots=True)
class Edit:
    start: int
    end: int
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    safety: FixSafety = FixSafety.UNSAFE


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that explains a finding (the dominant spelling of a variant)."""

    path: str
    start: int
    end: int
    message: str


@dataclass(slots=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    start: int
    end: int
    fixes: list[Fix] = field(default_factory=list)
    # Extra facts for renderers (hover, reports): figures, alternatives, sources.
    data: dict[str, object] = field(default_factory=dict)
    related: list[Related] = field(default_factory=list)

    def sort_key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.rule)
