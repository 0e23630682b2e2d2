"""Benchmark: the language server in real time on the real 2025 programmes.

Starts `python -m klarsyn lsp` (stdio, real JSON-RPC, the client in lsp_client.py) once per
programme × format × mode and measures what an author feels:

- edit → diagnostics with --pause seconds (0.4) between edits: single-character insertions,
  and every fifth edit a deletion or a newline, at four kinds of sites picked in the real
  text (`pick_site`): inside a list item, in a heading, in a long paragraph (a run of ≥ 80
  words of prose lines) and a random place. Reported per site kind and overall.
- keystroke bursts: --burst characters (10) typed --burst-gap seconds (0.03) apart at one
  site; the time from the last keystroke to the diagnostics of the last version.
- open → first diagnostics.
- push mode: the time until publishDiagnostics with the edit's version. Pull mode (the
  client declares textDocument.diagnostic and workspace.diagnostics.refreshSupport, as VS
  Code does): after each didChange a textDocument/diagnostic with the previousResultId, timed
  until its answer; the server's workspace/diagnostic/refresh requests are answered with
  null. In a burst the client keeps at most one pull in flight: a keystroke during one sends
  $/cancelRequest and pulls again once it is answered (vscode-languageclient's
  DiagnosticRequestor does this); the answer that shows the last version is timed.
- memory: --drafts (20) different drafts of about 50,000 words open in one server (pull
  mode), the server's peak memory (VmHWM) once the workspace pass has run; then the idle
  CPU over --idle-seconds (30) with VS Code's workspace pulls every 2 s
  (bench_lsp_idle.idle_cpu).

The programmes are the plain text of the PDFs (../shared/corpus/programmes/*.txt,
--corpus): hard-wrapped lines, blank lines between blocks, page numbers and running headers.
Both front ends are measured: the .txt as it is, and a Markdown variant made by
`to_markdown`:
- a heading-like line (`is_heading`: the first line of a block, at most 10 words and 70
  characters, starting with a capital, no final punctuation, not ending in a word such as
  "og" or "som", not a list item and not a table-of-contents line, followed by a line of at
  least 6 words and at least 10/7 of its length) becomes an ATX heading: "# " for the first line of
  the document and for a one-level number ("3 Skole"), "## " for "2.1 Kamp for
  demokratiet", "### " for deeper numbers and for unnumbered headings;
- a bullet line ("•", "*", "–", "▪", "●", "-") becomes "- " + its text; "1)" becomes "1.";
  the PDFs' text mostly has the bullet on a line of its own, a blank line, then the item:
  the bullet and the blank line go and the item's first line gets the "- ";
- everything else is left as it is (Markdown joins the hard-wrapped lines of a paragraph).

The 20 drafts for memory (`memory_drafts`): the six programmes cut into chapters of
consecutive blocks of about 500 words (each chapter ends at a blank line), 321 chapters in
all; draft i is the chapters in an order shuffled with seed i, taken until 50,000 words.
Two drafts share 32 % of their blank-line blocks on average and 52 % at the most (page
numbers and running headers recur in all; of the blocks of 8 words or more 28 % and 41 %),
below the 90 % at which the server counts near copies once (klarsyn/lsp/copies.py). Even drafts
are opened as Markdown (to_markdown), odd ones as plain text.

    python bench/bench_realtime.py                          # all six programmes (several minutes)
    python bench/bench_realtime.py --programme partiet_sentrum --format txt --mode push
    python bench/bench_realtime.py --quick                  # partiet_sentrum, few edits, 5 drafts, 10 s idle
    python bench/bench_realtime.py --quick --max-median 0.5 # CI: exit 1 on a real regression

The table at the end is Markdown, with the date and the command, for docs/measurements.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import re
import shlex
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_lsp_idle import idle_cpu  # noqa: E402
from lsp_client import Connection, ServerError  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "programmes"
OPEN_PROGRAMME = "partiet_sentrum"  # 53,129 words: "open a 50,000-word programme"
KINDS = ("list", "heading", "paragraph", "random")

PUSH_CAPS: dict = {"general": {"positionEncodings": ["utf-16"]},
                   "textDocument": {"publishDiagnostics": {"relatedInformation": True, "versionSupport": True}}}
PULL_CAPS: dict = {"general": {"positionEncodings": ["utf-16"]},
                   "textDocument": {"diagnostic": {"dynamicRegistration": False, "relatedDocumentSupport": False}},
                   "workspace": {"diagnostics": {"refreshSupport": True}}}

BULLET = re.compile(r"^(\s*)([•*–▪●-])\s+(?=\S)")
NUMBERED = re.compile(r"^(\s*)(\d{1,2})([.)])\s+(?=\S)")
MD_LIST = re.compile(r"^(\s*)(-|\d{1,2}\.)\s+(?=\S)")
MD_HEADING = re.compile(r"^#{1,6} ")
SECTION = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+\S")
CONTINUES = frozenset("og i å bli til av for med en et ei de det den på er at som om til fra eller men skal vil kan må har".split())
FINAL_PUNCTUATION = tuple(".,:;!?…-–—»\"')/")


# --- the text: headings, lists, paragraphs, the Markdown variant ---------------------------

def is_lone_bullet(line: str) -> bool:
    """The PDFs' text has most bullets on a line of their own, a blank line, then the item."""
    return line.strip() in ("•", "*", "–", "▪", "●", "-")


