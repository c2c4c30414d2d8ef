"""Look-up time and memory as the index grows (synthetic signatures, SQLite)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import insert

from crawler.db.models import ArticleRow, NearDupBand, NearDupSignature
from crawler.dedup.neardup import NearDuplicateIndex
from crawler.text.arabic import fold

from .corpus import BenchArticle, fresh_database
from .speed import rss_mib


def _fill(conn, start: int, stop: int, index: NearDuplicateIndex, rng: np.random.Generator) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    n = stop - start
    ids = list(range(start + 1, stop + 1))
    conn.execute(
        insert(ArticleRow.__table__),
        [
            {
                "id": i,
                "canonical_url": f"https://synthetic.invalid/{i}",
                "url": "",
                "authors": [],
                "tags": [],
                "read_also": [],
                "related": [],
                "fetched_at": now,
                "first_seen_at": now,
                "version": 1,
            }
            for i in ids
        ],
    )
    sigs = rng.integers(0, 2**32, size=(n, index.shingler.num_perm), dtype=np.uint64).astype("<u4")
    conn.execute(
        insert(NearDupSignature.__table__),
        [{"article_id": i, "size": 200, "signature": sigs[k].tobytes()} for k, i in enumerate(ids)],
    )
    keys = rng.integers(-(2**63), 2**63 - 1, size=(n, index.bands + 1), dtype=np.int64)
    conn.execute(
        insert(NearDupBand.__table__),
        [{"key": int(key), "article_id": i} for k, i in enumerate(ids) for key in keys[k]],
    )


def report(url: str, articles: list[BenchArticle], *, maximum: int) -> None:
    print("\n== growth [sqlite]: look-up time per article as the index grows (synthetic signatures)")
    index = NearDuplicateIndex()
    rng = np.random.default_rng(7)
    probes = [(fold(a.body)) for a in articles[:500]]
    sigs = [index.signature(f) for f in probes]
    checkpoints = [n for n in (10_000, 100_000, 300_000, 1_000_000, 3_000_000) if n <= maximum]
    results = []
    with fresh_database(url) as engine:
        size = 0
        for target in checkpoints:
            started = time.perf_counter()
            while size < target:
                step = min(20_000, target - size)
                with engine.begin() as conn:
                    _fill(conn, size, size + step, index, rng)
                size += step
            fill = time.perf_counter() - started
            times = []
            for _round in range(2):  # the first round warms the page cache
                times = []
                for f, sig in zip(probes, sigs, strict=True):
                    with engine.connect() as conn:
                        t0 = time.perf_counter()
                        index.lookup(conn, sig, folded_body=f)
                        times.append(time.perf_counter() - t0)
                        conn.rollback()
            median = float(np.median(times)) * 1e6
            results.append((target, median))
            print(
                f"  {target:>9,} stored: lookup median {median:6.0f} us, p90 {np.percentile(times, 90) * 1e6:6.0f} us;"
                f" RSS {rss_mib():5.0f} MiB (filled in {fill:.0f} s)"
            )
    if len(results) > 1:
        print(f"  lookup time at {results[-1][0]:,} / at {results[0][0]:,}: {results[-1][1] / results[0][1]:.2f}x")
