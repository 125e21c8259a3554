"""Outlet badge colours: distinct hues from a fixed palette, stable per outlet.

Hashing an outlet straight to a hue (0-359) let two outlets land on near hues (Kyiv Independent and
ZeroHedge were both green). Each outlet now starts at its hashed slot of :data:`HUES` (twelve hues at
least 24° apart) and takes the next free slot when an outlet already shown has it, so the outlets of
one answer always differ (up to twelve) and an outlet keeps its colour from answer to answer unless
its slot is taken.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

__all__ = ["HUES", "badge_hues", "slot"]

HUES = (212, 138, 0, 272, 28, 188, 328, 52, 236, 100, 300, 162)


def slot(outlet: str) -> int:
    """The palette slot an outlet starts at (a stable hash of its case-folded name)."""
    digest = hashlib.blake2b(outlet.casefold().encode(), digest_size=2).digest()
    return int.from_bytes(digest, "big") % len(HUES)


def badge_hues(outlets: Iterable[str]) -> dict[str, int]:
    """A hue for each distinct outlet, in order of first appearance; distinct while the palette lasts."""
    hues: dict[str, int] = {}
    for outlet in outlets:
        if outlet in hues:
            continue
        taken = set(hues.values())
        start = slot(outlet)
        free = [HUES[(start + i) % len(HUES)] for i in range(len(HUES)) if HUES[(start + i) % len(HUES)] not in taken]
        hues[outlet] = free[0] if free else HUES[start]
    return hues