def list_items(lines: list[str], markdown: bool = False) -> dict[int, int]:
    """The lines of list items, with the first column after the bullet: a line that starts
    with a bullet or "1." / "1)", and every line of the block after a lone bullet line."""
    items: dict[int, int] = {}
    for i, line in enumerate(lines):
        m = MD_LIST.match(line) if markdown else BULLET.match(line) or NUMBERED.match(line)
        if m is not None:
            items[i] = m.end()
        elif not markdown and is_lone_bullet(line):
            j = i + 1
            while j < len(lines) and j <= i + 2 and not lines[j].strip():
                j += 1
            while j < len(lines) and lines[j].strip() and not is_lone_bullet(lines[j]):
                items[j] = 0
                j += 1
    return items


def is_heading(lines: list[str], i: int, items: dict[int, int] | None = None) -> bool:
    """A heading-like line of the plain text (see the module's docstring)."""
    line = lines[i].strip()
    if not line or len(line) > 70 or len(line.split()) > 10 or line.endswith(FINAL_PUNCTUATION):
        return False
    letter = next((ch for ch in line if ch.isalpha()), "")
    if not letter.isupper() or "...." in line or line.startswith("#"):
        return False
    if i in (items if items is not None else list_items(lines[max(0, i - 3):i + 1])):
        return False
    if i > 0 and lines[i - 1].strip():
        return False
    if line.split()[-1].casefold() in CONTINUES:  # a wrapped line of a narrow column
        return False
    following = lines[i + 1].strip() if i + 1 < len(lines) else ""
    return len(following.split()) >= 6 and len(line) <= 0.7 * len(following)


def to_markdown(text: str) -> str:
    lines = text.split("\n")
    items = list_items(lines)
    out: list[str] = []
    first = True
    skip = 0
    for i, line in enumerate(lines):
        if skip:
            skip -= 1
            continue
        if is_lone_bullet(line) and i + 1 in items or i + 2 in items and not lines[i + 1].strip() and is_lone_bullet(line):
            skip = 0 if i + 1 in items else 1  # the bullet and the blank line go; the item gets "- "
            out.append("- " + lines[i + 1 + skip].lstrip())
            skip += 1
        elif is_heading(lines, i, items):
            stripped = line.strip()
            number = SECTION.match(stripped)
            depth = number.group(1).count(".") + 1 if number else 3
            out.append("#" * (1 if first else min(depth, 3)) + " " + stripped)
        elif (m := BULLET.match(line)) is not None:
            out.append(m.group(1) + "- " + line[m.end():])
        elif (m := NUMBERED.match(line)) is not None:
            out.append(f"{m.group(1)}{m.group(2)}. " + line[m.end():])
        else:
            out.append(line)
        if line.strip():
            first = False
    return "\n".join(out)


