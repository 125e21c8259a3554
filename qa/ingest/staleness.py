"""Whether an index (a directory or a search server) reflects the corpus and the configured model."""

from __future__ import annotations

from pathlib import Path

from qa.errors import ConfigError, IndexCorrupted, IndexMissing, IndexOutdated
from qa.index.open import index_target, server_manifest
from qa.index.store import check_format, read_manifest
from qa.ingest.corpus import corpus_changes, file_digests, fingerprint
from qa.model import get_encoder

__all__ = ["stale_reason"]


def stale_reason(corpus: str | Path | None, index: str | Path) -> str | None:
    """Why the live index does not reflect the corpus or the configured model; None when it does.

    Args:
        corpus: Corpus directory; None for the one the index was built from (recorded in its
            manifest; no corpus check when that directory is gone).
        index: Index directory.

    Returns:
        A one-line reason (missing or unreadable index, other model, files added/edited/removed).
    """
    root = index_target(index)
    try:
        manifest = read_manifest(root) if isinstance(root, Path) else server_manifest(root)
    except (IndexCorrupted, IndexMissing, ConfigError) as exc:
        return str(exc)
    if manifest is None:
        return f"{root}: no index yet"
    try:
        check_format(manifest, root)
    except IndexOutdated as exc:
        return str(exc)
    model = get_encoder().name
    if manifest.get("model") != model:
        return (f"the index was built with the model {manifest.get('model')!r} but {model!r} is configured "
                "(QA_MODEL); `qa index` will re-embed everything")
    if corpus is None:
        corpus = Path(manifest.get("corpus") or "")
        if not manifest.get("corpus") or not corpus.is_dir():
            return None
    corpus = Path(corpus)
    digests = file_digests(corpus)
    if fingerprint(corpus, digests) == manifest.get("corpus_fingerprint"):
        return None
    old = manifest.get("corpus_files")
    if not isinstance(old, dict):
        return f"{corpus} changed since the index was built"
    changes = {k: v for k, v in corpus_changes(old, digests).items() if v}
    names = [n for v in changes.values() for n in v]
    listed = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
    counts = ", ".join(f"{len(v)} {k}" for k, v in changes.items())
    return f"{corpus} changed since the index was built ({counts}: {listed})"

