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
from crawler.db.store import store_batch
from crawler.dedup.config import Dedup
from crawler.dedup.hashing import folded_hash
from crawler.dedup.minhash import band_keys, word_hashes
from crawler.dedup.urls import canonicalize
from crawler.items import Article
from crawler.text.arabic import display, fold

from .corpus import BenchArticle

STAGES = ("canonicalize", "display", "fingerprint", "lock", "prefetch", "resolve", "write", "commit")


def rss_mib(kind: str = "RssAnon") -> float:
    """Resident memory of this process in MiB: ``RssAnon`` (its own memory) or ``RssFile``
    (file pages mapped in, e.g. SQLite's memory-mapped database: the OS page cache)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(kind + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _item(a: BenchArticle, url: str, body: str, now: str) -> Article:
    return Article(url=a.url, canonical_url=url, site=a.site, title=a.title, body=body, fetched_at=now)


class Timer:
    """Wall and CPU seconds of this process, accumulated over several stretches."""

    def __init__(self) -> None:
        self.wall = 0.0
        self.cpu = 0.0

    def __enter__(self) -> Timer:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall += time.perf_counter() - self._wall
        self.cpu += time.process_time() - self._cpu


def dedup_batch(
    engine: Engine, chunk: list[BenchArticle], dedup: Dedup, stages: dict[str, float], outcomes: Counter[str]
) -> None:
    """The store step's whole path for one batch, stage by stage."""
    now = datetime.now(UTC).isoformat()
    clock = time.process_time  # CPU seconds: what this path costs whatever the machine's load
    t0 = clock()
    urls = [canonicalize(a.url) for a in chunk]
    t1 = clock()
    bodies = [display(a.body) for a in chunk]
    t2 = clock()
    prints = dedup.fingerprints(bodies)
    t3 = clock()
    items = [_item(a, url, b, now) for a, url, b in zip(chunk, urls, bodies, strict=True)]
    with engine.begin() as conn:
        for o in store_batch(conn, items, prints, dedup, timings=stages):
            outcomes[o.status] += 1
        t4 = clock()
    stages["commit cpu"] += clock() - t4
    stages["canonicalize cpu"] += t1 - t0
    stages["display cpu"] += t2 - t1
    stages["fingerprint cpu"] += t3 - t2


def insert_batch(engine: Engine, chunk: list[BenchArticle]) -> None:
    """The same rows written the same way (one transaction, one executemany per batch),
    without any deduplication: no canonical URLs, folding, hashing or index."""
    now = datetime.now(UTC)
    rows = [
        {"canonical_url": a.url, "url": a.url, "site": a.site, "title": a.title, "body": a.body, "authors": [],
         "tags": [], "read_also": [], "related": [], "fetched_at": now, "first_seen_at": now, "version": 1}
        for a in chunk
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(ArticleRow.__table__), rows)


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


def report(engine: Engine, baseline: Engine, articles: list[BenchArticle], *, label: str, batch: int = 50) -> None:
    """Batches alternate between the dedup path (into *engine*) and the insert-only
    baseline (into *baseline*, another empty database), so both see the same machine load."""
    print(
        f"\n== speed [{label}]: canonical URL + display + fold + hash + MinHash + store step "
        f"(exact/near look-up, insert, index), batches of {batch}"
    )
    dedup = Dedup()
    rss_before = rss_mib()
    stages: dict[str, float] = defaultdict(float)
    outcomes: Counter[str] = Counter()
    path, base = Timer(), Timer()
    for start in range(0, len(articles), batch):
        chunk = articles[start : start + batch]
        with base:
            insert_batch(baseline, chunk)
        with path:
            dedup_batch(engine, chunk, dedup, stages, outcomes)
    n = len(articles)
    print(f"  {n} articles: {dict(outcomes)}")
    print(f"  whole dedup path:  {n / path.wall:7,.0f} articles/s wall, {n / path.cpu:7,.0f} per CPU-second")
    print(f"  insert-only:       {n / base.wall:7,.0f} articles/s wall, {n / base.cpu:7,.0f} per CPU-second")
    print(f"  dedup path / insert-only: {path.wall / base.wall:.2f}x the wall time, {path.cpu / base.cpu:.2f}x the CPU")
    if label != "sqlite":
        print("  (CPU seconds are this process's only: the database server's work is not counted)")
    print("  CPU time per article, by stage:")
    for name in STAGES:
        print(f"    {name:14s} {stages.get(name + ' cpu', 0.0) / n * 1e6:7.0f} us")
    split = fingerprint_split(articles, dedup)
    print("  fingerprint, by part: " + ", ".join(f"{k} {v * 1e6:.0f} us" for k, v in split.items()))
    print(
        f"  memory: anonymous RSS {rss_before:.0f} MiB before, {rss_mib():.0f} MiB after "
        f"(+ {rss_mib('RssFile'):.0f} MiB of mapped files); "
        f"peak RSS of the process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
