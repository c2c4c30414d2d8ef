"""Bounded memory of what a crawl saw recently, so memory stays flat as a crawl grows.

A plain ``set`` of every URL of a run grows without end on a backfill of hundreds of
thousands of pages. :class:`RecentSet` keeps the *capacity* most recent keys (16-byte
digests, about 100 bytes each with the dict entry) and forgets the oldest; callers
rely on the database for what falls out (see ``DedupPipeline``).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

__all__ = ["RecentSet"]


class RecentSet:
    """A set of at most *capacity* strings; adding past it forgets the least recently seen."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self._keys: OrderedDict[bytes, None] = OrderedDict()

    @staticmethod
    def _digest(value: str) -> bytes:
        return hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def seen(self, value: str) -> bool:
        """True when *value* is among the remembered ones; remember it (as the newest) either way."""
        key = self._digest(value)
        if key in self._keys:
            self._keys.move_to_end(key)
            return True
        self._keys[key] = None
        if len(self._keys) > self.capacity:
            self._keys.popitem(last=False)
        return False

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and self._digest(value) in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def clear(self) -> None:
        """Forget everything."""
        self._keys.clear()
