"""A seeded, bounded fuzz run of klarsyn: the CLI, hostile files and the language server.

    python scripts/fuzz_run.py --seed 1 --docs 1200 --lsp-sequences 400 --out /tmp/klarsyn-fuzz

Three parts, one after the other (the machine has two cores):

1. CLI fuzz. ``--docs`` generated drafts (.md/.markdown/.txt/.html/.htm/.xhtml), each run as
   ``klarsyn check --format json --no-cache`` in a process forked from a warm parent (the
   command's own ``main``; an escaping exception prints a traceback and exits 1, as the
   interpreter does), two at a time, with a per-run timeout. A quarter of the drafts also get
   a second run in another command or format (stats --format json, text, sarif, github,
   junit, report). Checked: exit codes 0/1/2 only, tracebacks on stderr, exit 2 with more
   than one stderr line, hangs, peak RSS; in JSON output every finding's (and fix edit's,
   related place's, stats section's and sentence's) offsets within [0, len(source)], line and
   column equal to the offsets', and the quoted «match» of the message equal to the source
   text at the offsets (inline markup inside the range allowed, counted apart).
2. Hostile files and paths, each run as a real ``klarsyn`` subprocess: handled means exit
   0/1/2, no traceback, one stderr line per failing input, under HOSTILE_SECONDS, and no
   /etc/passwd text in the output.
3. Language server fuzz. ``--lsp-sequences`` random edit sequences over a few
   ``klarsyn lsp --stdio`` servers (UTF-16, UTF-8, UTF-32), the client keeping its own copy
   of each text by LSP's rules: every published range is compared with the client's text of
   that version, the server's copy (``klarsyn/_text``, KLARSYN_LSP_TEST=1) with the client's,
   and each sequence ends with a hover that must be answered. Malformed-params requests must
   be answered too. Server deaths and peak RSS (VmHWM) are recorded.

Everything generated goes under --out (default /tmp/klarsyn-fuzz). The figures table is
printed as Markdown at the end and written to OUT/figures.md, details to OUT/summary.json,
problem inputs to OUT/keep/.
"""

from __future__ import annotations

import argparse
from bisect import bisect_right
import html
import io
import json
import os
import random
import re
import shutil
import signal
import stat
import string
import struct
import subprocess
import sys
import threading
import time
import traceback
import zipfile
import zlib
from collections import Counter, defaultdict
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
KLARSYN = str(VENV_BIN / "klarsyn") if (VENV_BIN / "klarsyn").exists() else "klarsyn"
RUN_TIMEOUT = 20.0  # seconds per CLI run
HOSTILE_SECONDS = 5.0  # "a few seconds"
RSS_KILL_KB = 3 * 1024 * 1024  # a run above 3 GB is killed (and counted) to protect the machine
_LB = re.compile(r"\r\n|\r|\n")

# --------------------------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------------------------

WORDS = ("kommunen skal bygge flere skoler og barnehager i hele fylket , vi vil styrke helsa til alle innbyggere "
         "med tanke på at det er viktig å satse på kollektivtransport sykkelveier og bedre veier for "
         "eldreomsorgen ungdom arbeidsplasser næringsliv kultur idrett frivillighet klima miljø natur").split()
KANSELLI = ["herunder", "i forhold til", "har mulighet til å", "foreta en vurdering av", "iverksette", "hva angår",
            "vedrørende", "gjennomføre", "påse", "i henhold til", "med hensyn til", "samt", "hvorvidt", "bistå",
            "tilrettelegge for", "gjennomføre en evaluering", "foreta", "innen utgangen av"]
ODD = ["NAV", "SFO", "FNs", "NTNU", "ABC", "og og", "skal skal", "ble bygget", "blir vurdert", "det er viktig at",
       "det er dette som", "helsesøster", "formann", "funksjonshemmede", "fremtiden", "framtiden", "Fremtiden",
       "barne hage", "skole-, og", "sykehjems og", "innvandrere", "gjennomføring", "satsning", "satsing",
       "langtidsarbeidsledighetsutfordringene", "bl.a.", "f.eks.", "mht.", "jf.", "osv."]
JUNK = ["\f", "\v", "\x85", "\u2028", "\u2029", "\t", "\u00a0", "\u200b", "\u202e", "\ufeff", "😀", "👍🏽", "🇳🇴",
        "e\u0301", "Å", "ß", "ﬁ", "\x1c", "\x1e", "\r", "\r\n", "\n", "\n\n", "\x00", "\ufffd", "\u0000"]
MD_BITS = ["**", "*", "_", "__", "`", "``", "~~", "\\*", "\\|", "\\_", "\\\\", "&aring;", "&amp;", "&#229;", "&#x2028;",
           "&gt;", "&lt;", "&nbsp;", "&quot;", "&#0;", "[", "]", "(", ")", "![", "](x)", "[lenke](http://x)",
           "![bilde](a.png)", "![](IMG_1234.jpg)", "<b>", "</b>", "<u>", "</u>", "<br>", "<!-- -->", "# ", "## ",
           "#### ", "> ", ">> ", "- ", "1. ", "* ", "| a | b |\n|---|---|\n| c | d |\n", "|", "```\nkode\n```\n",
           "    innrykk\n", "---\n", "***\n", "[les mer](x)", "[her](x)", "<https://x.no>", "\\", "$", "{", "}",
           "<!-- klarsyn-disable kanselli -->", "<!-- klarsyn-disable-next-line lang-setnig -->",
           "<!-- klarsyn-enable kanselli -->", "<!-- klarsyn-disable-file versaler -->"]
HTML_BITS = ["<p>", "</p>", "<h1>", "</h1>", "<h3>", "</h3>", "<h6>", "<a href='x'>les mer</a>", "<a href=\"y\">", "</a>",
             "<img src='a.png'>", "<img alt='IMG_1.jpg' src=x>", "<u>", "</u>", "<b>", "</b>", "<br/>", "<span lang='en'>",
             "</span>", "<div lang=nn>", "</div>", "&aring;", "&amp;", "&#229;", "&#x1F600;", "&bogus;", "&", "<", ">",
             "<!--", "-->", "<script>var a = '<p>';</script>", "<style>p{}</style>", "<![CDATA[x]]>", "<table><tr><td>",
             "</td></tr></table>", "<ul><li>", "</li></ul>", "<p lang='en'>We believe that every child should have a good school.</p>",
             "<pre>", "</pre>", "<q>", "</q>", "<blockquote>", "</blockquote>", "<?xml version='1.0'?>", "\x00"]


def sentence(r: random.Random) -> str:
    n = r.randint(2, 40)
    words = []
    for _ in range(n):
        x = r.random()
        if x < 0.08:
            words.append(r.choice(KANSELLI))
        elif x < 0.14:
            words.append(r.choice(ODD))
        else:
            words.append(r.choice(WORDS))
    s = " ".join(words)
    s = s[0].upper() + s[1:]
    return s + r.choice([".", ".", ".", "!", "?", ":", "", " …", "."])


def paragraph(r: random.Random) -> str:
    return " ".join(sentence(r) for _ in range(r.randint(1, 6)))


SAMPLES: list[str] = []