def site_lines(lines: list[str], markdown: bool) -> dict[str, list[tuple[int, int]]]:
    """Per site kind, the (line, first editable column) where an edit can go."""
    sites: dict[str, list[tuple[int, int]]] = {kind: [] for kind in KINDS}
    items = list_items(lines, markdown)
    prose: list[int] = []
    words = 0

    def end_run() -> None:
        if words >= 80:
            sites["paragraph"].extend((n, 0) for n in prose)

    for i, line in enumerate(lines):
        heading = MD_HEADING.match(line) is not None if markdown else is_heading(lines, i, items)
        if heading:
            sites["heading"].append((i, len(line) - len(line.lstrip("#").lstrip()) if markdown else 0))
        elif i in items:
            sites["list"].append((i, items[i]))
        if line.strip() and not heading and i not in items and not is_lone_bullet(line):
            prose.append(i)
            words += len(line.split())
        else:
            end_run()
            prose, words = [], 0
        sites["random"].append((i, 0))
    end_run()
    return sites


@dataclass
class Edit:
    kind: str
    line: int
    column: int
    op: str  # "insert", "delete", "newline"
    text: str = ""


def pick_site(lines: list[str], markdown: bool, kind: str, rng: random.Random, op: str = "insert",
              sites: dict[str, list[tuple[int, int]]] | None = None) -> Edit:
    """An edit at a random site of that kind; `random` when the text has no such site."""
    sites = sites or site_lines(lines, markdown)
    candidates = sites[kind] or sites["random"]
    if op == "delete":  # a character to delete after the line's prefix
        candidates = [(n, c) for n, c in candidates if len(lines[n]) > c] or candidates
    line, first = rng.choice(candidates)
    if op == "delete" and len(lines[line]) > first:
        return Edit(kind, line, rng.randrange(first, len(lines[line])), "delete")
    column = rng.randint(first, len(lines[line]))
    if op == "newline":
        return Edit(kind, line, column, "newline", "\n")
    return Edit(kind, line, column, "insert", rng.choice("aeiklnorst"))


def utf16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def apply(lines: list[str], edit: Edit) -> dict:
    """Apply the edit to `lines` and return its LSP content change (UTF-16 positions)."""
    s = lines[edit.line]
    start = {"line": edit.line, "character": utf16(s[:edit.column])}
    if edit.op == "delete":
        end = {"line": edit.line, "character": utf16(s[:edit.column + 1])}
        lines[edit.line] = s[:edit.column] + s[edit.column + 1:]
        return {"range": {"start": start, "end": end}, "text": ""}
    if edit.op == "newline":
        lines[edit.line:edit.line + 1] = [s[:edit.column], s[edit.column:]]
    else:
        lines[edit.line] = s[:edit.column] + edit.text + s[edit.column:]
    return {"range": {"start": start, "end": start}, "text": edit.text}


def chapters_of(text: str, size: int = 500) -> list[str]:
    out, current, words = [], [], 0
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        current.append(block)
        words += len(block.split())
        if words >= size:
            out.append("\n\n".join(current))
            current, words = [], 0
    if current:
        out.append("\n\n".join(current))
    return out


def memory_drafts(texts: list[str], count: int, words: int = 50_000) -> list[str]:
    pool = [c for t in texts for c in chapters_of(t)]
    drafts = []
    for i in range(count):
        order = pool[:]
        random.Random(i).shuffle(order)
        taken, n = [], 0
        for chapter in order:
            if n >= words:
                break
            taken.append(chapter)
            n += len(chapter.split())
        drafts.append("\n\n".join(taken) + "\n")
    return drafts


def paragraph_share(a: str, b: str) -> float:
    pa = {p.strip() for p in a.split("\n\n") if p.strip()}
    pb = {p.strip() for p in b.split("\n\n") if p.strip()}
    return len(pa & pb) / max(len(pa), len(pb), 1)


# --- one server run -----------------------------------------------------------------------

