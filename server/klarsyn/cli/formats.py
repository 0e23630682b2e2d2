"""CI renderers for `klarsyn check`: SARIF 2.1.0, GitHub workflow commands and JUnit XML.
Output is deterministic: files and findings sorted, no timestamps."""

from __future__ import annotations

import json
import os
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from klarsyn import __version__
from klarsyn.cli.fingerprint import fingerprint
from klarsyn.engine.rules import Rule
from klarsyn.engine.runner import CheckResult
from klarsyn.findings import Severity, fails
from klarsyn.safeio import printable

_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.HINT: "note"}
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice", Severity.HINT: "notice"}
INFORMATION_URI = "https://github.com/klarsyn/klarsyn"


def _uri(path: str) -> str:
    """A relative path with forward slashes, as code scanning expects."""
    rel = os.path.relpath(path) if os.path.isabs(path) else path
    return rel.replace(os.sep, "/")


def _region(result: CheckResult, start: int, end: int) -> dict[str, int]:
    lines = result.document.lines
    line, col = lines.position(start)
    end_line, end_col = lines.position(end)
    return {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col, "charOffset": start, "charLength": end - start}


def render_sarif(results: list[CheckResult], rules: list[Rule], out: TextIO) -> None:
    used = sorted({f.rule for r in results for f in r.findings})
    by_id = {r.id: r for r in rules}
    descriptors = []
    for rule_id in used:
        rule = by_id.get(rule_id)
        descriptor: dict[str, object] = {"id": rule_id, "name": rule_id}
        if rule is not None:
            summary = " ".join(rule.description.split())
            descriptor["shortDescription"] = {"text": summary.split(". ")[0].rstrip(".") + "."}
            descriptor["fullDescription"] = {"text": summary}
            help_text = summary + (f"\n\nKilde: {rule.source}" if rule.source else "")
            descriptor["help"] = {"text": help_text, "markdown": help_text.replace("\n", "  \n")}
            if rule.link.startswith("http"):
                descriptor["helpUri"] = rule.link
            descriptor["defaultConfiguration"] = {"level": _SARIF_LEVEL[rule.severity]}
            descriptor["properties"] = {"tags": [rule.pack, rule.type]}
        descriptors.append(descriptor)
    index = {rule_id: i for i, rule_id in enumerate(used)}
    sarif_results = []
    for result in results:
        uri = _uri(result.document.path)
        for f in result.findings:
            entry: dict[str, object] = {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": _SARIF_LEVEL[f.severity],
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": _region(result, f.start, f.end)}}],
                "partialFingerprints": {"klarsyn/v1": fingerprint(result, f)},
            }
            if f.fixes:
                fix = f.fixes[0]
                entry["fixes"] = [{
                    "description": {"text": fix.title},
                    "artifactChanges": [{"artifactLocation": {"uri": uri}, "replacements": [
                        {"deletedRegion": {"charOffset": e.start, "charLength": e.end - e.start}, "insertedContent": {"text": e.new_text}}
                        for e in fix.edits]}],
                }]
            if f.related:
                entry["relatedLocations"] = [
                    {"id": i, "message": {"text": r.message}, "physicalLocation": {"artifactLocation": {"uri": _uri(r.path)},
                                                                                   "region": {"charOffset": r.start, "charLength": r.end - r.start}}}
                    for i, r in enumerate(f.related)
                ]
            sarif_results.append(entry)
    payload = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "klarsyn", "version": __version__, "informationUri": INFORMATION_URI, "rules": descriptors}},
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
        }],
    }
    json.dump(payload, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(results: list[CheckResult], out: TextIO) -> None:
    """GitHub Actions workflow commands: one annotation per finding on its lines."""
    for result in results:
        path = _uri(result.document.path)
        lines = result.document.lines
        for f in result.findings:
            line, col = lines.position(f.start)
            end_line, end_col = lines.position(f.end)
            props = f"file={_escape_property(path)},line={line},col={col},endLine={end_line},endColumn={end_col},title={_escape_property('klarsyn ' + f.rule)}"
            out.write(f"::{_GITHUB_LEVEL[f.severity]} {props}::{_escape_data(f.message)}\n")


def render_junit(results: list[CheckResult], fail_levels: list[str], out: TextIO) -> None:
    """JUnit XML: a test suite per file and a test case per finding.

    One case per finding, not per file or per file and rule: test-report viewers show one
    message per case, so twelve long sentences in one case would show as one. A finding is a
    failure only when it is at or above the file's fail level (``fail_levels``, one per
    result, as for the exit code); the others are passed cases that carry the finding in
    ``system-out``, so the report agrees with the exit code and still lists every finding.
    A file without findings is one passed case, so every checked file appears.
    """
    suites = []
    total_tests = total_failures = 0
    for result, level in zip(results, fail_levels):
        # XML 1.0 cannot hold control characters at all, not even escaped: a file name or a
        # quoted word with one would make the whole report unreadable, so show them as \x1b.
        path = printable(_uri(result.document.path))
        cases = []
        failures = 0
        for f in result.findings:
            line, col = result.document.lines.position(f.start)
            where = f"{path}:{result.document.place(f.start)}"
            message = printable(_one_line(f.message))
            text = f"{f.severity.value} {f.rule} {where}: {message}"
            opening = f'    <testcase classname={quoteattr(path)} name={quoteattr(f"{f.rule} {line}:{col}")}>'
            if fails(f.severity, level):
                failures += 1
                body = f"      <failure type={quoteattr(f.rule)} message={quoteattr(f'{where}: {message}')}>{escape(text)}</failure>"
            else:
                body = f"      <system-out>{escape(text)}</system-out>"
            cases.append(f"{opening}\n{body}\n    </testcase>")
        if not cases:
            cases.append(f"    <testcase classname={quoteattr(path)} name={quoteattr(path)}/>")
        total_tests += len(cases)
        total_failures += failures
        suites.append(
            f'  <testsuite name={quoteattr(path)} tests="{len(cases)}" failures="{failures}" errors="0" skipped="0">\n'
            + "\n".join(cases)
            + "\n  </testsuite>"
        )
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<testsuites name="klarsyn" tests="{total_tests}" failures="{total_failures}" errors="0">\n')
    for suite in suites:
        out.write(suite + "\n")
    out.write("</testsuites>\n")


def _one_line(message: str) -> str:
    return " ".join(message.split())
