"""What a PDF says about its own accessibility: plain data, read in the child process by
structure.py (pikepdf) and sent to the parent as JSON, where the checks in
klarsyn.checks.pdf_access read it from ``Document.pdf``.

Only plain values (bool, int, str, lists of small dataclasses), so ``to_dict`` is JSON as it
stands and ``from_dict`` rebuilds the same object; page numbers are 1-based, 0 when unknown.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class Figure:
    page: int  # 1-based; 0 when the element names no page
    alt: bool  # a non-empty /Alt or /ActualText
    artifact: bool = False  # inside an element marked as an artifact (decoration)
    alt_text: str = ""  # the /Alt (or /ActualText), its first 200 characters


@dataclass(frozen=True, slots=True)
class Heading:
    level: int  # 1..6; 0 for a plain /H (level from nesting, which PDF/UA advises against)
    page: int


@dataclass(frozen=True, slots=True)
class Table:
    page: int
    header_cells: int  # TH elements inside the table (not inside a table nested in it)
    cells: int  # TH and TD


@dataclass(frozen=True, slots=True)
class Font:
    name: str  # /BaseFont without the subset prefix ("ABCDEF+")
    subtype: str  # Type1, TrueType, Type0, Type3 …
    embedded: bool
    to_unicode: bool  # has a /ToUnicode map
    extractable: bool  # text in it maps to Unicode (a ToUnicode map or a standard encoding)
    pages: tuple[int, ...] = ()  # the first few pages that use it


@dataclass
class PdfFacts:
    pages: int = 0
    encrypted: bool = False
    # Tags: MarkInfo /Marked true and a StructTreeRoot with at least one element.
    marked: bool = False
    has_struct_tree: bool = False
    elements: int = 0  # structure elements visited
    tree_cut: bool = False  # the walk stopped at the element cap (a hostile or huge tree)
    # Whether the tags reach the pages: a ParentTree, and how many pages have /StructParents.
    parent_tree: bool = False
    pages_with_struct_parents: int = 0
    lang: str = ""  # the catalog's /Lang
    element_langs: list[str] = field(default_factory=list)  # distinct /Lang on elements
    title: str = ""  # Info /Title, or XMP dc:title when Info has none
    display_doc_title: bool = False  # /ViewerPreferences /DisplayDocTitle true
    figures: list[Figure] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)  # in tree (reading) order
    tables: list[Table] = field(default_factory=list)
    lists: int = 0  # L elements
    list_items: int = 0  # LI elements
    paragraphs: int = 0  # P elements
    image_only_pages: list[int] = field(default_factory=list)  # images and no text at all
    outline_items: int = 0  # bookmarks (capped)
    fonts: list[Font] = field(default_factory=list)

    @property
    def tagged(self) -> bool:
        return self.marked and self.has_struct_tree and self.elements > 0

    @property
    def tags_reach_pages(self) -> bool:
        """The tags are linked to the page content, as assistive technology reads them."""
        return self.parent_tree and self.pages_with_struct_parents > 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PdfFacts:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["figures"] = [Figure(**f) for f in data.get("figures", [])]
        values["headings"] = [Heading(**h) for h in data.get("headings", [])]
        values["tables"] = [Table(**t) for t in data.get("tables", [])]
        values["fonts"] = [Font(**{**f, "pages": tuple(f.get("pages", ()))}) for f in data.get("fonts", [])]
        values["element_langs"] = list(data.get("element_langs", []))
        values["image_only_pages"] = list(data.get("image_only_pages", []))
        return cls(**values)
