"""Split articles into retrieval units (paragraphs) and paragraphs into sentences with offsets."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import NamedTuple

from qa.types import Article, Span

# all-MiniLM-L6-v2 reads 256 word pieces; ~150 words keep a chunk, title included, inside that.
MAX_WORDS = 150


class Chunk(NamedTuple):
    """One retrieval unit: a paragraph, or a window of a paragraph too long for the model."""

    paragraph: int
    offset: int
    text: str


def passage_id(article_id: str, text: str, occurrence: int) -> int:
    """Stable positive 63-bit id of a paragraph: same article, same text -> same id."""
    key = f"{article_id}\0{occurrence}\0{text}".encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") >> 1


def content_key(text: str) -> str:
    """Hash of the exact text that is embedded: the key of the embedding cache."""
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


@lru_cache(maxsize=1)
def _segmenter():  # pysbd is slow to construct; one per process
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


_FALLBACK = re.compile(r"[^.!?…]+(?:[.!?…]+[\"'”’)\]]*|$)")


def sentences(text: str) -> list[Span]:
    """Sentence spans of ``text``, trimmed of surrounding whitespace.

    Uses pysbd; if its spans ever fail to map onto the text, falls back to a simple
    punctuation splitter. Every span satisfies ``text[s.start:s.end].strip() == text[s.start:s.end]``.
    """
    spans: list[Span] = []
    try:
        found = _segmenter().segment(text)
        pieces = [(t.start, t.end) for t in found]
        ok = bool(pieces) and all(text[t.start:t.end] == t.sent for t in found)
    except Exception:  # pysbd raises on some odd inputs; the fallback is always available
        pieces, ok = [], False
    if not ok:
        pieces = [(m.start(), m.end()) for m in _FALLBACK.finditer(text) if m.group().strip()]
    for a, b in pieces:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append(Span(a, b))
    return spans or ([Span(0, len(text))] if text.strip() else [])


def chunk_paragraphs(article: Article, max_words: int = MAX_WORDS) -> list[Chunk]:
    """The retrieval units of an article: each paragraph, with over-long ones split.

    A paragraph of more than ``max_words`` words is cut into windows at sentence boundaries
    (a single over-long sentence is cut at word boundaries); each window keeps its character
    offset in the paragraph, so quotes can always be located in the original text.
    """
    chunks: list[Chunk] = []
    for i, para in enumerate(article.body):
        if len(para.split()) <= max_words:
            chunks.append(Chunk(i, 0, para))
            continue
        for start, end in _windows(para, max_words):
            chunks.append(Chunk(i, start, para[start:end]))
    return chunks


def _windows(text: str, max_words: int) -> list[Span]:
    pieces: list[Span] = []
    for s in sentences(text):
        words = [m.span() for m in re.finditer(r"\S+", text[s.start:s.end])]
        for j in range(0, len(words), max_words):
            part = words[j:j + max_words]
            pieces.append(Span(s.start + part[0][0], s.start + part[-1][1]))
    windows: list[Span] = []
    start, end, count = -1, -1, 0
    for piece in pieces:
        n = len(text[piece.start:piece.end].split())
        if start >= 0 and count + n > max_words:
            windows.append(Span(start, end))
            start, count = -1, 0
        if start < 0:
            start = piece.start
        end, count = piece.end, count + n
    if start >= 0:
        windows.append(Span(start, end))
    return windows
