"""What the language server knows: open drafts, their last results, the project config,
the client's settings and the other drafts of the workspace."""

from __future__ import annotations

import fnmatch
import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from klarsyn.cli.files import FolderFilter, Selection
from klarsyn.config import Config, ConfigCache, RuleSettings, _suggest
from klarsyn.document.loader import MAX_BYTES, SUPPORTED_SUFFIXES, format_for
from klarsyn.engine.edits import carry, changed_span
from klarsyn.engine.incremental import IncrementalChecker
from klarsyn.engine.packs import load_rules
from klarsyn.engine.rules import Rule
from klarsyn.engine.runner import CheckResult
from klarsyn.errors import KlarsynError
from klarsyn.findings import Finding, Severity
from klarsyn.globs import check_glob
from klarsyn.lsp.fragments import DiagnosticJSON
from klarsyn.lsp.positions import Converter
from klarsyn.lsp.text_sync import SyncedText
from klarsyn.text.language import normalize_language

log = logging.getLogger("klarsyn.lsp")

LANGUAGE_IDS = {"markdown": "markdown", "plaintext": "text", "text": "text", "html": "html"}


@dataclass
class Draft:
    """One draft the server checks: open in the editor, or found in the workspace."""

    uri: str
    path: str
    fmt: str
    text: str
    version: int | None = None
    is_open: bool = False
    result: CheckResult | None = None  # per-document rules
    converter: Converter | None = None
    workspace_findings: list[Finding] = field(default_factory=list)  # consistency across files
    workspace_text: str | None = None  # the text the workspace findings were computed on
    sync: SyncedText | None = None  # the editor's text and its LSP lines, for an open draft
    too_large: int | None = None  # the size in bytes, when the draft is over the limit and not checked
    shown: tuple[object, ...] | None = None  # what the client was last given (see view)
    excluded: bool = False  # not part of the programme (include/exclude/.gitignore): no diagnostics, not compared
    disabled: bool = False  # in the disabledFiles setting: no diagnostics of its own, still compared
    checks: int = 0  # per-document checks run so far: identifies a result in view()
    checked_text: str | None = None  # the text ``result`` was computed on
    # cross_file() for one text and one pass's findings
    _carried: tuple[str, list[Finding], list[Finding]] | None = field(default=None, repr=False)
    rendered: DiagnosticJSON = field(default_factory=DiagnosticJSON, repr=False)  # the JSON of the last answer

    @property
    def silent(self) -> bool:
        """True when the client is shown nothing for this draft."""
        return self.excluded or self.disabled

    def findings(self) -> list[Finding]:
        local = self.result.findings if self.result else []
        extra = self.cross_file()
        return sorted(local + extra, key=Finding.sort_key) if extra else local

    def cross_file(self) -> list[Finding]:
        """The consistency findings of the last pass, moved to the current text. Those the
        edits since then touched are left out; the others stay where they were, so a
        keystroke elsewhere does not make them vanish until the next pass (flicker)."""
        if self.workspace_text is None or not self.workspace_findings:
            return []
        if self.workspace_text is self.text:
            return self.workspace_findings
        carried = self._carried
        if carried is not None and carried[0] is self.text and carried[1] is self.workspace_findings:
            return carried[2]
        span = changed_span(self.workspace_text, self.text)
        found = self.workspace_findings if span is None else carry(self.workspace_findings, span, self.path)
        self._carried = (self.text, self.workspace_findings, found)
        return found

    def set_text(self, text: str, encoding: str) -> None:
        self.text = text
        self.sync = SyncedText(text, encoding)
        self.too_large = too_large(text)

    def converter_for(self, encoding: str) -> Converter:
        """Positions for the current text (reusing the line starts the sync keeps)."""
        conv = self.converter
        if conv is None or conv.encoding != encoding or (conv.text is not self.text and conv.text != self.text):
            starts = self.sync.starts if self.sync is not None and self.sync.text is self.text else None
            self.converter = Converter(self.text, encoding, starts)
        return self.converter

    def view(self) -> tuple[object, ...]:
        """What the client would be shown now: the per-document result (by identity) and
        the cross-file findings that apply to this text. Compared with ``shown`` to know
        whether a consistency pass changed anything for the client."""
        extra = tuple((f.rule, f.start, f.end, f.message, tuple((r.path, r.start, r.end) for r in f.related))
                      for f in self.cross_file())
        return self.checks, self.too_large, extra, self.excluded, self.disabled


def too_large(text: str) -> int | None:
    """The size in UTF-8 bytes when the text is over the CLI's limit (MAX_BYTES), else None.
    A 30 MB draft took 47 s to check and the server answered nothing meanwhile."""
    if len(text) * 4 <= MAX_BYTES:  # cannot be over: skip encoding
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    return size if size > MAX_BYTES else None


