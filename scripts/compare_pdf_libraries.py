"""Compare PDF libraries for `klarsyn check program.pdf` (issue 17, first step).

Run with a scratch venv that holds the candidates (klarsyn itself does not depend on them yet):

    python3 -m venv /tmp/pdfvenv
    /tmp/pdfvenv/bin/pip install -q pypdfium2 pdfminer.six pdfplumber pypdf pikepdf
    /tmp/pdfvenv/bin/python scripts/compare_pdf_libraries.py time      # speed and peak memory
    /tmp/pdfvenv/bin/python scripts/compare_pdf_libraries.py probe     # boxes, structure, catalog, fonts
    /tmp/pdfvenv/bin/python scripts/compare_pdf_libraries.py columns   # two-column pages
    /tmp/pdfvenv/bin/python scripts/compare_pdf_libraries.py order FILE PAGE  # reading order per library
    /tmp/pdfvenv/bin/python scripts/compare_pdf_libraries.py hostile   # truncated, garbage xref, encrypted
    /tmp/pdfvenv/bin/python scripts/compare_pdf_libraries.py licences
    /tmp/pdfvenv/bin/python scripts/compare_pdf_libraries.py wheels    # pip download per platform

Every measurement of one library on one file runs in its own child process, so peak memory
(ru_maxrss of that child) is the library's and a crash in native code is seen as a signal,
not as the end of this script. The corpus defaults to /work/shared/corpus/programmes.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

CORPUS = Path("/work/shared/corpus/programmes")
LIBS = ("pypdfium2", "pdfminer", "pdfplumber", "pypdf", "pikepdf")


# --- text with positions, one function per library ------------------------------------------
# Each returns (characters or runs seen, number of pages); what a "unit" is differs: a
# character with its box for pypdfium2, pdfminer and pdfplumber, a text run (show-text
# operator) with its matrix for pypdf. pikepdf has no text extraction.


def extract_pypdfium2(path: str) -> tuple[int, int]:
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(path)
    buf = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    units = 0
    for page in pdf:
        tp = page.get_textpage()
        tp.get_text_range()
        for i in range(tp.count_chars()):
            tp.get_charbox(i)
            raw.FPDFText_GetFontSize(tp, i)
            raw.FPDFText_GetFontInfo(tp, i, buf, 256, ctypes.byref(flags))
            units += 1
        tp.close()
        page.close()
    n = len(pdf)
    pdf.close()
    return units, n


def extract_pdfminer(path: str) -> tuple[int, int]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextContainer

    units = pages = 0
    for layout in extract_pages(path):
        pages += 1
        for box in layout:
            if isinstance(box, LTTextContainer):
                for line in box:
                    for ch in getattr(line, "_objs", []):
                        if isinstance(ch, LTChar):
                            (ch.get_text(), ch.bbox, ch.fontname, ch.size)
                            units += 1
    return units, pages


def extract_pdfplumber(path: str) -> tuple[int, int]:
    import pdfplumber

    units = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for ch in page.chars:
                (ch["text"], ch["x0"], ch["top"], ch["fontname"], ch["size"])
                units += 1
            page.extract_text()  # the ordered text, as we would use it
            page.close()
        return units, len(pdf.pages)


def extract_pypdf(path: str) -> tuple[int, int]:
    from pypdf import PdfReader

    runs: list[Any] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        runs.append((text, tm[4], tm[5], size))

    reader = PdfReader(path)
    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return len(runs), len(reader.pages)


def extract_pikepdf(path: str) -> tuple[int, int]:
    # No text extraction: only the content-stream operators, which is what a structure check
    # linking marked content (BDC /MCID) to tags would read.
    import pikepdf

    units = 0
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for _operands, op in pikepdf.parse_content_stream(page):
                if str(op) in ("Tj", "TJ", "'", '"'):
                    units += 1
        return units, len(pdf.pages)


EXTRACT: dict[str, Callable[[str], tuple[int, int]]] = {
    "pypdfium2": extract_pypdfium2,
    "pdfminer": extract_pdfminer,
    "pdfplumber": extract_pdfplumber,
    "pypdf": extract_pypdf,
    "pikepdf": extract_pikepdf,
}


def child_time(lib: str, path: str, runs: int, slow_after: float) -> dict[str, Any]:
    """Median wall time of `runs` extractions; stops after one when that one took longer
    than `slow_after` seconds (the machine is shared; the order of magnitude is the point)."""
    times = []
    units = pages = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        units, pages = EXTRACT[lib](path)
        times.append(time.perf_counter() - t0)
        if times[-1] > slow_after:
            break
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"lib": lib, "file": Path(path).name, "pages": pages, "units": units,
            "runs": len(times), "median_s": statistics.median(times), "peak_mib": peak_mib}


def run_child(args: list[str], timeout: float, mem_mib: int | None = None) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "_child", *args]

    def limit() -> None:
        if mem_mib:
            resource.setrlimit(resource.RLIMIT_AS, (mem_mib << 20, mem_mib << 20))

    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              preexec_fn=limit)
    except subprocess.TimeoutExpired:
        return {"outcome": f"timeout after {timeout:.0f} s"}
    wall = time.perf_counter() - t0
    if proc.returncode < 0:
        return {"outcome": f"killed by signal {-proc.returncode}", "wall_s": wall,
                "stderr": proc.stderr[-300:]}
    try:
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"outcome": f"exit {proc.returncode}", "wall_s": wall, "stderr": proc.stderr[-300:]}
    out["wall_s"] = wall
    return out


def cmd_time(ns: argparse.Namespace) -> None:
    files = sorted(Path(ns.corpus).glob("*.pdf"))
    print(f"{'library':11} {'file':30} {'pages':>5} {'units':>8} {'runs':>4} {'median s':>9} "
          f"{'ms/page':>8} {'peak MiB':>8}")
    for lib in ns.libs:
        for f in files:
            r = run_child(["time", lib, str(f), str(ns.runs), str(ns.slow_after)], timeout=900)
            if "median_s" not in r:
                print(f"{lib:11} {f.name:30} {r}")
                continue
            print(f"{lib:11} {f.name[:30]:30} {r['pages']:5} {r['units']:8} {r['runs']:4} "
                  f"{r['median_s']:9.2f} {1000 * r['median_s'] / r['pages']:8.1f} "
                  f"{r['peak_mib']:8.0f}", flush=True)


# --- capabilities: boxes, structure tree, catalog, fonts --------------------------------------


def probe_pikepdf(path: str) -> dict[str, Any]:
    """The reference reading of catalog, structure tree and fonts (full object access)."""
    import pikepdf

    out: dict[str, Any] = {}
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        out["Lang"] = str(root.get("/Lang", "")) or None
        mark = root.get("/MarkInfo")
        out["Marked"] = bool(mark.get("/Marked", False)) if mark is not None else None
        vp = root.get("/ViewerPreferences")
        out["DisplayDocTitle"] = bool(vp.get("/DisplayDocTitle", False)) if vp is not None else None
        out["Title"] = str(pdf.docinfo.get("/Title", "")) or None
        outlines = root.get("/Outlines")
        out["Outlines"] = bool(outlines is not None and outlines.get("/First") is not None)
        types: dict[str, int] = {}
        alts = 0
        seen: set[tuple[int, int]] = set()
        st = root.get("/StructTreeRoot")
        stack = [st.get("/K")] if st is not None else []
        while stack and len(seen) < 200_000:
            k = stack.pop()
            if k is None:
                continue
            if isinstance(k, pikepdf.Array):
                stack.extend(k)
                continue
            if not isinstance(k, pikepdf.Dictionary):
                continue
            if k.is_indirect:
                if k.objgen in seen:
                    continue  # a loop in the tree
                seen.add(k.objgen)
            s = k.get("/S")
            if s is not None:
                types[str(s)] = types.get(str(s), 0) + 1
                if "/Alt" in k:
                    alts += 1
            stack.append(k.get("/K"))
        out["struct_types"] = dict(sorted(types.items(), key=lambda kv: -kv[1])[:12])
        out["struct_elems_with_Alt"] = alts
        fonts: dict[str, tuple[bool, bool]] = {}
        for page in pdf.pages:
            res = page.obj.get("/Resources")
            fd = res.get("/Font") if res is not None else None
            if fd is None:
                continue
            for _name, font in fd.items():
                base = str(font.get("/BaseFont", "?"))
                desc = font.get("/FontDescriptor")
                if desc is None and "/DescendantFonts" in font:
                    desc = font.DescendantFonts[0].get("/FontDescriptor")
                emb = desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts[base] = (emb, "/ToUnicode" in font)
        out["fonts"] = len(fonts)
        out["fonts_not_embedded"] = sorted(k for k, v in fonts.items() if not v[0])[:5]
        out["fonts_without_ToUnicode"] = sorted(k for k, v in fonts.items() if not v[1])[:5]
        mcids = 0
        for _ops, op in pikepdf.parse_content_stream(pdf.pages[min(1, len(pdf.pages) - 1)]):
            if str(op) == "BDC":
                mcids += 1
        out["BDC_on_page_2"] = mcids
    return out


def probe_pypdfium2(path: str) -> dict[str, Any]:
    """What pypdfium2 (PDFium) exposes of the same, through its raw API."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(path)
    out: dict[str, Any] = {"IsTagged": bool(raw.FPDFCatalog_IsTagged(pdf))}
    n = raw.FPDFCatalog_GetLanguage(pdf, None, 0)
    if n > 2:
        lang = (ctypes.c_ushort * (n // 2))()
        raw.FPDFCatalog_GetLanguage(pdf, lang, n)
        out["Lang"] = bytes(lang)[: n - 2].decode("utf-16-le")
    out["Title"] = pdf.get_metadata_dict().get("Title") or None
    out["Outlines"] = next(iter(pdf.get_toc()), None) is not None
    page = pdf[min(1, len(pdf) - 1)]
    tree = raw.FPDF_StructTree_GetForPage(page)
    types: dict[str, int] = {}
    mcid_links = 0

    def walk(el: Any, depth: int) -> None:
        nonlocal mcid_links
        if depth > 100:
            return
        size = raw.FPDF_StructElement_GetType(el, None, 0)
        buf = ctypes.create_string_buffer(size)
        raw.FPDF_StructElement_GetType(el, buf, size)
        t = buf.raw[: size - 2].decode("utf-16-le")
        types[t] = types.get(t, 0) + 1
        mcid_links += raw.FPDF_StructElement_GetMarkedContentIdCount(el) > 0
        for i in range(raw.FPDF_StructElement_CountChildren(el)):
            ch = raw.FPDF_StructElement_GetChildAtIndex(el, i)
            if ch:
                walk(ch, depth + 1)

    if tree:
        for i in range(raw.FPDF_StructTree_CountChildren(tree)):
            walk(raw.FPDF_StructTree_GetChildAtIndex(tree, i), 0)
        raw.FPDF_StructTree_Close(tree)
    out["page2_struct_types"] = dict(sorted(types.items(), key=lambda kv: -kv[1])[:8])
    out["page2_elems_with_mcid"] = mcid_links
    tp = page.get_textpage()
    out["page2_unicode_map_errors"] = sum(
        bool(raw.FPDFText_HasUnicodeMapError(tp, i)) for i in range(tp.count_chars()))
    return out


def probe_pdfplumber(path: str) -> dict[str, Any]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        page = pdf.pages[min(1, len(pdf.pages) - 1)]
        ch = page.chars[0] if page.chars else {}
        out: dict[str, Any] = {"char_keys": sorted(k for k in ch if k in (
            "fontname", "size", "mcid", "tag", "x0", "top", "ncs"))}
        try:
            tree = page.structure_tree
            out["page2_struct_roots"] = [e.get("type") for e in tree][:6]
        except Exception as exc:  # noqa: BLE001 - we record what the library does
            out["structure_tree"] = f"{type(exc).__name__}: {exc}"[:120]
    return out


def cmd_probe(ns: argparse.Namespace) -> None:
    for f in sorted(Path(ns.corpus).glob("*.pdf")):
        print(f"== {f.name}")
        for lib in ("pikepdf", "pypdfium2", "pdfplumber"):
            r = run_child(["probe", lib, str(f)], timeout=300)
            r.pop("wall_s", None)
            print(f"  {lib:10} {json.dumps(r, ensure_ascii=False)}", flush=True)


# --- two-column pages and reading order -------------------------------------------------------


def page_chars_pdfium(path: str) -> list[tuple[float, list[tuple[str, float, float, float, float]]]]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    pages = []
    for page in pdf:
        tp = page.get_textpage()
        text = tp.get_text_range()
        chars = []
        for i in range(min(tp.count_chars(), len(text))):
            if not text[i].isspace():
                l, b, r, t = tp.get_charbox(i)
                chars.append((text[i], l, b, r, t))
        pages.append((page.get_width(), chars))
    return pages


def gutter(width: float, chars: list[tuple[str, float, float, float, float]]) -> float | None:
    """The x of a vertical gap in the middle third crossed by (almost) no character, with
    text on both sides: the sign of a two-column page. Headings across both columns and
    headers are allowed as 3 % of the characters."""
    if len(chars) < 400:
        return None
    cover = [0] * (int(width) + 2)
    for _c, l, _b, r, _t in chars:
        for x in range(max(0, int(l)), min(len(cover), int(r) + 1)):
            cover[x] += 1
    lo, hi = int(width * 0.3), int(width * 0.7)
    best = None
    run = 0
    for x in range(lo, hi):
        if cover[x] <= 0.03 * len(chars) / 20:
            run += 1
            if run >= 8:
                best = x - run // 2
        else:
            run = 0
    if best is None:
        return None
    left = sum(1 for ch in chars if ch[3] < best)
    right = sum(1 for ch in chars if ch[1] > best)
    return float(best) if min(left, right) > 0.25 * len(chars) else None


def cmd_columns(ns: argparse.Namespace) -> None:
    for f in sorted(Path(ns.corpus).glob("*.pdf")):
        pages = page_chars_pdfium(str(f))
        two = [i + 1 for i, (w, chars) in enumerate(pages) if gutter(w, chars)]
        print(f"{f.name:32} {len(two):3} of {len(pages):3} pages two-column: {two[:15]}")


def ordered_text(lib: str, path: str, pageno: int) -> str:
    i = pageno - 1
    if lib == "pypdfium2":
        import pypdfium2 as pdfium

        return pdfium.PdfDocument(path)[i].get_textpage().get_text_range()
    if lib == "pdfminer":
        from pdfminer.high_level import extract_text

        return extract_text(path, page_numbers=[i])
    if lib == "pdfplumber":
        import pdfplumber

        with pdfplumber.open(path, pages=[pageno]) as pdf:
            return pdf.pages[0].extract_text()
    if lib == "pypdf":
        from pypdf import PdfReader

        return PdfReader(path).pages[i].extract_text()
    raise ValueError(lib)


def column_reference(path: str, pageno: int) -> list[str]:
    """Words in the order a reader takes them on a two-column page: what spans the gutter
    (headings) and the left column top to bottom, then the right. Built from pdfium's lines
    (each line's first character box), sorted by column and height; checked by eye against
    the rendered page (pdftoppm), not trusted on its own."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    width, chars = page_chars_pdfium(path)[pageno - 1]
    g = gutter(width, chars) or width / 2
    tp = pdfium.PdfDocument(path)[pageno - 1].get_textpage()
    text = tp.get_text_range()
    lines = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.strip()
        if body:
            first = pos + line.index(body[0])
            last = pos + len(line.rstrip()) - 1
            l, _b, _r, t = tp.get_charbox(first)
            r = tp.get_charbox(last)[2]
            col = 1 if l > g else 0
            # a line is in the right column only if it starts there; spanning lines stay left
            lines.append((col, -round(t), l, body))
            del r
        pos += len(line)
    del raw
    lines.sort()
    return [w for *_k, body in lines for w in re.findall(r"\w+", body)]


def cmd_order(ns: argparse.Namespace) -> None:
    ref = column_reference(ns.file, ns.page)
    print(f"reference: {len(ref)} words; starts {' '.join(ref[:12])}")
    for lib in ("pypdfium2", "pdfminer", "pdfplumber", "pypdf"):
        words = re.findall(r"\w+", ordered_text(lib, ns.file, ns.page))
        sm = difflib.SequenceMatcher(a=ref, b=words, autojunk=False)
        blocks = [b for b in sm.get_matching_blocks() if b.size]
        print(f"{lib:10} words {len(words):5} same-order ratio {sm.ratio():.3f} "
              f"runs {len(blocks):4} longest {max((b.size for b in blocks), default=0)}")
        if ns.show:
            print("   ", " ".join(words[: ns.show]))


# --- hostile files ----------------------------------------------------------------------------


def make_hostile(src: Path, out: Path) -> list[Path]:
    import pikepdf

    out.mkdir(parents=True, exist_ok=True)
    data = src.read_bytes()
    truncated = out / "truncated.pdf"
    truncated.write_bytes(data[: len(data) * 6 // 10])
    garbage = out / "garbage_xref.pdf"
    # Every byte from the last "startxref" on, and every "xref" table or stream header,
    # overwritten: the parser has to reconstruct the file or give up.
    g = bytearray(data)
    cut = data.rfind(b"startxref")
    g[cut:] = b"startxref\n987654321\n%%EOF\n"
    for m in re.finditer(rb"/Type\s*/XRef|\nxref", bytes(g)):
        g[m.start(): m.end()] = b"#" * (m.end() - m.start())
    garbage.write_bytes(bytes(g))
    encrypted = out / "encrypted.pdf"
    with pikepdf.open(src) as pdf:
        pdf.save(encrypted, encryption=pikepdf.Encryption(owner="owner-secret", user="user-secret", R=6))
    return [truncated, garbage, encrypted]


def child_open(lib: str, path: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    try:
        units, pages = EXTRACT[lib](path)
        outcome = f"ok: {pages} pages, {units} units"
    except BaseException as exc:  # noqa: BLE001 - the point is to see what is raised
        outcome = f"{type(exc).__module__}.{type(exc).__name__}: {str(exc)[:90]}"
    return {"outcome": outcome, "s": time.perf_counter() - t0,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def cmd_hostile(ns: argparse.Namespace) -> None:
    src = Path(ns.corpus) / "fred_og_rettferdighet.pdf"
    for f in make_hostile(src, Path(ns.out)):
        print(f"== {f.name} ({f.stat().st_size} bytes, from {src.name})")
        for lib in LIBS:
            r = run_child(["open", lib, str(f)], timeout=20, mem_mib=1024)
            s = f"{r.get('s', 0):.2f} s, {r.get('peak_mib', 0):.0f} MiB" if "s" in r else ""
            print(f"  {lib:10} {r['outcome']}  {s}", flush=True)


def cmd_licences(_ns: argparse.Namespace) -> None:
    from importlib import metadata

    for dist in ("pypdfium2", "pdfminer.six", "pdfplumber", "pypdf", "pikepdf"):
        md = metadata.metadata(dist)
        lic = md.get("License-Expression") or md.get("License") or ""
        cls = [c.split(" :: ")[-1] for c in md.get_all("Classifier") or [] if c.startswith("License")]
        print(f"{dist:13} {md['Version']:10} {lic[:60]!s:60} {cls}")


PLATFORMS = ("win_amd64", "macosx_11_0_arm64", "macosx_14_0_arm64", "manylinux2014_x86_64",
             "manylinux2014_aarch64", "manylinux_2_28_x86_64", "musllinux_1_2_x86_64")


def cmd_wheels(ns: argparse.Namespace) -> None:
    """Which wheel pip picks for each platform (CPython 3.11), from the configured index."""
    for plat in PLATFORMS:
        for pkg in ("pypdfium2", "pikepdf"):
            dest = Path(ns.out) / plat
            subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                            "--only-binary=:all:", "--platform", plat, "--python-version", "3.11",
                            "-d", str(dest), pkg], capture_output=True, timeout=300)
            got = sorted(p.name for p in dest.glob(f"{pkg}-*.whl")) if dest.exists() else []
            print(f"{plat:24} {pkg:10} {got[-1] if got else 'none'}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        kind, lib, path, *rest = sys.argv[2:]
        if kind == "time":
            r = child_time(lib, path, int(rest[0]), float(rest[1]))
        elif kind == "open":
            r = child_open(lib, path)
        else:
            r = {"pikepdf": probe_pikepdf, "pypdfium2": probe_pypdfium2,
                 "pdfplumber": probe_pdfplumber}[lib](path)
        print(json.dumps(r, ensure_ascii=False, default=str))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(CORPUS))
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("time")
    t.add_argument("--libs", nargs="+", default=list(LIBS), choices=LIBS)
    t.add_argument("--runs", type=int, default=3)
    t.add_argument("--slow-after", type=float, default=20.0,
                   help="one run only when the first takes longer (default 20 s)")
    sub.add_parser("probe")
    sub.add_parser("columns")
    o = sub.add_parser("order")
    o.add_argument("file")
    o.add_argument("page", type=int)
    o.add_argument("--show", type=int, default=0, help="print the first N words per library")
    h = sub.add_parser("hostile")
    h.add_argument("--out", default="/tmp/hostile-pdfs")
    sub.add_parser("licences")
    w = sub.add_parser("wheels")
    w.add_argument("--out", default="/tmp/pdf-wheels")
    ns = ap.parse_args()
    {"time": cmd_time, "probe": cmd_probe, "columns": cmd_columns, "order": cmd_order,
     "hostile": cmd_hostile, "licences": cmd_licences, "wheels": cmd_wheels}[ns.cmd](ns)


if __name__ == "__main__":
    main()
