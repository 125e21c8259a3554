"""Question -> passages: dense (FAISS) and lexical (BM25) search fused, with outlet routing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qa import embed
from qa.lexical import tokenize
from qa.store import IndexStore, outlet_key
from qa.types import Passage

MAX_QUESTION_CHARS = 2000
POOL = 100  # candidates taken from each retriever before fusion
RRF_K = 60
DENSE_WEIGHT = 1.0
LEXICAL_WEIGHT = 1.0


@dataclass(frozen=True)
class Query:
    """A validated question with what retrieval derived from it."""

    text: str
    dense_text: str
    tokens: list[str]
    vector: np.ndarray
    named_outlets: tuple[str, ...]


def check_question(question: object) -> str:
    """Return the stripped question, or raise ValueError saying what is wrong with it."""
    if isinstance(question, bytes):
        try:
            question = question.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("the question is not UTF-8 text") from None
    if not isinstance(question, str):
        raise ValueError(f"the question must be text, not {type(question).__name__}")
    text = question.replace("\x00", " ").strip()
    if not text:
        raise ValueError("the question is empty: type a question about the news articles")
    if len(text) > MAX_QUESTION_CHARS:
        raise ValueError(f"the question is {len(text):,} characters long; keep it under "
                         f"{MAX_QUESTION_CHARS:,} (one question, not an article)")
    if not any(ch.isalnum() for ch in text):
        raise ValueError("the question has no words in it")
    return text


def outlet_aliases(outlet: str) -> set[str]:
    """Ways a question may name an outlet: its full name and the part before ' | ' or ' - '."""
    names = {outlet, re.split(r"\s+[|:–-]\s+", outlet)[0]}
    return {k for k in (outlet_key(n) for n in names) if len(k) >= 3}


def named_outlets(question: str, outlets: Sequence[str]) -> tuple[tuple[str, ...], str]:
    """Outlets the question names, and the question with those names (and 'reported by') removed."""
    norm_q = " " + outlet_key(question) + " "
    found: list[tuple[int, str, str]] = []
    for outlet in outlets:
        for alias in sorted(outlet_aliases(outlet), key=len, reverse=True):
            pos = norm_q.find(" " + alias + " ")
            if pos >= 0:
                found.append((pos, outlet, alias))
                break
    if not found:
        return (), question
    found.sort()
    stripped = question
    for _, _, alias in found:
        pattern = r"\b(?:the\s+)?" + r"\W+".join(map(re.escape, alias.split())) + r"\b"
        stripped = re.sub(pattern, " ", stripped, flags=re.IGNORECASE)
    stripped = re.sub(r"\b(?:as\s+)?(?:reported|published|written)\s+(?:by|in)\b|\baccording\s+to\b",
                      " ", stripped, flags=re.IGNORECASE)
    return tuple(dict.fromkeys(o for _, o, _ in found)), re.sub(r"\s+", " ", stripped).strip()


def make_query(store: IndexStore, question: str) -> Query:
    """Validate and analyse a question against an index."""
    text = check_question(question)
    outlets = [o for o, _ in store.outlets()]
    named, dense_text = named_outlets(text, outlets)
    vector = embed.encode([dense_text or text])[0]
    return Query(text, dense_text or text, tokenize(text), vector, named)


def _fuse(store: IndexStore, query: Query, pool: int, rows: np.ndarray | None) -> dict[int, float]:
    d_ids, _ = store.search_dense(query.vector, pool, rows)
    l_ids, _ = store.search_lexical(tokenize(query.dense_text), pool, rows)
    fused: dict[int, float] = {}
    for weight, ids in ((DENSE_WEIGHT, d_ids), (LEXICAL_WEIGHT, l_ids)):
        for rank, pid in enumerate(ids):
            fused[int(pid)] = fused.get(int(pid), 0.0) + weight / (RRF_K + rank + 1)
    return fused


def search(store: IndexStore, query: Query, k: int = 5, outlets: Sequence[str] | None = None) -> list[Passage]:
    """Hybrid search of one index. See :func:`qa.retrieve` for the contract."""
    if k < 1:
        raise ValueError("k must be at least 1")
    pool = max(POOL, 4 * k)
    if outlets:
        groups = [list(outlets)]
    elif len(query.named_outlets) > 0:
        groups = [[o] for o in query.named_outlets]
    else:
        groups = [[]]
    ranked: list[list[tuple[int, float]]] = []
    for group in groups:
        rows = store.rows_for_outlets(group) if group else None
        if rows is not None and len(rows) == 0:
            ranked.append([])
            continue
        fused = _fuse(store, query, pool, rows)
        ranked.append(sorted(fused.items(), key=lambda kv: -kv[1]))
    # Interleave the per-outlet rankings so each named outlet is represented near the top.
    chosen: dict[int, float] = {}
    depth = 0
    while len(chosen) < k and any(depth < len(r) for r in ranked):
        for r in ranked:
            if depth < len(r) and r[depth][0] not in chosen and len(chosen) < k:
                chosen[r[depth][0]] = r[depth][1]
        depth += 1
    if query.named_outlets and not outlets and len(chosen) < k:
        for pid, score in sorted(_fuse(store, query, pool, None).items(), key=lambda kv: -kv[1]):
            if len(chosen) >= k:
                break
            chosen.setdefault(pid, score)
    return store.passages(list(chosen), list(chosen.values()))
