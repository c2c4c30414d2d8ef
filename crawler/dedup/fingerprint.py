"""Fingerprints of bodies for near-duplicate detection: pure CPU, no database.

:class:`Fingerprinter` is the part of :class:`crawler.dedup.neardup.NearDuplicateIndex`
that needs neither SQL nor SQLAlchemy, so that the extraction workers can compute the
fingerprint of each article they extract (see :mod:`crawler.dedup.prints`) without
importing the database layer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from crawler.dedup.hashing import folded_hash
from crawler.dedup.minhash import Shingler, Signature, band_keys_many, lead_key, word_hashes_many
from crawler.dedup.records import Fingerprint
from crawler.text.arabic import fold

__all__ = ["Fingerprinter", "SchemeKey"]

#: What a fingerprint depends on besides the body: (scheme, num_perm, bands, rows). Two
#: fingerprinters with equal keys make equal fingerprints of equal bodies.
SchemeKey = tuple[str, int, int, int]


class Fingerprinter:
    """Folds a body and computes its content hash, MinHash signature, LSH keys and shingles."""

    def __init__(
        self,
        *,
        num_perm: int = 64,
        bands: int = 20,
        rows: int = 3,
        shingle_words: int = 3,
        lead_words: int = 24,
        seed: int = 1,
    ) -> None:
        self.bands = bands
        self.rows = rows
        self.lead_words = lead_words
        self.shingler = Shingler(k=shingle_words, num_perm=num_perm, seed=seed)
        self.scheme = f"{self.shingler.scheme}-lead{lead_words}"
        self.key: SchemeKey = (self.scheme, num_perm, bands, rows)

    def fingerprint(self, body: str | None) -> Fingerprint:
        """Fold *body* (display form) and compute its content hash, signature and keys."""
        return self.fingerprints([body])[0]

    def fingerprints(self, bodies: Sequence[str | None]) -> list[Fingerprint]:
        """:meth:`fingerprint` of several bodies, computed together (a few array operations
        for the whole batch rather than per body)."""
        folded = [fold(b or "") for b in bodies]
        words, word_owner = word_hashes_many(folded)
        shingles, owner = self.shingler.shingles_many(words, word_owner)
        values, sizes = self.shingler.signatures_many(shingles, owner, len(folded))
        keys = band_keys_many(values, self.bands, self.rows).tolist()
        word_bounds = np.searchsorted(word_owner, np.arange(len(folded) + 1))
        shingle_bounds = np.searchsorted(owner, np.arange(len(folded) + 1))
        prints = []
        for i, text in enumerate(folded):
            size = int(sizes[i])
            text_keys: tuple[int, ...] = ()
            if size:
                text_keys = tuple(keys[i])
                own_words = words[word_bounds[i] : word_bounds[i + 1]]
                if self.lead_words and len(own_words) >= self.lead_words:
                    text_keys += (lead_key(own_words, self.lead_words),)
            own_shingles = shingles[shingle_bounds[i] : shingle_bounds[i + 1]]
            prints.append(Fingerprint(text, folded_hash(text), Signature(values[i], size), text_keys, own_shingles))
        return prints