def samples() -> list[str]:
    if not SAMPLES:
        for p in sorted((REPO / "examples").glob("*")):
            try:
                SAMPLES.append(p.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                pass
        if not SAMPLES:
            SAMPLES.append("\n\n".join(paragraph(random.Random(0)) for _ in range(20)))
    return SAMPLES


def sprinkle(r: random.Random, text: str, bits: list[str], n: int) -> str:
    for _ in range(n):
        i = r.randint(0, len(text))
        text = text[:i] + r.choice(bits) + text[i:]
    return text


def g_prose(r):
    return "\n\n".join(paragraph(r) for _ in range(r.randint(1, 25))) + r.choice(["\n", "", "\n\n"])


def g_sample_slice(r):
    s = r.choice(samples())
    a = r.randint(0, len(s))
    b = min(len(s), a + r.randint(0, 6000))
    return s[a:b]


def g_markdown_soup(r):
    base = g_prose(r) if r.random() < 0.6 else g_sample_slice(r)
    return sprinkle(r, base, MD_BITS, r.randint(1, 60))


def g_linebreaks(r):
    base = g_prose(r)
    out = []
    for ch in base:
        if ch == "\n" or (ch == " " and r.random() < 0.05):
            out.append(r.choice(["\n", "\r\n", "\r", "\f", "\v", "\x85", "\u2028", "\u2029", "\r\r\n", "\n\r", " \n", "\t\n"]))
        else:
            out.append(ch)
    return "".join(out)


def g_front_matter(r):
    nl = r.choice(["\n", "\r\n", "\r", "\r\n", "\n"])
    body = [r.choice(["lang: nn", "lang: en", "language: nb", "lang: [a, b]", "title: «Program»", "tags: [a, b, c]",
                      "lang: !foo bar", "x: &a [1, *a]", "lang: 5", "lang:", "': :", "a: {b: {c: {d: 1}}}",
                      "lang: " + "[" * r.randint(1, 60) + "]" * r.randint(0, 60), "key: '" + "x" * 500 + "'",
                      "- liste", "lang: nn\r", "dato: 2023-09-11", "lang: !!python/name:os.system", "\x00"])
            for _ in range(r.randint(0, 6))]
    fm = "---" + nl + nl.join(body) + r.choice([nl, "\n", "\r"]) + r.choice(["---", "...", "--- ", "----", ""]) + r.choice([nl, "\n", "\r\n"])
    return r.choice(["", "\ufeff", " "]) * (r.random() < 0.2) + fm + g_markdown_soup(r)


def g_html(r):
    lang = r.choice(["", " lang='nb'", " lang=\"nn\"", " lang='en'", " lang='xx'", " lang=''"])
    paras = []
    for _ in range(r.randint(1, 20)):
        tag = r.choice(["p", "p", "p", "h1", "h2", "h4", "li", "td", "blockquote", "div"])
        paras.append(f"<{tag}>{html.escape(paragraph(r)) if r.random() < 0.5 else paragraph(r)}</{tag}>")
    body = "\n".join(paras)
    body = sprinkle(r, body, HTML_BITS, r.randint(0, 40))
    head = r.choice(["<!DOCTYPE html>", "", "<?xml version='1.0' encoding='utf-8'?>", "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"x.dtd\">"])
    return f"{head}<html{lang}><head><title>T</title></head><body>{body}</body></html>" if r.random() < 0.85 else body


def g_unicode(r):
    base = g_prose(r)
    return sprinkle(r, base, JUNK + ODD, r.randint(5, 80))


def g_nesting(r):
    n = r.choice([10, 100, 500, 1000, 3000, 10000])
    kind = r.randint(0, 8)
    if kind == 0:
        return "> " * n + paragraph(r) + "\n"
    if kind == 1:
        return "".join("  " * i + "- " + r.choice(WORDS) + "\n" for i in range(min(n, 400)))
    if kind == 2:
        return "*" * n + paragraph(r) + "*" * n + "\n"
    if kind == 3:
        return "[" * n + paragraph(r) + "](x)" * n + "\n"
    if kind == 4:
        return "![" * min(n, 3000) + "alt" + "](x)" * min(n, 3000) + "\n"
    if kind == 5:
        return "<div>" * n + paragraph(r) + "</div>" * n
    if kind == 6:
        return "`" * n + paragraph(r) + "`" * (n - 1) + "\n"
    if kind == 7:
        return "&amp;" * n + " " + paragraph(r)
    return ("1. " * min(n, 200)) + paragraph(r) + "\n"


def g_table(r):
    rows = []
    cols = r.randint(1, 6)
    rows.append("|" + "|".join(r.choice(WORDS) for _ in range(cols)) + "|")
    rows.append("|" + "|".join(r.choice(["---", ":--", "--:", ":-:"]) for _ in range(cols)) + "|")
    for _ in range(r.randint(1, 15)):
        cells = [sprinkle(r, sentence(r), ["\\|", "`a|b`", "&aring;", "**", "\\", "\x00", "😀"], r.randint(0, 3)) for _ in range(cols)]
        rows.append(r.choice(["|", ""]) + "|".join(cells) + r.choice(["|", ""]))
    return r.choice(["", paragraph(r) + "\n\n"]) + "\n".join(rows) + "\n" + r.choice(["", "\n" + paragraph(r)])


def g_suppress(r):
    out = []
    for _ in range(r.randint(1, 12)):
        out.append(r.choice(["<!-- klarsyn-disable kanselli -->", "<!-- klarsyn-enable kanselli -->",
                             "<!-- klarsyn-disable-next-line lang-setning -- sitat -->", "<!-- klarsyn-disable-line -->",
                             "<!-- klarsyn-disable-file versaler -->", "<!-- klarsyn-disable nonsense, kanseli -->",
                             "<!-- klarsyn-disable", "-->", "<!--klarsyn-disable-next-line-->"]))
        out.append(paragraph(r))
    return "\n".join(out) + "\n"


def g_big(r):
    return "\n\n".join(paragraph(r) for _ in range(r.randint(200, 700)))


def g_mix(r):
    parts = [GENERATORS[n](r) for n in r.sample(["prose", "markdown_soup", "linebreaks", "table", "unicode", "suppress"], 3)]
    return "\n".join(parts)


GENERATORS = {"prose": g_prose, "sample_slice": g_sample_slice, "markdown_soup": g_markdown_soup, "linebreaks": g_linebreaks,
              "front_matter": g_front_matter, "html": g_html, "unicode": g_unicode, "nesting": g_nesting, "table": g_table,
              "suppress": g_suppress, "big": g_big, "mix": g_mix}
GEN_WEIGHTS = {"prose": 8, "sample_slice": 8, "markdown_soup": 14, "linebreaks": 10, "front_matter": 8, "html": 12,
               "unicode": 10, "nesting": 6, "table": 6, "suppress": 5, "big": 2, "mix": 8, "bytes": 6}


def encode_doc(r: random.Random, text: str) -> bytes:
    x = r.random()
    if x < 0.85:
        return text.encode("utf-8", "surrogatepass")
    if x < 0.90:
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    if x < 0.94:
        return b"\xff\xfe" + text.encode("utf-16-le", "surrogatepass")
    if x < 0.96:
        return b"\xfe\xff" + text.encode("utf-16-be", "surrogatepass")
    if x < 0.98:
        return b"\xff\xfe\x00\x00" + text.encode("utf-32-le", "surrogatepass")
    return text.encode("cp1252", "replace")


def mutate_bytes(r: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(r.randint(1, 12)):
        op = r.randint(0, 4)
        i = r.randint(0, len(b))
        if op == 0 and b:
            b[min(i, len(b) - 1)] = r.randint(0, 255)
        elif op == 1:
            b[i:i] = bytes(r.randint(0, 255) for _ in range(r.randint(1, 4)))
        elif op == 2:
            del b[i:i + r.randint(1, 8)]
        elif op == 3:
            b[i:i] = r.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x00"])
        else:
            b = b[:i]
    return bytes(b)


def make_doc(r: random.Random) -> tuple[str, str, bytes]:
    """(generator, suffix, bytes)."""
    gen = r.choices(list(GEN_WEIGHTS), weights=list(GEN_WEIGHTS.values()))[0]
    if gen == "bytes":
        inner = r.choice(["prose", "markdown_soup", "html", "unicode", "front_matter"])
        text = GENERATORS[inner](r)
        data = mutate_bytes(r, encode_doc(r, text))
    else:
        text = GENERATORS[gen](r)
        data = encode_doc(r, text)
    if gen == "html" or (gen == "bytes" and r.random() < 0.2):
        suffix = r.choices([".html", ".htm", ".xhtml"], weights=[6, 2, 2])[0]
    else:
        suffix = r.choices([".md", ".markdown", ".txt", ".html"], weights=[60, 4, 30, 6])[0]
    return gen, suffix, data


def source_of(data: bytes) -> str | None:
    """The text klarsyn counts offsets in (a byte-order mark dropped), or None."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                       (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


# --------------------------------------------------------------------------------------------
# Checking JSON output
# --------------------------------------------------------------------------------------------

def line_col(starts: list[int], offset: int) -> tuple[int, int]:
    line = bisect_right(starts, offset) - 1
    return line + 1, offset - starts[line] + 1


def load_templates() -> dict[str, list[re.Pattern]]:
    """rule id -> regexes of its messages that capture the quoted {match}."""
    import string as _s
    out: dict[str, list[re.Pattern]] = {}
    roots = []
    try:
        import klarsyn
        roots += [Path(klarsyn.__file__).parent / "rules"]
    except ImportError:
        pass
    roots.append(REPO / "rules")
    seen = set()
    for root in roots:
        for p in sorted(root.rglob("*.yml")) if root.is_dir() else []:
            try:
                data = yaml.safe_load(p.read_text(encoding="utf-8"))
            except Exception:  # noqa: BLE001
                continue
            if not isinstance(data, dict) or "id" not in data or data["id"] in seen:
                continue
            seen.add(data["id"])
            # {match} is not the flagged text: the alt text of an image that is flagged whole,
            # or the context of the one comma bindestrek-komma flags
            if data.get("check") == "image-alt" or data.get("analysis") == "hyphen-comma":
                continue
            msgs = data.get("message")
            msgs = msgs.values() if isinstance(msgs, dict) else [msgs] if isinstance(msgs, str) else []
            pats = []
            for t in msgs:
                if not isinstance(t, str) or "{match}" not in t:
                    continue
                rx, named = "", False
                for lit, field, _spec, _conv in _s.Formatter().parse(t):
                    rx += "".join(r"\s*" if c.isspace() else re.escape(c) for c in lit)
                    if field is None:
                        continue
                    if field == "match":
                        rx += "(?P=m)" if named else "(?P<m>.*?)"
                        named = True
                    else:
                        rx += ".*?"
                pats.append(re.compile(r"\s*" + rx + r"\s*", re.S))
            if pats:
                out[data["id"]] = pats
    return out


_TAG = re.compile(r"<[^>]*>")
_HIDDEN = re.compile(r"(?is)<(script|style)\b.*?</\1\s*>|<!--.*?-->|<!\[CDATA\[.*?\]\]>")
_LINKTAIL = re.compile(r"\]\([^)]*\)")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINESTART = re.compile(r"(?m)^[ \t]*(?:(?:>[ \t]?)+|[-*+][ \t]+|\d+[.)][ \t]+|#{1,6}[ \t]+)")


def _ws(s: str) -> str:
    return " ".join(s.split())


def strip_markup(s: str, link_tails: bool = True) -> str:
    s = s.replace("\x00", "\ufffd")
    s = _LINESTART.sub("", s)
    if link_tails:
        s = _IMAGE.sub("", s)  # an image inside a word: its alt text is not the word's
        s = _LINKTAIL.sub("", s)
    s = _HIDDEN.sub(" ", s)
    s = _TAG.sub(" ", s)
    s = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", s)
    s = html.unescape(s)
    s = re.sub(r"[*_`~\[\]|!<>]", "", s)
    return _ws(s)


def compare_match(templates, rule: str, message: str, flagged: str) -> str | None:
    """'equal', 'markup' (equal once inline markup is taken out), 'differs', 'empty' (a
    zero-width finding), or None when the message quotes no match."""
    pats = templates.get(rule)
    if not pats:
        return None
    for rx in pats:
        m = rx.fullmatch(message)
        if m:
            break
    else:
        return None
    quoted = m.group("m")
    if not flagged:
        return "empty"  # a zero-width finding (an empty link text): nothing to compare
    cut = quoted.endswith("…") and len(quoted) >= 250  # the value was cut to MAX_VALUE_CHARS
    q = quoted[:-1] if cut else quoted

    def same(a: str, b: str) -> bool:
        return a == b or (cut and b.startswith(a))

    if same(_ws(q), _ws(flagged)):
        return "equal"
    qs = strip_markup(q).replace(" ", "")
    for tails in (True, False):  # markdown link tails, or (HTML) the same characters as text
        if same(qs, strip_markup(flagged, tails).replace(" ", "")):
            return "markup"
    return "differs"


def check_json_output(out: str, src: str, templates, counters: Counter, problems: list) -> None:
    try:
        data = json.loads(out)
    except ValueError as exc:
        problems.append(f"stdout is not JSON: {exc}")
        counters["json_invalid"] += 1
        return
    counters["json_outputs"] += 1
    n = len(src)
    starts = [0] + [m.end() for m in _LB.finditer(src)]

    def in_range(off, what):
        if not (isinstance(off, list) and len(off) == 2 and all(isinstance(x, int) for x in off) and 0 <= off[0] <= off[1] <= n):
            problems.append(f"{what} offset {off} outside [0, {n}]")
            counters[f"oor_{what}"] += 1
            return False
        return True

    for f in data.get("files", []):
        for d in f.get("diagnostics", []):
            counters["findings"] += 1
            off = d.get("offset")
            if not in_range(off, "finding"):
                continue
            if (d.get("location"), d.get("end_location")) != (dict(zip(("line", "column"), line_col(starts, off[0]))),
                                                           dict(zip(("line", "column"), line_col(starts, off[1])))):
                counters["linecol_bad"] += 1
                problems.append(f"line/column {d.get('location')}-{d.get('end_location')} != offsets {off}")
            for fx in d.get("fixes", []):
                for e in fx.get("edits", []):
                    counters["fix_edits"] += 1
                    in_range(e.get("offset"), "fix_edit")
            for rel in d.get("related", []) or []:
                counters["related"] += 1
                if rel.get("path") == f.get("path"):
                    in_range(rel.get("offset"), "related")
            verdict = compare_match(templates, d.get("rule", ""), d.get("message", ""), src[off[0]:off[1]])
            if verdict == "empty":
                counters["match_empty_range"] += 1
            elif verdict is not None:
                counters["match_compared"] += 1
                counters[f"match_{verdict}"] += 1
                if verdict == "differs":
                    problems.append(f"«match» differs: {d.get('rule')} {off} flagged={src[off[0]:off[1]][:80]!r} message={d.get('message')[:160]!r}")
        for sec in f.get("sections", []) or []:
            if "offset" in sec or sec.get("level", 0) != 0:  # the untitled whole-document section has none
                counters["stats_offsets"] += 1
                in_range(sec.get("offset"), "stats_section")
        for sen in f.get("sentences", []) or []:
            counters["stats_offsets"] += 1
            in_range(sen.get("offset"), "stats_sentence")


# --------------------------------------------------------------------------------------------
# Running processes with a timeout and an RSS watch
# --------------------------------------------------------------------------------------------

def rss_kb(pid: int) -> int:
    """VmHWM of a running process in kB (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):  # the peak so far (reset at exec, unlike ru_maxrss)
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def watch(pid: int, timeout: float) -> dict:
    """Wait for pid: exit code, wall time, peak RSS; killed after timeout or above RSS_KILL_KB."""
    t0 = time.monotonic()
    killed = None
    peak = 0
    while True:
        wpid, status, ru = os.wait4(pid, os.WNOHANG)
        if wpid == pid:
            break
        dt = time.monotonic() - t0
        r = rss_kb(pid)
        peak = max(peak, r)
        if killed is None and (dt > timeout or r > RSS_KILL_KB):
            killed = "timeout" if dt > timeout else f"rss {r // 1024} MB"
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.005 if dt < 0.2 else 0.02)
    rc = os.waitstatus_to_exitcode(status)
    return {"rc": rc, "seconds": time.monotonic() - t0, "rss_kb": peak or ru.ru_maxrss, "killed": killed}


def fork_start(argv: list[str], out_path: str, err_path: str) -> int:
    """Start klarsyn's main(argv) in a forked child (the parent has klarsyn imported and
    warm); an exception that escapes prints a traceback and exits 1, as the interpreter does."""
    pid = os.fork()
    if pid == 0:  # child
        code = 1
        try:
            os.setpgid(0, 0)
            fo = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            fe = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fo, 1)
            os.dup2(fe, 2)
            sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), encoding="utf-8", errors="strict")
            sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False), encoding="utf-8", errors="backslashreplace", line_buffering=True)
            from klarsyn.cli.main import main
            try:
                code = main(argv)
                code = code if isinstance(code, int) else (0 if code is None else 1)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:  # noqa: BLE001 - what the interpreter would print
                traceback.print_exc()
                code = 1
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except BaseException:  # noqa: BLE001
                traceback.print_exc(file=sys.__stderr__)
                code = 120
        finally:
            os._exit(code if 0 <= code < 256 else 1)
    return pid


