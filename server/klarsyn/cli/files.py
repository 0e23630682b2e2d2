"""Turn command-line paths into the list of drafts to check."""

from __future__ import annotations

import os
from pathlib import Path

from klarsyn.config import ConfigCache
from klarsyn.document.suffixes import SUPPORTED_SUFFIXES

_SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})


def expand_paths(paths: list[str], configs: ConfigCache,
                 notes: list[tuple[str, str]] | None = None) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to check (sorted, no duplicates) and (path, problem) for paths that do not exist.

    A file named on the command line is always checked, whatever its suffix; a
    folder contributes the drafts below it (files with one of SUPPORTED_SUFFIXES),
    skipping hidden folders and what the project config excludes. A folder check stays
    inside the folder: a symbolic link that leads out of it is skipped, with (path, why)
    added to ``notes``. Pipes, devices and sockets are left in: reading refuses them with
    one clear line.
    """
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = []
            root = os.path.realpath(path)
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
                for d in dirs:
                    # os.walk does not follow links to folders; say so when one leads out.
                    _outside(Path(folder, d), root, raw, notes)
                for name in names:
                    candidate = Path(folder, name)
                    if candidate.suffix.lower() in SUPPORTED_SUFFIXES and not name.startswith("."):
                        if _outside(candidate, root, raw, notes):
                            continue
                        if not configs.for_path(candidate).excludes(candidate):
                            found.append(candidate)
            files.extend(sorted(found))
        elif path.exists() or path.is_symlink():  # a broken link is reported by the reader
            files.append(path)
        else:
            missing.append((raw, "no such file or folder"))
    unique: dict[str, Path] = {}
    for f in files:
        unique.setdefault(os.path.normpath(str(f)), f)
    return sorted(unique.values(), key=lambda p: str(p)), missing


def _outside(candidate: Path, root: str, shown_root: str, notes: list[tuple[str, str]] | None) -> bool:
    """True for a symbolic link whose target is not inside ``root`` (the checked folder,
    resolved): a link to /etc/passwd in a folder of drafts must not be read and quoted."""
    if not candidate.is_symlink():
        return False
    target = os.path.realpath(candidate)
    try:
        if os.path.commonpath([root, target]) == root:
            return False
    except ValueError:  # another drive (Windows): outside
        pass
    if notes is not None:
        notes.append((str(candidate), f"skipped: a symbolic link to {target}, outside {shown_root}"))
    return True
