"""``klarsyn``: check drafts, show their readability, start the language server.

Exit codes: 0 nothing at or above the fail level; 1 findings at or above it;
2 a usage, config or input error (one clear line each on stderr).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from klarsyn import __version__
from klarsyn.errors import InputError, KlarsynError, UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
_FAIL_LEVELS = ("error", "warning", "info", "hint", "never")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"klarsyn: {message}", file=sys.stderr)
        raise SystemExit(EXIT_ERROR)


def _rule_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _language(value: str) -> str:
    from klarsyn.text.language import normalize_language

    if value == "auto":
        return value
    lang = normalize_language(value)
    if lang is None:
        raise argparse.ArgumentTypeError(f"unknown language '{value}' (use auto, nb, nn or en)")
    return lang


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="klarsyn", description="Plain-language and readability checks for Norwegian drafts.")
    parser.add_argument("--version", action="version", version=f"klarsyn {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (.md, .markdown, .txt)")
        p.add_argument("--lang", type=_language, help="document language: auto, nb, nn or en (default: config, front matter, then detection)")
        p.add_argument("--config", type=Path, help="use this config file instead of looking for klarsyn.yml")

    check = sub.add_parser("check", help="report findings")
    common(check)
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--select", type=_rule_list, action="extend", default=[], metavar="RULE[,RULE]", help="only these rules (ids or globs such as 'lix-*')")
    check.add_argument("--ignore", type=_rule_list, action="extend", default=[], metavar="RULE[,RULE]", help="skip these rules")
    check.add_argument("--fail-on", choices=_FAIL_LEVELS, help="lowest severity that makes the exit code 1 (default: config, else error)")
    check.add_argument("-q", "--quiet", action="store_true", help="no summary after the findings")

    stats = sub.add_parser("stats", help="readability per section (LIX, words, sentences)")
    common(stats)
    stats.add_argument("--format", choices=("text", "json"), default="text")

    sub.add_parser("rules", help="list the rules")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "stats":
            return _stats(args)
        if args.command == "rules":
            return _rules()
    except KlarsynError as exc:
        print(f"klarsyn: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    return EXIT_ERROR


def _load(args: argparse.Namespace, checks: tuple) -> tuple[list, list[tuple[str, str]], object]:
    """Documents to check, input errors, and the config cache."""
    from klarsyn.config import ConfigCache
    from klarsyn.cli.files import expand_paths
    from klarsyn.document.loader import load_document

    configs = ConfigCache(checks, args.config)
    files, errors = expand_paths(args.paths, configs)
    documents = []
    for path in files:
        config = configs.for_path(path)
        language = args.lang if args.lang and args.lang != "auto" else config.language
        try:
            documents.append((load_document(path, language), config))
        except InputError as exc:
            errors.append((exc.path, exc.problem))
    return documents, errors, configs


def _report_errors(errors: list[tuple[str, str]]) -> None:
    for path, problem in errors:
        print(f"klarsyn: {path}: {problem}", file=sys.stderr)


def _check(args: argparse.Namespace) -> int:
    from klarsyn.cli.render import render_json, render_text
    from klarsyn.config import match_rules
    from klarsyn.engine.runner import ALL_CHECKS, check_document, rule_ids
    from klarsyn.findings import Severity

    known = rule_ids()
    try:
        match_rules(tuple(args.select), known, "--select: ")
        match_rules(tuple(args.ignore), known, "--ignore: ")
    except UsageError as exc:
        print(f"klarsyn: {exc}", file=sys.stderr)
        return EXIT_ERROR
    documents, errors, _ = _load(args, ALL_CHECKS)
    results = []
    failed = False
    for document, config in documents:
        config = config.with_overrides(
            language=None, fail_on=args.fail_on, select=tuple(args.select), ignore=tuple(args.ignore)
        )
        result = check_document(document, config)
        results.append(result)
        if config.fail_on != "never":
            threshold = Severity(config.fail_on).rank
            failed = failed or any(f.severity.rank >= threshold for f in result.findings)
    ui_lang = results[0].document.language if results else (args.lang if args.lang not in (None, "auto") else "nb")
    if args.format == "json":
        render_json(results, errors, sys.stdout)
    else:
        render_text(results, sys.stdout, ui_lang, summary=not args.quiet)
    _report_errors(errors)
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if failed else EXIT_OK


def _stats(args: argparse.Namespace) -> int:
    from klarsyn.cli.stats import render_stats_json, render_stats_text
    from klarsyn.engine.runner import ALL_CHECKS
    from klarsyn.metrics.analysis import analyze

    documents, errors, _ = _load(args, ALL_CHECKS)
    analyses = [analyze(document) for document, _config in documents]
    if args.format == "json":
        render_stats_json(analyses, errors, sys.stdout)
    else:
        ui_lang = analyses[0].document.language if analyses else "nb"
        render_stats_text(analyses, sys.stdout, ui_lang)
    _report_errors(errors)
    return EXIT_ERROR if errors else EXIT_OK


def _rules() -> int:
    from klarsyn.engine.runner import ALL_CHECKS

    for spec in ALL_CHECKS:
        options = ", ".join(f"{o.name}={o.default:g}" for o in spec.options)
        print(f"{spec.id:<14} {spec.severity.value:<8} {spec.summary}" + (f" [{options}]" if options else ""))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