@dataclass
class Run:
    programme: str
    fmt: str
    mode: str
    words: int
    open_s: float = 0.0
    diagnostics: int = 0
    edits: list[tuple[str, float]] = field(default_factory=list)  # (site kind, seconds)
    bursts: list[tuple[str, float]] = field(default_factory=list)
    memory_mb: float = 0.0


class Client:
    """One open document in one server, in push or pull mode."""

    def __init__(self, conn: Connection, uri: str, mode: str) -> None:
        self.conn, self.uri, self.mode = conn, uri, mode
        self.version = 1
        self.result_id: str | None = None

    def open(self, text: str, language_id: str) -> dict:
        self.conn.notify("textDocument/didOpen", {"textDocument": {"uri": self.uri, "languageId": language_id, "version": 1, "text": text}})
        return self.diagnostics()

    def change(self, change: dict) -> None:
        self.version += 1
        self.conn.notify("textDocument/didChange", {"textDocument": {"uri": self.uri, "version": self.version}, "contentChanges": [change]})

    def pull_request(self) -> int:
        return self.conn.send_request("textDocument/diagnostic", {"textDocument": {"uri": self.uri}, "previousResultId": self.result_id})

    def diagnostics(self) -> dict:
        """Wait for the diagnostics of the current version: its publishDiagnostics, or the
        answer to a pull sent now."""
        if self.mode == "push":
            return self.conn.wait_diagnostics(self.uri, self.version)
        return self._answer(self.conn.wait_response(self.pull_request(), f"textDocument/diagnostic for version {self.version}"))

    def _answer(self, answer: dict) -> dict:
        if "error" in answer:
            raise ServerError(f"textDocument/diagnostic failed: {answer['error']}")
        result = answer["result"]
        self.result_id = result.get("resultId") or self.result_id
        return {"diagnostics": result.get("items", [])}

    def burst(self, changes: list[dict], gap: float) -> float:
        """Send the changes `gap` seconds apart; the seconds from the last one to the
        diagnostics of the last version. Pull mode does what vscode-languageclient's
        DiagnosticRequestor does: at most one pull in flight; a change while one is in flight
        cancels it ($/cancelRequest) and pulls once more when its answer (or error) comes."""
        inflight: int | None = None
        again = False
        start = time.perf_counter()

        def handle(message: dict | None) -> bool:
            """True when `message` is the answer that shows the last version."""
            nonlocal inflight, again
            if message is None or message.get("id") != inflight or "method" in message:
                return False
            if again:
                inflight, again = self.pull_request(), False
                return False
            inflight = None
            if "error" not in message:
                self._answer(message)
            return True

        for k, change in enumerate(changes):
            deadline = time.monotonic() + (gap if k else 0)
            while (left := deadline - time.monotonic()) > 0:
                handle(self.conn.poll(left, "an answer during a burst"))
            start = time.perf_counter()
            self.change(change)
            if self.mode == "pull":
                if inflight is None:
                    inflight = self.pull_request()
                elif not again:
                    self.conn.notify("$/cancelRequest", {"id": inflight})
                    again = True
        if self.mode == "push":
            self.conn.wait_diagnostics(self.uri, self.version)
        else:
            while inflight is not None and not handle(self.conn.next_message(f"textDocument/diagnostic for version {self.version}")):
                pass
        return time.perf_counter() - start


