"""``klarsyn``: check drafts, show their readability, start the language server.

Exit codes: 0 nothing at or above the fail level; 1 findings at or above it;
2 a usage, config or input error (one clear line each on stderr).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

from klarsyn import __version__
from klarsyn.cli.messages import count
from klarsyn.errors import InputError, KlarsynError, UsageError
from klarsyn.safeio import one_line, printable

if TYPE_CHECKING:
    from concurrent.futures import Future

    from klarsyn.document.model import Document

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
_FAIL_LEVELS = ("error", "warning", "info", "hint", "never")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line, like every other klarsyn error, pointing at the help of the very command
        # (self.prog is "klarsyn check" for a subcommand) instead of a usage block.
        print(f"klarsyn: error: {' '.join(message.split())} (see {self.prog} --help)", file=sys.stderr)
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

    from klarsyn.document.suffixes import suffix_list

    paths_help = f"files, or folders to search for drafts ({suffix_list()})"

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("paths", nargs="+", metavar="PATH", help=paths_help)
        p.add_argument("--lang", type=_language, help="document language: auto, nb, nn or en (default: config, front matter, then detection)")
        p.add_argument("--config", type=Path, help="use this config file instead of looking for klarsyn.yml")
        p.add_argument("--no-ignore-files", action="store_true", help="in folders, also check what .gitignore files ignore")

    check = sub.add_parser("check", help="report findings")
    common(check)
    check.add_argument("--format", choices=("text", "json", "sarif", "github", "junit"), default="text")
    check.add_argument("--select", type=_rule_list, action="extend", default=[], metavar="RULE[,RULE]", help="only these rules (ids or globs such as 'lix-*')")
    check.add_argument("--ignore", type=_rule_list, action="extend", default=[], metavar="RULE[,RULE]", help="skip these rules")
    check.add_argument("--fail-on", choices=_FAIL_LEVELS, help="lowest severity that makes the exit code 1 (default: config, else error)")
    check.add_argument("-q", "--quiet", action="store_true", help="no summary after the findings")
    check.add_argument("--jobs", type=int, default=1, metavar="N",
                       help="check files in N processes (default 1: on 2 cores it measured no faster, see docs/measurements.md)")
    check.add_argument("--cache-dir", type=Path, metavar="DIR", help="where to keep results of unchanged files (default: ~/.cache/klarsyn)")
    check.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    check.add_argument("--diff", metavar="BASE", help="only findings on lines added or changed since the git revision BASE")
    check.add_argument("--baseline", type=Path, metavar="FILE", help="only findings that are not in this baseline")
    check.add_argument("--report-unused-suppressions", action="store_true", help="report suppression comments that silence nothing")

    stats = sub.add_parser("stats", help="readability per section (LIX, words, sentences)")
    common(stats)
    stats.add_argument("--format", choices=("text", "json"), default="text")

    report = sub.add_parser("report", help="write a self-contained HTML readability report")
    common(report)
    report.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="the HTML file to write")
    from klarsyn.cli import annotate

    annotate.add_parser(sub, _language, _rule_list)
    baseline = sub.add_parser("baseline", help="record today's findings so later checks show only new ones")
    baseline_sub = baseline.add_subparsers(dest="baseline_command", metavar="write", parser_class=_Parser)
    write = baseline_sub.add_parser("write", help="write FILE with the findings of PATH...")
    write.add_argument("file", type=Path, metavar="FILE")
    common(write)
    write.add_argument("--select", type=_rule_list, action="extend", default=[], metavar="RULE[,RULE]")
    write.add_argument("--ignore", type=_rule_list, action="extend", default=[], metavar="RULE[,RULE]")
    rules = sub.add_parser("rules", help="list the rules")
    rules.add_argument("--lang", type=_language, help="only rules that apply to this language")
    lsp = sub.add_parser("lsp", help="start the language server (stdio by default)")
    lsp.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default)")
    lsp.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP port instead")
    explain = sub.add_parser("explain", help="what a rule checks, why, its examples and source")
    explain.add_argument("rule", metavar="RULE")
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
    with _fewer_collections(args.command != "lsp"):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "stats":
            return _stats(args)
        if args.command == "rules":
            return _rules(args.lang)
        if args.command == "baseline":
            return _baseline(args)
        if args.command == "report":
            return _report(args)
        if args.command == "annotate":
            from klarsyn.cli.annotate import run

            return run(args)
        if args.command == "explain":
            return _explain(args.rule)
        if args.command == "lsp":
            from klarsyn.lsp.server import start  # the LSP stack loads only here

            if args.tcp:
                _tcp_address(args.tcp)  # a bad HOST:PORT is a usage error, not a traceback
            try:
                start(args.tcp)
            except OSError as exc:  # the host is unknown or the port taken: nothing was served yet
                if not args.tcp:
                    raise
                raise UsageError(f"--tcp {args.tcp}: cannot listen there ({exc.strerror or exc})") from None
            return EXIT_OK
    except KlarsynError as exc:
        print(f"klarsyn: {one_line(str(exc), 2000)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        # Ctrl-C: one line, the shell's exit code for SIGINT; batch runs have already
        # ended their worker processes.
        print("klarsyn: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`klarsyn check … | head`): stop quietly, as other tools do.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    return EXIT_ERROR


# Young objects between collections of the cyclic garbage collector, and how many of
# those collections before an older generation is scanned (Python's default: 700, 10, 10).
# A check allocates millions of small objects that live until its report (words,
# sentences, tokens) and almost none of them form cycles, yet with the defaults the
# collector rescans them again and again: about 0.35 s of a 2.5 s check of a
# 50,000-word programme. With these figures it is 0.1 s, and garbage cycles are still
# collected (a few thousand objects per programme), so memory stays bounded.
_BATCH_GC_THRESHOLDS = (50_000, 50, 100)


@contextmanager
def _fewer_collections(wanted: bool) -> Iterator[None]:
    """While a command checks files: collect cyclic garbage less often. The language
    server keeps the defaults (it runs for hours), and the thresholds are put back
    after the command (main() also runs inside other programs, such as the tests)."""
    if not wanted:
        yield
        return
    before = gc.get_threshold()
    gc.set_threshold(*_BATCH_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _load(args: argparse.Namespace) -> tuple[list, list[tuple[str, str]], object]:
    """Documents to check, input errors, and the config cache."""
    from klarsyn.cli.files import expand_paths
    from klarsyn.config import ConfigCache
    from klarsyn.document.loader import load_document, settle_language

    configs = ConfigCache(args.config)
    notes: list[tuple[str, str]] = []
    files, errors = expand_paths(args.paths, configs, notes, ignore_files=not getattr(args, "no_ignore_files", False))
    for path, note in notes:  # links out of a checked folder: skipped, not an error
        print(f"klarsyn: {printable(path)}: {note}", file=sys.stderr)
    documents = []
    with _pdf_reads(files) as pdfs:
        for path in files:
            config = configs.for_path(path)
            language = args.lang if args.lang and args.lang != "auto" else config.language
            try:
                if path in pdfs:
                    documents.append((settle_language(pdfs[path].result(), language), config))
                else:
                    documents.append((load_document(path, language), config))
            except InputError as exc:
                errors.append((exc.path, exc.problem))
    return documents, errors, configs


@contextmanager
def _pdf_reads(files: list[Path]) -> Iterator[dict[Path, Future[Document]]]:
    """PDFs are parsed in child processes; start them before the rules are loaded (half a
    second for the built-in packs), so the two overlap. At most as many at once as there
    are cores, and four: each child may take 300 MB."""
    from concurrent.futures import ThreadPoolExecutor

    from klarsyn.document.loader import format_for, read_pdf

    pdfs = [p for p in files if format_for(p) == "pdf"]
    if not pdfs:
        yield {}
        return
    pool = ThreadPoolExecutor(max_workers=max(1, min(len(pdfs), os.cpu_count() or 1, 4)), thread_name_prefix="klarsyn-pdf")
    try:
        yield {p: pool.submit(read_pdf, p) for p in pdfs}
    finally:
        # On Ctrl-C the children stop by their own limits; do not wait for them here.
        pool.shutdown(wait=False, cancel_futures=True)


def _report_errors(errors: list[tuple[str, str]]) -> None:
    for path, problem in errors:
        # A file name with a newline or ESC must not break the one-line-per-error output.
        print(f"klarsyn: {printable(path)}: {one_line(problem, 1000)}", file=sys.stderr)


def _check(args: argparse.Namespace) -> int:
    from klarsyn.cli.render import render_json, render_text
    from klarsyn.config import match_rules
    from klarsyn.engine.packs import load_rules
    from klarsyn.engine.runner import check_documents
    from klarsyn.findings import fails

    documents, errors, _ = _load(args)
    known = sorted({r.id for r in load_rules()} | {r.id for _d, c in documents for r in c.all_rules()})
    match_rules(tuple(args.select), known, "--select: ")
    match_rules(tuple(args.ignore), known, "--ignore: ")
    items = [
        (
            document,
            config.with_overrides(
                language=None,
                fail_on=args.fail_on,
                select=tuple(args.select),
                ignore=tuple(args.ignore) + config.ignores_for(Path(document.path)),
            ),
        )
        for document, config in documents
    ]
    from klarsyn.cli.batch import Batch, default_cache_dir

    show_progress = not args.quiet and sys.stderr.isatty() and len(items) > 1
    batch = Batch(None if args.no_cache else (args.cache_dir or default_cache_dir()), args.jobs, sys.stderr if show_progress else None)
    # A runaway pack pattern raises RuleTimeout, a KlarsynError: main() reports it for every command.
    results = check_documents(items, args.report_unused_suppressions, phase=batch)
    if args.diff:
        from klarsyn.cli.changes import changed_lines, keep_changed

        changes = changed_lines([r.document.path for r in results], args.diff)
        by_path = {r.document.path: r for r in results}
        for r in results:
            r.findings = keep_changed(r, changes[r.document.path], by_path, changes)
    if args.baseline:
        from klarsyn.cli.changes import read_baseline, without_baseline

        recorded = read_baseline(args.baseline)
        base_dir = args.baseline.resolve().parent
        for r in results:
            r.findings = without_baseline(r, recorded, base_dir)
    fail_levels = [config.fail_on for _document, config in items]
    failed = any(fails(f.severity, level) for level, result in zip(fail_levels, results) for f in result.findings)
    ui_lang = results[0].document.language if results else (args.lang if args.lang not in (None, "auto") else "nb")
    if args.format == "json":
        render_json(results, errors, sys.stdout)
    elif args.format in ("sarif", "github", "junit"):
        from klarsyn.cli import formats

        if args.format == "sarif":
            catalog = {r.id: r for _d, c in items for r in c.all_rules()} or {r.id: r for r in load_rules()}
            formats.render_sarif(results, list(catalog.values()), sys.stdout)
        elif args.format == "github":
            formats.render_github(results, sys.stdout)
        else:
            formats.render_junit(results, fail_levels, sys.stdout)
    else:
        render_text(results, sys.stdout, ui_lang, summary=not args.quiet)
    _report_errors(errors)
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if failed else EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from klarsyn.cli.report import render_report
    from klarsyn.engine.runner import check_documents

    documents, errors, _ = _load(args)
    if errors:
        # A report the committee reads as the whole programme must not leave a chapter out
        # silently (or, with nothing readable, be empty): name the problem, write nothing.
        _report_errors([(path, f"{problem} (no report written)") for path, problem in errors])
        return EXIT_ERROR
    results = check_documents(documents)
    ui_lang = results[0].document.language if results else "nb"
    text = render_report(results, ui_lang)
    from klarsyn.safeio import write_output

    # Atomic for a regular file; a pipe, a device or a symbolic link is written, never replaced.
    write_output(args.output, text, "the report")
    print(f"klarsyn: report for {count('en', 'file', len(results))} written to {printable(str(args.output))}", file=sys.stderr)
    return EXIT_OK


def _baseline(args: argparse.Namespace) -> int:
    from klarsyn.cli.changes import write_baseline
    from klarsyn.engine.runner import check_documents

    if args.baseline_command != "write":
        raise UsageError("use `klarsyn baseline write FILE PATH...`")
    documents, errors, _ = _load(args)
    items = [(d, c.with_overrides(select=tuple(args.select), ignore=tuple(args.ignore))) for d, c in documents]
    results = check_documents(items)
    recorded = write_baseline(args.file, results)
    _report_errors(errors)
    print(f"klarsyn: {count('en', 'finding', recorded)} in {count('en', 'file', len(results))} recorded in {printable(str(args.file))}", file=sys.stderr)
    return EXIT_ERROR if errors else EXIT_OK


def _stats(args: argparse.Namespace) -> int:
    from klarsyn.cli.stats import render_stats_json, render_stats_text
    from klarsyn.metrics.analysis import analyze

    documents, errors, _ = _load(args)
    analyses = [analyze(document) for document, _config in documents]
    if args.format == "json":
        render_stats_json(analyses, errors, sys.stdout)
    else:
        ui_lang = analyses[0].document.language if analyses else "nb"
        render_stats_text(analyses, sys.stdout, ui_lang)
    _report_errors(errors)
    return EXIT_ERROR if errors else EXIT_OK


def _rules(lang: str | None) -> int:
    from klarsyn.engine.packs import load_rules

    for rule in load_rules():
        if lang and lang != "auto" and rule.languages and lang not in rule.languages:
            continue
        languages = ",".join(rule.languages) or "alle"
        summary = " ".join(rule.description.split())
        summary = summary.split(". ")[0].rstrip(".") + "."
        print(f"{rule.id:<24} {rule.severity.value:<8} {languages:<5} {summary}")
    return EXIT_OK


def _example_item(text: str) -> str:
    """A list item; the lines of a multi-line example stay under its first line."""
    return "  - " + "\n    ".join(text.split("\n"))


def _explain(rule_id: str) -> int:
    import difflib

    from klarsyn.engine.packs import load_rules

    rules = {r.id: r for r in load_rules()}
    rule = rules.get(rule_id)
    if rule is None:
        close = difflib.get_close_matches(rule_id, list(rules), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise UsageError(f"unknown rule id '{rule_id}'{hint}")
    default = "" if rule.enabled else ", av som standard"
    print(f"{rule.id} ({rule.type}, {rule.severity.value}{default}, {','.join(rule.languages) or 'alle språk'})\n")
    print(" ".join(rule.description.split()) + "\n")
    if rule.measured:
        print(f"Målt: {rule.measured}\n")
    if rule.options:
        print("Innstillinger: " + ", ".join(f"{k}={v:g}" for k, v in rule.options.items()) + "\n")
    print("Flagges:")
    for example in rule.bad:
        print(_example_item(example.text))
    print("Flagges ikke:")
    for example in rule.good:
        print(_example_item(example.text))
    if rule.source or rule.link:
        print(f"\nKilde: {rule.source}" + (f" ({rule.link})" if rule.link else ""))
    return EXIT_OK


def _tcp_address(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (or ``:PORT``) as the server reads it, checked before it is used."""
    host, _, port = value.rpartition(":")
    if not port.isascii() or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise UsageError(f"--tcp must be HOST:PORT with a port from 1 to 65535, not '{value}'")
    return host or "127.0.0.1", int(port)


if __name__ == "__main__":
    sys.exit(main())