def fork_run(argv: list[str], out_path: str, err_path: str, timeout: float) -> dict:
    return watch(fork_start(argv, out_path, err_path), timeout)


class ForkPool:
    """Up to `size` forked runs at once, polled from one thread (no threads in the parent,
    so a fork never copies a lock another thread holds)."""

    def __init__(self, size: int, timeout: float) -> None:
        self.size, self.timeout = size, timeout
        self.running: dict[int, dict] = {}

    def full(self) -> bool:
        return len(self.running) >= self.size

    def start(self, argv, out_path, err_path, tag) -> None:
        pid = fork_start(argv, out_path, err_path)
        self.running[pid] = {"tag": tag, "t0": time.monotonic(), "peak": 0, "killed": None}

    def poll(self) -> list[tuple[object, dict]]:
        done = []
        for pid, j in list(self.running.items()):
            wpid, status, ru = os.wait4(pid, os.WNOHANG)
            now = time.monotonic()
            if wpid == pid:
                del self.running[pid]
                done.append((j["tag"], {"rc": os.waitstatus_to_exitcode(status), "seconds": now - j["t0"],
                                        "rss_kb": j["peak"] or ru.ru_maxrss, "killed": j["killed"]}))
                continue
            rr = rss_kb(pid)
            j["peak"] = max(j["peak"], rr)
            if j["killed"] is None and (now - j["t0"] > self.timeout or rr > RSS_KILL_KB):
                j["killed"] = "timeout" if now - j["t0"] > self.timeout else f"rss {rr // 1024} MB"
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    os.kill(pid, signal.SIGKILL)
        if not done:
            time.sleep(0.003)
        return done


def proc_run(argv: list[str], out_path: str, err_path: str, timeout: float, cwd: str | None = None, stdin=None) -> dict:
    with open(out_path, "wb") as fo, open(err_path, "wb") as fe:
        p = subprocess.Popen(argv, stdout=fo, stderr=fe, cwd=cwd, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                             start_new_session=True)
        res = watch(p.pid, timeout)
        p.returncode = res["rc"]
    return res


def stderr_facts(err: str) -> dict:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    return {"traceback": "Traceback (most recent call last)" in err, "lines": len(lines), "last": lines[-1][:200] if lines else ""}


# --------------------------------------------------------------------------------------------
# Part 1: CLI fuzz
# --------------------------------------------------------------------------------------------

SECOND = [["stats", "--format", "json"], ["check", "--format", "text"], ["check", "--format", "sarif"],
          ["check", "--format", "github"], ["check", "--format", "junit"], ["report"]]


