"""One batch of look-ups against the near-duplicate index, with a few set-based queries.

:meth:`IndexBatch.prefetch` runs, for the whole batch, one query for the articles
sharing a key, one for their signatures and one for the bodies of those that pass
the signature pre-filter (checked exactly). :meth:`IndexBatch.match` then decides in
memory, against stored articles and against the articles of the batch registered
before (:meth:`IndexBatch.add`), so that two copies in one batch find each other.
:meth:`IndexBatch.flush` writes the new index entries with two ``executemany``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from crawler.db import neardup as sql
from crawler.dedup.minhash import Signature
from crawler.dedup.neardup import Candidate, Entry, Fingerprint, Match, New, Ref, ref_order

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from crawler.dedup.neardup import NearDuplicateIndex

__all__ = ["IndexBatch"]


class IndexBatch:
    """Look-ups and index additions of one batch, in the caller's transaction."""

    def __init__(self, index: NearDuplicateIndex, conn: Connection) -> None:
        self.index = index
        self.conn = conn
        self.prints: list[Fingerprint | None] = []
        self.entries: dict[Ref, Entry] = {}  # stored candidates and registered batch articles
        self._stored: list[list[Candidate]] = []  # per position: stored candidates, measured
        self._batch_keys: dict[int, list[New]] = defaultdict(list)
        self._adds: list[tuple[Ref, Fingerprint]] = []
        self._removes: list[int] = []
        # What the prefetch saw, for a commit-time check (:meth:`new_candidates`).
        self.looked_up: set[int] = set()  # the keys looked up
        self.seen: set[int] = set()  # the indexed articles holding one of them
        self._sharers: list[int] = []  # per position: how many of them hold one of its keys

    # --- look-up ----------------------------------------------------------------------

    def prefetch(self, prints: Sequence[Fingerprint | None], exclude: Sequence[int | None] = ()) -> None:
        """Find and measure the stored candidates of every article of the batch.

        *prints* are the batch's fingerprints in order (None: not to be looked up);
        ``exclude[pos]`` is a stored article that must not match itself (a re-fetch).
        """
        index = self.index
        self.prints = list(prints)
        excluded = list(exclude) + [None] * (len(self.prints) - len(exclude))
        hits_by_key: dict[int, list[int]] = defaultdict(list)
        self.looked_up = {k for fp in self.prints if fp for k in fp.keys}
        for key, article_id in sql.key_hits(self.conn, self.looked_up):
            hits_by_key[key].append(article_id)
            self.seen.add(article_id)
        wanted: list[list[int]] = []
        self._sharers = []
        for pos, fp in enumerate(self.prints):
            counts = Counter(a for k in (fp.keys if fp else ()) for a in hits_by_key.get(k, ()) if a != excluded[pos])
            self._sharers.append(len(counts))
            wanted.append([a for a, _ in sorted(counts.items(), key=lambda c: (-c[1], c[0]))[: index.max_candidates]])
        # The signatures of every article sharing a key, pre-filtered together (one array
        # operation per batch); the rows of those that pass only (at a large index, most
        # sharers are chance collisions).
        sharers = sql.signature_rows(self.conn, set().union(*wanted))
        column = {a: n for n, (a, _, _) in enumerate(sharers)}
        pairs = [(pos, column[a]) for pos, ids in enumerate(wanted) for a in ids if a in column]
        passed: list[list[tuple[int, Candidate]]] = [[] for _ in wanted]
        if pairs:
            values = np.frombuffer(b"".join(sig for _, _, sig in sharers), dtype="<u4").reshape(len(sharers), -1)
            sizes = np.array([size for _, size, _ in sharers])
            mine = np.stack([fp.signature.values if fp else values[0] for fp in self.prints])
            my_sizes = np.array([fp.signature.size if fp else 0 for fp in self.prints])
            at, col = np.array(pairs).T
            keep = index.prefilter(np.count_nonzero(mine[at] == values[col], axis=1), my_sizes[at], sizes[col])
            for pos, n in zip(at[keep].tolist(), col[keep].tolist(), strict=True):
                a, size, sig = sharers[n]
                fp = self.prints[pos]
                scored = index.estimate(fp.signature, Entry(a, Signature.from_bytes(sig, size), "")) if fp else None
                if scored is not None:
                    passed[pos].append((a, scored))
        signatures = {a: s.entry.signature for found in passed for a, s in found}
        for row in sql.candidate_rows(self.conn, signatures):
            self.entries[row.article_id] = Entry(
                row.article_id, signatures[row.article_id], row.canonical_url, row.site, row.source,
                row.duplicate_of_id, row.story_id,
            )  # fmt: skip
        self._stored = []
        for found in passed:
            for a, s in found:
                s.entry = self.entries.get(a, s.entry)  # one entry per article: its shingles are read once
            self._stored.append([s for a, s in found if a in self.entries])
        if index.exact:
            self._measure_stored()

    def _measure_stored(self) -> None:
        """Exact measures against stored candidates: their shingles come from the index's
        cache (keyed by id and signature, so a re-indexed body is never mistaken for its
        old version) or from their bodies, read in one query and shingled together."""
        needed: dict[int, tuple[int, bytes]] = {}
        for scored in self._stored:
            for s in scored:
                entry = s.entry
                if entry.shingles is None and isinstance(entry.ref, int):
                    key = (entry.ref, entry.signature.to_bytes())
                    if (hit := self.index.recall(key)) is not None:
                        entry.shingles = hit
                    else:
                        needed[entry.ref] = key
        if needed:
            bodies = sql.article_bodies(self.conn, needed)
            refs = list(needed)
            for ref, shingles in zip(refs, self.index.shingle_sets([bodies.get(r, "") for r in refs]), strict=True):
                self.entries[ref].shingles = shingles
                self.index.remember(needed[ref], shingles)
        for pos, scored in enumerate(self._stored):
            for s in scored:
                self.index.measure(s, self._own_shingles(pos), self._entry_shingles(s.entry))

    def candidates(self, pos: int) -> list[Candidate]:
        """Stored and earlier-registered articles of the batch similar to article *pos*."""
        fp = self.prints[pos]
        if fp is None or fp.signature.size == 0:
            return []
        found = list(self._stored[pos]) if pos < len(self._stored) else []
        counts = Counter(ref for k in fp.keys for ref in self._batch_keys.get(k, ()) if ref.pos != pos)
        for ref, _ in sorted(counts.items(), key=lambda c: (-c[1], c[0].pos))[: self.index.max_candidates]:
            scored = self.index.estimate(fp.signature, self.entries[ref])
            if scored is not None:
                if self.index.exact:
                    self.index.measure(scored, self._own_shingles(pos), self._entry_shingles(scored.entry))
                found.append(scored)
        return found

    def match(self, pos: int) -> Match:
        """The copy or story of article *pos* among stored articles and earlier batch articles."""
        return self.index.decide(self.candidates(pos))

    # --- additions --------------------------------------------------------------------

    def add(
        self,
        pos: int,
        *,
        ref: Ref | None = None,
        canonical_url: str,
        site: str | None = None,
        source: str | None = None,
        duplicate_of: Ref | None = None,
        story_id: str | None = None,
        replace: bool = False,
    ) -> None:
        """Index article *pos* (``ref``: its stored id when it has one, else ``New(pos)``).

        Later articles of the batch see it at once; it is written at :meth:`flush`.
        ``replace`` drops a stored article's previous entry first (its body changed).
        """
        fp = self.prints[pos]
        if fp is None:
            return
        ref = New(pos) if ref is None else ref
        if replace and isinstance(ref, int):
            self._removes.append(ref)
        if fp.signature.size == 0:
            return
        entry = Entry(ref, fp.signature, canonical_url, site, source, duplicate_of, story_id, fp.folded)
        entry.shingles = fp.shingles
        self.entries[ref] = entry
        if isinstance(ref, New):
            for key in fp.keys:
                self._batch_keys[key].append(ref)
        self._adds.append((ref, fp))

    def flush(self, ids: Mapping[New, int]) -> None:
        """Write the queued index changes; *ids* gives the inserted id of each new article."""
        if self._removes:
            sql.remove_entries(self.conn, self._removes)
        entries = []
        for ref, fp in self._adds:
            article_id = ids[ref] if isinstance(ref, New) else ref
            entries.append(sql.IndexEntry(article_id, fp.signature.size, fp.signature.to_bytes(), fp.keys))
        sql.add_entries(self.conn, entries)
        self._adds, self._removes = [], []

    def new_candidates(self, own: set[int]) -> set[int]:
        """Indexed articles other writers committed since the prefetch that could change one of
        this batch's decisions: they hold a key an article of the batch looked up (other than
        the articles the prefetch saw and *own*, the batch's own rows) and pass the signature
        pre-filter against that article, as they would have in :meth:`prefetch`.

        Articles that only share a key by chance do not count: at a large index most sharers
        are chance collisions, and on a site whose pages share a template (a weather bulletin,
        a market report) every article shares some keys with the others; counting them made
        concurrent writers store most batches twice. One exception keeps the check exact: an
        article whose sharers, with the new ones, exceed ``max_candidates`` (the prefetch
        keeps the sharers with the most keys in common, which a new one may displace).
        """
        hits = [(k, a) for k, a in sql.key_hits(self.conn, self.looked_up) if a not in self.seen and a not in own]
        if not hits:
            return set()
        holders: dict[int, list[int]] = defaultdict(list)
        for pos, fp in enumerate(self.prints):
            for key in fp.keys if fp else ():
                holders[key].append(pos)
        pairs = {(pos, a) for k, a in hits for pos in holders.get(k, ())}
        signatures = {
            a: Signature.from_bytes(sig, size) for a, size, sig in sql.signature_rows(self.conn, {a for _, a in pairs})
        }
        added = Counter(pos for pos, _ in pairs)
        found: set[int] = set()
        for pos, a in pairs:
            fp = self.prints[pos]
            assert fp is not None
            if (
                a not in signatures  # indexed without a signature: cannot judge, assume the worst
                or self._sharers[pos] + added[pos] > self.index.max_candidates
                or self.index.estimate(fp.signature, Entry(a, signatures[a], "")) is not None
            ):
                found.add(a)
        return found

    # --- internals --------------------------------------------------------------------

    def _own_shingles(self, pos: int) -> np.ndarray:
        fp = self.prints[pos]
        return fp.shingles if fp is not None else np.empty(0, dtype=np.uint64)

    def _entry_shingles(self, entry: Entry) -> np.ndarray:
        if entry.shingles is None:
            if isinstance(entry.ref, New):
                entry.shingles = self._own_shingles(entry.ref.pos)
            else:
                entry.shingles = self.index.shingles(entry.folded or "")
        return entry.shingles


def first_seen(refs: Sequence[Ref]) -> Ref:
    """The earliest of *refs* (stored before batch, lower id / position first)."""
    return min(refs, key=ref_order)
