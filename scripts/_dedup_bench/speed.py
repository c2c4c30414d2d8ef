"""Articles per second through the whole dedup path (the store step), against an
insert-only baseline in the same run, with the cost of each stage."""

from __future__ import annotations

import resource
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from crawler.db.models import ArticleRow
from crawler.db.store import Dedup, store_batch
from crawler.dedup.hashing import folded_hash
from crawler.dedup.minhash import band_keys, word_hashes
from crawler.dedup.urls import canonicalize
from crawler.items import Article
from crawler.text.arabic import display, fold

from .corpus import BenchArticle

STAGES = ("canonicalize", "display", "fingerprint", "lock", "prefetch", "resolve", "write", "commit")


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def _item(a: BenchArticle, url: str, body: str, now: str) -> Article:
    return Article(url=a.url, canonical_url=url, site=a.site, title=a.title, body=body, fetched_at=now)


def dedup_path(
    engine: Engine, articles: list[BenchArticle], dedup: Dedup, batch: int
) -> tuple[float, dict[str, float], Counter[str]]:
    """The store step's whole path, batch by batch; returns (seconds, stage seconds, outcomes)."""
    stages: dict[str, float] = defaultdict(float)
    outcomes: Counter[str] = Counter()
    now = datetime.now(UTC).isoformat()
    started = time.perf_counter()
    for start in range(0, len(articles), batch):
        items, prints = [], []
        for a in articles[start : start + batch]:
            t0 = time.perf_counter()
            url = canonicalize(a.url)
            t1 = time.perf_counter()
            body = display(a.body)
            t2 = time.perf_counter()
            prints.append(dedup.fingerprint(body))
            t3 = time.perf_counter()
            items.append(_item(a, url, body, now))
            stages["canonicalize"] += t1 - t0
            stages["display"] += t2 - t1
            stages["fingerprint"] += t3 - t2
        with engine.begin() as conn:
            for o in store_batch(conn, items, prints, dedup, timings=stages):
                outcomes[o.status] += 1
            t4 = time.perf_counter()
        stages["commit"] += time.perf_counter() - t4
    return time.perf_counter() - started, stages, outcomes


def fingerprint_split(articles: list[BenchArticle], dedup: Dedup, sample: int = 3000) -> dict[str, float]:
    """Seconds per article of each part of :meth:`Dedup.fingerprint` (outside the timed path)."""
    index = dedup.index
    bodies = [display(a.body) for a in articles[:sample]]
    t0 = time.perf_counter()
    folded = [fold(b) for b in bodies]
    t1 = time.perf_counter()
    for f in folded:
        folded_hash(f)
    t2 = time.perf_counter()
    words = [word_hashes(f) for f in folded]
    t3 = time.perf_counter()
    shingles = [index.shingler.shingles_of_words(w) for w in words]
    t4 = time.perf_counter()
    sigs = [index.shingler.signature_of_shingles(s) for s in shingles]
    t5 = time.perf_counter()
    for sig in sigs:
        band_keys(sig, index.bands, index.rows)
    t6 = time.perf_counter()
    n = len(bodies)
    return {"fold": (t1 - t0) / n, "sha256": (t2 - t1) / n, "word hashes": (t3 - t2) / n,
            "shingles": (t4 - t3) / n, "minhash": (t5 - t4) / n, "band keys": (t6 - t5) / n}  # fmt: skip


def insert_only(engine: Engine, articles: list[BenchArticle], batch: int) -> float:
    """The same rows, written the same way (one transaction and one executemany per batch),
    without any deduplication: w3lib-free, fold-free, index-free."""
    now = datetime.now(UTC)
    table = ArticleRow.__table__
    started = time.perf_counter()
    for start in range(0, len(articles), batch):
        rows = [
            {
                "canonical_url": "b:" + a.canonical, "url": a.url, "site": a.site, "title": a.title, "body": a.body,
                "authors": [], "tags": [], "read_also": [], "related": [], "fetched_at": now, "first_seen_at": now,
                "version": 1,
            }
            for a in articles[start : start + batch]
        ]  # fmt: skip
        with engine.begin() as conn:
            conn.execute(insert(table), rows)
    return time.perf_counter() - started


def report(engine: Engine, articles: list[BenchArticle], *, label: str, batch: int = 50) -> None:
    print(
        f"\n== speed [{label}]: canonical URL + display + fold + hash + MinHash + store step "
        f"(exact/near look-up, insert, index), batches of {batch}"
    )
    dedup = Dedup()
    rss_before = rss_mib()
    base = insert_only(engine, articles, batch)
    elapsed, stages, outcomes = dedup_path(engine, articles, dedup, batch)
    n = len(articles)
    print(f"  {n} articles in {elapsed:.1f} s: {n / elapsed:,.0f} articles/s  ({dict(outcomes)})")
    print(f"  baseline insert-only (same rows, same batches): {n / base:,.0f} articles/s")
    print(f"  whole dedup path / insert-only baseline: {elapsed / base:.2f}x the time")
    for name in STAGES:
        print(f"    {name:14s} {stages.get(name, 0.0) / n * 1e6:7.0f} us/article")
    split = fingerprint_split(articles, dedup)
    print("  fingerprint, by part: " + ", ".join(f"{k} {v * 1e6:.0f} us" for k, v in split.items()))
    print(
        f"  memory: RSS {rss_before:.0f} MiB before, {rss_mib():.0f} MiB after; "
        f"peak RSS of the process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