def cli_fuzz(args, r: random.Random, out: Path, templates) -> dict:
    work = out / "cli"
    work.mkdir(parents=True, exist_ok=True)
    keep = out / "keep"
    keep.mkdir(exist_ok=True)
    # Warm the parent: the lexicon, the rules and markdown-it are loaded once, before forking.
    warm = work / "warm.md"
    warm.write_text("Kommunen skal herunder bygge skoler. NAV og og SFO.\n", encoding="utf-8")
    fork_run(["check", "--no-cache", "--format", "json", str(warm)], str(work / "warm.out"), str(work / "warm.err"), 60)
    from klarsyn.cli.main import main as _main  # noqa: F401 (imported in the parent)
    with open(os.devnull, "w") as devnull:
        so, se = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = devnull
        try:
            _main(["check", "--no-cache", "--format", "json", str(warm)])
            _main(["stats", "--format", "json", str(warm)])
        except BaseException:  # noqa: BLE001
            pass
        finally:
            sys.stdout, sys.stderr = so, se

    docs = []
    for i in range(args.docs):
        gen, suffix, data = make_doc(r)
        p = work / f"d{i:05d}{suffix}"
        p.write_bytes(data)
        second = r.choice(SECOND) if r.random() < 0.25 else None
        docs.append((i, gen, suffix, p, data, second))

    c: Counter = Counter()
    rc_counts: Counter = Counter()
    rc_second: Counter = Counter()
    gens: Counter = Counter()
    suffixes: Counter = Counter()
    records = []
    peak = [0]

    def finish(doc, res, sres):
        i, gen, suffix, p, data, second = doc
        base = str(work / f"d{i:05d}")
        err = Path(base + ".err").read_text(encoding="utf-8", errors="replace")
        sf = stderr_facts(err)
        problems = []
        cc: Counter = Counter()
        src = source_of(data)
        if res["rc"] in (0, 1) and not res["killed"]:
            outtext = Path(base + ".out").read_text(encoding="utf-8", errors="surrogateescape")
            if src is None:
                problems.append("exit 0/1 but the input does not decode as klarsyn says it reads")
            else:
                check_json_output(outtext, src, templates, cc, problems)
        sec = None
        if second:
            serr = Path(base + ".2.err").read_text(encoding="utf-8", errors="replace")
            sec = {"argv": second, **sres, **stderr_facts(serr)}
            if second[:3] == ["stats", "--format", "json"] and sres["rc"] == 0 and src is not None and not sres["killed"]:
                check_json_output(Path(base + ".2.out").read_text(encoding="utf-8", errors="surrogateescape"), src, templates, cc, problems)
        rec = {"i": i, "gen": gen, "suffix": suffix, "bytes": len(data), **res, **sf, "problems": problems, "second": sec}
        bad = (res["rc"] not in (0, 1, 2) or sf["traceback"] or (res["rc"] == 2 and sf["lines"] > 1) or res["killed"]
               or problems or res["seconds"] > 10 or (sec and (sec["rc"] not in (0, 1, 2) or sec["traceback"] or sec["killed"]
                                                                 or (sec["rc"] == 2 and sec["lines"] > 1))))
        if bad:
            shutil.copy(p, keep / p.name)
        c.update(cc)
        rc_counts[res["rc"] if not res["killed"] else "killed"] += 1
        gens[gen] += 1
        suffixes[suffix] += 1
        peak[0] = max(peak[0], res["rss_kb"], sec["rss_kb"] if sec else 0)
        if sec:
            rc_second[(" ".join(second), sec["rc"] if not sec["killed"] else "killed")] += 1
        records.append(rec)

    t0 = time.monotonic()
    pool = ForkPool(args.workers, RUN_TIMEOUT)
    jobs = []
    for doc in docs:
        i, _gen, _suffix, p, _data, second = doc
        base = str(work / f"d{i:05d}")
        jobs.append((doc, 1, ["check", "--no-cache", "--format", "json", str(p)], base + ".out", base + ".err"))
        if second:
            argv = list(second) + (["-o", base + ".report.html"] if second[0] == "report" else []) + (["--no-cache"] if second[0] == "check" else [])
            jobs.append((doc, 2, argv + [str(p)], base + ".2.out", base + ".2.err"))
    pending: dict[int, dict] = {}
    need = {doc[0]: (2 if doc[5] else 1) for doc in docs}
    jobs.reverse()
    while jobs or pool.running:
        while jobs and not pool.full():
            doc, kind, argv, o, e = jobs.pop()
            pool.start(argv, o, e, (doc, kind))
        for (doc, kind), res in pool.poll():
            got = pending.setdefault(doc[0], {})
            got[kind] = res
            if len(got) == need[doc[0]]:
                try:
                    finish(doc, got[1], got.get(2))
                except Exception:  # noqa: BLE001
                    c["driver_errors"] += 1
                    records.append({"i": doc[0], "driver_error": traceback.format_exc()})
                del pending[doc[0]]
    wall = time.monotonic() - t0
    recs = [x for x in records if "rc" in x]
    tb = [x for x in recs if x["traceback"]]
    two = [x for x in recs if x["rc"] == 2 and x["lines"] > 1]
    slow = sorted((x for x in recs if x["seconds"] > 10 or x["killed"]), key=lambda x: -x["seconds"])
    prob = [x for x in recs if x["problems"]]
    sec_bad = [x for x in recs if x["second"] and (x["second"]["traceback"] or x["second"]["rc"] not in (0, 1, 2) or x["second"]["killed"]
                                                   or (x["second"]["rc"] == 2 and x["second"]["lines"] > 1))]
    with open(out / "cli_records.jsonl", "w") as fh:
        for x in records:
            fh.write(json.dumps(x, ensure_ascii=False) + "\n")
    return {"docs": len(docs), "wall_s": round(wall, 1), "rc": dict(rc_counts), "gens": dict(gens), "suffixes": dict(suffixes),
            "tracebacks": [(x["i"], x["suffix"], x["last"]) for x in tb], "two_line_exit2": [(x["i"], x["suffix"], x["lines"]) for x in two],
            "slow": [(x["i"], x["gen"], round(x["seconds"], 1), x["killed"]) for x in slow], "peak_rss_mb": round(peak[0] / 1024, 1),
            "max_seconds": round(max((x["seconds"] for x in recs), default=0), 2),
            "counters": dict(c), "problem_docs": [(x["i"], x["suffix"], x["problems"][:3]) for x in prob],
            "second_runs": {f"{k[0]} -> {k[1]}": v for k, v in sorted(rc_second.items(), key=str)},
            "second_bad": [(x["i"], x["second"]["argv"], x["second"]["rc"], x["second"]["last"]) for x in sec_bad],
            "driver_errors": c.get("driver_errors", 0)}


# --------------------------------------------------------------------------------------------
# Part 2: hostile files
# --------------------------------------------------------------------------------------------

CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_xml(body: str, prolog: str = "") -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}<w:document {W}><w:body>{body}</w:body></w:document>'


def para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def write_docx(path: Path, document: bytes | str, extra: dict | None = None, level: int = 6) -> None:
    if isinstance(document, str):
        document = document.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", document)
        for k, v in (extra or {}).items():
            z.writestr(k, v)


def patch_zip(path: Path, name: bytes, fn) -> None:
    """Edit the local and central headers of one member: fn(header bytearray, kind)."""
    b = bytearray(path.read_bytes())
    for sig, kind, name_off, fixed in ((b"PK\x03\x04", "local", 26, 30), (b"PK\x01\x02", "central", 28, 46)):
        i = 0
        while True:
            i = b.find(sig, i)
            if i < 0:
                break
            n = struct.unpack_from("<H", b, i + name_off)[0]
            if b[i + fixed:i + fixed + n] == name:
                fn(b, i, kind)
            i += 4
    path.write_bytes(bytes(b))


