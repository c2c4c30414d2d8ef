"""Near-duplicate index: MinHash LSH bands stored in the database.

The store step calls it inside its write transaction::

    index = NearDuplicateIndex()                       # thresholds are settings
    sig = index.signature(folded_body)                 # pure CPU, picklable result
    match = index.lookup(conn, sig, folded_body=folded_body)
    ... INSERT the article row -> article_id ...
    index.link(conn, article_id, match)                # duplicate_of / story_id
    if match.kind != "copy":
        index.add(conn, article_id, sig)

How a look-up works (cost independent of the index size):

1. keys: ``bands`` LSH keys of ``rows`` MinHash values each, plus one key for the
   body's opening words (aggregators that keep the start and cut or append the end
   share it even when their bodies differ in length a lot, where MinHash bands miss);
2. one indexed ``key IN (...)`` query gives the articles sharing a key;
3. their stored signatures pre-filter them (estimated Jaccard / containment);
4. survivors are checked exactly: their stored bodies are folded and shingled again
   and compared with the incoming body (when ``folded_body`` is given; otherwise the
   signature estimates decide);
5. **copy** when Jaccard >= ``copy_threshold``, or when one body holds at least
   ``containment_threshold`` of the other's shingles (trimmed last paragraph, added
   trailer) and the smaller has at least ``min_containment_shingles`` shingles and
   ``min_size_ratio`` of the larger's; **story** when Jaccard >= ``story_threshold``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.engine import Connection

from crawler.db import neardup as sql
from crawler.dedup.minhash import Shingler, Signature, band_keys, jaccard
from crawler.exceptions import CrawlerError
from crawler.text.arabic import fold

__all__ = ["Candidate", "Match", "NearDuplicateConfigError", "NearDuplicateIndex"]

# Pre-filter margin below the thresholds for signature estimates (about 3 standard
# errors of a 128-permutation estimate near J = 0.4).
_ESTIMATE_MARGIN = 0.15
_MAX_CANDIDATES = 64
_WORD_RE = re.compile(r"\w+")


class NearDuplicateConfigError(CrawlerError):
    """Raised by :class:`NearDuplicateIndex` when its parameters are invalid or differ from
    those the stored index was built with (the fix: rebuild the index, or restore them)."""

    exit_code = 2


@dataclass(frozen=True)
class Match:
    """What the index found for an incoming article.

    ``kind``: "copy" (set ``duplicate_of_id = article_id``, the first-seen copy), "story"
    (same story, different text: share ``story_id``) or None. ``story_id`` is the story
    the incoming article joins (the matched article's, or a new one named after it:
    ``story_members`` then lists the stored rows to give it too). ``similarity`` is the
    Jaccard similarity of the best candidate, ``containment`` its containment.
    """

    kind: Literal["copy", "story"] | None
    article_id: int | None = None
    story_id: str | None = None
    similarity: float = 0.0
    containment: float = 0.0
    story_members: tuple[int, ...] = ()


NO_MATCH = Match(None)


@dataclass
class Candidate:
    """A stored article similar to the incoming one, with the measures that decided."""

    row: sql.CandidateRow
    jaccard: float
    containment: float  # share of the smaller body's shingles found in the larger
    small: int  # distinct shingles of the smaller body of the pair
    large: int
    exact: bool = False  # measured on the bodies (True) or estimated from signatures

    @property
    def article_id(self) -> int:
        return self.row.article_id

    @property
    def root(self) -> int:
        """The first-seen copy this article belongs to (itself when it is an original)."""
        return self.row.duplicate_of_id or self.row.article_id


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
        num_perm: int = 128,
        bands: int = 32,
        rows: int = 2,
        shingle_words: int = 3,
        lead_words: int = 24,
        seed: int = 1,
        exact: bool = True,
    ) -> None:
        if not 0 < story_threshold <= copy_threshold <= 1:
            raise NearDuplicateConfigError(
                f"need 0 < story_threshold <= copy_threshold <= 1, got {story_threshold} and {copy_threshold}"
            )
        if not 0 < containment_threshold <= 1 or not 0 <= min_size_ratio <= 1:
            raise NearDuplicateConfigError("containment_threshold and min_size_ratio must be within (0, 1]")
        if bands < 1 or rows < 1 or bands * rows > num_perm:
            raise NearDuplicateConfigError(
                f"need bands * rows <= num_perm, got {bands} * {rows} > {num_perm}"
            )
        self.copy_threshold = copy_threshold
        self.story_threshold = story_threshold
        self.containment_threshold = containment_threshold
        self.min_containment_shingles = min_containment_shingles
        self.min_size_ratio = min_size_ratio
        self.bands = bands
        self.rows = rows
        self.lead_words = lead_words
        self.exact = exact
        self.shingler = Shingler(k=shingle_words, num_perm=num_perm, seed=seed)
        self.params = sql.IndexParams(
            scheme=f"{self.shingler.scheme}-lead{lead_words}", num_perm=num_perm, bands=bands, rows=rows
        )
        self._checked: set[str] = set()

    # --- pure CPU ---------------------------------------------------------------------

    def signature(self, folded_body: str) -> Signature:
        """MinHash signature of a folded body (:func:`crawler.text.arabic.fold`)."""
        return self.shingler.signature(folded_body)

    def keys(self, sig: Signature, folded_body: str | None = None) -> list[int]:
        """LSH keys of *sig*, plus the opening-words key when *folded_body* is given."""
        if sig.size == 0:
            return []
        keys = band_keys(sig, self.bands, self.rows)
        if folded_body:
            keys.append(self.lead_key(folded_body))
        return keys

    def lead_key(self, folded_body: str) -> int:
        """Key of the body's first ``lead_words`` words (punctuation ignored)."""
        words = _WORD_RE.findall(folded_body[: self.lead_words * 24])
        if len(words) < self.lead_words and len(folded_body) > self.lead_words * 24:
            words = _WORD_RE.findall(folded_body)
        head = " ".join(words[: self.lead_words]).encode("utf-8")
        digest = hashlib.blake2b(head, digest_size=8, person=b"crawler-lead").digest()
        return int.from_bytes(digest, "little", signed=True)

    # --- database ---------------------------------------------------------------------

    def lookup(
        self,
        conn: Connection,
        sig: Signature,
        *,
        folded_body: str | None = None,
        exclude_id: int | None = None,
    ) -> Match:
        """Find the stored copy or story of an incoming article (see the module docs).

        Takes the index lock until the caller's transaction ends, so that two processes
        storing near-duplicates at the same time see each other. Call :meth:`add` (and
        insert the article) in the same transaction.
        """
        self._check_params(conn)
        sql.lock_index(conn)
        return self._decide(self.similar(conn, sig, folded_body=folded_body, exclude_id=exclude_id))

    def similar(
        self,
        conn: Connection,
        sig: Signature,
        *,
        folded_body: str | None = None,
        exclude_id: int | None = None,
    ) -> list[Candidate]:
        """Stored articles that pass the pre-filter, with their (exact when possible) measures.

        Read-only and without the lock: for reports and benchmarks. :meth:`is_copy` and
        :meth:`is_story` classify each one as :meth:`lookup` does.
        """
        self._check_params(conn)
        if sig.size == 0:
            return []
        keys = self.keys(sig, folded_body)
        hits = sql.matching_ids(conn, keys, exclude_id=exclude_id, limit=_MAX_CANDIDATES)
        if not hits:
            return []
        rows = sql.candidate_rows(conn, [article_id for article_id, _ in hits])
        scored = [s for s in (self._estimate(sig, row) for row in rows) if s is not None]
        if self.exact and folded_body and scored:
            scored = self._verify(conn, folded_body, scored)
        return scored

    def add(
        self,
        conn: Connection,
        article_id: int,
        sig: Signature,
        *,
        folded_body: str | None = None,
        replace: bool = False,
    ) -> None:
        """Index a stored article (after its row is inserted, in the same transaction).

        Pass the same *folded_body* as to :meth:`lookup` so that the opening-words key
        is stored too; ``replace=True`` when re-indexing an article whose body changed.
        Empty signatures (bodies shorter than one shingle) are skipped.
        """
        self._check_params(conn)
        if sig.size == 0:
            if replace:
                sql.add_entry(conn, article_id, 0, b"", [], replace=True)
            return
        keys = self.keys(sig, folded_body)
        sql.add_entry(conn, article_id, sig.size, sig.to_bytes(), keys, replace=replace)

    def link(self, conn: Connection, article_id: int, match: Match) -> None:
        """Write the match into the article rows: ``duplicate_of_id`` and ``story_id``."""
        if match.kind is None:
            return
        sql.set_links(
            conn,
            article_id,
            duplicate_of_id=match.article_id if match.kind == "copy" else None,
            story_id=match.story_id,
            story_for=match.story_members,
        )

    # --- internals --------------------------------------------------------------------

    def _check_params(self, conn: Connection) -> None:
        key = conn.engine.url.render_as_string(hide_password=False)
        if key in self._checked:
            return
        stored = sql.ensure_params(conn, self.params)
        if stored != self.params:
            raise NearDuplicateConfigError(
                f"the near-duplicate index in this database was built with {stored}, not {self.params}: "
                "restore those settings or rebuild the index"
            )
        self._checked.add(key)

    def _estimate(self, sig: Signature, row: sql.CandidateRow) -> Candidate | None:
        other = Signature.from_bytes(row.signature, row.size)
        j = sig.jaccard(other)
        small, large = min(sig.size, row.size), max(sig.size, row.size)
        # |A & B| = J / (1 + J) * (|A| + |B|)
        containment = min(1.0, j * (sig.size + row.size) / ((1 + j) * small)) if small else 0.0
        scored = Candidate(row, j, containment, small, large)
        if j >= self.story_threshold - _ESTIMATE_MARGIN:
            return scored
        if containment >= self.containment_threshold - 2 * _ESTIMATE_MARGIN and self._containment_sizes_ok(
            scored
        ):
            return scored
        return None

    def _verify(self, conn: Connection, folded_body: str, scored: list[Candidate]) -> list[Candidate]:
        mine = self.shingler.shingles(folded_body)
        bodies = sql.article_bodies(conn, [s.row.article_id for s in scored])
        for s in scored:
            theirs = self.shingler.shingles(fold(bodies.get(s.row.article_id, "")))
            s.jaccard, s.containment = jaccard(mine, theirs)
            s.small, s.large = sorted((len(mine), len(theirs)))
            s.exact = True
        return scored

    def _containment_sizes_ok(self, s: Candidate) -> bool:
        return s.small >= self.min_containment_shingles and s.small >= self.min_size_ratio * s.large

    def is_story(self, s: Candidate) -> bool:
        return s.jaccard >= self.story_threshold

    def is_copy(self, s: Candidate) -> bool:
        if s.jaccard >= self.copy_threshold:
            return True
        return s.containment >= self.containment_threshold and self._containment_sizes_ok(s)

    def _decide(self, scored: list[Candidate]) -> Match:
        copies = [s for s in scored if self.is_copy(s)]
        if copies:
            best = max(copies, key=lambda s: (s.jaccard, s.containment))
            root = min(s.root for s in copies)  # the first-seen copy
            return self._match("copy", root, best, scored)
        stories = [s for s in scored if self.is_story(s)]
        if stories:
            best = max(stories, key=lambda s: (s.jaccard, -s.row.article_id))
            return self._match("story", best.root, best, scored)
        return NO_MATCH

    def _match(
        self, kind: Literal["copy", "story"], target: int, best: Candidate, scored: list[Candidate]
    ) -> Match:
        story = best.row.story_id
        members: tuple[int, ...] = ()
        if story is None:
            story = str(best.root)
            members = tuple(sorted({best.root, best.row.article_id}))
        return Match(kind, target, story, best.jaccard, best.containment, members)
