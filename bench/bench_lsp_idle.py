"""Benchmark: what an idle VS Code costs the language server.

vscode-languageclient 11 pulls workspace/diagnostic again two seconds after each answer,
typing or not. This starts `python -m klarsyn lsp` with VS Code's pull capabilities, opens
N drafts (22 by default, as the programme committee had open), waits until the workspace
is settled, then pulls every two seconds for --seconds seconds as VS Code does, sending the
resultIds of the last answer back, and prints the server's CPU time over that window
(utime + stime from /proc) as a share of one core.

    python bench/bench_lsp_idle.py [--drafts 22] [--seconds 10] [--no-result-ids]

--no-result-ids sends no previousResultIds (what a client that ignores them does, and
what every pull cost before the server gave resultIds: a pass and a full answer each time).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lsp_client import Connection  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CAPS = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {"diagnostic": {"dynamicRegistration": True, "relatedDocumentSupport": False},
                     "publishDiagnostics": {"relatedInformation": True}},
    "workspace": {"diagnostics": {"refreshSupport": True}, "configuration": True},
}


def chapters(count: int) -> list[str]:
    """Drafts that share words but are no copies: each takes 40 % of the sample's paragraphs."""
    sample = (ROOT / "examples" / "lokalvalg-2023-utkast.md").read_text(encoding="utf-8")
    body = sample.split("\n---\n", 1)[1] if sample.startswith("---") else sample
    paragraphs = [p for p in body.split("\n\n") if p.strip() and not p.startswith("#")]
    rng = random.Random(14)
    return [f"# Kapittel {i + 1}\n\n" + "\n\n".join(rng.sample(paragraphs, max(1, len(paragraphs) * 2 // 5))) + "\n"
            for i in range(count)]


def idle_cpu(conn: Connection, seconds: float, cadence: float = 2.0, result_ids: bool = True) -> tuple[float, float, int, dict[str, int]]:
    """Settle the workspace, then pull workspace/diagnostic every `cadence` seconds for
    `seconds` as VS Code does. Returns the server's CPU seconds over that window, the
    window's length, the number of pulls and the kinds of reports answered."""
    previous: dict[str, str] = {}

    def pull() -> dict:
        ids = [{"uri": u, "value": v} for u, v in previous.items()] if result_ids else []
        answer = conn.request("workspace/diagnostic", {"previousResultIds": ids}, timeout=max(conn.timeout, 600))
        for item in answer["result"]["items"]:
            if item.get("resultId"):
                previous[item["uri"]] = item["resultId"]
        return answer["result"]

    pull()  # waits for the checks and the pass: the workspace is settled after it
    time.sleep(1.0)
    pull()
    start_cpu, start = conn.cpu_seconds(), time.monotonic()
    kinds: dict[str, int] = {}
    pulls = 0
    while time.monotonic() - start < seconds:
        for item in pull()["items"]:
            kinds[item["kind"]] = kinds.get(item["kind"], 0) + 1
        pulls += 1
        time.sleep(cadence)
    return conn.cpu_seconds() - start_cpu, time.monotonic() - start, pulls, kinds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=22)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--cadence", type=float, default=2.0)
    parser.add_argument("--no-result-ids", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        uris = []
        for i, text in enumerate(chapters(args.drafts)):
            path = root / f"{i + 1:02d}-kapittel.md"
            path.write_text(text, encoding="utf-8")
            uris.append((path.as_uri(), text))
        conn = Connection()
        conn.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": CAPS})
        conn.notify("initialized", {})
        for uri, text in uris:
            conn.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}})
        used, elapsed, pulls, kinds = idle_cpu(conn, args.seconds, args.cadence, not args.no_result_ids)
        conn.close()
    share = 100 * used / elapsed
    print(f"{args.drafts} drafts open, {pulls} workspace pulls every {args.cadence:g} s over {elapsed:.1f} s "
          f"({'no resultIds sent' if args.no_result_ids else 'resultIds sent back'}): reports {kinds}")
    print(f"server CPU {used:.3f} s = {share:.2f} % of a core")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
