"""Look-up time and memory as the index grows (synthetic signatures, real look-ups).

Synthetic articles are recombinations of ten random corpus sentences, so that the
index holds real Arabic phrase statistics (and the chance collisions on LSH keys that
come with them), not uniform random numbers that never collide. The shingles of a
recombined article are the union of its sentences' shingles, so its MinHash
signature is the element-wise minimum of theirs: a million signatures cost seconds.

At each size, 500 real corpus articles are looked up in batches of 50 exactly as the
store step does (:meth:`IndexBatch.prefetch` + :meth:`IndexBatch.match`, exact checks
included) and rolled back; then added (signature + keys rows) and rolled back.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import insert
from sqlalchemy.engine import Connection

from crawler.db.models import ArticleRow
from crawler.db.neardup import IndexEntry, add_entries, analyze_index
from crawler.dedup.minhash import band_keys_many
from crawler.dedup.neardup import Fingerprint, NearDuplicateIndex

from .corpus import BenchArticle, fresh_database
from .perturb import sentences
from .speed import rss_mib

_SENTENCES_PER_ARTICLE = 10
_STEP = 20_000


class SentencePool:
    """MinHash signatures and shingle counts of corpus sentences."""

    def __init__(self, index: NearDuplicateIndex, articles: list[BenchArticle]) -> None:
        texts = [s for a in articles for s in sentences(a.body) if len(s.split()) >= 4]
        prints = index.fingerprints(texts)
        self.values = np.stack([fp.signature.values for fp in prints])
        self.sizes = np.array([fp.signature.size for fp in prints])

    def synthetic(self, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """(signatures, sizes) of *count* recombined articles."""
        picks = rng.integers(0, len(self.values), size=(count, _SENTENCES_PER_ARTICLE))
        return self.values[picks].min(axis=1), self.sizes[picks].sum(axis=1)


def _articles(conn: Connection, ids: list[int]) -> None:
    now = datetime.now(UTC)
    conn.execute(
        insert(ArticleRow.__table__),
        [
            {"id": i, "canonical_url": f"https://synthetic.invalid/{i}", "url": "", "authors": [], "tags": [],
             "read_also": [], "related": [], "fetched_at": now, "first_seen_at": now, "version": 1}
            for i in ids
        ],
    )  # fmt: skip


def _fill(
    conn: Connection, start: int, stop: int, index: NearDuplicateIndex, pool: SentencePool, rng: np.random.Generator
) -> None:
    ids = list(range(start + 1, stop + 1))
    _articles(conn, ids)
    values, sizes = pool.synthetic(len(ids), rng)
    keys = band_keys_many(values, index.bands, index.rows)
    lead = rng.integers(-(2**63), 2**63 - 1, size=(len(ids), 1), dtype=np.int64)  # openings never collide
    keys = np.concatenate([keys, lead], axis=1)
    add_entries(
        conn,
        [IndexEntry(i, int(sizes[k]), values[k].astype("<u4").tobytes(), keys[k].tolist()) for k, i in enumerate(ids)],
    )


def _probe(conn: Connection, index: NearDuplicateIndex, prints: list[Fingerprint]) -> dict[str, float]:
    """Per article: wall and CPU seconds to look up *prints* and to add them; candidates measured."""
    out = dict.fromkeys(("lookup", "lookup cpu", "add", "add cpu", "candidates"), 0.0)
    next_id = 10**12
    for start in range(0, len(prints), 50):
        chunk = prints[start : start + 50]
        trans = conn.begin()
        t0, c0 = time.perf_counter(), time.process_time()
        lookup = index.batch(conn, lock=False)
        lookup.prefetch(chunk)
        for pos in range(len(chunk)):
            lookup.match(pos)
        t1, c1 = time.perf_counter(), time.process_time()
        out["candidates"] += sum(len(lookup.candidates(pos)) for pos in range(len(chunk)))
        ids = list(range(next_id, next_id + len(chunk)))
        next_id += len(chunk)
        _articles(conn, ids)  # the rows the store step would have inserted
        t2, c2 = time.perf_counter(), time.process_time()
        index.add_stored(conn, list(zip(ids, chunk, strict=True)))
        t3, c3 = time.perf_counter(), time.process_time()
        trans.rollback()
        out["lookup"] += t1 - t0
        out["lookup cpu"] += c1 - c0
        out["add"] += t3 - t2
        out["add cpu"] += c3 - c2
    return {k: v / len(prints) for k, v in out.items()}


def _median_probe(conn: Connection, index: NearDuplicateIndex, prints: list[Fingerprint]) -> dict[str, float]:
    """:func:`_probe` after a warm-up round, median of five rounds (the machine is shared)."""
    _probe(conn, index, prints)
    rounds = [_probe(conn, index, prints) for _ in range(5)]
    return {k: float(np.median([r[k] for r in rounds])) for k in rounds[0]}


def report(url: str, articles: list[BenchArticle], *, maximum: int, label: str) -> None:
    print(f"\n== growth [{label}]: look-up time per article as the index grows (synthetic signatures)")
    index = NearDuplicateIndex()
    rng = np.random.default_rng(7)
    started = time.perf_counter()
    pool = SentencePool(index, articles[500:])
    print(
        f"  {len(pool.sizes):,} sentences of {len(articles) - 500:,} corpus articles, recombined ten at a time; "
        f"probes: the other 500 ({time.perf_counter() - started:.0f} s)"
    )
    probes = index.fingerprints([a.body for a in articles[:500]])
    checkpoints = [n for n in (10_000, 100_000, 1_000_000, 3_000_000) if n <= maximum]
    results = []
    with fresh_database(url) as engine:
        size = 0
        for target in checkpoints:
            started = time.perf_counter()
            while size < target:
                step = min(_STEP, target - size)
                with engine.begin() as conn:
                    _fill(conn, size, size + step, index, pool, rng)
                size += step
            fill = time.perf_counter() - started
            analyze_index(engine)  # what autovacuum does after such a bulk load
            with engine.connect() as conn:
                m = _median_probe(conn, index, probes)
            results.append((target, m))
            print(
                f"  {target:>9,} stored: look-up {m['lookup'] * 1e6:5.0f} us/article "
                f"({m['lookup cpu'] * 1e6:4.0f} CPU), "
                f"add {m['add'] * 1e6:5.0f} us ({m['add cpu'] * 1e6:4.0f} CPU), {m['candidates']:.2f} candidates "
                f"measured; anonymous RSS {rss_mib():4.0f} MiB, mapped files {rss_mib('RssFile'):4.0f} MiB "
                f"(filled in {fill:.0f} s)"
            )
    if len(results) > 1:
        (first, a), (last, b) = results[0], results[-1]
        print(
            f"  look-up time at {last:,} / at {first:,}: {b['lookup'] / a['lookup']:.2f}x wall, "
            f"{b['lookup cpu'] / a['lookup cpu']:.2f}x CPU"
        )
