"""Only what changed: the lines a git revision left untouched, and a baseline of findings
already accepted, are filtered out so CI shows what a pull request brings."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import regex

from klarsyn.cli.fingerprint import fingerprint
from klarsyn.engine.runner import CheckResult
from klarsyn.errors import UsageError
from klarsyn.findings import Finding

ALL = None  # every line counts as changed (a new file)
_HUNK = regex.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", regex.MULTILINE)
BASELINE_VERSION = 1


def _git(args: list[str], cwd: Path) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise UsageError("--diff needs git, which is not installed") from None
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "no such revision or not a git repository"
        raise UsageError(f"git {' '.join(args[:2])}: {detail}")
    return result.stdout


def changed_lines(paths: list[str], base: str) -> dict[str, set[int] | None]:
    """For each file: the 1-based lines added or changed since ``base``; None for a file git
    did not have at ``base`` (all of it is new)."""
    out: dict[str, set[int] | None] = {}
    verified: set[Path] = set()
    for path in paths:
        file = Path(path).resolve()
        try:
            top = Path(_git(["rev-parse", "--show-toplevel"], file.parent).strip())
        except UsageError:
            raise UsageError(f"--diff {base}: {path} is not in a git repository") from None
        if top not in verified:
            # `git rev-parse --verify --quiet` says nothing on failure: name the revision
            # ourselves, with the usual cause in CI (a shallow clone without the base).
            try:
                _git(["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], top)
            except UsageError:
                raise UsageError(
                    f"--diff {base}: no commit '{base}' in the git repository {top} "
                    "(a misspelt name, or a branch not fetched: git fetch origin BRANCH)"
                ) from None
            verified.add(top)
        rel = file.relative_to(top).as_posix()
        existed = subprocess.run(["git", "cat-file", "-e", f"{base}:{rel}"], cwd=top, capture_output=True).returncode == 0
        if not existed:
            out[path] = ALL
            continue
        diff = _git(["diff", "--no-color", "--unified=0", "--no-ext-diff", base, "--", rel], top)
        lines: set[int] = set()
        for m in _HUNK.finditer(diff):
            start = int(m.group(1))
            count = int(m.group(2)) if m.group(2) is not None else 1
            lines.update(range(start, start + count))
        out[path] = lines
    return out


def keep_changed(result: CheckResult, lines: set[int] | None, results_by_path: dict[str, CheckResult],
                 changes: dict[str, set[int] | None]) -> list[Finding]:
    """Findings on changed lines; a consistency finding also counts when one of its related
    places (the other spelling) is new."""
    if lines is ALL:
        return result.findings
    kept = []
    index = result.document.lines
    for f in result.findings:
        first, _ = index.position(f.start)
        last, _ = index.position(max(f.end - 1, f.start))
        if any(line in lines for line in range(first, last + 1)):
            kept.append(f)
            continue
        for r in f.related:
            other = results_by_path.get(r.path)
            other_lines = changes.get(r.path, set())
            if other is None:
                continue
            if other_lines is ALL or other.document.lines.position(r.start)[0] in (other_lines or set()):
                kept.append(f)
                break
    return kept


def _key(result: CheckResult, base_dir: Path) -> str:
    try:
        return Path(result.document.path).resolve().relative_to(base_dir).as_posix()
    except ValueError:
        return Path(result.document.path).resolve().as_posix()


def write_baseline(path: Path, results: list[CheckResult]) -> int:
    base_dir = path.resolve().parent
    entries: dict[str, dict[str, int]] = {}
    for result in results:
        counts = Counter(f"{f.rule}:{fingerprint(result, f)}" for f in result.findings)
        if counts:
            entries[_key(result, base_dir)] = dict(sorted(counts.items()))
    payload = {"version": BASELINE_VERSION, "tool": "klarsyn", "findings": dict(sorted(entries.items()))}
    from klarsyn.safeio import write_output

    # Atomic for a regular file; a pipe, a device or a symbolic link is written, never replaced.
    write_output(path, json.dumps(payload, ensure_ascii=False, indent=1) + "\n", "the baseline")
    return sum(sum(c.values()) for c in entries.values())


def _shown(value: object, limit: int = 60) -> str:
    """A value from the baseline (a file name, a fingerprint, a count) as JSON in one line
    of an error message."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_baseline(path: Path) -> dict[str, dict[str, int]]:
    from klarsyn.errors import InputError
    from klarsyn.safeio import NoSuchFile, read_bounded

    try:  # bounded, and no pipe or device: `--baseline /dev/zero` must not eat memory or hang
        payload = json.loads(read_bounded(path, 64 * 1024 * 1024).decode("utf-8"))
    except NoSuchFile:
        raise UsageError(f"{path}: no such baseline file (write one with `klarsyn baseline write {path} PATH...`)") from None
    except InputError as exc:
        raise UsageError(f"{path}: cannot read the baseline: {exc.problem}") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: not a klarsyn baseline ({' '.join(str(exc).split())})") from None
    except RecursionError:
        # json's decoder recurses once per nested [ or {.
        raise UsageError(f"{path}: not a klarsyn baseline (nested too deeply)") from None
    if not isinstance(payload, dict) or payload.get("version") != BASELINE_VERSION or not isinstance(payload.get("findings"), dict):
        raise UsageError(f"{path}: not a klarsyn baseline (version {BASELINE_VERSION})")
    findings = payload["findings"]
    # The file may have been edited by hand or come from elsewhere: check every entry
    # here, so a wrong one is named instead of failing later inside the filtering.
    for file, counts in findings.items():
        if not isinstance(counts, dict):
            raise UsageError(f"{path}: not a klarsyn baseline: findings[{_shown(file)}] must map fingerprints to counts, "
                             f"not {_shown(counts, 30)}")
        for key, count in counts.items():
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise UsageError(f"{path}: not a klarsyn baseline: findings[{_shown(file)}][{_shown(key)}] "
                                 f"must be a whole number of at least 0, not {_shown(count, 30)}")
    return findings


def without_baseline(result: CheckResult, baseline: dict[str, dict[str, int]], base_dir: Path) -> list[Finding]:
    """Findings not in the baseline; a fingerprint recorded n times hides n findings."""
    allowed = Counter(baseline.get(_key(result, base_dir), {}))
    kept = []
    for f in result.findings:
        key = f"{f.rule}:{fingerprint(result, f)}"
        if allowed[key] > 0:
            allowed[key] -= 1
        else:
            kept.append(f)
    return kept
