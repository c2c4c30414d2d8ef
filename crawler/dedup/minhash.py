"""Word shingles and MinHash signatures of a folded body (pure CPU, no database).

Our own numpy MinHash rather than datasketch's: on this project's corpus it is several
times faster per article (``scripts/bench_dedup.py --sections minhash`` prints both),
because

- words are found and hashed for the whole text at once with array operations over
  its code points (no Python-level loop per word, no per-shingle SHA-1);
- the k-word shingle hashes are combined with vectorised arithmetic;
- the permutations are multiply-add hashes over uint64 (``(a*x + b) mod 2**64``, top
  32 bits), whose minimum estimates Jaccard similarity with the usual
  sqrt(J(1-J)/num_perm) error (checked by the benchmark against exact Jaccard).

A *word* is a run of characters that Python's ``\\w`` matches in the Basic
Multilingual Plane (letters, digits, underscore); everything else separates words.
Everything is seeded and stable across processes, runs and machines: signatures
stored in the database by one cron run are compared with signatures computed by the
next. :data:`SCHEME` names the scheme; the index refuses an index built with another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "SCHEME",
    "Shingler",
    "Signature",
    "band_keys",
    "band_keys_many",
    "jaccard",
    "lead_key",
    "shingle_set",
    "word_hashes",
    "word_hashes_many",
]

#: Version of the shingling + hashing scheme; stored with the index.
SCHEME = "w{k}-cp64-mas64-s{seed}"

_BMP = 0x10000
# Word characters of the BMP, as ``re``'s ``\w`` defines them (str.isalnum() or "_").
_WORD_CHARS = np.array([chr(c).isalnum() or c == 0x5F for c in range(_BMP)], dtype=bool)
_K_CHAR = np.uint64(0x9E3779B97F4A7C15)
_K_POS = np.uint64(0xD1B54A32D192ED03)
_SHIFT32 = np.uint64(32)
_CHUNK_SHINGLES = 25_000  # x num_perm x 8 bytes: a 13 MB array at 64 permutations


def _splitmix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def word_hashes(text: str) -> np.ndarray:
    """64-bit hashes of the words of *text*, in order (equal words, equal hashes)."""
    return word_hashes_many([text])[0]


def word_hashes_many(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`word_hashes` of several texts in one pass: (hashes, text index of each word).

    Each character is mixed with its position in its word and the mixed values of a
    word are summed, then mixed again: a few array operations over all the texts.
    """
    joined = "\x00".join(texts)  # NUL is not a word character: words never span two texts
    cp = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    is_word = _WORD_CHARS[np.minimum(cp, _BMP - 1)] & (cp < _BMP)
    pos = np.flatnonzero(is_word)
    if len(pos) == 0:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    first = np.empty(len(pos), dtype=bool)  # does this word character start a word?
    first[0] = True
    np.not_equal(pos[1:], pos[:-1] + 1, out=first[1:])
    starts = np.flatnonzero(first)
    in_word = pos - pos[starts][np.cumsum(first) - 1]
    with np.errstate(over="ignore"):
        mixed = _splitmix(cp[pos].astype(np.uint64) * _K_CHAR + in_word.astype(np.uint64) * _K_POS)
        hashes = _splitmix(np.add.reduceat(mixed, starts))
    text_starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    return hashes, np.searchsorted(text_starts, pos[starts], side="right") - 1


@dataclass(frozen=True, slots=True)
class Signature:
    """A MinHash signature: ``num_perm`` uint32 minima, and the number of distinct shingles.

    Picklable and small (4 bytes per permutation): compute it in a worker process and
    hand it to the store step. ``size == 0`` means the body had fewer words than one
    shingle and takes no part in near-duplicate matching.
    """

    values: np.ndarray  # uint32, shape (num_perm,)
    size: int

    def to_bytes(self) -> bytes:
        return self.values.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, size: int) -> Signature:
        return cls(np.frombuffer(data, dtype="<u4").astype(np.uint32), size)

    def jaccard(self, other: Signature) -> float:
        """Estimated Jaccard similarity (share of equal minima)."""
        if self.size == 0 or other.size == 0:
            return 0.0
        return float(np.count_nonzero(self.values == other.values)) / len(self.values)


