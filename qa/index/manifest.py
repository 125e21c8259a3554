"""The manifest of an on-disk index version: the live version, its manifest, its format, file digests.

The layout is described in :mod:`qa.index.store`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from qa.errors import IndexCorrupted, IndexOutdated

__all__ = ["CHECKSUM_LIMIT", "FORMAT_VERSION", "check_format", "current_version", "file_digest",
           "read_manifest"]

FORMAT_VERSION = 2
CHECKSUM_LIMIT = 256 * 2**20  # files up to this size are hashed on open; larger ones size-checked


def file_digest(path: Path) -> str:
    """blake2b (128 bits) of a file's contents, as recorded in the manifest."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def current_version(root: Path) -> Path | None:
    """The live version directory of ``root``, or None when no index was ever completed.

    Raises:
        IndexCorrupted: ``CURRENT`` is unreadable or names a missing version.
    """
    pointer = root / "CURRENT"
    if not pointer.is_file():
        return None
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (UnicodeDecodeError, OSError):
        raise IndexCorrupted("CURRENT is unreadable", source=root) from None
    version = root / name
    if not name.startswith("v-") or not version.is_dir():
        raise IndexCorrupted(f"CURRENT points to a missing version {name!r}", source=root)
    return version


def read_manifest(root: Path) -> dict | None:
    """The manifest of the live version (of any format), or None when there is no index.

    Raises:
        IndexCorrupted: The pointer or the manifest is unreadable.
    """
    version = current_version(root)
    if version is None:
        return None
    try:
        manifest = json.loads((version / "manifest.json").read_text())
    except (OSError, json.JSONDecodeError):
        manifest = None
    if not isinstance(manifest, dict):
        raise IndexCorrupted("manifest.json is missing or unreadable", source=version)
    return manifest


def check_format(manifest: dict, source: object = "") -> None:
    """Refuse a manifest of another format than :data:`FORMAT_VERSION`.

    Raises:
        IndexOutdated: An older format (or none recorded), or one this version of qa cannot read.
    """
    found = manifest.get("format_version")
    if found != FORMAT_VERSION:
        problem = (f"index format {found} is outdated (this version of qa reads format {FORMAT_VERSION}: "
                   "sentence vectors and the tokenizer recorded)" if not isinstance(found, int) or
                   found < FORMAT_VERSION else f"index format {found} is newer than this qa (format {FORMAT_VERSION})")
        raise IndexOutdated(problem, source=source)
