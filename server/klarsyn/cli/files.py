"""Turn command-line paths into the list of drafts to check."""

from __future__ import annotations

import os
from pathlib import Path

from klarsyn.config import ConfigCache
from klarsyn.document.suffixes import SUPPORTED_SUFFIXES

_SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})


def expand_paths(paths: list[str], configs: ConfigCache) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to check (sorted, no duplicates) and (path, problem) for paths that do not exist.

    A file named on the command line is always checked, whatever its suffix; a
    folder contributes the drafts below it (files with one of SUPPORTED_SUFFIXES),
    skipping hidden folders and what the project config excludes.
    """
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = []
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
                for name in names:
                    candidate = Path(folder, name)
                    if candidate.suffix.lower() in SUPPORTED_SUFFIXES and not name.startswith("."):
                        if not configs.for_path(candidate).excludes(candidate):
                            found.append(candidate)
            files.extend(sorted(found))
        elif path.exists():
            files.append(path)
        else:
            missing.append((raw, "no such file or folder"))
    unique: dict[str, Path] = {}
    for f in files:
        unique.setdefault(os.path.normpath(str(f)), f)
    return sorted(unique.values(), key=lambda p: str(p)), missing
