"""Accessibility of a published PDF: tags, language, title, alternative text, headings,
tables, scanned pages, bookmarks and fonts, read from the facts the PDF child process
gathered with pikepdf (klarsyn.document.pdf.facts.PdfFacts, on ``Document.pdf``).

Each check is a structure check (registered in klarsyn.checks.structure.CHECKS) that
returns at most one finding: these are properties of the file, not of a sentence, so a
finding sits on the document's first line and names the pages in its message; 153 figures
without alternative text are one finding that counts them, not 153. Every other format
has ``Document.pdf`` None and gets no finding here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from klarsyn.document.model import Block, BlockKind
from klarsyn.document.offsets import TextBuilder
from klarsyn.document.pdf.facts import PdfFacts
from klarsyn.metrics.analysis import DocumentAnalysis

Hit = tuple[Block | None, int, int, dict[str, object]]
MAX_RANGES = 8  # page ranges named in a message before "…"

# A title that is the file's name or the tool's, not the document's: "Microsoft Word -
# PARTIPROGRAMMET 19.09.20.docx", "250417-Program_v2", "Untitled-1".
_FILE_TITLE = re.compile(
    r"(?i)^(?:microsoft (?:word|powerpoint|excel) - |untitled\b|uten ?tittel\b|dokument\d|document\d)"
    r"|\.(?:docx?|odt|indd|idml|pages|pdf|rtf|pptx?|txt)$"
)


def _facts(analysis: DocumentAnalysis) -> PdfFacts | None:
    facts = analysis.document.pdf
    return facts if isinstance(facts, PdfFacts) else None


def _at_start(analysis: DocumentAnalysis, values: dict[str, object]) -> list[Hit]:
    """One finding for the file, on the first line of its source (the extracted text),
    whether or not that line is a block: a photo credit or a logo line left out of the
    prose still starts the document."""
    source = analysis.document.source
    end = source.find("\n")
    end = len(source) if end < 0 else end
    builder = TextBuilder()
    builder.add(source[:end], 0)
    text, offsets = builder.build(anchor=0)
    return [(Block(kind=BlockKind.PARAGRAPH, text=text, offsets=offsets), 0, len(text), values)]


def page_ranges(pages: list[int]) -> str:
    """1, 2, 3, 5, 9, 10 -> "1–3, 5, 9–10"; past MAX_RANGES ranges the rest is "…"."""
    numbers = sorted({p for p in pages if p > 0})
    ranges: list[str] = []
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        ranges.append(str(numbers[i]) if i == j else f"{numbers[i]}–{numbers[j]}")
        i = j + 1
    if len(ranges) > MAX_RANGES:
        return ", ".join(ranges[:MAX_RANGES]) + ", …"
    return ", ".join(ranges) or "?"


def _where(pages: list[int]) -> dict[str, object]:
    """The pages as the messages name them: "side 3" / "sidene 3–5, 9" (nb, nn), "page 3" /
    "pages 3–5, 9" (en)."""
    numbers = {p for p in pages if p > 0}
    shown = page_ranges(pages)
    one = len(numbers) == 1
    return {"pages": shown, "where_nb": ("side " if one else "sidene ") + shown,
            "where_nn": ("side " if one else "sidene ") + shown, "where_en": ("page " if one else "pages ") + shown}


_NOUNS = {
    "figure": {"nb": ("figur", "figurer"), "nn": ("figur", "figurar"), "en": ("figure", "figures")},
    "table": {"nb": ("tabell", "tabeller"), "nn": ("tabell", "tabellar"), "en": ("table", "tables")},
    "page": {"nb": ("side", "sider"), "nn": ("side", "sider"), "en": ("page", "pages")},
    "font": {"nb": ("skrift", "skrifter"), "nn": ("skrift", "skrifter"), "en": ("font", "fonts")},
    "time": {"nb": ("gang", "ganger"), "nn": ("gong", "gonger"), "en": ("time", "times")},
}


def _counted(name: str, n: int, noun: str) -> dict[str, object]:
    """``name``_nb = "1 tabell" / "3 tabeller", and the same in nn and en."""
    return {f"{name}_{lang}": f"{n} {forms[0] if n == 1 else forms[1]}" for lang, forms in _NOUNS[noun].items()}


def untagged(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    facts = _facts(analysis)
    if facts is None or facts.tagged:
        return []
    return _at_start(analysis, {"pages": facts.pages})


def tags_unlinked(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    """Tagged, but no page says which tags its content belongs to (no /StructParents and
    ParentTree): PDFium, and with it many readers, then find no tags on any page."""
    facts = _facts(analysis)
    if facts is None or not facts.tagged or facts.tags_reach_pages:
        return []
    return _at_start(analysis, {"elements": facts.elements})


def no_language(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    facts = _facts(analysis)
    if facts is None or facts.lang:
        return []
    return _at_start(analysis, {"language": analysis.document.language})


_FAMILY = {"no": {"nb": "norsk", "nn": "norsk", "en": "Norwegian", "code": "nb-NO"},
           "en": {"nb": "engelsk", "nn": "engelsk", "en": "English", "code": "en"}}
MIN_PASSAGES = 5  # paragraphs clear enough to tell their language
MIN_SHARE = 0.8  # of those, in the other language


def language_contradicted(analysis: DocumentAnalysis) -> str | None:
    """The language family ("no", "en") the text is clearly in when the PDF's /Lang says the
    other one; None when /Lang is missing, unknown or right. At least MIN_PASSAGES
    paragraphs must tell their language and MIN_SHARE of them disagree with /Lang."""
    from klarsyn.text.language import language_family, passage_family

    facts = _facts(analysis)
    if facts is None or not facts.lang:
        return None
    declared = language_family(facts.lang)
    if declared is None:
        return None  # German, Sami …: nothing we can weigh the text against
    found = [f for f in (passage_family(ba.block.text) for ba in analysis.blocks) if f is not None]
    other = "en" if declared == "no" else "no"
    if len(found) < MIN_PASSAGES or found.count(other) < MIN_SHARE * len(found):
        return None
    return other


def wrong_language(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    """/Lang says English (or Norwegian) while the text clearly is the other: a screen
    reader then reads the whole programme with the wrong voice."""
    facts = _facts(analysis)
    other = language_contradicted(analysis)
    if facts is None or other is None:
        return []
    names = _FAMILY[other]
    return _at_start(analysis, {"declared": facts.lang, "found_nb": names["nb"], "found_nn": names["nn"],
                                "found_en": names["en"], "code": names["code"]})


_TITLE_PROBLEMS = {
    "missing": {"nb": "PDF-en har ingen tittel.", "nn": "PDF-en har ingen tittel.", "en": "The PDF has no title."},
    "file": {"nb": "Tittelen i PDF-en er et filnavn («{title}»).", "nn": "Tittelen i PDF-en er eit filnamn («{title}»).",
             "en": "The PDF's title is a file name (“{title}”)."},
    "hidden": {"nb": "PDF-en viser filnavnet og ikke tittelen («{title}») i vinduet.",
               "nn": "PDF-en viser filnamnet og ikkje tittelen («{title}») i vindauget.",
               "en": "The PDF shows its file name, not its title (“{title}”), in the window."},
}


def title(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    """No title, a file name as title, or a title the viewer is not told to show
    (/ViewerPreferences /DisplayDocTitle)."""
    facts = _facts(analysis)
    if facts is None:
        return []
    if not facts.title:
        problem = "missing"
    elif _FILE_TITLE.search(facts.title) or (" " not in facts.title and "_" in facts.title):
        problem = "file"
    elif not facts.display_doc_title:
        problem = "hidden"
    else:
        return []
    shown = facts.title if len(facts.title) <= 60 else facts.title[:59] + "…"
    values: dict[str, object] = {f"problem_{lang}": text.replace("{title}", shown) for lang, text in _TITLE_PROBLEMS[problem].items()}
    return _at_start(analysis, {**values, "title": shown, "problem": problem})


# Word's own description of a picture, never edited: "Et bilde som inneholder person, tre
# KI-generert innhold kan være feil." (older versions: "Beskrivelse som er generert automatisk").
_MACHINE_ALT = re.compile(r"(?i)KI-generert innhold kan være feil|AI-generated content may be incorrect"
                          r"|beskrivelse (?:som er )?generert automatisk|description automatically generated")
_IMAGE_NAME = re.compile(r"(?i)^(?:img|dsc|image|bilde|screenshot|skjermbilde)[-_ ]?\d+|\.(?:png|jpe?g|gif|svg|webp|bmp|tiff?)$")


def figure_alt(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    """Figures (not artifacts) with no alternative text, a file name for one, or Word's
    automatic description left as it was: one finding that counts each kind."""
    facts = _facts(analysis)
    if facts is None:
        return []
    figures = [f for f in facts.figures if not f.artifact]
    missing = [f for f in figures if not f.alt]
    named = [f for f in figures if f.alt and _IMAGE_NAME.search(f.alt_text)]
    machine = [f for f in figures if f.alt and _MACHINE_ALT.search(f.alt_text)]
    if not (missing or named or machine):
        return []
    parts: dict[str, list[str]] = {"nb": [], "nn": [], "en": []}
    if missing:
        parts["nb"].append(f"{len(missing)} har ingen"), parts["nn"].append(f"{len(missing)} har ingen")
        parts["en"].append(f"{len(missing)} {'has' if len(missing) == 1 else 'have'} none")
    if named:
        parts["nb"].append(f"{len(named)} har et filnavn"), parts["nn"].append(f"{len(named)} har eit filnamn")
        parts["en"].append(f"{len(named)} a file name" if parts["en"] else f"{len(named)} {'has' if len(named) == 1 else 'have'} a file name")
    if machine:
        parts["nb"].append(f"{len(machine)} har Words automatiske beskrivelse")
        parts["nn"].append(f"{len(machine)} har den automatiske skildringa frå Word")
        parts["en"].append(f"{len(machine)} Word's automatic description" if parts["en"]
                           else f"{len(machine)} {'has' if len(machine) == 1 else 'have'} Word's automatic description")
    joins = {"nb": " og ", "nn": " og ", "en": " and "}
    details = {f"detail_{lang}": ", ".join(p[:-1]) + joins[lang] + p[-1] if len(p) > 1 else p[0] for lang, p in parts.items()}
    bad = missing + named + machine
    return _at_start(analysis, {"count": len(bad), **_counted("total", len(facts.figures), "figure"), **details,
                                **_where([f.page for f in bad])})


MIN_PARAGRAPHS = 5  # a tagged file this long with no heading tag at all


def headings_untagged(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    facts = _facts(analysis)
    if facts is None or not facts.tagged or facts.headings or facts.paragraphs < MIN_PARAGRAPHS:
        return []
    return _at_start(analysis, {"paragraphs": facts.paragraphs})


def heading_levels(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    """Heading tags that skip a level (H3 after H1), in the tree's order; a plain /H has no
    level and is passed over. One finding: how many skips, the first, and their pages."""
    facts = _facts(analysis)
    if facts is None or not facts.tagged:
        return []
    skips: list[tuple[int, int, int]] = []  # level, previous, page
    previous = 0
    for heading in facts.headings:
        if heading.level == 0:
            continue
        if previous and heading.level > previous + 1:
            skips.append((heading.level, previous, heading.page))
        previous = heading.level
    if not skips:
        return []
    level, before, page = skips[0]
    return _at_start(analysis, {"count": len(skips), **_counted("times", len(skips), "time"), "level": level,
                                "previous": before, "expected": before + 1, "page": page or "?",
                                **_where([s[2] for s in skips])})


_BULLET = re.compile(r"(?m)^[ \t]*[•●▪◦■►]\s")
MIN_BULLETS = 3


def lists_untagged(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    """A tagged file with no list tag (L) at all whose text has lines that start with a
    bullet (•, ▪ …): the lists are paragraphs to a screen reader, which cannot say how many
    points there are or skip past them. A dash is no bullet here (it also opens page numbers,
    «- 11 -», and replies), so lists set with dashes are missed rather than guessed at."""
    facts = _facts(analysis)
    if facts is None or not facts.tagged or facts.lists > 0:
        return []
    bullets = sum(len(_BULLET.findall(ba.block.text)) or ba.block.kind is BlockKind.LIST_ITEM for ba in analysis.blocks)
    if bullets < MIN_BULLETS:
        return []
    return _at_start(analysis, {"count": bullets})


def table_headers(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    facts = _facts(analysis)
    if facts is None:
        return []
    bare = [t for t in facts.tables if t.cells >= 2 and t.header_cells == 0]
    if not bare:
        return []
    return _at_start(analysis, {"count": len(bare), **_counted("tables", len(bare), "table"), **_where([t.page for t in bare])})


def scanned_pages(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    facts = _facts(analysis)
    if facts is None or not facts.image_only_pages:
        return []
    return _at_start(analysis, {"count": len(facts.image_only_pages), **_counted("n", len(facts.image_only_pages), "page"),
                                **_where(facts.image_only_pages)})


def bookmarks(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    facts = _facts(analysis)
    limit = int(options.get("max", 20))
    if facts is None or facts.pages < limit or facts.outline_items > 0:
        return []
    return _at_start(analysis, {"pages": facts.pages, "limit": limit})


def _font_names(fonts: list) -> str:  # type: ignore[type-arg]
    names = sorted({f.name for f in fonts})
    return ", ".join(names[:5]) + (", …" if len(names) > 5 else "")


def _font_hit(analysis: DocumentAnalysis, failing) -> list[Hit]:  # type: ignore[no-untyped-def]
    """One finding for the fonts that fail ``failing``: how many, their names, their pages."""
    facts = _facts(analysis)
    if facts is None:
        return []
    bad = [f for f in facts.fonts if failing(f)]
    if not bad:
        return []
    return _at_start(analysis, {"count": len(bad), **_counted("n", len(bad), "font"), "fonts": _font_names(bad),
                                **_where([p for f in bad for p in f.pages])})


def fonts_embedded(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    return _font_hit(analysis, lambda f: not f.embedded)


def text_unicode(analysis: DocumentAnalysis, options: dict[str, float]) -> list[Hit]:
    return _font_hit(analysis, lambda f: not f.extractable)


CHECKS: dict[str, Callable[[DocumentAnalysis, dict[str, float]], list[Hit]]] = {
    "pdf-untagged": untagged,
    "pdf-tags-unlinked": tags_unlinked,
    "pdf-no-language": no_language,
    "pdf-wrong-language": wrong_language,
    "pdf-title": title,
    "pdf-figure-alt": figure_alt,
    "pdf-headings-untagged": headings_untagged,
    "pdf-heading-levels": heading_levels,
    "pdf-table-headers": table_headers,
    "pdf-lists-untagged": lists_untagged,
    "pdf-scanned-pages": scanned_pages,
    "pdf-bookmarks": bookmarks,
    "pdf-fonts-embedded": fonts_embedded,
    "pdf-text-unicode": text_unicode,
}
