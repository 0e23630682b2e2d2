"""The child process that parses a PDF: ``python -m klarsyn.document.pdf.worker``.

It reads the PDF's bytes from stdin and writes JSON lines to stdout, one message a line, so
the parent sees progress page by page and can stop a child that stalls on one page:

    {"kind": "start", "pages": N}
    {"kind": "page", "index": i, ...}          one per page (extract.page_message)
    {"kind": "facts", "facts": {...}}           the accessibility facts (facts.PdfFacts)
    {"kind": "done"}

or, when the file cannot be read, ``{"kind": "error", "problem": "..."}`` and exit code 3.
Nothing else is written to stdout.
"""

from __future__ import annotations

import json
import sys


def _emit(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def main() -> int:
    from klarsyn.document.pdf import extract, structure

    data = sys.stdin.buffer.read()
    try:
        document = extract.open_pdf(data)
        _emit({"kind": "start", "pages": len(document)})
        for message in extract.page_messages(document):
            _emit(message)
        _emit({"kind": "facts", "facts": structure.read_facts(data).to_dict()})
    except extract.PdfProblem as exc:
        _emit({"kind": "error", "problem": str(exc)})
        return 3
    _emit({"kind": "done"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
