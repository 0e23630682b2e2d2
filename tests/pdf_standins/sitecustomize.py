"""Test doubles for the PDF worker's extract and structure modules, used only until the real
ones are on the branch (tests/test_pdf_hostile.py puts this folder on the child's PYTHONPATH).

Each stand-in is installed only when the real module cannot be found, so once extract.py
and structure.py land, the hostile-file tests run against them unchanged. The stand-ins call
the same libraries the same way the design says the real ones do (pypdfium2 for each page's
text, pikepdf for the catalog and page tree), so the files hurt them the way they would hurt
the real modules.
"""

from __future__ import annotations

import importlib.util
import io
import sys
import types


def _missing(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is None
    except ImportError:
        return True


class PdfProblem(Exception):
    pass


def open_pdf(data: bytes):  # type: ignore[no-untyped-def]
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise PdfProblem(f"the PDF cannot be opened: {exc}") from exc


def page_messages(document):  # type: ignore[no-untyped-def]
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        boxes = [textpage.get_charbox(i) for i in range(min(textpage.count_chars(), 50_000))]
        textpage.close()
        page.close()
        yield {"kind": "page", "index": index, "text": text, "chars": len(boxes)}


class _Facts:
    def __init__(self, pages: int, tagged: bool, lang: str) -> None:
        self.pages, self.tagged, self.lang = pages, tagged, lang

    def to_dict(self) -> dict[str, object]:
        return {"pages": self.pages, "tagged": self.tagged, "lang": self.lang}


def read_facts(data: bytes) -> _Facts:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        return _Facts(len(pdf.pages), "/StructTreeRoot" in root, str(root.get("/Lang", "")))


if _missing("klarsyn.document.pdf.extract"):
    extract = types.ModuleType("klarsyn.document.pdf.extract")
    extract.PdfProblem = PdfProblem  # type: ignore[attr-defined]
    extract.open_pdf = open_pdf  # type: ignore[attr-defined]
    extract.page_messages = page_messages  # type: ignore[attr-defined]
    sys.modules[extract.__name__] = extract
if _missing("klarsyn.document.pdf.structure"):
    structure = types.ModuleType("klarsyn.document.pdf.structure")
    structure.read_facts = read_facts  # type: ignore[attr-defined]
    sys.modules[structure.__name__] = structure
