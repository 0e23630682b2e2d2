"""The JSON of a draft's diagnostics, kept from one answer to the next.

A 50,000-word programme has some 1,500 diagnostics, about 750 KB of JSON. Turning every
finding into a diagnostic again at each keystroke (positions in UTF-16, the narrowed
range, the dict, the JSON) cost some 40 ms, more than the check of the edited paragraph.
An edit moves only what follows it, and a diagnostic on a line after the edit keeps its
line number (when the edit added or removed no line) and its columns: its JSON is the
same text as before. So each diagnostic's JSON is kept under what it says and where it
starts, and after an edit the old text is looked up at the place the finding had before.

Diagnostics that point into other places (related information) are written fresh each
time: the place they point at may be in another file that changed meanwhile.
"""

from __future__ import annotations

import json
import logging
import traceback
from bisect import bisect_right
from typing import Callable

from klarsyn.engine.edits import changed_span
from klarsyn.engine.rules import Rule
from klarsyn.findings import Finding
from klarsyn.lsp.positions import Converter
from klarsyn.lsp.wire import diagnostic_dict

# A path of another file to its uri and positions, or None when it is not known.
Target = Callable[[str], "tuple[str, Converter] | None"]
_Key = tuple[object, ...]
log = logging.getLogger("klarsyn.lsp")


def related_dicts(f: Finding, target: Target) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for r in f.related:
        other = target(r.path)
        if other is None:
            continue
        uri, conv = other
        rng = conv.range(r.start, r.end)
        out.append({"location": {"uri": uri, "range": {
            "start": {"line": rng.start.line, "character": rng.start.character},
            "end": {"line": rng.end.line, "character": rng.end.character}}}, "message": r.message})
    return out


class DiagnosticJSON:
    """One draft's diagnostics as a JSON array, re-using the text of unmoved diagnostics."""

    def __init__(self) -> None:
        self._text: str | None = None
        self._lines = 0
        self._context: tuple[object, ...] = ()
        self._items: dict[_Key, str] = {}
        self.reused = 0  # diagnostics taken from the last answer (the tests look)

    def render(self, findings: list[Finding], conv: Converter, rules: dict[str, Rule], uri: str, lang: str,
               target: Target) -> str:
        context = (uri, lang, conv.encoding)
        old = self._items if context == self._context and self._text is not None else {}
        previous = self._text if old else None
        span = changed_span(previous, conv.text) if previous is not None else None
        starts = conv.lines.starts
        # After an edit, a finding keeps its JSON if it ends before the edit, or if it starts
        # on a line after the edited one and no line was added or removed.
        same_lines = len(starts) == self._lines
        after_line = bisect_right(starts, span.new_end + 1) if span is not None else 0
        items: dict[_Key, str] = {}
        parts: list[str] = []
        self.reused = 0
        for f in findings:
            rule = rules.get(f.rule)
            if f.related:
                text = self._fresh(f, conv, rule, uri, lang, target)
                if text is not None:
                    parts.append(text)
                continue
            ident = (f.rule, f.severity, f.message, f.end - f.start, rule.link if rule is not None else "")
            text = None
            if old:
                if span is None or f.end < span.start:
                    text = old.get((ident, f.start))
                elif f.start > span.new_end and same_lines and bisect_right(starts, f.start) > after_line:
                    text = old.get((ident, f.start - span.delta))
            if text is None:
                text = self._fresh(f, conv, rule, uri, lang, target)
                if text is None:
                    continue
            else:
                self.reused += 1
            items[(ident, f.start)] = text
            parts.append(text)
        self._text, self._lines, self._context, self._items = conv.text, len(starts), context, items
        return "[" + ",".join(parts) + "]"

    @staticmethod
    def _fresh(f: Finding, conv: Converter, rule: Rule | None, uri: str, lang: str, target: Target) -> str | None:
        """The diagnostic's JSON, or None (logged) for a finding that cannot be converted:
        the others are still sent."""
        try:
            related = related_dicts(f, target) if f.related else []
            return json.dumps(diagnostic_dict(f, conv, rule, related, uri, lang), ensure_ascii=False)
        except Exception:  # noqa: BLE001
            log.error("could not convert a finding of %s:\n%s", f.rule, traceback.format_exc())
            return None