class Shingler:
    """Turns folded text into shingle hashes and MinHash signatures.

    *k* words per shingle; *num_perm* permutations; *seed* fixes the permutations.
    """

    def __init__(self, k: int = 3, num_perm: int = 128, seed: int = 1) -> None:
        if k < 1 or num_perm < 8:
            raise ValueError(f"need k >= 1 and num_perm >= 8, got k={k}, num_perm={num_perm}")
        self.k = k
        self.num_perm = num_perm
        self.seed = seed
        self.scheme = SCHEME.format(k=k, seed=seed)
        rng = np.random.Generator(np.random.PCG64(seed))
        self._mult = rng.integers(1, 2**63, size=k, dtype=np.uint64) | np.uint64(1)
        self._a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) << np.uint64(1) | np.uint64(1)
        self._b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64) << np.uint64(1)

    def shingles(self, folded: str) -> np.ndarray:
        """Sorted distinct 64-bit hashes of the k-word shingles of *folded* text."""
        return self.shingles_of_words(word_hashes(folded))

    def shingles_of_words(self, words: np.ndarray) -> np.ndarray:
        """:meth:`shingles` from the :func:`word_hashes` of a text."""
        shingles, _ = self.shingles_many(words, np.zeros(len(words), dtype=np.int64))
        return shingles

    def shingles_many(self, words: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Shingles of several texts (:func:`word_hashes_many`): (hashes, text index), sorted by
        text then hash, distinct within each text."""
        n = len(words) - self.k + 1
        if n <= 0:
            return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
        with np.errstate(over="ignore"):
            acc = words[:n] * self._mult[0]
            for i in range(1, self.k):
                acc = acc + words[i : n + i] * self._mult[i]
            acc = _splitmix(acc)
        within = docs[:n] == docs[self.k - 1 :]  # the k words belong to one text
        acc, owner = acc[within], docs[:n][within]
        order = np.lexsort((acc, owner))
        acc, owner = acc[order], owner[order]
        distinct = np.ones(len(acc), dtype=bool)
        distinct[1:] = (acc[1:] != acc[:-1]) | (owner[1:] != owner[:-1])
        return acc[distinct], owner[distinct]

    def signature_of_shingles(self, shingles: np.ndarray) -> Signature:
        values, sizes = self.signatures_many(shingles, np.zeros(len(shingles), dtype=np.int64), 1)
        return Signature(values[0], int(sizes[0]))

    def signatures_many(self, shingles: np.ndarray, owner: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        """MinHash values (``count`` x ``num_perm`` uint32) and shingle counts of *count* texts,
        from :meth:`shingles_many` (sorted by owner). A text without shingles gets all-ones."""
        sizes = np.bincount(owner, minlength=count)
        values = np.full((count, self.num_perm), 0xFFFFFFFF, dtype=np.uint32)
        bounds = np.concatenate(([0], np.cumsum(sizes)))
        done = 0
        while done < count:  # chunks of texts, ~100k shingles each, to bound memory
            stop = int(np.searchsorted(bounds, bounds[done] + _CHUNK_SHINGLES, side="right")) - 1
            stop = min(max(stop, done + 1), count)
            lo, hi = bounds[done], bounds[stop]
            nonempty = np.flatnonzero(sizes[done:stop]) + done
            if hi > lo:
                with np.errstate(over="ignore"):
                    permuted = np.multiply.outer(shingles[lo:hi], self._a)
                    permuted += self._b
                minima = np.minimum.reduceat(permuted, bounds[nonempty] - lo, axis=0)
                # The minimum of the top 32 bits is the top 32 bits of the minimum.
                values[nonempty] = (minima >> _SHIFT32).astype(np.uint32)
            done = stop
        return values, sizes

    def signature(self, folded: str) -> Signature:
        """MinHash signature of the folded text (see :func:`crawler.text.arabic.fold`)."""
        return self.signature_of_shingles(self.shingles(folded))


def band_keys(sig: Signature, bands: int, rows: int) -> list[int]:
    """One signed 64-bit key per LSH band (band number mixed in), for a BIGINT column."""
    keys: list[int] = band_keys_many(sig.values[None, :], bands, rows)[0].tolist()
    return keys


def band_keys_many(values: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """:func:`band_keys` of a (texts x num_perm) matrix of MinHash values: int64 (texts x bands)."""
    if bands * rows > values.shape[1]:
        raise ValueError(f"bands*rows = {bands * rows} exceeds num_perm = {values.shape[1]}")
    grid = values[:, : bands * rows].astype(np.uint64).reshape(len(values), bands, rows)
    with np.errstate(over="ignore"):
        acc = np.broadcast_to(np.arange(1, bands + 1, dtype=np.uint64) * _K_CHAR, grid.shape[:2])
        for col in range(rows):
            acc = _splitmix(acc ^ (grid[:, :, col] + np.uint64(col + 1) * _K_POS))
    return acc.view(np.int64)


def lead_key(words: np.ndarray, count: int) -> int:
    """A signed 64-bit key of the first *count* words (of :func:`word_hashes`), position-weighted."""
    head = words[:count]
    with np.errstate(over="ignore"):
        weights = _splitmix(np.arange(1, len(head) + 1, dtype=np.uint64) * _K_POS)
        total = np.add.reduce(head * weights, dtype=np.uint64) + np.uint64(len(head))
        return int(_splitmix(np.array([total], dtype=np.uint64)).view(np.int64)[0])


def shingle_set(shingler: Shingler, folded: str) -> frozenset[int]:
    """The shingles of *folded* as a Python set (for exact Jaccard checks)."""
    return frozenset(shingler.shingles(folded).tolist())


def jaccard(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Exact (Jaccard, containment of the smaller in the larger) of two sorted shingle arrays."""
    if len(a) == 0 or len(b) == 0:
        return 0.0, 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter), inter / min(len(a), len(b))
