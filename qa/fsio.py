"""File-system primitives shared by the corpus and the index: durable renames, directory checks."""

from __future__ import annotations

import os
from pathlib import Path

from qa.errors import ConfigError


def fsync_dir(path: Path) -> None:
    """Make renames and deletions in directory ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_directory(path: Path, what: str = "an index") -> Path:
    """Refuse a ``path`` that exists but is not a directory (a corpus and an index are directories).

    Args:
        path: The directory to check (it may not exist yet).
        what: What it should be, with its article: ``"an index"``, ``"a corpus"``.

    Returns:
        ``path``.

    Raises:
        ConfigError: ``path`` is a file (or anything but a directory).
    """
    if path.exists() and not path.is_dir():
        raise ConfigError(f"is a file, not {what} directory", source=path,
                          hint=f"give the path of {what} directory (or of a new one)", field=what.split()[-1])
    return path
