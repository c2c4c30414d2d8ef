"""Near-duplicate detection: MinHash LSH bands stored in the database, two levels.

The store step works per batch, inside its write transaction (see
:class:`crawler.dedup.batch.IndexBatch` and :mod:`crawler.db.store`)::

    index = NearDuplicateIndex()                       # thresholds are settings
    prints = index.fingerprints([a.body for a in batch])  # pure CPU, picklable: may run elsewhere
    with engine.begin() as conn:
        lookup = index.batch(conn)                     # the index lock, once per batch
        lookup.prefetch(prints)                        # one key query, one signature query, one body query
        for pos ...: match = lookup.match(pos)         # stored articles + earlier ones of this batch
        ... insert the rows, then lookup.flush(ids)    # one executemany per index table

How a look-up decides (cost independent of the index size):

1. keys: ``bands`` LSH keys of ``rows`` MinHash values each, plus one key for the
   body's opening words (aggregators that keep the start and cut or append the end
   share it even when their bodies differ in length a lot, where MinHash bands miss);
2. articles sharing a key are candidates; their signatures pre-filter them;
3. survivors are checked exactly on their bodies' shingles;
4. **copy** when Jaccard >= ``copy_threshold``, or when one body holds at least
   ``containment_threshold`` of the other's shingles (trimmed last paragraph, added
   trailer) and the smaller has at least ``min_containment_shingles`` shingles and
   ``min_size_ratio`` of the larger's; **story** when Jaccard >= ``story_threshold``.
   A pair whose shared shingles are fewer than ``min_shared_shingles`` is neither:
   two short bodies built on one template (a weather bulletin, a prayer-times notice)
   share their boilerplate, not a story.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from crawler.db import neardup as sql
from crawler.db.engine import map_for_lookups
from crawler.dedup.fingerprint import Fingerprinter
from crawler.dedup.minhash import Signature, jaccard, word_hashes_many
from crawler.dedup.records import NO_MATCH, Candidate, Entry, Fingerprint, Match, New, Ref, ref_order, story_id_for
from crawler.exceptions import CrawlerError
from crawler.text.arabic import fold

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from crawler.dedup.batch import IndexBatch

__all__ = [
    "NO_MATCH",
    "Candidate",
    "Entry",
    "Fingerprint",
    "Match",
    "NearDuplicateConfigError",
    "NearDuplicateIndex",
    "New",
    "Ref",
    "ref_order",
    "story_id_for",
]

# Pre-filter margin below the thresholds for signature estimates (about 2.5 standard
# errors of a 64-permutation estimate near J = 0.4).
_ESTIMATE_MARGIN = 0.15
_SHINGLE_CACHE_SIZE = 4096  # about 3 KiB each


class NearDuplicateConfigError(CrawlerError):
    """Raised by :class:`NearDuplicateIndex` when its parameters are invalid or differ from
    those the stored index was built with (the fix: rebuild the index, or restore them)."""

    exit_code = 2


class NearDuplicateIndex:
    """Two-level near-duplicate detection backed by database tables (see module docs)."""

    def __init__(
        self,
        *,
        copy_threshold: float = 0.6,
        story_threshold: float = 0.4,
        containment_threshold: float = 0.9,
        min_containment_shingles: int = 20,
        min_size_ratio: float = 0.2,
        min_shared_shingles: int = 0,
        num_perm: int = 64,
        bands: int = 20,
        rows: int = 3,
        shingle_words: int = 3,
        lead_words: int = 24,
        seed: int = 1,
        exact: bool = True,
        max_candidates: int = 64,
    ) -> None:
        if not 0 < story_threshold <= copy_threshold <= 1:
            raise NearDuplicateConfigError(
                f"need 0 < story_threshold <= copy_threshold <= 1, got {story_threshold} and {copy_threshold}"
            )
        if not 0 < containment_threshold <= 1 or not 0 <= min_size_ratio <= 1:
            raise NearDuplicateConfigError("containment_threshold and min_size_ratio must be within (0, 1]")
        if bands < 1 or rows < 1 or bands * rows > num_perm:
            raise NearDuplicateConfigError(f"need bands * rows <= num_perm, got {bands} * {rows} > {num_perm}")
        if min(min_containment_shingles, min_shared_shingles, lead_words) < 0:
            raise NearDuplicateConfigError("shingle and word counts must be >= 0")
        self.copy_threshold = copy_threshold
        self.story_threshold = story_threshold
        self.containment_threshold = containment_threshold
        self.min_containment_shingles = min_containment_shingles
        self.min_size_ratio = min_size_ratio
        self.min_shared_shingles = min_shared_shingles
        self.bands = bands
        self.rows = rows
        self.lead_words = lead_words
        self.exact = exact
        self.max_candidates = max_candidates
        self.fingerprinter = Fingerprinter(
            num_perm=num_perm, bands=bands, rows=rows, shingle_words=shingle_words, lead_words=lead_words, seed=seed
        )
        self.shingler = self.fingerprinter.shingler
        self.params = sql.IndexParams(scheme=self.fingerprinter.scheme, num_perm=num_perm, bands=bands, rows=rows)
        self.checked: set[str] = set()  # database URLs whose stored parameters were checked
        # Shingles of recently checked stored articles, by (id, signature): an original is
        # usually met again by its next copies.
        self.shingle_cache: OrderedDict[tuple[int, bytes], np.ndarray] = OrderedDict()

        self._cache_lock = threading.Lock()  # store batches may run in several threads

    def __getstate__(self) -> dict[str, object]:  # picklable for worker processes
        state = {**self.__dict__, "checked": set(), "shingle_cache": OrderedDict()}
        del state["_cache_lock"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._cache_lock = threading.Lock()

    def recall(self, key: tuple[int, bytes]) -> np.ndarray | None:
        """Cached shingles of a stored article (see :meth:`remember`), or None."""
        with self._cache_lock:
            found = self.shingle_cache.get(key)
            if found is not None:
                self.shingle_cache.move_to_end(key)
            return found

    def remember(self, key: tuple[int, bytes], shingles: np.ndarray) -> None:
        with self._cache_lock:
            self.shingle_cache[key] = shingles
            if len(self.shingle_cache) > _SHINGLE_CACHE_SIZE:
                self.shingle_cache.popitem(last=False)

    # --- pure CPU ---------------------------------------------------------------------

    def fingerprint(self, body: str | None) -> Fingerprint:
        """Fold *body* (display form) and compute its content hash, signature and keys."""
        return self.fingerprints([body])[0]

    def fingerprints(self, bodies: Sequence[str | None]) -> list[Fingerprint]:
        """:meth:`fingerprint` of several bodies, computed together (a few array operations
        for the whole batch rather than per body)."""
        return self.fingerprinter.fingerprints(bodies)

    def shingle_sets(self, bodies: Sequence[str]) -> list[np.ndarray]:
        """The shingles of several bodies (display form), computed together."""
        words, word_owner = word_hashes_many([fold(b) for b in bodies])
        shingles, owner = self.shingler.shingles_many(words, word_owner)
        bounds = np.searchsorted(owner, np.arange(len(bodies) + 1))
        return [shingles[bounds[i] : bounds[i + 1]] for i in range(len(bodies))]

    def shingles(self, folded: str) -> np.ndarray:
        return self.shingler.shingles(folded)

    def estimate(self, sig: Signature, entry: Entry) -> Candidate | None:
        """Signature estimates against *entry*, or None when it cannot be a story or a copy."""
        other = entry.signature
        j = sig.jaccard(other)
        small, large = sorted((sig.size, other.size))
        # |A & B| = J / (1 + J) * (|A| + |B|)
        shared = j * (sig.size + other.size) / (1 + j)
        containment = min(1.0, shared / small) if small else 0.0
        scored = Candidate(entry, j, containment, small, large, round(shared))
        if j >= self.story_threshold - _ESTIMATE_MARGIN:
            return scored
        if containment >= self.containment_threshold - 2 * _ESTIMATE_MARGIN and self._sizes_ok(scored):
            return scored
        return None

    def prefilter(self, equal: np.ndarray, mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
        """:meth:`estimate`'s decision for many pairs at once: which may be a story or a copy.

        *equal*: equal signature values of each pair; *mine*, *theirs*: the two bodies'
        shingle counts. The same arithmetic as :meth:`estimate` (float64), so the two agree.
        """
        mine, theirs = np.asarray(mine, dtype=np.int64), np.asarray(theirs, dtype=np.int64)
        j = np.where((mine > 0) & (theirs > 0), np.asarray(equal) / self.shingler.num_perm, 0.0)
        small, large = np.minimum(mine, theirs), np.maximum(mine, theirs)
        shared = j * (mine + theirs) / (1 + j)
        containment = np.where(small > 0, np.minimum(1.0, shared / np.maximum(small, 1)), 0.0)
        sizes_ok = (small >= self.min_containment_shingles) & (small >= self.min_size_ratio * large)
        story = j >= self.story_threshold - _ESTIMATE_MARGIN
        copy = (containment >= self.containment_threshold - 2 * _ESTIMATE_MARGIN) & sizes_ok
        return np.asarray(story | copy)

    def measure(self, scored: Candidate, mine: np.ndarray, theirs: np.ndarray) -> None:
        """Replace the estimates of *scored* by exact measures over the two shingle sets."""
        scored.jaccard, scored.containment = jaccard(mine, theirs)
        scored.small, scored.large = sorted((len(mine), len(theirs)))
        scored.shared = round(scored.containment * scored.small)
        scored.exact = True

    def _sizes_ok(self, s: Candidate) -> bool:
        return s.small >= self.min_containment_shingles and s.small >= self.min_size_ratio * s.large

    def is_story(self, s: Candidate) -> bool:
        return s.jaccard >= self.story_threshold and s.shared >= self.min_shared_shingles

    def is_copy(self, s: Candidate) -> bool:
        if s.shared < self.min_shared_shingles:
            return False
        if s.jaccard >= self.copy_threshold:
            return True
        return s.containment >= self.containment_threshold and self._sizes_ok(s)

    def decide(self, scored: list[Candidate]) -> Match:
        """The match of an incoming article among its scored candidates."""
        scored = sorted(scored, key=lambda s: ref_order(s.entry.ref))  # ties go to the first seen
        copies = [s for s in scored if self.is_copy(s)]
        if copies:
            first = min(copies, key=lambda s: ref_order(s.entry.root))  # the first-seen copy
            best = max(copies, key=lambda s: (s.jaccard, s.containment))
            return self._match("copy", first.entry, best)
        stories = [s for s in scored if self.is_story(s)]
        if stories:
            best = max(stories, key=lambda s: s.jaccard)
            return self._match("story", best.entry, best)
        return NO_MATCH

    @staticmethod
    def _match(kind: Literal["copy", "story"], entry: Entry, best: Candidate) -> Match:
        """Join *entry*'s story (named after it when it has none yet); a copy points at its root."""
        story = entry.story_id
        members: tuple[Ref, ...] = ()
        if story is None:
            story, members = story_id_for(entry.canonical_url), (entry.ref,)
        target = entry.root if kind == "copy" else entry.ref
        url = entry.canonical_url if target == entry.ref else None
        return Match(kind, target, url, story, best.jaccard, best.containment, members)

    # --- database ---------------------------------------------------------------------

    def batch(self, conn: Connection, *, lock: bool = True) -> IndexBatch:
        """A look-up over one batch in the caller's transaction (see :class:`IndexBatch`).

        With *lock* (the store step), the index lock is held until the transaction ends,
        so that two processes storing near-duplicates at the same time see each other.
        A SQLite connection reads the database through a memory map from then on
        (:func:`crawler.db.engine.map_for_lookups`).
        """
        from crawler.dedup.batch import IndexBatch

        map_for_lookups(conn)
        self.check_params(conn)
        if lock:
            sql.lock_index(conn)
        return IndexBatch(self, conn)

    def similar(self, conn: Connection, fp: Fingerprint, *, exclude_id: int | None = None) -> list[Candidate]:
        """Stored articles that pass the pre-filter, with their (exact) measures; read-only.

        For reports and benchmarks: :meth:`is_copy` and :meth:`is_story` classify each
        one as the store step does.
        """
        lookup = self.batch(conn, lock=False)
        lookup.prefetch([fp], exclude=[exclude_id])
        return lookup.candidates(0)

    def add_stored(self, conn: Connection, items: Sequence[tuple[int, Fingerprint]]) -> None:
        """Index stored articles as they are, without look-ups (building or rebuilding an index)."""
        self.check_params(conn)
        entries = [sql.IndexEntry(i, fp.signature.size, fp.signature.to_bytes(), fp.keys) for i, fp in items]
        sql.add_entries(conn, entries)

    def check_params(self, conn: Connection) -> None:
        key = conn.engine.url.render_as_string(hide_password=False)
        if key in self.checked:
            return
        stored = sql.ensure_params(conn, self.params)
        if stored != self.params:
            raise NearDuplicateConfigError(
                f"the near-duplicate index in this database was built with {stored}, not {self.params}: "
                "restore those settings or rebuild the index"
            )
        self.checked.add(key)