def build_hostile(d: Path) -> list[dict]:
    """Each case: name, argv (after 'klarsyn'), cwd, and what a pass needs."""
    d.mkdir(parents=True, exist_ok=True)
    cases = []

    def add(name, argv, cwd=None, inputs=1, secret_check=False):
        cases.append({"name": name, "argv": argv, "cwd": str(cwd) if cwd else None, "inputs": inputs, "secret_check": secret_check})

    ok = d / "ok.md"
    ok.write_text("Kommunen skal herunder bygge skoler.\n", encoding="utf-8")

    # DOCX zip bombs: one part of 200 MB of spaces (ratio ~1000), and a 70 MB part (> 64 MiB per part)
    p = d / "bomb_ratio.docx"
    write_docx(p, docx_xml(para("a")) .replace("</w:body>", "<w:p><w:r><w:t>" + " " * (120 * 2**20) + "</w:t></w:r></w:p></w:body>"), level=9)
    add("DOCX zip bomb (120 MB part, ratio ~1000)", ["check", "--no-cache", str(p)])
    p = d / "bomb_nested.docx"
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("x", b"\0" * (50 * 2**20))
    write_docx(p, docx_xml(para("Hei.")), {"word/media/inner.zip": inner.getvalue()})
    add("DOCX with a nested zip bomb as media", ["check", "--no-cache", str(p)])
    # lying sizes: the headers claim 100 bytes, the deflate stream gives 30 MB
    p = d / "lying_size.docx"
    write_docx(p, docx_xml(para("Hei " * (8 * 2**20))), level=9)

    def claim_size(size):
        """A patch that writes ``size`` as the part's uncompressed size in both headers."""
        def patch(b, i, kind):
            off = 22 if kind == "local" else 24
            struct.pack_into("<I", b, i + off, size)
        return patch
    patch_zip(p, b"word/document.xml", claim_size(100))
    add("DOCX lying uncompressed size (claims 100 B, 32 MB)", ["check", "--no-cache", str(p)])
    p = d / "lying_size_big.docx"
    write_docx(p, docx_xml(para("Hei.")))
    patch_zip(p, b"word/document.xml", claim_size(0xFFFFFFF0))
    add("DOCX lying uncompressed size (claims 4 GB)", ["check", "--no-cache", str(p)])
    # encrypted flag
    p = d / "encrypted_flag.docx"
    write_docx(p, docx_xml(para("Hei.")))

    def enc(b, i, kind):
        off = 6 if kind == "local" else 8
        flags = struct.unpack_from("<H", b, i + off)[0]
        struct.pack_into("<H", b, i + off, flags | 1)
    patch_zip(p, b"word/document.xml", enc)
    add("DOCX encrypted flag set", ["check", "--no-cache", str(p)])
    # corrupt deflate
    p = d / "corrupt_deflate.docx"
    write_docx(p, docx_xml("".join(para(f"Avsnitt {i} om skoler og veier.") for i in range(300))))
    b = bytearray(p.read_bytes())
    i = b.find(b"word/document.xml") + len(b"word/document.xml") + 10
    for k in range(i, i + 40):
        b[k] ^= 0x5A
    p.write_bytes(bytes(b))
    add("DOCX corrupt deflate stream", ["check", "--no-cache", str(p)])
    # XXE, billion laughs, XInclude, parameter entities
    p = d / "xxe.docx"
    write_docx(p, docx_xml(para("Start &xxe; slutt."), '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'))
    add("DOCX XXE (file:///etc/passwd)", ["check", "--no-cache", "--format", "json", str(p)], secret_check=True)
    lol = '<!DOCTYPE d [<!ENTITY a "lollollollol">' + "".join(f'<!ENTITY {chr(98 + k)} "{("&" + chr(97 + k) + ";") * 10}">' for k in range(9)) + "]>"
    p = d / "billion_laughs.docx"
    write_docx(p, docx_xml(para("&j;"), lol))
    add("DOCX billion laughs", ["check", "--no-cache", str(p)])
    p = d / "param_entity.docx"
    write_docx(p, docx_xml(para("Hei."), '<!DOCTYPE d [<!ENTITY % x SYSTEM "file:///etc/passwd"> %x;]>'))
    add("DOCX parameter entity", ["check", "--no-cache", "--format", "json", str(p)], secret_check=True)
    p = d / "xinclude.docx"
    write_docx(p, docx_xml(para('<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>')))
    add("DOCX XInclude", ["check", "--no-cache", "--format", "json", str(p)], secret_check=True)
    p = d / "xxe_after_comment.docx"
    write_docx(p, docx_xml(para("Start &xxe; slutt."), "<!--" + "x" * 70000 + '--><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'))
    add("DOCX DTD after a 70 KB comment", ["check", "--no-cache", "--format", "json", str(p)], secret_check=True)
    p = d / "nul_in_xml.docx"
    write_docx(p, docx_xml(para("Hei\x00 du.")))
    add("DOCX NUL in document.xml", ["check", "--no-cache", str(p)])
    p = d / "deep_xml.docx"
    write_docx(p, docx_xml("<w:p>" + "<w:r>" * 20000 + "<w:t>x</w:t>" + "</w:r>" * 20000 + "</w:p>"))
    add("DOCX 20,000-deep XML", ["check", "--no-cache", str(p)])
    p = d / "many_elements.docx"
    write_docx(p, docx_xml("<w:p/>" * 2_100_000), level=9)
    add("DOCX 2.1 M empty paragraphs", ["check", "--no-cache", str(p)])
    p = d / "traversal.docx"
    write_docx(p, docx_xml(para("Hei.")), {"../../../../tmp/klarsyn_fuzz_pwned.txt": "x", "/tmp/klarsyn_fuzz_abs.txt": "x"})
    add("DOCX zip path-traversal names", ["check", "--no-cache", str(p)])
    p = d / "not_zip.docx"
    p.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    add("DOCX PK signature then garbage", ["check", "--no-cache", str(p)])
    p = d / "odt_xxe.odt"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                   '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                   'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
                   '<text:p>Start &xxe; slutt.</text:p></office:text></office:body></office:document-content>')
    add("ODT XXE", ["check", "--no-cache", "--format", "json", str(p)], secret_check=True)
    p = d / "xhtml_laughs.xhtml"
    p.write_text('<?xml version="1.0"?>' + lol.replace("<!DOCTYPE d", "<!DOCTYPE html") + '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&j;</p></body></html>')
    add("XHTML billion laughs", ["check", "--no-cache", str(p)])
    p = d / "xhtml_xxe.xhtml"
    p.write_text('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><html><body><p>Start &xxe; slutt.</p></body></html>')
    add("XHTML XXE", ["check", "--no-cache", "--format", "json", str(p)], secret_check=True)
    # special files
    fifo = d / "fifo.md"
    if not fifo.exists():
        os.mkfifo(fifo)
    add("FIFO named *.md (no writer)", ["check", "--no-cache", str(fifo)])
    folder = d / "folder_with_fifo"
    folder.mkdir(exist_ok=True)
    (folder / "a.md").write_text("Hei.\n", encoding="utf-8")
    if not (folder / "z.md").exists():
        os.mkfifo(folder / "z.md")
    if not (folder / "passwd.txt").exists():
        os.symlink("/etc/passwd", folder / "passwd.txt")
    add("folder with a FIFO *.md and a link to /etc/passwd", ["check", "--no-cache", "--format", "json", str(folder)], inputs=2, secret_check=True)
    add("/dev/zero as the draft", ["check", "--no-cache", "/dev/zero"])
    add("/dev/zero as --config", ["check", "--no-cache", "--config", "/dev/zero", str(ok)])
    add("/dev/zero as --baseline", ["check", "--no-cache", "--baseline", "/dev/zero", str(ok)])
    add("FIFO as --config", ["check", "--no-cache", "--config", str(fifo), str(ok)])
    # front matter and nesting
    p = d / "fm_1000_brackets.md"
    p.write_text("---\n" + "[" * 1000 + "\n---\nHei.\n", encoding="utf-8")
    add("front matter 1000 brackets", ["check", "--no-cache", "--format", "json", str(p)])
    p = d / "fm_deep_yaml.md"
    p.write_text("---\n" + "".join("  " * k + f"k{k}:\n" for k in range(3000)) + "  " * 3000 + "v: 1\n---\nHei.\n", encoding="utf-8")
    add("front matter 3000-deep YAML mapping", ["stats", str(p)])
    p = d / "fm_100k_brackets.md"
    p.write_text("---\nlang: " + "[" * 100000 + "\n---\nHei og og hei.\n", encoding="utf-8")
    add("front matter 100,000 brackets", ["report", "-o", str(d / "fm_100k.html"), str(p)])
    p = d / "nested_bang_bracket.md"
    p.write_text("![" * 100000 + "alt" + "](x)" * 100000 + "\n", encoding="utf-8")
    add("nested `![` x100,000", ["check", "--no-cache", "--format", "json", str(p)])
    p = d / "bracket_100k.md"
    p.write_text("[" * 100000 + "Hei" + "]" * 100000 + "\n\n" + "*" * 100000 + "\n\n" + "> " * 50000 + "Hei\n", encoding="utf-8")
    add("100,000 `[`, `*` and 50,000 `>`", ["check", "--no-cache", "--format", "json", str(p)])
    p = d / "too_large.txt"
    with open(p, "w", encoding="utf-8") as fh:
        chunk = "Kommunen skal bygge skoler. " * 1000
        while fh.tell() < 21 * 2**20:
            fh.write(chunk)
    add("21 MiB .txt (over the limit)", ["check", "--no-cache", str(p)])
    p = d / "binary.md"
    p.write_bytes(os.urandom(4096))
    add("random bytes as .md", ["check", "--no-cache", str(p)])
    p = d / "utf16_nobom.md"
    p.write_bytes("Kommunen skal bygge skoler.\n".encode("utf-16-le"))
    add("UTF-16 without BOM", ["check", "--no-cache", str(p)])
    # config, baseline
    cfgdir = d / "cfg_tag"
    cfgdir.mkdir(exist_ok=True)
    (cfgdir / "klarsyn.yml").write_text("language: !!python/name:os.system\n", encoding="utf-8")
    (cfgdir / "u.md").write_text("Hei.\n", encoding="utf-8")
    add("klarsyn.yml with !!python/name tag", ["check", "--no-cache", "u.md"], cwd=cfgdir)
    cfgdir = d / "cfg_nul"
    cfgdir.mkdir(exist_ok=True)
    (cfgdir / "klarsyn.yml").write_bytes(b"language: nb\x00\nrules: {}\n")
    (cfgdir / "u.md").write_text("Hei.\n", encoding="utf-8")
    add("klarsyn.yml with NUL", ["check", "--no-cache", "u.md"], cwd=cfgdir)
    cfgdir = d / "cfg_bigint"
    cfgdir.mkdir(exist_ok=True)
    (cfgdir / "klarsyn.yml").write_text("rules:\n  lang-setning:\n    max: 1" + "0" * 5000 + "\n", encoding="utf-8")
    (cfgdir / "u.md").write_text("Hei.\n", encoding="utf-8")
    add("klarsyn.yml with a 5,000-digit integer", ["check", "--no-cache", "u.md"], cwd=cfgdir)
    p = d / "baseline_int.json"
    p.write_text('{"version":1,"findings":{"%s":5}}' % ok, encoding="utf-8")
    add("baseline with an int entry", ["check", "--no-cache", "--baseline", str(p), str(ok)])
    p = d / "baseline_deep.json"
    p.write_text("[" * 100000, encoding="utf-8")
    add("baseline of 100,000 `[`", ["check", "--no-cache", "--baseline", str(p), str(ok)])
    add("control: valid .md", ["check", "--no-cache", str(ok)])
    return cases


def hostile(args, out: Path) -> dict:
    d = Path("/tmp") / f"klarsyn-fuzz-hostile-{os.getpid()}" if not str(out).startswith("/tmp") else out / "hostile"
    t0 = time.monotonic()
    cases = build_hostile(d)
    build_s = time.monotonic() - t0
    for stray in ("/tmp/klarsyn_fuzz_pwned.txt", "/tmp/klarsyn_fuzz_abs.txt"):
        if os.path.exists(stray):
            os.unlink(stray)
    passwd_line = next((ln for ln in Path("/etc/passwd").read_text().splitlines() if ln.startswith("root:")), "root:x:0:0")
    results = []
    for k, case in enumerate(cases):
        o, e = str(d / f"h{k:02d}.out"), str(d / f"h{k:02d}.err")
        res = proc_run([KLARSYN] + case["argv"], o, e, RUN_TIMEOUT, cwd=case["cwd"])
        err = Path(e).read_text(encoding="utf-8", errors="replace")
        outtext = Path(o).read_text(encoding="utf-8", errors="replace")
        sf = stderr_facts(err)
        leak = case["secret_check"] and (passwd_line in outtext or "root:x:0" in outtext or "/bin/bash" in outtext or "nologin" in outtext)
        reasons = []
        if res["killed"]:
            reasons.append(f"killed ({res['killed']})")
        if res["rc"] not in (0, 1, 2):
            reasons.append(f"exit {res['rc']}")
        if sf["traceback"]:
            reasons.append("traceback")
        if sf["lines"] > case["inputs"]:
            reasons.append(f"{sf['lines']} stderr lines")
        if res["seconds"] > HOSTILE_SECONDS:
            reasons.append(f"{res['seconds']:.1f} s")
        if leak:
            reasons.append("/etc/passwd text in output")
        results.append({"name": case["name"], "rc": res["rc"], "seconds": round(res["seconds"], 2), "rss_mb": round(res["rss_kb"] / 1024, 1),
                        "stderr": sf["last"], "stderr_lines": sf["lines"], "handled": not reasons, "reasons": reasons, "leak": leak})
    traversal = [s for s in ("/tmp/klarsyn_fuzz_pwned.txt", "/tmp/klarsyn_fuzz_abs.txt") if os.path.exists(s)]
    for fn in ("fifo.md", "folder_with_fifo/z.md"):
        try:
            (d / fn).unlink()
        except OSError:
            pass
    shutil.rmtree(d / "too_large.txt", ignore_errors=True)
    try:
        (d / "too_large.txt").unlink()
    except OSError:
        pass
    handled = [x for x in results if x["handled"]]
    return {"cases": len(results), "handled": len(handled), "not_handled": [x for x in results if not x["handled"]],
            "peak_rss_handled_mb": max((x["rss_mb"] for x in handled), default=0), "max_seconds": max(x["seconds"] for x in results),
            "passwd_leaks": sum(1 for x in results if x["leak"]), "traversal_files": traversal, "results": results,
            "build_s": round(build_s, 1)}


