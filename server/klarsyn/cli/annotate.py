"""``klarsyn annotate utkast.docx -o utkast-kommentert.docx`` (or .odt): the findings as comments
on the flagged words, the safe fixes as tracked changes, in a copy of the author's own file."""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from dataclasses import replace
from pathlib import Path

from klarsyn.errors import InputError, UsageError
from klarsyn.safeio import printable

_LINE = {
    "en": "klarsyn: {comments} and {changes} added to {out}",
    "nb": "klarsyn: {comments} og {changes} lagt inn i {out}",
    "nn": "klarsyn: {comments} og {changes} lagde inn i {out}",
}
_WORDS = {
    "en": {"comment": ("comment", "comments"), "change": ("tracked change", "tracked changes"),
           "overlap": "{n} safe fix(es) overlapping another left out", "unplaced": "{n} safe fix(es) that cannot be a tracked change left out"},
    "nb": {"comment": ("kommentar", "kommentarer"), "change": ("sporet endring", "sporede endringer"),
           "overlap": "{n} sikre rettelser som overlapper en annen er utelatt", "unplaced": "{n} sikre rettelser som ikke kan bli sporede endringer er utelatt"},
    "nn": {"comment": ("kommentar", "kommentarar"), "change": ("spora endring", "spora endringar"),
           "overlap": "{n} sikre rettingar som overlappar ei anna er utelatne", "unplaced": "{n} sikre rettingar som ikkje kan bli spora endringar er utelatne"},
}


def add_parser(sub: argparse._SubParsersAction, language: object, rule_list: object) -> None:
    p = sub.add_parser("annotate", help="write the findings into a copy of a Word or OpenDocument file as comments and tracked changes")
    p.add_argument("path", type=Path, metavar="FILE", help="the .docx or .odt to annotate (it is never changed)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="the annotated copy to write")
    p.add_argument("--select", type=rule_list, action="extend", default=[], metavar="RULE[,RULE]", help="only these rules (ids or globs such as 'lix-*')")
    p.add_argument("--ignore", type=rule_list, action="extend", default=[], metavar="RULE[,RULE]", help="skip these rules")
    p.add_argument("--min-severity", choices=("error", "warning", "info", "hint"), default="hint",
                   help="leave out findings below this severity (default: hint, all)")
    p.add_argument("--no-changes", action="store_true", help="comments only: no tracked changes for the safe fixes")
    p.add_argument("--lix-comments", action="store_true", help="also a comment on each heading with its section's LIX")
    p.add_argument("--lang", type=language, help="language of the comments: nb, nn or en (default: the document's)")
    p.add_argument("--config", type=Path, help="use this config file instead of looking for klarsyn.yml")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def run(args: argparse.Namespace) -> int:
    from klarsyn.annotate.docx import annotate_docx
    from klarsyn.annotate.notes import plan
    from klarsyn.config import ConfigCache, match_rules
    from klarsyn.document.docx import read_docx
    from klarsyn.document.loader import MAX_PACKAGE_BYTES, format_for, settle_language
    from klarsyn.engine.packs import load_rules
    from klarsyn.engine.runner import check_documents
    from klarsyn.findings import Severity
    from klarsyn.safeio import read_bounded, write_output

    path: Path = args.path
    fmt = format_for(path)
    if fmt not in ("docx", "odt"):
        raise UsageError(f"{printable(str(path))}: not a Word or OpenDocument text file; `klarsyn annotate` writes into .docx and .odt files")
    if args.lang == "auto":
        args.lang = None
    if _same_file(path, args.output):
        raise UsageError(f"-o {printable(str(args.output))} is the input file; the original is never changed, name another file")
    configs = ConfigCache(args.config)
    config = configs.for_path(path)
    data = read_bounded(path, MAX_PACKAGE_BYTES)
    if not data.startswith(b"PK"):
        raise InputError(str(path), f"is not a {fmt.upper()} file (no zip signature; a password-protected file cannot be annotated)")
    if fmt == "odt":
        from klarsyn.document.odt import read_odt

        document, source = read_odt(data, str(path), traced=True)
    else:
        document, source = read_docx(data, str(path), traced=True)
    assert source is not None
    document.raw_digest = hashlib.sha256(data).hexdigest()
    settle_language(document, config.language)
    known = sorted({r.id for r in load_rules()} | {r.id for r in config.all_rules()})
    match_rules(tuple(args.select), known, "--select: ")
    match_rules(tuple(args.ignore), known, "--ignore: ")
    config = config.with_overrides(select=tuple(args.select), ignore=tuple(args.ignore) + config.ignores_for(path))
    lang = args.lang or config.message_language or document.language
    # The comment language is only the messages': the text is read in its own language, so
    # the findings are those `check` gives (tests/test_message_language.py).
    [result] = check_documents([(document, replace(config, message_language=lang))])
    floor = Severity(args.min_severity).rank
    findings = [f for f in result.findings if f.severity.rank >= floor]
    descriptions = {r.id: r.description for r in config.all_rules()}
    the_plan = plan(findings, document.source, descriptions, lang, changes=not args.no_changes)
    if args.lix_comments:
        from klarsyn.annotate.notes import lix_notes

        the_plan.notes.extend(lix_notes(result.analysis, lang))
    if fmt == "odt":
        from klarsyn.annotate.odt import annotate_odt

        out, summary = annotate_odt(data, str(path), source, the_plan)  # type: ignore[arg-type]
    else:
        out, summary = annotate_docx(data, str(path), source, the_plan)  # type: ignore[arg-type]
    write_output(args.output, out, "the annotated copy")
    words = _WORDS.get(lang, _WORDS["en"])

    def counted(key: str, n: int) -> str:
        one, many = words[key]
        return f"{n} {one if n == 1 else many}"

    line = _LINE.get(lang, _LINE["en"]).format(comments=counted("comment", summary.comments), changes=counted("change", summary.changes),
                                               out=printable(str(args.output)))
    extra = [words[key].format(n=n) for key, n in (("overlap", summary.overlapping), ("unplaced", summary.unplaced)) if n]
    print(line + (f" ({'; '.join(extra)})" if extra else ""), file=sys.stderr)
    return 0
