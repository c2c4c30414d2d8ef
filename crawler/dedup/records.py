"""What near-duplicate matching works with: fingerprints of bodies, references to
articles (stored, or of the batch being stored), candidates and matches."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from crawler.dedup.minhash import Signature

__all__ = ["NO_MATCH", "Candidate", "Entry", "Fingerprint", "Match", "New", "Ref", "ref_order", "story_id_for"]


@dataclass(frozen=True, order=True)
class New:
    """An article of the batch being stored, not inserted yet: its position in the batch."""

    pos: int


Ref = int | New  # a stored article id, or an article of the current batch


def ref_order(ref: Ref) -> tuple[int, int]:
    """Sort key: stored articles (by id) were seen before those of the batch (by position)."""
    return (1, ref.pos) if isinstance(ref, New) else (0, ref)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What deduplication needs of a body; a pure function of it (picklable).

    ``keys`` are the LSH band keys and the opening-words key (empty when the body is
    shorter than one shingle: such bodies are matched by ``content_hash`` only);
    ``shingles`` its distinct shingle hashes, for exact checks against candidates.
    """

    folded: str
    content_hash: str | None
    signature: Signature
    keys: tuple[int, ...]
    shingles: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64), repr=False, compare=False)


@dataclass
class Entry:
    """An indexed article, stored or of the current batch, as candidates are compared."""

    ref: Ref
    signature: Signature
    canonical_url: str
    site: str | None = None
    source: str | None = None
    duplicate_of: Ref | None = None
    story_id: str | None = None
    folded: str | None = None  # loaded only for candidates that pass the pre-filter
    shingles: np.ndarray | None = field(default=None, repr=False)

    @property
    def root(self) -> Ref:
        """The first-seen copy this article belongs to (itself when it is an original)."""
        return self.duplicate_of if self.duplicate_of is not None else self.ref


@dataclass
class Candidate:
    """An indexed article similar to the incoming one, with the measures that decided."""

    entry: Entry
    jaccard: float
    containment: float  # share of the smaller body's shingles found in the larger
    small: int  # distinct shingles of the smaller body of the pair
    large: int
    shared: int = 0  # shingles the two bodies share (exact), or an estimate
    exact: bool = False  # measured on the bodies (True) or estimated from signatures

    @property
    def article_id(self) -> Ref:
        return self.entry.ref


@dataclass(frozen=True)
class Match:
    """What the index found for an incoming article.

    ``kind``: "copy" (``duplicate_of`` = ``target``, the first-seen copy), "story" (same
    story, different text: share ``story_id``) or None. ``story_members`` are articles
    (stored or of the batch) without a story id yet that join ``story_id``.
    """

    kind: Literal["copy", "story"] | None
    target: Ref | None = None
    target_url: str | None = None
    story_id: str | None = None
    similarity: float = 0.0
    containment: float = 0.0
    story_members: tuple[Ref, ...] = ()


NO_MATCH = Match(None)


def story_id_for(canonical_url: str) -> str:
    """The id of a story first told by the article at *canonical_url* (stable across databases)."""
    return hashlib.blake2b(canonical_url.encode("utf-8"), digest_size=8, person=b"crawler-story").hexdigest()
