"""Which PDF accessibility checks fail, for the PDFs given: a table, then each finding.

    python scripts/pdf_access_report.py ../shared/corpus/programmes/*.pdf
    python scripts/pdf_access_report.py --lang en --messages file.pdf

The facts come from klarsyn.document.pdf.structure.read_facts (pikepdf), timed per file.
The text that pdf-feil-sprak and pdf-lister weigh is read with pypdfium2, one block per
line, until the PDF loader builds the real Document; the other checks read only the facts.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from klarsyn.config import Config
from klarsyn.document.loader import parse
from klarsyn.document.pdf.structure import StructureProblem, read_facts
from klarsyn.engine.packs import builtin_rules
from klarsyn.engine.runner import check_document


def _lines(data: bytes) -> list[str]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        return [" ".join(line.split()) for i in range(len(pdf)) for line in pdf[i].get_textpage().get_text_range().splitlines()
                if line.strip()]
    finally:
        pdf.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdfs", nargs="+", type=Path)
    parser.add_argument("--lang", default="nb", choices=("nb", "nn", "en"), help="language of the messages")
    parser.add_argument("--messages", action="store_true", help="print each finding's message under the table")
    args = parser.parse_args(argv)
    rules = builtin_rules()
    pdf_rules = [r for r in rules if getattr(r, "check", "").startswith("pdf-")]
    rows: list[tuple[str, str, dict[str, str], float]] = []
    messages: list[str] = []
    for path in args.pdfs:
        data = path.read_bytes()
        started = time.perf_counter()
        try:
            facts = read_facts(data)
        except StructureProblem as exc:
            print(f"{path.name}: {exc}", file=sys.stderr)
            continue
        seconds = time.perf_counter() - started
        text = "\n\n".join(_lines(data)) + "\n"
        document = parse(text, str(path), "text", args.lang)
        document.format, document.pdf, document.declared_language = "pdf", facts, facts.lang or None
        config = Config(select=tuple(r.id for r in pdf_rules), catalog=rules)
        found = {f.rule: f for f in check_document(document, config).findings}
        summary = f"{facts.pages} p, {'tagged' if facts.tagged else 'untagged'}, /Lang {facts.lang or '-'}"
        rows.append((path.stem, summary, {r.id: ("FAIL" if r.id in found else "ok") for r in pdf_rules}, seconds))
        messages += [f"{path.stem}: {f.rule}: {f.message}" for f in found.values()]
    ids = [r.id for r in pdf_rules]
    print("| file | facts | read_facts | " + " | ".join(i.removeprefix("pdf-") for i in ids) + " |")
    print("|---|---|---|" + "---|" * len(ids))
    for name, summary, cells, seconds in rows:
        print(f"| {name} | {summary} | {seconds:.2f} s | " + " | ".join(cells[i] for i in ids) + " |")
    if args.messages:
        print()
        for line in messages:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
