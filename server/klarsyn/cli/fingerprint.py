"""Fingerprints that identify a finding without its line number, so a baseline and SARIF's
partialFingerprints survive text moving around the file."""

from __future__ import annotations

import hashlib
import unicodedata

from klarsyn.engine.runner import CheckResult
from klarsyn.findings import Finding


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).lower()


def fingerprint(result: CheckResult, f: Finding) -> str:
    """Rule + the flagged text + the sentence or line around it; not the position."""
    source = result.document.source
    flagged = source[f.start : f.end]
    line_start = source.rfind("\n", 0, f.start) + 1
    line_end = source.find("\n", f.end)
    context = source[line_start : line_end if line_end >= 0 else len(source)]
    digest = hashlib.sha256(f"{f.rule}\x1f{_normal(flagged)[:300]}\x1f{_normal(context)[:300]}".encode("utf-8"))
    return digest.hexdigest()[:32]
