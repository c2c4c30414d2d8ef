"""Articles per second through the whole dedup path, against an insert-only baseline."""

from __future__ import annotations

import resource
import time
from collections import defaultdict

from sqlalchemy.engine import Engine
from w3lib.url import canonicalize_url

from crawler.dedup.hashing import folded_hash
from crawler.dedup.neardup import NearDuplicateIndex
from crawler.dedup.urls import canonicalize
from crawler.text.arabic import display, fold

from .corpus import BenchArticle, insert_article


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def report(engine: Engine, articles: list[BenchArticle], *, label: str, batch: int = 100) -> None:
    print(f"\n== speed [{label}]: canonical URL + display + fold + hash + MinHash + lookup + insert + add")
    index = NearDuplicateIndex()
    stages: dict[str, float] = defaultdict(float)
    rss_before = rss_mib()
    started = time.perf_counter()
    copies = 0
    for start in range(0, len(articles), batch):
        with engine.begin() as conn:
            for a in articles[start : start + batch]:
                t0 = time.perf_counter()
                url = canonicalize(a.url)
                t1 = time.perf_counter()
                body = display(a.body)
                folded = fold(body)
                folded_hash(folded)
                t2 = time.perf_counter()
                sig = index.signature(folded)
                t3 = time.perf_counter()
                match = index.lookup(conn, sig, folded_body=folded)
                t4 = time.perf_counter()
                article_id = insert_article(conn, a, url=url, body=body)
                index.link(conn, article_id, match)
                t5 = time.perf_counter()
                if match.kind != "copy":
                    index.add(conn, article_id, sig, folded_body=folded)
                else:
                    copies += 1
                t6 = time.perf_counter()
                for name, dt in (
                    ("canonicalize", t1 - t0),
                    ("display+fold+hash", t2 - t1),
                    ("minhash", t3 - t2),
                    ("lookup", t4 - t3),
                    ("insert+link", t5 - t4),
                    ("add", t6 - t5),
                ):
                    stages[name] += dt
    elapsed = time.perf_counter() - started
    n = len(articles)
    print(f"  {n} articles in {elapsed:.1f} s: {n / elapsed:,.0f} articles/s ({copies} stored as copies)")
    for name, total in stages.items():
        print(f"    {name:18s} {total / n * 1e6:7.0f} us/article")
    print(
        f"  memory: RSS {rss_before:.0f} MiB before, {rss_mib():.0f} MiB after; "
        f"peak RSS of the process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    _baseline(engine, articles, elapsed, batch)


def _baseline(engine: Engine, articles: list[BenchArticle], elapsed: float, batch: int) -> None:
    """Same rows stored without any deduplication (and w3lib's canonicalize_url for URLs)."""
    started = time.perf_counter()
    for start in range(0, len(articles), batch):
        with engine.begin() as conn:
            for a in articles[start : start + batch]:
                insert_article(conn, a, url="b:" + canonicalize_url(a.url))
    base = time.perf_counter() - started
    n = len(articles)
    print(
        f"  baseline insert-only (w3lib canonicalize_url): {n / base:,.0f} articles/s; "
        f"whole dedup path takes {elapsed / base:.1f}x the baseline time"
    )
    urls = [a.url for a in articles]
    t0 = time.perf_counter()
    for u in urls:
        canonicalize(u)
    t1 = time.perf_counter()
    for u in urls:
        canonicalize_url(u)
    t2 = time.perf_counter()
    print(
        f"  canonicalize: ours {(t1 - t0) / n * 1e6:.1f} us/URL, w3lib {(t2 - t1) / n * 1e6:.1f} us/URL "
        f"(ratio {(t1 - t0) / (t2 - t1):.2f})"
    )
