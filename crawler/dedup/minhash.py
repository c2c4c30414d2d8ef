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

from dataclasses import dataclass

import numpy as np

__all__ = ["SCHEME", "Shingler", "Signature", "band_keys", "jaccard", "lead_key", "shingle_set", "word_hashes"]

#: Version of the shingling + hashing scheme; stored with the index.
SCHEME = "w{k}-cp64-mas64-s{seed}"

_BMP = 0x10000
# Word characters of the BMP, as ``re``'s ``\w`` defines them (str.isalnum() or "_").
_WORD_CHARS = np.array([chr(c).isalnum() or c == 0x5F for c in range(_BMP)], dtype=bool)
_K_CHAR = np.uint64(0x9E3779B97F4A7C15)
_K_POS = np.uint64(0xD1B54A32D192ED03)
_SHIFT32 = np.uint64(32)


def _splitmix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def word_hashes(text: str) -> np.ndarray:
    """64-bit hashes of the words of *text*, in order (equal words, equal hashes).

    Each character is mixed with its position in its word and the mixed values of a
    word are summed, then mixed again: one pass of array operations over the text.
    """
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    is_word = _WORD_CHARS[np.minimum(cp, _BMP - 1)] & (cp < _BMP)
    pos = np.flatnonzero(is_word)
    if len(pos) == 0:
        return np.empty(0, dtype=np.uint64)
    first = np.empty(len(pos), dtype=bool)  # does this word character start a word?
    first[0] = True
    np.not_equal(pos[1:], pos[:-1] + 1, out=first[1:])
    starts = np.flatnonzero(first)
    in_word = pos - pos[starts][np.cumsum(first) - 1]
    with np.errstate(over="ignore"):
        mixed = _splitmix(cp[pos].astype(np.uint64) * _K_CHAR + in_word.astype(np.uint64) * _K_POS)
        return _splitmix(np.add.reduceat(mixed, starts))


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
        if len(words) < self.k:
            return np.empty(0, dtype=np.uint64)
        n = len(words) - self.k + 1
        with np.errstate(over="ignore"):
            acc = words[:n] * self._mult[0]
            for i in range(1, self.k):
                acc = acc + words[i : n + i] * self._mult[i]
            return np.unique(_splitmix(acc))

    def signature_of_shingles(self, shingles: np.ndarray) -> Signature:
        if len(shingles) == 0:
            return Signature(np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32), 0)
        with np.errstate(over="ignore"):
            permuted = np.multiply.outer(shingles, self._a)
            permuted += self._b
        # The minimum of the top 32 bits is the top 32 bits of the minimum.
        minima = (permuted.min(axis=0) >> _SHIFT32).astype(np.uint32)
        return Signature(minima, len(shingles))

    def signature(self, folded: str) -> Signature:
        """MinHash signature of the folded text (see :func:`crawler.text.arabic.fold`)."""
        return self.signature_of_shingles(self.shingles(folded))


def band_keys(sig: Signature, bands: int, rows: int) -> list[int]:
    """One signed 64-bit key per LSH band (band number mixed in), for a BIGINT column."""
    if bands * rows > len(sig.values):
        raise ValueError(f"bands*rows = {bands * rows} exceeds num_perm = {len(sig.values)}")
    grid = sig.values[: bands * rows].astype(np.uint64).reshape(bands, rows)
    with np.errstate(over="ignore"):
        acc = np.arange(1, bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        for col in range(rows):
            acc = _splitmix(acc ^ (grid[:, col] + np.uint64(col + 1) * np.uint64(0xD1B54A32D192ED03)))
    keys: list[int] = acc.view(np.int64).tolist()
    return keys


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