def run_programme(name: str, text: str, fmt: str, mode: str, args: argparse.Namespace, folder: Path) -> Run:
    markdown = fmt == "md"
    words = len(text.split())  # of the programme itself ("#" and "-" would count as words)
    if markdown:
        text = to_markdown(text)
    path = folder / f"{name}.{fmt}"
    path.write_text(text, encoding="utf-8")
    run = Run(name, fmt, mode, words)
    rng = random.Random(f"{name}-{fmt}-{mode}")
    with Connection(timeout=args.timeout) as conn:
        conn.request("initialize", {"processId": os.getpid(), "rootUri": folder.as_uri(),
                                    "capabilities": PUSH_CAPS if mode == "push" else PULL_CAPS})
        conn.notify("initialized", {})
        client = Client(conn, path.as_uri(), mode)
        start = time.perf_counter()
        first = client.open(text, "markdown" if markdown else "plaintext")
        run.open_s = time.perf_counter() - start
        run.diagnostics = len(first["diagnostics"])
        time.sleep(args.settle)  # the author reads before typing: the first workspace pass runs
        lines = text.split("\n")
        for i in range(args.edits):
            kind = KINDS[i % len(KINDS)]
            op = "delete" if i % 10 == 4 else "newline" if i % 10 == 9 else "insert"
            change = apply(lines, pick_site(lines, markdown, kind, rng, op))
            start = time.perf_counter()
            client.change(change)
            client.diagnostics()
            run.edits.append((kind, time.perf_counter() - start))
            time.sleep(args.pause)
        first_kind = rng.randrange(len(KINDS))  # a few bursts per run still reach every kind over the runs
        for b in range(args.bursts):
            kind = KINDS[(first_kind + b) % len(KINDS)]
            edit = pick_site(lines, markdown, kind, rng)
            changes = []
            for k in range(args.burst):
                changes.append(apply(lines, edit))
                edit.column += 1
                edit.text = "klarsyn "[k % 8]
            run.bursts.append((kind, client.burst(changes, args.burst_gap)))
            time.sleep(max(args.pause, 1.0))
        run.memory_mb = conn.peak_memory_mb()
    return run


def run_memory(texts: list[str], args: argparse.Namespace, folder: Path) -> dict:
    drafts = memory_drafts(texts, args.drafts)
    shares = [paragraph_share(a, b) for i, a in enumerate(drafts) for b in drafts[i + 1:]] or [0.0]
    out: dict = {"programmes": len(texts), "drafts": len(drafts), "words": [len(d.split()) for d in drafts],
                 "share": max(shares), "mean_share": statistics.mean(shares)}
    with Connection(timeout=args.timeout) as conn:
        conn.request("initialize", {"processId": os.getpid(), "rootUri": folder.as_uri(), "capabilities": PULL_CAPS})
        conn.notify("initialized", {})
        start = time.perf_counter()
        for i, text in enumerate(drafts):
            fmt = "md" if i % 2 == 0 else "txt"
            body = to_markdown(text) if fmt == "md" else text
            path = folder / f"utkast-{i + 1:02d}.{fmt}"
            path.write_text(body, encoding="utf-8")
            Client(conn, path.as_uri(), "pull").open(body, "markdown" if fmt == "md" else "plaintext")
        out["open_s"] = time.perf_counter() - start
        conn.request("workspace/diagnostic", {"previousResultIds": []}, timeout=max(args.timeout, 600))  # waits for the pass
        out["settled_s"] = time.perf_counter() - start
        used, elapsed, pulls, kinds = idle_cpu(conn, args.idle_seconds)
        out["memory_mb"] = conn.peak_memory_mb()
        out.update(cpu=used, elapsed=elapsed, pulls=pulls, kinds=kinds)
    return out


# --- figures ------------------------------------------------------------------------------

def ms(seconds: float) -> str:
    return "–" if math.isnan(seconds) else f"{seconds * 1000:,.0f} ms"


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))] if values else math.nan


