"""What the tag tree says each marked-content id on a page is: a heading, a paragraph, a
list item, a table cell … (runs in the worker, with pikepdf).

The content stream's own mark names do not always tell: Word marks every run as /Span and
puts the paragraph or heading above it in the tree. The parent tree maps a page's
marked-content ids straight to their elements, so one lookup per page and a few steps up
per id give each id its running-text element, without walking the whole tree (PDFium's
per-page walk cost 0.9 s on the 100-page generasjonspartiet.pdf; this costs a few ms).
"""

from __future__ import annotations

import io

import pikepdf

# Elements inside running text: an id in one of these belongs to the element above it.
_INLINE = frozenset(
    "Span Link Quote Em Strong Reference Annot Ruby Warichu Code Sub Sup BibEntry Lbl Note NonStruct Private Form".split()
)
_MAX_STEPS = 32  # up from an id to its running-text element (a loop of /P links stops here)
STANDARD_TYPES = frozenset(
    "P H H1 H2 H3 H4 H5 H6 L LI LBody Lbl Table TR TH TD THead TBody TFoot Figure Formula Caption TOC TOCI "
    "Document Part Sect Art Div BlockQuote Index Title Aside FENote".split()
) | _INLINE


def standard_type(name: str, rolemap: dict[str, str]) -> str:
    """A structure type with the RoleMap applied: a custom type is followed to the standard
    one it maps to (a few steps: a loop in the map ends there). A standard type is never
    remapped, as the PDF reference says readers must do: Word maps /Title to /H1, but a
    screen reader reads a Title."""
    for _ in range(8):
        if name in STANDARD_TYPES or name not in rolemap or rolemap[name] == name:
            break
        name = rolemap[name]
    return name


def _role(element: pikepdf.Object, rolemap: dict[str, str]) -> str:
    return standard_type(str(element.get("/S", "")).lstrip("/"), rolemap)


Role = tuple[str, int, str]  # element type, block number, language ("" when none is set)


def page_roles(data: bytes, wanted: set[int] | None = None) -> dict[int, dict[int, Role]]:
    """Per page (0-based; the ``wanted`` ones, or all), {mcid: (element type, block
    number, language)}; the block number is the same for every id of one paragraph, heading
    or item (numbers are the elements' object numbers, so two workers reading different pages
    agree); the language is the nearest /Lang on the way up from the id's element (a /Span
    in English inside a Norwegian /P, a /Sect whose passages are English).
    Empty when the file has no usable parent tree; never raises for a damaged tree (the tags
    only refine the text)."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - qpdf's errors are many; PDFium reads the text regardless
        return {}
    try:
        return _roles(pdf, wanted)
    except Exception:  # noqa: BLE001
        return {}
    finally:
        pdf.close()


def _roles(pdf: pikepdf.Pdf, wanted: set[int] | None) -> dict[int, dict[int, Role]]:
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary) or "/ParentTree" not in root:
        return {}
    rolemap: dict[str, str] = {}
    raw_map = root.get("/RoleMap")
    if isinstance(raw_map, pikepdf.Dictionary):
        for key, value in raw_map.items():
            rolemap[key.lstrip("/")] = str(value).lstrip("/")
    tree = pikepdf.NumberTree(root.ParentTree)
    out: dict[int, dict[int, Role]] = {}
    languages: dict[tuple[int, int], str] = {}  # element -> its language, shared by all pages
    for index, page in enumerate(pdf.pages):
        if wanted is not None and index not in wanted:
            continue
        roles: dict[int, Role] = {}
        out[index] = roles
        try:
            ids = tree[int(page.obj.get("/StructParents"))]
        except (KeyError, IndexError, TypeError, ValueError):
            continue  # no /StructParents, or the parent tree lacks the page
        if not isinstance(ids, pikepdf.Array):
            continue
        for mcid, element in enumerate(ids):
            if not isinstance(element, pikepdf.Dictionary):
                continue
            kind, block = _block_of(element, rolemap)
            roles[mcid] = (kind, block, _language(element, languages))
    return out


def _language(element: pikepdf.Dictionary, known: dict[tuple[int, int], str]) -> str:
    """The nearest /Lang from ``element`` up to the tree's root ("" when none): a structure
    element's language holds for everything below it (ISO 32000-1, 14.9.2)."""
    seen: list[tuple[int, int]] = []
    found = ""
    for _ in range(_MAX_STEPS):
        key = element.objgen if element.is_indirect else None
        if key is not None and key in known:
            found = known[key]
            break
        if key is not None:
            seen.append(key)
        lang = element.get("/Lang")
        if isinstance(lang, (pikepdf.String, pikepdf.Name)):
            found = str(lang).lstrip("/").strip()[:35]
            break
        parent = element.get("/P")
        if not isinstance(parent, pikepdf.Dictionary):
            break
        element = parent
    for key in seen:
        known[key] = found
    return found


def _block_of(element: pikepdf.Dictionary, rolemap: dict[str, str]) -> tuple[str, int]:
    kind = _role(element, rolemap)
    for _ in range(_MAX_STEPS):
        if kind not in _INLINE:
            break
        parent = element.get("/P")
        if not isinstance(parent, pikepdf.Dictionary):
            break
        element, kind = parent, _role(parent, rolemap)
    if kind == "LBody":
        kind = "LI"
    # A direct element has no object number: -1, no block (its lines break by geometry).
    return kind, element.objgen[0] if element.is_indirect else -1