# --------------------------------------------------------------------------------------------
# Part 3: the language server
# --------------------------------------------------------------------------------------------

def to_units(s: str) -> str:
    """A str of UTF-16 code units (astral characters as two surrogates): the editor's text."""
    b = s.encode("utf-16-le", "surrogatepass")
    return "".join(chr(x) for x in struct.unpack(f"<{len(b) // 2}H", b))


def wire(s: str) -> str:
    """What the server receives for s sent as a JSON string (adjacent surrogates join)."""
    return json.loads(json.dumps(s))


class Model:
    """The client's text. In UTF-16 the text is kept as code units, so positions are indices
    into it; in UTF-8/UTF-32 as code points."""

    def __init__(self, text: str, enc: str) -> None:
        self.enc = enc
        self.text = to_units(text) if enc == "utf-16" else text

    def lines(self) -> list[tuple[int, int]]:
        out, start = [], 0
        for m in _LB.finditer(self.text):
            out.append((start, m.start()))
            start = m.end()
        out.append((start, len(self.text)))
        return out

    def u(self, s: str) -> int:
        if self.enc == "utf-8":
            return len(s.encode("utf-8", "surrogatepass"))
        return len(s)  # code units (utf-16 model) or code points (utf-32)

    def offset(self, line: int, ch: int) -> int:
        ls = self.lines()
        if line >= len(ls):
            return len(self.text)
        s, e = ls[line]
        if self.enc != "utf-8":
            return s + min(ch, e - s)
        u = 0
        for i in range(s, e):
            if u >= ch:
                return i
            u += self.u(self.text[i])
        return e

    def position(self, off: int) -> dict:
        ls = self.lines()
        for i, (s, e) in enumerate(ls):
            nxt = ls[i + 1][0] if i + 1 < len(ls) else len(self.text) + 1
            if off < nxt:
                return {"line": i, "character": self.u(self.text[s:min(off, e)])}
        s, e = ls[-1]
        return {"line": len(ls) - 1, "character": self.u(self.text[s:e])}

    def apply(self, rng: dict | None, new: str) -> None:
        new = to_units(new) if self.enc == "utf-16" else new
        if rng is None:
            self.text = new
            return
        a = self.offset(rng["start"]["line"], rng["start"]["character"])
        b = self.offset(rng["end"]["line"], rng["end"]["character"])
        self.text = self.text[:a] + new + self.text[b:]

    def same_as(self, server_text: str) -> bool:
        """The server's copy (as received: JSON joins a high and a low surrogate that stand
        next to each other) equals the client's."""
        if self.enc == "utf-16":
            return to_units(server_text) == self.text
        return wire(server_text) == wire(self.text)

    def slice(self, rng: dict) -> str:
        a = self.offset(rng["start"]["line"], rng["start"]["character"])
        b = self.offset(rng["end"]["line"], rng["end"]["character"])
        t = self.text[a:b]
        return t.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace") if self.enc == "utf-16" else t

    def range_problem(self, rng: dict) -> str | None:
        ls = self.lines()
        pts = []
        for key in ("start", "end"):
            p = rng[key]
            ln, ch = p["line"], p["character"]
            if not (0 <= ln < len(ls)):
                return f"{key}.line {ln} outside 0..{len(ls) - 1}"
            s, e = ls[ln]
            content = self.text[s:e]
            n = self.u(content)
            if not (0 <= ch <= n):
                return f"{key}.character {ch} > line length {n} (line {ln})"
            if self.enc == "utf-16":
                if 0 < ch < n and "\ud800" <= content[ch - 1] <= "\udbff" and "\udc00" <= content[ch] <= "\udfff":
                    return f"{key} splits a surrogate pair (line {ln}, unit {ch})"
            elif self.enc == "utf-8":
                u = 0
                for c in content:
                    if u >= ch:
                        break
                    u += self.u(c)
                if u != ch:
                    return f"{key} inside a UTF-8 sequence (line {ln}, byte {ch})"
            pts.append((ln, ch))
        if pts[1] < pts[0]:
            return f"end {pts[1]} before start {pts[0]}"
        return None


class Server:
    def __init__(self, stderr_path: str, cwd: str) -> None:
        env = dict(os.environ, KLARSYN_LSP_TEST="1")
        self.err = open(stderr_path, "ab")
        self.proc = subprocess.Popen([KLARSYN, "lsp", "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err,
                                     cwd=cwd, env=env, bufsize=0)
        self.next_id = 1
        self.responses: dict = {}
        self.diags: list[tuple[float, dict]] = []
        self.cv = threading.Condition()
        self.wlock = threading.Lock()
        self.alive = True
        self.hwm = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        f = self.proc.stdout
        try:
            while True:
                headers = {}
                while True:
                    line = f.readline()
                    if not line:
                        raise EOFError
                    line = line.strip()
                    if not line:
                        break
                    k, _, v = line.decode("ascii", "replace").partition(":")
                    headers[k.strip().lower()] = v.strip()
                n = int(headers["content-length"])
                body = b""
                while len(body) < n:
                    chunk = f.read(n - len(body))
                    if not chunk:
                        raise EOFError
                    body += chunk
                msg = json.loads(body.decode("utf-8", "surrogatepass"))
                if "id" in msg and "method" in msg:
                    self._send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
                    continue
                with self.cv:
                    if "id" in msg:
                        self.responses[msg["id"]] = msg
                    elif msg.get("method") == "textDocument/publishDiagnostics":
                        self.diags.append((time.monotonic(), msg["params"]))
                    self.cv.notify_all()
        except (EOFError, ValueError, OSError, KeyError):
            pass
        finally:
            with self.cv:
                self.alive = False
                self.cv.notify_all()

    def _send(self, msg: dict) -> None:
        body = json.dumps(msg, ensure_ascii=True).encode("ascii")
        try:
            with self.wlock:
                self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        except (BrokenPipeError, OSError):
            with self.cv:
                self.alive = False

    def notify(self, method: str, params) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params, wait: float = 10.0):
        rid = self.next_id
        self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        deadline = time.monotonic() + wait
        with self.cv:
            while rid not in self.responses:
                left = deadline - time.monotonic()
                if left <= 0 or not self.alive:
                    return None
                self.cv.wait(left)
            return self.responses.pop(rid)

    def wait_diag(self, uri: str, version: int, timeout: float) -> dict | None:
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                for _t, p in reversed(self.diags):
                    if p["uri"] == uri and p.get("version") == version:
                        return p
                left = deadline - time.monotonic()
                if left <= 0 or not self.alive:
                    return None
                self.cv.wait(left)

    def take_diags(self, uri: str) -> list[dict]:
        with self.cv:
            mine = [p for _t, p in self.diags if p["uri"] == uri]
            self.diags = [(t, p) for t, p in self.diags if p["uri"] != uri]
            return mine

    def sample_rss(self) -> None:
        try:
            s = open(f"/proc/{self.proc.pid}/status").read()
            self.hwm = max(self.hwm, int(re.search(r"VmHWM:\s+(\d+)", s).group(1)))
        except (OSError, AttributeError):
            pass

    def initialize(self, enc: str):
        res = self.request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": {
            "general": {"positionEncodings": [enc]}, "textDocument": {"publishDiagnostics": {"relatedInformation": True}}}}, wait=60)
        self.notify("initialized", {})
        return res

    def close(self) -> dict:
        self.sample_rss()
        res = {"shutdown_answered": False, "exit_code": None}
        if self.alive:
            res["shutdown_answered"] = self.request("shutdown", None, wait=10) is not None
            self.notify("exit", None)
        try:
            res["exit_code"] = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            res["exit_code"] = self.proc.wait()
        self.err.close()
        return res


EDIT_BITS = ["\f", "\v", "\x85", "\u2028", "\u2029", "\r\n", "\r", "\n", "\n\n", "😀", "👍🏽", "&aring;", "&amp;", "&#229;",
             "\\*", "\\|", "\\", "\x00", "\ud83d", "\ude00", "\udc00", "\ud800", "herunder ", "i forhold til ", "og og ",
             "NAV ", "har mulighet til å ", "**", "_", "`", "[lenke](x)", "![", "](x)", "| a | b |\n|---|---|\n", "# ", "> ",
             "---\n", "<p>", "</p>", "<u>", " ", "a", "ø", "e", ".", "Å", "\t", "\u00a0", "---\nlang: nn\n---\n",
             "<!-- klarsyn-disable kanselli -->"]


def initial_text(r: random.Random, fmt: str) -> str:
    if fmt == "html":
        t = g_html(r)
    elif r.random() < 0.3:
        t = g_sample_slice(r)
    else:
        t = r.choice([g_prose, g_markdown_soup, g_linebreaks, g_table, g_unicode, g_front_matter])(r)
    if len(t) > 6000:
        t = t[:6000]
    return sprinkle(r, t, EDIT_BITS, r.randint(0, 6))


def random_position(r: random.Random, m: Model) -> dict:
    x = r.random()
    if x < 0.04:  # past the end of a line
        ls = m.lines()
        ln = r.randrange(len(ls))
        return {"line": ln, "character": m.u(m.text[ls[ln][0]:ls[ln][1]]) + r.randint(1, 5)}
    if x < 0.06:  # past the last line
        return {"line": len(m.lines()) + r.randint(0, 3), "character": r.randint(0, 5)}
    off = r.randint(0, len(m.text))
    if m.enc == "utf-8":  # a UTF-8 client never points inside a character; offsets are code points here
        pass
    return m.position(off)