@dataclass
class Settings:
    """The client's settings (initializationOptions, workspace/didChangeConfiguration)."""

    language: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severities: dict[str, str] = field(default_factory=dict)  # rule id -> severity or "off"
    options: dict[str, dict[str, float]] = field(default_factory=dict)  # rule id -> {option: value}
    disabled_packs: tuple[str, ...] = ()
    message_language: str | None = None
    trusted: bool = True  # false in an untrusted workspace: the project's own rule packs are not loaded
    include: tuple[str, ...] = ()  # globs relative to the workspace root; empty: every draft
    exclude: tuple[str, ...] = ()
    files_exclude: tuple[str, ...] = ()  # VS Code's files.exclude patterns that are on
    disabled_files: frozenset[str] = frozenset()  # uri_key() of each file the user turned off

    def selection(self) -> Selection:
        return Selection(include=self.include, exclude=self.exclude + self.files_exclude)


def uri_key(uri: str) -> str:
    """One spelling per file: VS Code writes ``file:///c%3A/x.md`` where another client
    writes ``file:///C:/x.md``; both name the same draft."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    if not path:
        return uri
    return os.path.normcase(os.path.normpath(path))


def _globs(raw: dict[str, object], key: str) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    if isinstance(value, dict):  # files.exclude as VS Code keeps it: {glob: true | false | {when}}
        value = [k for k, on in value.items() if on is True]
    if not isinstance(value, list):
        raise KlarsynError(f'klarsyn.{key} must be a list of globs relative to the workspace folder, such as ["kapitler/**/*.md"]')
    for glob in value:
        problem = check_glob(glob)
        if problem:
            raise KlarsynError(f"klarsyn.{key}: {problem}")
    return tuple(value)


def parse_settings(raw: object) -> Settings:
    """Read settings from the client; a bad value raises KlarsynError with what is wrong."""
    if isinstance(raw, dict) and "klarsyn" in raw and isinstance(raw["klarsyn"], dict):
        raw = raw["klarsyn"]
    if raw is None:
        return Settings()
    if not isinstance(raw, dict):
        raise KlarsynError("klarsyn settings must be an object")
    settings = Settings()
    language = raw.get("language")
    if language not in (None, "", "auto"):
        settings.language = normalize_language(str(language))
        if settings.language is None:
            raise KlarsynError(f"klarsyn.language must be auto, nb, nn or en, not {language!r}")
    for key in ("select", "ignore"):
        value = raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise KlarsynError(f"klarsyn.{key} must be a list of rule ids")
        setattr(settings, key, tuple(value))
    severities = raw.get("severity") or raw.get("rules") or {}
    if not isinstance(severities, dict):
        raise KlarsynError("klarsyn.severity must map rule ids to error, warning, info, hint or off")
    for rule_id, value in severities.items():
        if str(value) not in ("error", "warning", "info", "hint", "off"):
            raise KlarsynError(f"klarsyn.severity.{rule_id} must be error, warning, info, hint or off, not {value!r}")
        settings.severities[str(rule_id)] = str(value)
    options = raw.get("options") or {}
    if not isinstance(options, dict):
        raise KlarsynError("klarsyn.options must map rule ids to {option: number}")
    for rule_id, values in options.items():
        if not isinstance(values, dict) or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values.values()):
            raise KlarsynError(f"klarsyn.options.{rule_id} must map option names to numbers")
        settings.options[str(rule_id)] = {str(k): float(v) for k, v in values.items()}
    packs = raw.get("disabledPacks") or []
    if not isinstance(packs, list) or not all(isinstance(p, str) for p in packs):
        raise KlarsynError("klarsyn.disabledPacks must be a list of pack ids")
    settings.disabled_packs = tuple(packs)
    message_language = raw.get("messageLanguage")
    if message_language not in (None, "", "auto"):
        settings.message_language = normalize_language(str(message_language))
        if settings.message_language is None:
            raise KlarsynError(f"klarsyn.messageLanguage must be auto, nb, nn or en, not {message_language!r}")
    if raw.get("trusted") is False:
        settings.trusted = False
    settings.include = _globs(raw, "include")
    settings.exclude = _globs(raw, "exclude")
    settings.files_exclude = _globs(raw, "filesExclude")
    disabled = raw.get("disabledFiles") or []
    if not isinstance(disabled, list) or not all(isinstance(u, str) and ":" in u for u in disabled):
        raise KlarsynError('klarsyn.disabledFiles must be a list of document URIs, such as ["file:///home/ola/program/gammel.md"]')
    settings.disabled_files = frozenset(uri_key(u) for u in disabled)
    return settings


class State:
    def __init__(self) -> None:
        self.drafts: dict[str, Draft] = {}
        self.checker = IncrementalChecker()
        self.configs = ConfigCache()
        self.settings = Settings()
        self.encoding: str = types.PositionEncodingKind.Utf16
        self.root: Path | None = None
        self._good_configs: dict[str, Config] = {}
        self.warnings: list[str] = []  # for the user, once each (the checker shows them)
        self.config_errors: set[str] = set()
        self._warned: set[str] = set()
        self._filter: FolderFilter | None = None
        self.generation = 0  # moves with every settings or config change (part of each resultId)

    def set_settings(self, settings: Settings) -> None:
        self.settings = settings
        self._warned.clear()  # a new typo in new settings is reported again

    def _warn(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.warnings.append(message)

    # -- configuration ------------------------------------------------------------------

    def config_for(self, path: str) -> Config:
        """The project config for a file with the client's settings on top. A broken config
        file raises KlarsynError; the caller reports it and keeps the last good one."""
        folder = str(Path(path).parent)
        try:
            config = self.configs.for_path(Path(path))
            self._good_configs[folder] = config
        except KlarsynError:
            if folder in self._good_configs:
                log.warning("keeping the last good config for %s", folder)
                raise
            raise
        return self._apply_settings(config)

    def last_good_config(self, path: str) -> Config:
        folder = str(Path(path).parent)
        return self._apply_settings(self._good_configs.get(folder, Config(catalog=load_rules())))

    def _known(self, patterns: tuple[str, ...], known: list[str], key: str) -> tuple[str, ...]:
        """The rule ids (or globs) that name a rule; each unknown one is reported and left
        out. Before, one typo made every check fail and the editor showed no findings."""
        kept = []
        for pattern in patterns:
            if fnmatch.filter(known, pattern):
                kept.append(pattern)
            else:
                self._warn(f"klarsyn: unknown rule id '{pattern}' in the setting klarsyn.{key}{_suggest(pattern, known)}; it is left out")
        return tuple(kept)

    def _apply_settings(self, config: Config) -> Config:
        s = self.settings
        known = [r.id for r in config.all_rules()]
        rules = dict(config.rules)
        for rule_id, values in s.options.items():
            if not self._known((rule_id,), known, "options"):
                continue
            current = rules.get(rule_id, RuleSettings())
            rules[rule_id] = RuleSettings(current.severity, current.enabled, {**current.options, **values})
        for rule_id, value in s.severities.items():
            if not self._known((rule_id,), known, "severity"):
                continue
            current = rules.get(rule_id, RuleSettings())
            rules[rule_id] = RuleSettings(enabled=False) if value == "off" else RuleSettings(Severity(value), True, current.options)
        select = self._known(s.select, known, "select")
        ignore = self._known(s.ignore, known, "ignore") + tuple(r.id for r in config.all_rules() if r.pack in s.disabled_packs)
        config = config.with_overrides(language=s.language, select=select, ignore=ignore)
        return replace(config, rules=rules, message_language=s.message_language or config.message_language)

    def reload_configs(self) -> None:
        self.configs = ConfigCache(trusted=self.settings.trusted)
        self._filter = None  # the config's include/exclude, the settings or a .gitignore changed
        self.generation += 1
        self.config_errors.clear()  # a file that is still broken is reported again

    def first_report(self, message: str) -> bool:
        """True the first time a config error is seen since the configs were (re)loaded:
        every check reads the config, and the editor should not pop up the same error
        at each keystroke."""
        if message in self.config_errors:
            return False
        self.config_errors.add(message)
        return True

    def rules(self, config: Config) -> dict[str, Rule]:
        return {r.id: r for r in config.all_rules()}

    # -- drafts ------------------------------------------------------------------------------

    def draft_from_uri(self, uri: str, text: str, language_id: str | None = None) -> Draft:
        path = to_fs_path(uri) or uri
        fmt = LANGUAGE_IDS.get(language_id or "", None) or format_for(Path(path)) or "text"
        return Draft(uri=uri, path=path, fmt=fmt, text=text)

    def folder_filter(self) -> FolderFilter | None:
        if self.root is None:
            return None
        if self._filter is None:
            self._filter = FolderFilter(self.root, self.configs, self.settings.selection())
        return self._filter

    def classify(self, draft: Draft) -> None:
        """Whether the client is shown this draft's findings, and whether it is compared."""
        f = self.folder_filter()
        try:
            draft.excluded = f is not None and draft.uri.startswith("file:") and not f.includes(Path(draft.path))
        except KlarsynError:  # a broken klarsyn.yml: reported by the check; keep the draft in
            draft.excluded = False
        draft.disabled = uri_key(draft.uri) in self.settings.disabled_files

    def workspace_files(self) -> list[Path]:
        """Text drafts of the programme under the workspace root (Markdown, plain text,
        HTML), as `klarsyn check` finds them in a folder (FolderFilter: the settings'
        include/exclude/filesExclude, klarsyn.yml's include/exclude, .gitignore files);
        Word and OpenDocument files are for the CLI, not an editor."""
        f = self.folder_filter()
        if f is None or not f.root.is_dir():
            return []
        try:
            files = f.walk()
        except KlarsynError as exc:
            log.warning("the workspace could not be read: %s", exc)
            return []
        return [p for p in files if p.suffix.lower() in SUPPORTED_SUFFIXES and format_for(p) in ("markdown", "text", "html")]
