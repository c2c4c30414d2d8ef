"""Near-duplicate fingerprints made in the extraction workers (crawler.dedup.prints): equal to
those the store step computes, used by it when they fit the article, and the store
deduplicates with them as it does without."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from sqlalchemy import select

from crawler import workers
from crawler.cleaning import prepare
from crawler.db.engine import connect
from crawler.db.models import ArticleRow
from crawler.db.repository import Repository
from crawler.dedup.fingerprint import Fingerprinter
from crawler.dedup.neardup import NearDuplicateIndex
from crawler.dedup.prints import PrintCache
from crawler.dedup.records import Fingerprint
from crawler.demo.articles import ARTICLES
from crawler.demo.site import article_path, publisher_page
from crawler.items import Article
from crawler.pipelines import StorePipeline

BASE = "http://127.0.0.1:8000"
SCHEME = Fingerprinter().key
PARAGRAPH = "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في المدينة بسعة مئتي سرير لخدمة السكان. "
BODY = "\n\n".join(PARAGRAPH * 3 + f"وتشمل المرحلة {i} أقساما جديدة للطوارئ والأطفال." for i in range(6))
COPY = BODY + "\n\nالمصدر: وكالة الأنباء"  # a trailer added: a near copy
OTHER = "\n\n".join(
    f"افتتحت البلدية حديقة عامة رقم {i} في وسط المدينة بمساحة عشرة آلاف متر مربع." * 3 for i in range(6)
)


def same_print(a: Fingerprint, b: Fingerprint) -> bool:
    return (
        a.folded == b.folded
        and a.content_hash == b.content_hash
        and a.keys == b.keys
        and a.signature.size == b.signature.size
        and np.array_equal(a.signature.values, b.signature.values)
        and np.array_equal(a.shingles, b.shingles)
    )


def article(n: int, body: str) -> Article:
    url = f"https://site{n}.example/news/{n}"
    return prepare(Article(url=url, canonical_url=url, site=f"s{n}", title=f"خبر {n}", body=body, lang="ar"))


# --- the cache ---------------------------------------------------------------------------


def test_the_cache_hands_a_fingerprint_once_per_article_and_only_for_its_scheme() -> None:
    cache = PrintCache()
    fp = Fingerprinter().fingerprint(BODY)
    cache.put("h", SCHEME, fp)
    cache.put("h", SCHEME, fp)  # two articles with the same body on their way
    assert cache.take("h", SCHEME) is fp
    assert cache.take("h", SCHEME) is fp
    assert cache.take("h", SCHEME) is None and len(cache) == 0
    cache.put("h", SCHEME, fp)
    assert cache.take("h", ("other-scheme", 64, 20, 3)) is None  # never a print of another scheme
    assert cache.take(None, SCHEME) is None


def test_the_cache_forgets_dropped_articles_and_stays_bounded() -> None:
    cache = PrintCache(capacity=3)
    fp = Fingerprinter().fingerprint(BODY)
    cache.put("dropped", SCHEME, fp)
    cache.discard("dropped")
    assert cache.take("dropped", SCHEME) is None
    for i in range(10):
        cache.put(f"h{i}", SCHEME, fp)
    assert len(cache) == 3
    assert cache.take("h0", SCHEME) is None and cache.take("h9", SCHEME) is fp
    with pytest.raises(ValueError, match="capacity"):
        PrintCache(capacity=0)


# --- made in the worker ------------------------------------------------------------------


def test_the_worker_fingerprint_equals_the_one_the_store_computes() -> None:
    a = ARTICLES[0]
    url = BASE + article_path(a)
    art, cpu, shipped = workers.run_page(workers.extract_page, publisher_page(a, BASE, []), url, None, "utf-8")
    assert shipped is not None and cpu > 0
    scheme, fp = shipped
    assert scheme == NearDuplicateIndex().fingerprinter.key
    assert fp.content_hash == art.content_hash
    assert same_print(fp, Repository(None, None).fingerprints([art])[0])  # type: ignore[arg-type]


def unprepared(
    html: bytes | str, url: str, fetched_at: Any = None, encoding: str | None = None
) -> tuple[Article, float]:
    return Article(url=url, title="t", body=BODY), 0.0


def test_no_fingerprint_for_an_article_the_pipelines_will_still_change() -> None:
    assert workers.run_page(unprepared, "<html></html>", "https://a.example/1", None, None)[2] is None


def test_the_pool_brings_the_fingerprints_back_to_its_cache() -> None:
    cache = PrintCache()
    pool = workers.ExtractionPool(1, prints=cache)
    try:
        pages = [(BASE + article_path(a), publisher_page(a, BASE, [])) for a in ARTICLES[:3]]
        futures = [pool.submit(html, url, fetched_at=None, encoding="utf-8") for url, html in pages]
        got = [pool.outcome(f)[0] for f in futures]
    finally:
        pool.close(wait=10)
    assert len(cache) == len({a.content_hash for a in got})
    for art in got:
        fp = cache.take(art.content_hash, SCHEME)
        assert fp is not None and same_print(fp, Fingerprinter().fingerprint(art.body))


# --- used by the store -------------------------------------------------------------------


def store(url: str, articles: list[Article], cache: PrintCache) -> tuple[list[Article], MemoryStatsCollector]:
    st = MemoryStatsCollector(SimpleNamespace(settings=Settings({"STATS_DUMP": False})))  # type: ignore[arg-type]
    pipeline = StorePipeline(st, url, batch_size=10, flush_seconds=60, dry_run=False)  # type: ignore[arg-type]
    pipeline.prints = cache

    async def scenario() -> list[Article]:
        await pipeline.open_spider()
        out = [await pipeline.process_item(a) for a in articles]
        await pipeline.close_spider()
        return out

    return asyncio.run(scenario()), st


def stored_rows(url: str) -> list[tuple[Any, ...]]:
    engine = connect(url)
    try:
        with engine.connect() as conn:
            query = select(ArticleRow.canonical_url, ArticleRow.content_hash, ArticleRow.duplicate_of_id,
                           ArticleRow.story_id).order_by(ArticleRow.id)  # fmt: skip
            return [tuple(r) for r in conn.execute(query)]
    finally:
        engine.dispose()


def test_the_store_deduplicates_with_worker_fingerprints_as_with_its_own(tmp_path: Any) -> None:
    batch = [article(1, BODY), article(2, OTHER), article(3, COPY), article(4, BODY)]
    shipped = PrintCache()
    for a in batch:
        assert a.content_hash is not None
        shipped.put(a.content_hash, SCHEME, Fingerprinter().fingerprint(a.body))
    with_prints, st = store(f"sqlite:///{tmp_path / 'a.db'}", [Article(**a.to_dict()) for a in batch], shipped)
    assert st.get_value("crawler/dedup/prints_from_workers") == 4
    assert st.get_value("crawler/dedup/prints_computed") == 0
    assert len(shipped) == 0  # every print taken

    own, st2 = store(f"sqlite:///{tmp_path / 'b.db'}", [Article(**a.to_dict()) for a in batch], PrintCache())
    assert st2.get_value("crawler/dedup/prints_computed") == 4
    assert [(a.duplicate_of, a.story_id) for a in with_prints] == [(a.duplicate_of, a.story_id) for a in own]
    assert with_prints[3].duplicate_of == batch[0].canonical_url  # the exact copy
    assert with_prints[2].duplicate_of == batch[0].canonical_url  # the near copy (trailer added)
    assert with_prints[1].duplicate_of is None
    assert stored_rows(f"sqlite:///{tmp_path / 'a.db'}") == stored_rows(f"sqlite:///{tmp_path / 'b.db'}")


def test_a_fingerprint_that_does_not_fit_is_not_used(tmp_path: Any) -> None:
    a, b = article(1, BODY), article(2, OTHER)
    cache = PrintCache()
    assert a.content_hash is not None and b.content_hash is not None
    cache.put(a.content_hash, ("another-scheme", 64, 20, 3), Fingerprinter().fingerprint(a.body))
    cache.put("not-b's-hash", SCHEME, Fingerprinter().fingerprint(b.body))
    out, st = store(f"sqlite:///{tmp_path / 'c.db'}", [a, b], cache)
    assert st.get_value("crawler/dedup/prints_computed") == 2
    assert [x.duplicate_of for x in out] == [None, None]