MALFORMED = [
    ("textDocument/hover", lambda uri: {"textDocument": {"uri": uri}}),
    ("textDocument/hover", lambda uri: {"textDocument": {"uri": uri}, "position": {"line": -1, "character": -1}}),
    ("textDocument/hover", lambda uri: {"textDocument": {"uri": uri}, "position": {"line": 2**31, "character": 2**40}}),
    ("textDocument/hover", lambda uri: None),
    ("textDocument/hover", lambda uri: "x"),
    ("textDocument/codeAction", lambda uri: {"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 5}}}),
    ("textDocument/codeAction", lambda uri: {"textDocument": {"uri": uri}, "range": {"start": {"line": 10**9, "character": 10**9}, "end": {"line": 0, "character": 0}},
                                             "context": {"diagnostics": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}, "message": "x", "data": {"rule": 5, "start": -5, "end": 10**12}}]}}),
    ("klarsyn/documentStats", lambda uri: {"uri": 5}),
    ("klarsyn/documentStats", lambda uri: []),
    ("textDocument/codeLens", lambda uri: {"textDocument": {}}),
    ("textDocument/diagnostic", lambda uri: {"textDocument": {"uri": None}}),
    ("textDocument/hover", lambda uri: {"textDocument": {"uri": uri}, "position": {"line": "a", "character": None}}),
]


def lsp_worker(sid: int, enc: str, n_seq: int, seed: int, out: Path, templates, agg: dict, lock: threading.Lock) -> None:
    r = random.Random(seed * 1000 + sid)
    cwd = out / "lsp" / f"s{sid}"
    cwd.mkdir(parents=True, exist_ok=True)
    err_path = str(out / "lsp" / f"s{sid}.err")
    c: Counter = Counter()
    examples: list = []
    server = Server(err_path, str(cwd))
    server.initialize(enc)
    servers_started = 1
    deaths = 0
    for q in range(n_seq):
        if not server.alive:
            deaths += 1
            examples.append(f"server {sid} died before sequence {q} (exit {server.proc.poll()})")
            server.close()
            server = Server(err_path, str(cwd))
            server.initialize(enc)
            servers_started += 1
        fmt = r.choices(["markdown", "plaintext", "html"], weights=[6, 3, 2])[0]
        uri = f"file://{cwd}/ghost/seq{q:04d}." + {"markdown": "md", "plaintext": "txt", "html": "html"}[fmt]
        text0 = wire(initial_text(r, fmt))
        m = Model(text0, enc)
        history = {1: m.text}
        sent = {1: [{"text": m.text}]}
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": fmt, "version": 1,
                                                                "text": m.text}})
        version = 1
        drifted_at = None
        for _e in range(r.randint(3, 30)):
            version += 1
            changes = []
            for _k in range(1 if r.random() < 0.85 else r.randint(2, 4)):
                if r.random() < 0.03:
                    new = wire(initial_text(r, fmt))
                    m.apply(None, new)
                    changes.append({"text": m.text})
                    continue
                a = random_position(r, m)
                if r.random() < 0.6:
                    b = a
                else:
                    b = random_position(r, m)
                    if (b["line"], b["character"]) < (a["line"], a["character"]):
                        a, b = b, a
                new = wire("".join(r.choice(EDIT_BITS) for _ in range(r.randint(0, 3))))
                rng = {"start": a, "end": b}
                m.apply(rng, new)
                changes.append({"range": rng, "text": to_units(new) if enc == "utf-16" else new})
            history[version] = m.text
            sent[version] = changes
            server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes})
            c["edits"] += 1
            if r.random() < 0.15:
                time.sleep(r.choice([0.0, 0.02, 0.05, 0.3]))
            if drifted_at is None and r.random() < 0.1:
                got = server.request("klarsyn/_text", {"uri": uri}, wait=20)
                if got and "result" in got and not m.same_as(got["result"]["text"]):
                    drifted_at = version
        final = server.wait_diag(uri, version, timeout=10)
        c["final_diagnostics_seen" if final else "final_diagnostics_missing"] += 1
        got = server.request("klarsyn/_text", {"uri": uri}, wait=20)
        if got and "result" in got:
            if not m.same_as(got["result"]["text"]):
                drifted_at = drifted_at or version
        else:
            c["text_request_unanswered"] += 1
        if drifted_at is not None:
            c["drifted_sequences"] += 1
            if len(examples) < 40:
                examples.append(f"drift: server {sid} seq {q} ({enc}, {fmt}) at version {drifted_at}")
                (out / "keep").mkdir(exist_ok=True)
                (out / "keep" / f"lsp_drift_s{sid}_q{q}.json").write_text(json.dumps({"enc": enc, "fmt": fmt, "history": history, "changes": sent,
                                                                                                    "server_text": (got or {}).get("result", {}).get("text") if got else None}, ensure_ascii=True))
        # malformed requests
        if r.random() < 0.35:
            for _k in range(r.randint(1, 2)):
                method, mk = r.choice(MALFORMED)
                c["malformed_awaited"] += 1
                res = server.request(method, mk(uri), wait=5)
                if res is None:
                    c["malformed_unanswered"] += 1
                    if len(examples) < 40:
                        examples.append(f"malformed unanswered: {method} {json.dumps(mk(uri))[:120]}")
        # the final hover
        pos = random_position(r, m)
        hov = server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos}, wait=20)
        c["hover_answered" if hov is not None else "hover_unanswered"] += 1
        if hov is not None and "error" in hov:
            c["hover_error"] += 1
        if r.random() < 0.3:
            ca = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": m.position(len(m.text))},
                                                            "context": {"diagnostics": [], "only": ["source.fixAll.klarsyn"]}}, wait=20)
            c["codeaction_answered" if ca is not None else "codeaction_unanswered"] += 1
        time.sleep(0.01)
        server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        # every publish for this document
        for p in server.take_diags(uri):
            v = p.get("version")
            c["publishes"] += 1
            if v is None:  # after didClose: must be empty
                c["publishes_unversioned"] += 1
                c["publishes_unversioned_nonempty"] += bool(p["diagnostics"])
                continue
            if v not in history:
                c["publishes_unknown_version"] += 1
                continue
            mv = Model("", enc)
            mv.text = history[v]
            after_drift = drifted_at is not None and v >= drifted_at
            for d in p["diagnostics"]:
                c["diagnostics"] += 1
                prob = mv.range_problem(d["range"])
                if prob:
                    c["oor_after_drift" if after_drift else "oor_agreed"] += 1
                    if not after_drift and len(examples) < 40:
                        examples.append(f"out of range (texts agree): seq {q} {enc} {fmt} v{v} {d.get('code')} {d['range']} {prob}")
                        (out / "keep").mkdir(exist_ok=True)
                        (out / "keep" / f"lsp_oor_s{sid}_q{q}.json").write_text(json.dumps({"enc": enc, "fmt": fmt, "version": v, "text": history[v],
                                                                                          "diagnostic": d}, ensure_ascii=True))
                    continue
                verdict = compare_match(templates, str(d.get("code", "")), d.get("message", ""), mv.slice(d["range"]))
                if verdict == "empty":
                    c["match_empty_range"] += 1
                elif verdict is not None:
                    c["match_compared"] += 1
                    c[f"match_{verdict}"] += 1
                    if verdict == "differs" and not after_drift and len(examples) < 40:
                        examples.append(f"match differs: seq {q} {enc} {fmt} v{v} {d.get('code')} flagged={mv.slice(d['range'])[:60]!r} msg={d['message'][:100]!r}")
        server.sample_rss()
    alive_at_end = server.alive
    closed = server.close()
    err = Path(err_path).read_text(encoding="utf-8", errors="replace")
    with lock:
        agg["counters"].update(c)
        agg["examples"] += examples
        agg["servers"].append({"sid": sid, "enc": enc, "sequences": n_seq, "started": servers_started, "deaths": deaths + (0 if alive_at_end else 1),
                               "hwm_mb": round(server.hwm / 1024, 1), "alive_at_end": alive_at_end, **closed})
        agg["stderr"]["tracebacks"] += err.count("Traceback (most recent call last)")
        agg["stderr"]["check_failed"] += len(re.findall(r"check of .* failed", err))
        agg["stderr"]["rule_failed"] += len(re.findall(r"rule .* failed", err))
        agg["stderr"]["errors"] += len(re.findall(r"(?m)^klarsyn ERROR", err))
        for block in err.split("Traceback (most recent call last):")[1:]:
            last = next((ln for ln in block.splitlines() if re.match(r"[A-Za-z_.]+(Error|Exception|Interrupt)\b", ln)), "?")
            agg["exceptions"][last[:160]] += 1


