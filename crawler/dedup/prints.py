"""Near-duplicate fingerprints made in the extraction workers, handed to the store step.

A :class:`~crawler.dedup.records.Fingerprint` is a pure function of the folded body, so
the worker that extracts a page also computes it (:func:`crawler.workers.run_page`): the
CPU and the transient NumPy arrays then stay out of the crawl process, whose store thread
used to make them a batch at a time (a spike of ~20 MiB at each batch: the peak of the
whole crawl, see docs/performance.md).

The fingerprint comes back with the article, but the article goes on through the item
pipelines without it (it is no field of :class:`~crawler.items.Article`: outputs and
exports keep their keys). :class:`PrintCache` keeps it meanwhile, keyed by the article's
content hash, which is also the check that it still fits: the Clean pipeline re-hashes
an article whose text it had to change, and the store step then finds no fingerprint
for the new hash and computes one itself (as it does for pages extracted inline).
Fingerprints made with another scheme (index parameters) than the store's are never used.

The cache is bounded: a fingerprint whose article was dropped on the way is forgotten
(:meth:`PrintCache.discard`, or pushed out by newer ones).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.dedup.fingerprint import SchemeKey
    from crawler.dedup.records import Fingerprint

__all__ = ["RECEIVED", "PrintCache"]

# Articles between extraction and the store step: the backlog of the pool, the items in
# the pipelines and a pending batch (CRAWLER_STORE_BATCH_SIZE, 50 by default). ~9 KB each.
DEFAULT_CAPACITY = 512


@dataclass(slots=True)
class _Kept:
    scheme: SchemeKey
    fingerprint: Fingerprint
    expected: int  # articles with this content hash on their way to the store


class PrintCache:
    """Fingerprints by content hash, at most *capacity*; thread-safe (the store step takes
    them in its thread, the reactor thread puts them)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self._prints: OrderedDict[str, _Kept] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, content_hash: str, scheme: SchemeKey, fingerprint: Fingerprint) -> None:
        """Keep *fingerprint* (made with *scheme*) for one article with this content hash."""
        with self._lock:
            entry = self._prints.get(content_hash)
            if entry is not None and entry.scheme == scheme:
                entry.expected += 1
            else:
                self._prints[content_hash] = _Kept(scheme, fingerprint, 1)
            self._prints.move_to_end(content_hash)
            while len(self._prints) > self.capacity:
                self._prints.popitem(last=False)

    def take(self, content_hash: str | None, scheme: SchemeKey) -> Fingerprint | None:
        """The fingerprint kept for *content_hash* if it was made with *scheme* (one article's
        use of it), else None."""
        if content_hash is None:
            return None
        with self._lock:
            entry = self._prints.get(content_hash)
            if entry is None:
                return None
            self._release(content_hash, entry)
            return entry.fingerprint if entry.scheme == scheme else None

    def discard(self, content_hash: str | None) -> None:
        """One article with *content_hash* will not reach the store (dropped on the way)."""
        if content_hash is None:
            return
        with self._lock:
            entry = self._prints.get(content_hash)
            if entry is not None:
                self._release(content_hash, entry)

    def _release(self, content_hash: str, entry: _Kept) -> None:
        entry.expected -= 1
        if entry.expected <= 0:
            del self._prints[content_hash]

    def clear(self) -> None:
        with self._lock:
            self._prints.clear()

    def __len__(self) -> int:
        return len(self._prints)


#: The crawl process's cache: filled by :class:`crawler.workers.ExtractionPool`, emptied by
#: :class:`crawler.pipelines.StorePipeline`.
RECEIVED = PrintCache()
