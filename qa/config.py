"""The process environment, read in this one place: :class:`Config`.

Every ``QA_*`` variable a user can set is a field here, read by :meth:`Config.from_env`. Modules below
the faces take a ``Config`` (or the value they need) as an argument; when a caller gives none they ask
:meth:`Config.from_env` for the current one, so no other module reads ``os.environ`` and nothing writes it.

=====================  ==================  ===========================================================
variable               field               meaning
=====================  ==================  ===========================================================
``QA_INDEX``           ``index``           index directory (default ``./index``)
``QA_BACKEND_URL``     ``backend_url``     a search server (``postgresql://``); wins over ``QA_INDEX``
``QA_CORPUS``          ``corpus``          corpus directory (default ``./corpus``)
``QA_MODEL``           ``model``           a sentence-transformers model directory (default: packaged)
``QA_READER``          ``reader``          the reader's directory; ``none``: the sentence scorer alone
``QA_BACKEND``         ``encoder_backend`` ``onnx`` or ``torch`` for every encoding
``QA_ONNX_CACHE``      ``onnx_cache``      where ONNX exports are cached (else ``$XDG_CACHE_HOME``)
``QA_ANN_THRESHOLD``   ``ann_threshold``   rows from which an index uses HNSW (``Settings.index``)
``QA_SERVER_BATCH``    ``server_batch``    passages per transaction of a server build
``QA_CITUS_SHARDS``    ``citus_shards``    shards of a Citus cluster's tables
``QA_BENCH_WORK``      ``bench_work``      where ``qa bench`` keeps its indexes
``QA_ADMIN_TOKEN``     ``admin_token``     the token of ``qa serve``'s admin mode
=====================  ==================  ===========================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from qa.errors import ConfigError

__all__ = ["LIBRARY_DEFAULTS", "Config", "default_corpus", "default_index", "library_defaults"]

# Switches of third-party libraries (never a QA_* variable), set when the library is about to load unless the
# user set them: OpenMP threads that spin while waiting stall a shared machine (measured on 2 cores: one query
# 0.5-1.3 s spinning vs 47 ms passive); Hugging Face stays offline and quiet.
LIBRARY_DEFAULTS = {
    "openmp": {"OMP_WAIT_POLICY": "PASSIVE"},
    "huggingface": {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error",
                    "HF_HUB_DISABLE_PROGRESS_BARS": "1"},
}


def library_defaults(*groups: str) -> None:
    """Set the :data:`LIBRARY_DEFAULTS` of these groups (``openmp``, ``huggingface``) the user has not set.

    The one place qa writes the environment: these switches are read by the libraries themselves (OpenMP
    at load), so they cannot be passed as arguments.
    """
    for group in groups:
        for name, value in LIBRARY_DEFAULTS[group].items():
            os.environ.setdefault(name, value)


def _int(env: Mapping[str, str], name: str) -> int | None:
    text = env.get(name, "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ConfigError("is not a whole number", source=f"{name}={text!r}", field=name) from None


@dataclass(frozen=True)
class Config:
    """Where things are and which model and reader to use: the environment, read once.

    Attributes:
        index: Index directory (``$QA_INDEX``, default ``index``).
        backend_url: Search-server URL (``$QA_BACKEND_URL``); when set it is the default index.
        corpus: Corpus directory (``$QA_CORPUS``, default ``corpus``).
        model: Model directory (``$QA_MODEL``); ``""``: the packaged all-MiniLM-L6-v2.
        reader: Reader directory (``$QA_READER``); ``""``: the repository's ``models/reader``;
            ``"none"``: no reader.
        encoder_backend: ``onnx``/``torch`` (``$QA_BACKEND``); ``""``: each use picks its best.
        query_graph: How the ONNX backend encodes questions (``$QA_QUERY_GRAPH``): ``int8`` (the default, ``""``)
            or ``fp32``. Passages are always encoded in fp32.
        onnx_cache: Root of the ONNX export cache (``$QA_ONNX_CACHE``, else the XDG cache).
        ann_threshold: Rows from which a new index uses HNSW (``$QA_ANN_THRESHOLD``); None: the settings'.
        server_batch: Passages per transaction of a server build (``$QA_SERVER_BATCH``); None: 512.
        citus_shards: Shards of a Citus cluster's tables (``$QA_CITUS_SHARDS``); None: not distributed.
        bench_work: Where ``qa bench`` builds its indexes (``$QA_BENCH_WORK``).
        admin_token: ``qa serve``'s admin token (``$QA_ADMIN_TOKEN``).
    """

    index: Path = Path("index")
    backend_url: str = ""
    corpus: Path = Path("corpus")
    model: str = ""
    reader: str = ""
    encoder_backend: str = ""
    query_graph: str = ""
    onnx_cache: Path = Path.home() / ".cache" / "newsqa" / "onnx"
    ann_threshold: int | None = None
    server_batch: int | None = None
    citus_shards: int | None = None
    bench_work: Path = Path("/tmp/qa-bench")
    admin_token: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        """The configuration the environment gives (``environ``: another mapping, e.g. in tests).

        Raises:
            ConfigError: A numeric variable is not a whole number.
        """
        env = os.environ if environ is None else environ
        cache = env.get("QA_ONNX_CACHE") or str(Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                                                   / "newsqa" / "onnx")
        return cls(index=Path(env.get("QA_INDEX") or "index"), backend_url=env.get("QA_BACKEND_URL", "").strip(),
                   corpus=Path(env.get("QA_CORPUS") or "corpus"), model=env.get("QA_MODEL", "").strip(),
                   reader=env.get("QA_READER", "").strip(),
                   encoder_backend=env.get("QA_BACKEND", "").strip().lower(),
                   query_graph=env.get("QA_QUERY_GRAPH", "").strip().lower(),
                   onnx_cache=Path(cache).expanduser(), ann_threshold=_int(env, "QA_ANN_THRESHOLD"),
                   server_batch=_int(env, "QA_SERVER_BATCH"), citus_shards=_int(env, "QA_CITUS_SHARDS"),
                   bench_work=Path(env.get("QA_BENCH_WORK") or "/tmp/qa-bench"),
                   admin_token=env.get("QA_ADMIN_TOKEN", ""))

    def default_index(self) -> Path | str:
        """The search server when one is configured, else the index directory."""
        return self.backend_url or self.index

    def replace(self, **changes: object) -> Config:
        """A copy with ``changes`` (field names; an unknown one is a ``TypeError``)."""
        return replace(self, **changes)


def default_index() -> Path | str:
    """``$QA_BACKEND_URL`` (a search server) when set, else ``$QA_INDEX`` or ``./index``."""
    return Config.from_env().default_index()


def default_corpus() -> Path:
    """``$QA_CORPUS`` or ``./corpus``."""
    return Config.from_env().corpus