def lsp_fuzz(args, out: Path, templates) -> dict:
    (out / "lsp").mkdir(parents=True, exist_ok=True)
    encs = ["utf-16", "utf-8", "utf-32"]
    n_servers = args.lsp_servers
    per = [args.lsp_sequences // n_servers + (1 if k < args.lsp_sequences % n_servers else 0) for k in range(n_servers)]
    agg = {"counters": Counter(), "examples": [], "servers": [], "stderr": Counter(), "exceptions": Counter()}
    lock = threading.Lock()
    t0 = time.monotonic()
    jobs = [(k, encs[k % 3], per[k]) for k in range(n_servers)]
    running: list[threading.Thread] = []
    while jobs or running:
        running = [t for t in running if t.is_alive()]
        while jobs and len(running) < args.workers:
            k, enc, n = jobs.pop(0)
            t = threading.Thread(target=lsp_worker, args=(k, enc, n, args.seed, out, templates, agg, lock))
            t.start()
            running.append(t)
        time.sleep(0.1)
    agg["wall_s"] = round(time.monotonic() - t0, 1)
    agg["counters"] = dict(agg["counters"])
    agg["stderr"] = dict(agg["stderr"])
    agg["exceptions"] = dict(agg["exceptions"])
    return agg


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------

def n(x) -> str:
    return f"{x:,}"


def figures(cli: dict | None, hos: dict | None, lsp: dict | None, args, wall: float) -> str:
    rows = []
    if cli:
        c = cli["counters"]
        suf = ", ".join(f"{k} {n(v)}" for k, v in sorted(cli["suffixes"].items(), key=lambda kv: -kv[1]))
        rows.append(("CLI fuzz: documents tried", f"{n(cli['docs'])} ({len(cli['gens'])} generators; {suf}); {n(sum(cli['second_runs'].values()))} second runs in other commands/formats"))
        rc = cli["rc"]
        other = sum(v for k, v in rc.items() if k not in (0, 1, 2))
        rows.append(("exit codes", f"0: {n(rc.get(0, 0))}; 1: {n(rc.get(1, 0))}; 2: {n(rc.get(2, 0))}; any other: {n(other)}"))
        tb = cli["tracebacks"]
        rows.append(("crashes (traceback)", f"{len(tb)}" + (": " + "; ".join(f"doc {i}{s}: {last}" for i, s, last in tb[:5]) if tb else "")))
        rows.append(("exit 2 with more than one stderr line", f"{len(cli['two_line_exit2'])} in the fuzz corpus"))
        slow = cli["slow"]
        rows.append((f"hangs > 10 s (timeout {RUN_TIMEOUT:.0f} s)", f"{len(slow)}; slowest run {cli['max_seconds']} s (2 workers on 2 cores)"
                     + (": " + "; ".join(f"doc {i} ({g}) {s} s {k or ''}" for i, g, s, k in slow[:5]) if slow else "")))
        rows.append(("peak RSS in the fuzz", f"{cli['peak_rss_mb']} MB"))
        rows.append(("offsets checked", f"{n(c.get('json_outputs', 0))} JSON outputs (check and stats), {n(c.get('findings', 0))} findings (also {n(c.get('fix_edits', 0))} fix edits, "
                     f"{n(c.get('related', 0))} related places, {n(c.get('stats_offsets', 0))} stats offsets); {n(c.get('match_compared', 0))} findings (and {n(c.get('match_empty_range', 0))} zero-width ones) had their quoted «match» compared with the file's text at the offsets"))
        oor_keys = [k for k in c if k.startswith("oor_")]
        oor_docs = sum(1 for _i, _s, ps in cli["problem_docs"] if any("outside" in p for p in ps))
        rows.append(("offsets out of range", f"{oor_docs} documents ({', '.join(f'{k[4:]}: {n(c[k])}' for k in oor_keys) or '0 findings'})"))
        rows.append(("line/column inconsistent with offsets", n(c.get("linecol_bad", 0))))
        diff_docs = sum(1 for _i, _s, ps in cli["problem_docs"] if any("differs" in p for p in ps))
        rows.append(("flagged text ≠ the match the message quotes", f"{diff_docs} documents, {n(c.get('match_differs', 0))} findings (another {n(c.get('match_markup', 0))} findings only have inline markup inside the range: harmless)"))
        rows.append(("documents with any offset defect", n(len(cli["problem_docs"]))))
        sb = cli["second_bad"]
        rows.append(("`report`/`stats`/`sarif`/`junit`/`github`/text on a quarter of the documents",
                     f"{n(sum(cli['second_runs'].values()))} runs: " + ", ".join(f"{k}: {v}" for k, v in cli["second_runs"].items())
                     + f"; failures (traceback, other exit, hang, multi-line exit 2): {len(sb)}"))
    if hos:
        rows.append(("hostile files / paths tried", f"{hos['cases']} cases (incl. 1 valid control file)"))
        nh = hos["not_handled"]
        rows.append((f"hostile cases handled (exit 0/1/2, no traceback, one line per file, < {HOSTILE_SECONDS:.0f} s, no leak)",
                     f"{hos['handled']} of {hos['cases']}" + (". Not handled: " + "; ".join(f"{x['name']} ({', '.join(x['reasons'])})" for x in nh) if nh else "")))
        rows.append(("peak RSS, hostile cases handled", f"{hos['peak_rss_handled_mb']} MB; slowest case {hos['max_seconds']} s"))
        rows.append(("/etc/passwd content in output (XXE, XInclude, parameter entities, DTD after a 70 KB comment, folder link)",
                     "never" if not hos["passwd_leaks"] else f"{hos['passwd_leaks']} cases"))
        rows.append(("files written through zip path-traversal names", "none" if not hos["traversal_files"] else ", ".join(hos["traversal_files"])))
    if lsp:
        c = lsp["counters"]
        srv = lsp["servers"]
        encs = Counter(s["enc"] for s in srv)
        rows.append(("LSP fuzz: sequences", f"{n(sum(s['sequences'] for s in srv))} on {len(srv)} server processes ({', '.join(f'{e}: {k}' for e, k in encs.items())}); {n(c.get('edits', 0))} didChange notifications"))
        deaths = sum(s["deaths"] for s in srv)
        rows.append(("LSP server deaths", n(deaths)))
        ok_end = sum(1 for s in srv if s["shutdown_answered"] and s["exit_code"] == 0)
        rows.append(("LSP final request answered", f"{n(c.get('hover_answered', 0))} of {n(c.get('hover_answered', 0) + c.get('hover_unanswered', 0))} hovers; "
                     f"{ok_end} of {len(srv)} servers answered shutdown and exited 0; final-version diagnostics published for {n(c.get('final_diagnostics_seen', 0))} of "
                     f"{n(c.get('final_diagnostics_seen', 0) + c.get('final_diagnostics_missing', 0))} sequences"))
        rows.append(("LSP diagnostics checked", f"{n(c.get('diagnostics', 0))} in {n(c.get('publishes', 0))} publishDiagnostics"))
        rows.append(("LSP diagnostics out of range vs the client's text", f"{n(c.get('oor_agreed', 0) + c.get('oor_after_drift', 0))}: {n(c.get('oor_agreed', 0))} while the texts agreed, "
                     f"{n(c.get('oor_after_drift', 0))} after the server's text had drifted ({n(c.get('drifted_sequences', 0))} of {n(sum(s['sequences'] for s in srv))} sequences drifted)"))
        rows.append(("LSP flagged text ≠ quoted match", f"{n(c.get('match_differs', 0))} of {n(c.get('match_compared', 0))} compared ({n(c.get('match_markup', 0))} with markup inside only)"))
        rows.append(("LSP requests with malformed params never answered", f"{n(c.get('malformed_unanswered', 0))} of {n(c.get('malformed_awaited', 0))} awaited"))
        rows.append(("LSP peak RSS", f"fuzz: {max((s['hwm_mb'] for s in srv), default=0)} MB (max VmHWM over {len(srv)} servers)"))
        st = lsp["stderr"]
        exc = "; ".join(f"{k} ×{v}" for k, v in lsp["exceptions"].items())
        rows.append(("LSP server log", f"{st.get('tracebacks', 0)} tracebacks, {st.get('check_failed', 0)} 'check of … failed', {st.get('rule_failed', 0)} 'rule … failed', {st.get('errors', 0)} ERROR lines"
                     + (f" ({exc})" if exc else "")))
        rows.append(("LSP publishes without a version (after didClose)", f"{n(c.get('publishes_unversioned', 0))}, {n(c.get('publishes_unversioned_nonempty', 0))} of them not empty; "
                     f"{n(c.get('publishes_unknown_version', 0))} with a version the client never sent"))
    rows.append(("run", f"seed {args.seed}; wall time {wall / 60:.1f} min" + (f" (CLI {cli['wall_s']} s" if cli else " (") + (f", hostile built+run" if hos else "")
                 + (f", LSP {lsp['wall_s']} s)" if lsp else ")")))
    out = ["| area | figure |", "|---|---|"]
    out += ["| " + a + " | " + b.replace("|", "\\|") + " |" for a, b in rows]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--docs", type=int, default=1200, help="CLI documents (0: skip)")
    ap.add_argument("--lsp-sequences", type=int, default=400, help="LSP edit sequences (0: skip)")
    ap.add_argument("--lsp-servers", type=int, default=6)
    ap.add_argument("--no-hostile", action="store_true")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=Path("/tmp/klarsyn-fuzz"))
    args = ap.parse_args()
    out = args.out.resolve()
    if out == REPO or REPO in out.parents:
        print("fuzz_run: --out must be outside the repository", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    r = random.Random(args.seed)
    templates = load_templates()
    t0 = time.monotonic()
    summary: dict = {"seed": args.seed, "docs": args.docs, "lsp_sequences": args.lsp_sequences}
    cli = hos = lsp = None
    if args.docs:
        cli = cli_fuzz(args, r, out, templates)
        summary["cli"] = cli
        print(f"cli: {cli['docs']} docs in {cli['wall_s']} s", file=sys.stderr, flush=True)
    if not args.no_hostile:
        hos = hostile(args, out)
        summary["hostile"] = hos
        print(f"hostile: {hos['handled']}/{hos['cases']} handled", file=sys.stderr, flush=True)
    if args.lsp_sequences:
        lsp = lsp_fuzz(args, out, templates)
        summary["lsp"] = lsp
        print(f"lsp: {lsp['wall_s']} s", file=sys.stderr, flush=True)
    wall = time.monotonic() - t0
    summary["wall_s"] = round(wall, 1)
    table = figures(cli, hos, lsp, args, wall)
    (out / "figures.md").write_text(table + "\n", encoding="utf-8")
    (out / "summary.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
