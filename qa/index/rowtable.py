"""Per-row article facts (outlet, publication day) as arrays, for restricting a search to rows.

Built once per opened index version from one grouped SQL query, so routing a question to an
outlet or a date range costs a vectorised comparison, not a join, even at a million rows.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence

import numpy as np

NO_DAY = -1  # publication day unknown


def publication_day(published: str | None) -> int:
    """``date.toordinal()`` of an ISO date or datetime string, or ``NO_DAY``."""
    try:
        return dt.date.fromisoformat((published or "")[:10]).toordinal()
    except ValueError:
        return NO_DAY


class RowTable:
    """Outlet code and publication day of every row of an index version.

    Args:
        n_rows: Rows in the index.
        query: Runs SQL against the version's metadata database.
    """

    def __init__(self, n_rows: int, query: Callable[..., list[tuple]]) -> None:
        self.codes = np.full(n_rows, -1, dtype=np.int32)
        self.days = np.full(n_rows, NO_DAY, dtype=np.int32)
        self.names: dict[str, int] = {}
        self._by_outlet: dict[str, np.ndarray] = {}  # a few MB at 1M rows, filled on demand
        self._lock = threading.Lock()
        # Rows are written article by article, so one grouped query gives each article's row range;
        # an article whose rows are not contiguous falls back to listing its rows.
        spans = query("SELECT a.outlet_key, a.published, min(p.row), max(p.row), count(*), p.article_id "
                      "FROM passages p JOIN articles a USING(article_id) GROUP BY p.article_id")
        for key, published, lo, hi, n, aid in spans:
            code = self.names.setdefault(key, len(self.names))
            rows: slice | list[int] = slice(lo, hi + 1) if hi - lo + 1 == n else \
                [r for (r,) in query("SELECT row FROM passages WHERE article_id = ?", (aid,))]
            self.codes[rows] = code
            self.days[rows] = publication_day(published)

    def for_outlets(self, keys: Sequence[str]) -> np.ndarray:
        """Sorted rows of the outlets with these :func:`qa.outlets.outlet_key` keys."""
        keys = sorted(set(keys))
        with self._lock:
            for key in keys:
                if key not in self._by_outlet:
                    code = self.names.get(key)
                    found = np.flatnonzero(self.codes == code).astype(np.int64) if code is not None else \
                        np.zeros(0, dtype=np.int64)
                    found.flags.writeable = False
                    self._by_outlet[key] = found
        if not keys:
            return np.zeros(0, dtype=np.int64)
        found = [self._by_outlet[k] for k in keys]
        return found[0] if len(found) == 1 else np.unique(np.concatenate(found))

    def published_within(self, window: tuple[int, int], rows: np.ndarray | None = None) -> np.ndarray:
        """Those of ``rows`` (default: all) published on a day in the inclusive ``window``."""
        days = self.days if rows is None else self.days[rows]
        keep = np.flatnonzero((days >= window[0]) & (days <= window[1]) & (days != NO_DAY))
        return keep.astype(np.int64) if rows is None else rows[keep]
