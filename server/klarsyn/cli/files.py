"""Turn command-line paths into the list of drafts to check, and decide which files of a
folder are part of the programme (the same answer for `klarsyn check folder/` and for the
language server's workspace)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from klarsyn.config import ConfigCache
from klarsyn.document.suffixes import SUPPORTED_SUFFIXES
from klarsyn.globs import any_match

if TYPE_CHECKING:
    import pathspec

_SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})
IGNORE_FILE = ".gitignore"


@dataclass(frozen=True)
class Selection:
    """What a folder check leaves out besides the config file's include/exclude: globs
    relative to the folder (the editor's settings) and whether .gitignore files count."""

    include: tuple[str, ...] = ()  # empty: everything
    exclude: tuple[str, ...] = ()
    ignore_files: bool = True


class IgnoreFiles:
    """The .gitignore files that apply to paths below ``root``: the root's own, those in
    the folders above it up to the repository's top (the folder with .git), and nested
    ones. Each file is read once; ``clear`` forgets them (a .gitignore changed)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.abspath(root))
        self._specs: dict[Path, pathspec.GitIgnoreSpec | None] = {}
        self._above: list[Path] = []
        folder = self.root
        while True:  # a repository's top-level .gitignore also covers a sub-folder check
            if (folder / ".git").exists() or folder.parent == folder:
                break
            folder = folder.parent
            self._above.insert(0, folder)
        if not (folder / ".git").exists():
            self._above = []  # not in a repository: only the folder's own files count

    def clear(self) -> None:
        self._specs.clear()

    def _spec(self, folder: Path) -> pathspec.GitIgnoreSpec | None:
        if folder not in self._specs:
            spec = None
            try:
                lines = (folder / IGNORE_FILE).read_text(encoding="utf-8", errors="replace").splitlines()
                import pathspec  # 30 modules: loaded only when a folder has a .gitignore

                spec = pathspec.GitIgnoreSpec.from_lines(lines)
            except OSError:
                pass
            self._specs[folder] = spec
        return self._specs[folder]

    def ignored(self, path: Path, is_dir: bool = False) -> bool:
        """True when git would ignore ``path`` (a file or folder below the root). The
        deepest .gitignore that says something about it decides, as in git."""
        path = Path(os.path.abspath(path))
        try:
            rel_parts = path.relative_to(self.root).parts
        except ValueError:
            return False
        folders = [*self._above, self.root] + [self.root.joinpath(*rel_parts[:n]) for n in range(1, len(rel_parts))]
        verdict = False
        for folder in folders:
            spec = self._spec(folder)
            if spec is None:
                continue
            rel = path.relative_to(folder).as_posix() + ("/" if is_dir else "")
            result = spec.check_file(rel)
            if result.include is not None:
                verdict = bool(result.include)
        return verdict


@dataclass
class FolderFilter:
    """Decides which drafts below ``root`` are checked: one function for the CLI's folder
    check and the language server's workspace, so both see the same programme."""

    root: Path
    configs: ConfigCache
    selection: Selection = field(default_factory=Selection)

    def __post_init__(self) -> None:
        self.root = Path(os.path.abspath(self.root))
        self.ignores = IgnoreFiles(self.root) if self.selection.ignore_files else None

    def _rel(self, path: Path) -> str | None:
        try:
            return Path(os.path.abspath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return None

    def skips_folder(self, folder: Path) -> bool:
        name = folder.name
        if name.startswith(".") or name in _SKIP_DIRS:
            return True
        rel = self._rel(folder)
        if rel is None:
            return False
        if self.selection.exclude and any_match(rel, self.selection.exclude):
            return True
        return self.ignores is not None and self.ignores.ignored(folder, is_dir=True)

    def includes(self, path: Path) -> bool:
        """True when the file at ``path`` is part of the programme. A file outside the
        root is not this filter's business: it is checked."""
        rel = self._rel(path)
        if rel is None:
            return True
        if any(part.startswith(".") or part in _SKIP_DIRS for part in rel.split("/")):
            return False
        s = self.selection
        if s.include and not any_match(rel, s.include):
            return False
        if s.exclude and any_match(rel, s.exclude):
            return False
        config = self.configs.for_path(path)
        if not config.includes(path) or config.excludes(path):
            return False
        return self.ignores is None or not self.ignores.ignored(path)

    def walk(self, notes: list[tuple[str, str]] | None = None, shown_root: str | None = None) -> list[Path]:
        """The drafts below the root (files with one of SUPPORTED_SUFFIXES), sorted."""
        found = []
        root = os.path.realpath(self.root)
        shown = shown_root or str(self.root)
        for folder, dirs, names in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not self.skips_folder(Path(folder, d)))
            for d in dirs:
                # os.walk does not follow links to folders; say so when one leads out.
                _outside(Path(folder, d), root, shown, notes, self.root)
            for name in names:
                candidate = Path(folder, name)
                if candidate.suffix.lower() in SUPPORTED_SUFFIXES and not name.startswith("."):
                    if _outside(candidate, root, shown, notes, self.root):
                        continue
                    if self.includes(candidate):
                        found.append(candidate)
        return sorted(found)


def expand_paths(paths: list[str], configs: ConfigCache,
                 notes: list[tuple[str, str]] | None = None,
                 ignore_files: bool = True) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to check (sorted, no duplicates) and (path, problem) for paths that do not exist.

    A file named on the command line is always checked, whatever its suffix; a
    folder contributes the drafts below it (files with one of SUPPORTED_SUFFIXES),
    skipping hidden folders, what the project config's include/exclude leave out and, with
    ``ignore_files``, what .gitignore files ignore (FolderFilter). A folder check stays
    inside the folder: a symbolic link that leads out of it is skipped, with (path, why)
    added to ``notes``. Pipes, devices and sockets are left in: reading refuses them with
    one clear line.
    """
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = FolderFilter(path, configs, Selection(ignore_files=ignore_files)).walk(notes, raw)
            # Keep the paths as the user wrote the folder (relative stays relative).
            files.extend(Path(raw, os.path.relpath(f, os.path.abspath(path))) for f in found)
        elif path.exists() or path.is_symlink():  # a broken link is reported by the reader
            files.append(path)
        else:
            missing.append((raw, "no such file or folder"))
    unique: dict[str, Path] = {}
    for f in files:
        unique.setdefault(os.path.normpath(str(f)), f)
    return sorted(unique.values(), key=lambda p: str(p)), missing


def _outside(candidate: Path, root: str, shown_root: str, notes: list[tuple[str, str]] | None,
             walked_root: Path | None = None) -> bool:
    """True for a symbolic link whose target is not inside ``root`` (the checked folder,
    resolved): a link to /etc/passwd in a folder of drafts must not be read and quoted.
    The note names the link below ``shown_root`` as the user wrote the folder, not below
    the absolute ``walked_root`` the walk went through."""
    if not candidate.is_symlink():
        return False
    target = os.path.realpath(candidate)
    try:
        if os.path.commonpath([root, target]) == root:
            return False
    except ValueError:  # another drive (Windows): outside
        pass
    if notes is not None:
        shown = os.path.join(shown_root, os.path.relpath(candidate, walked_root)) if walked_root is not None else str(candidate)
        notes.append((shown, f"skipped: a symbolic link to {target}, outside {shown_root}"))
    return True
