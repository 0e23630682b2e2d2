"""Where the built-in rule packs are: inside the wheel, or at the top of a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def rules_dir() -> Path:
    installed = _PACKAGE / "rules"  # a wheel install: rules/ is copied into the package
    if installed.is_dir():
        return installed
    return _PACKAGE.parents[1] / "rules"  # an editable install or a source checkout
