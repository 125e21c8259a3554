"""Outlet names: the one normalisation by which a question, a filter and the index match them."""

from __future__ import annotations

from functools import lru_cache

__all__ = ["outlet_key"]


@lru_cache(maxsize=4096)  # called for every passage of every answer, over a few hundred names
def outlet_key(name: str) -> str:
    """Normalised outlet name for matching: case-folded, leading 'the' and punctuation dropped."""
    words = "".join(c if c.isalnum() else " " for c in name.casefold()).split()
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    return " ".join(words)
