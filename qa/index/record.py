"""The row record: everything the index stores about one retrieval unit."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PassageRecord"]


@dataclass(frozen=True)
class PassageRecord:
    """One passage as stored: its ids, place in the article, text, embedding key and article fields."""

    id: int
    article_id: str
    paragraph: int
    offset: int
    text: str
    key: str
    outlet: str
    title: str
    url: str
    published: str
    author: str