def med(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def split(runs: list[Run], attr: str, kind: str | None = None, **where: str) -> list[float]:
    """The timings `attr` ("edits", "bursts") of the runs that match `where`, of one site kind or all."""
    return [t for r in runs if all(getattr(r, k) == v for k, v in where.items())
            for site, t in getattr(r, attr) if kind is None or site == kind]


def breakdown(runs: list[Run], attr: str, stat) -> str:
    parts = []
    for key, values in (("push", ("mode", "push")), ("pull", ("mode", "pull")), ("txt", ("fmt", "txt")), ("md", ("fmt", "md"))):
        got = split(runs, attr, **{values[0]: values[1]})
        if got and len({getattr(r, values[0]) for r in runs}) > 1:
            parts.append(f"{key} {ms(stat(got))}")
    return f" ({', '.join(parts)})" if parts else ""


def report(runs: list[Run], memory: dict | None, args: argparse.Namespace, command: str) -> str:
    edits, bursts = split(runs, "edits"), split(runs, "bursts")
    largest = OPEN_PROGRAMME if any(r.programme == OPEN_PROGRAMME for r in runs) else max(runs, key=lambda r: r.words).programme
    opened = [r for r in runs if r.programme == largest]
    o = opened[0]
    open_cell = ", ".join(f"{r.fmt} {r.mode} {r.open_s:.2f} s" for r in opened)
    rows = [
        (f"edit → diagnostics, median, with {args.pause:g} s pauses between edits",
         f"{ms(med(edits))}{breakdown(runs, 'edits', med)}; {len(edits)} edits"),
        ("edit → diagnostics, p95", f"{ms(p95(edits))}{breakdown(runs, 'edits', p95)}"),
        (f"keystroke bursts ({args.burst} chars at {args.burst_gap * 1000:g} ms apart) → diagnostics after the last",
         f"median {ms(med(bursts))}, p95 {ms(p95(bursts))}{breakdown(runs, 'bursts', med)}; {len(bursts)} bursts"),
        (f"open a {o.words:,}-word programme ({o.programme}) → first diagnostics", open_cell),
    ]
    if memory is not None:
        rows.append((f"{memory['drafts']} programmes of ~50,000 words open, server peak memory",
                     f"{memory['memory_mb']:,.0f} MB (opened in {memory['open_s']:.0f} s, workspace pass settled after {memory['settled_s']:.0f} s)"))
        rows.append((f"idle server with {memory['drafts']} drafts, CPU over {memory['elapsed']:.0f} s",
                     f"{memory['cpu']:.2f} s = {100 * memory['cpu'] / memory['elapsed']:.1f} % of a core "
                     f"({memory['pulls']} workspace pulls every 2 s, {memory['kinds']})"))
    out = [f"{dt.date.today().isoformat()}, `{command}`", "", "| | figure |", "|---|---|"]
    out += [f"| {a} | {b} |" for a, b in rows]
    out += ["", "Per site kind (paused edits; bursts):", "",
            "| site | edits | median | p95 | max | txt median | md median | push median | pull median | bursts | burst median |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for kind in KINDS:
        e, b = split(runs, "edits", kind), split(runs, "bursts", kind)
        out.append(f"| {kind} | {len(e)} | {ms(med(e))} | {ms(p95(e))} | {ms(max(e, default=math.nan))} | "
                   f"{ms(med(split(runs, 'edits', kind, fmt='txt')))} | {ms(med(split(runs, 'edits', kind, fmt='md')))} | "
                   f"{ms(med(split(runs, 'edits', kind, mode='push')))} | {ms(med(split(runs, 'edits', kind, mode='pull')))} | {len(b)} | {ms(med(b))} |")
    out += ["", "Per run:", "", "| programme | words | format | mode | diagnostics | open | edit median | edit p95 | burst median | peak memory |",
            "|---|---:|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        e, b = [t for _, t in r.edits], [t for _, t in r.bursts]
        out.append(f"| {r.programme} | {r.words:,} | {r.fmt} | {r.mode} | {r.diagnostics:,} | {r.open_s:.2f} s | {ms(med(e))} | {ms(p95(e))} | {ms(med(b))} | {r.memory_mb:,.0f} MB |")
    if memory is not None:
        out += ["", f"Memory drafts: {memory['drafts']} drafts of {min(memory['words']):,}–{max(memory['words']):,} words "
                f"(chapters of the {memory['programmes']} programmes shuffled per draft; two drafts share "
                f"{100 * memory.get('mean_share', memory['share']):.0f} % of their paragraphs on average, {100 * memory['share']:.0f} % at the most)."]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path(os.environ.get("KLARSYN_CORPUS", CORPUS)))
    parser.add_argument("--programme", action="append", default=None, help="a programme's name (file stem); repeatable; default all")
    parser.add_argument("--format", choices=("txt", "md", "both"), default="both")
    parser.add_argument("--mode", choices=("push", "pull", "both"), default="both")
    parser.add_argument("--edits", type=int, default=24, help="paused edits per run (cycling over the site kinds)")
    parser.add_argument("--pause", type=float, default=0.4)
    parser.add_argument("--bursts", type=int, default=4, help="bursts per run")
    parser.add_argument("--burst", type=int, default=10, help="characters in a burst")
    parser.add_argument("--burst-gap", type=float, default=0.03)
    parser.add_argument("--settle", type=float, default=2.0, help="seconds between open and the first edit")
    parser.add_argument("--drafts", type=int, default=20, help="drafts of ~50,000 words for the memory figure (0: skip)")
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for any one answer")
    parser.add_argument("--quick", action="store_true", help=f"{OPEN_PROGRAMME} only, 8 edits and 2 bursts per run, 5 drafts, 10 s idle")
    parser.add_argument("--json", type=Path, default=None, help="also write every timing to this file")
    parser.add_argument("--max-median", type=float, default=None, help="exit 1 when the median paused edit is slower (seconds)")
    parser.add_argument("--max-p95", type=float, default=None, help="exit 1 when the p95 of the paused edits is slower (seconds)")
    args = parser.parse_args()
    if args.quick:
        args.programme = args.programme or [OPEN_PROGRAMME]
        args.edits, args.bursts, args.drafts, args.idle_seconds = min(args.edits, 8), min(args.bursts, 2), min(args.drafts, 5), min(args.idle_seconds, 10.0)
    files = sorted(args.corpus.glob("*.txt"))
    if not files:
        print(f"no programmes (*.txt) in {args.corpus}: give --corpus or KLARSYN_CORPUS", file=sys.stderr)
        return 2
    texts = {f.stem: f.read_text(encoding="utf-8") for f in files}
    args.programmes = args.programme or list(texts)
    unknown = [p for p in args.programmes if p not in texts]
    if unknown:
        print(f"unknown programme {', '.join(unknown)}; there are: {', '.join(texts)}", file=sys.stderr)
        return 2
    command = "python bench/bench_realtime.py" + "".join(" " + shlex.quote(a) for a in sys.argv[1:])
    formats = ("txt", "md") if args.format == "both" else (args.format,)
    modes = ("push", "pull") if args.mode == "both" else (args.mode,)
    runs: list[Run] = []
    memory = None
    try:
        with tempfile.TemporaryDirectory(prefix="klarsyn-realtime-") as tmp:
            for name in args.programmes:
                for fmt in formats:
                    for mode in modes:
                        folder = Path(tmp) / f"{name}-{fmt}-{mode}"
                        folder.mkdir()
                        run = run_programme(name, texts[name], fmt, mode, args, folder)
                        runs.append(run)
                        e = [t for _, t in run.edits]
                        print(f"{name} {fmt} {mode}: open {run.open_s:.2f} s, edit median {ms(med(e))}, p95 {ms(p95(e))}, "
                              f"bursts {ms(med([t for _, t in run.bursts]))}", file=sys.stderr, flush=True)
            if args.drafts > 0:
                folder = Path(tmp) / "drafts"
                folder.mkdir()
                memory = run_memory(list(texts.values()), args, folder)  # always all six: no near copies
    except ServerError as exc:
        print(f"bench_realtime: {exc}", file=sys.stderr)
        return 1
    print(report(runs, memory, args, command))
    if args.json is not None:
        args.json.write_text(json.dumps({"command": command, "date": dt.datetime.now().isoformat(timespec="seconds"),
                                         "runs": [vars(r) for r in runs], "memory": memory}, indent=1), encoding="utf-8")
    median = med(split(runs, "edits"))
    if args.max_median is not None and median > args.max_median:
        print(f"median edit {ms(median)} is slower than {ms(args.max_median)}", file=sys.stderr)
        return 1
    if args.max_p95 is not None and p95(split(runs, "edits")) > args.max_p95:
        print(f"p95 edit {ms(p95(split(runs, 'edits')))} is slower than {ms(args.max_p95)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
