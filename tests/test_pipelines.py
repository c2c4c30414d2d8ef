"""Each pipeline alone: what it keeps, what it drops and why, what it counts."""

from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.items import Article
from crawler.pipelines import CleanPipeline, DedupPipeline, StoreOutcome, StorePipeline

BODY = "أعلنت الحكومة اليوم عن خطة جديدة لدعم التعليم في جميع المحافظات. " * 5
OTHER_BODY = "افتتحت البلدية حديقة عامة جديدة في وسط المدينة بمساحة عشرة آلاف متر مربع. " * 5


def stats() -> MemoryStatsCollector:
    return MemoryStatsCollector(SimpleNamespace(settings=Settings({"STATS_DUMP": False})))  # type: ignore[arg-type]


def clean(article: Article, languages: tuple[str, ...] = ("ar",)) -> tuple[Any, MemoryStatsCollector]:
    st = stats()
    crawler = SimpleNamespace(stats=st, spider=SimpleNamespace(languages=languages))
    pipeline = CleanPipeline(crawler, min_body_chars=150)  # type: ignore[arg-type]
    try:
        return pipeline.process_item(article), st
    except DropItem as exc:
        return exc, st


def test_clean_tidies_text_to_the_display_form() -> None:
    item, _ = clean(Article(url="u", title="  عنوان\u200f  الخبر ", body=BODY, lang="ar", tags=["غزة", "غزة", " "]))
    assert item.title == "عنوان الخبر"
    assert item.tags == ["غزة"]


@pytest.mark.parametrize(
    ("article", "reason"),
    [
        (Article(url="u", title="t", body=None, lang="ar"), "empty_body"),
        (Article(url="u", title="t", body="قصير", lang="ar"), "short_body"),
        (Article(url="u", title=None, body=BODY, lang="ar"), "no_title"),
        (Article(url="u", title="t", body=BODY, lang="fa"), "unwanted_language"),
    ],
)
def test_clean_drops_with_a_counted_reason(article: Article, reason: str) -> None:
    result, st = clean(article)
    assert isinstance(result, DropItem) and reason in str(result)
    assert st.get_value(f"crawler/dropped/{reason}") == 1


def test_a_site_with_no_language_list_keeps_every_language() -> None:
    item, _ = clean(Article(url="u", title="t", body=BODY, lang="fa"), languages=())
    assert isinstance(item, Article)


def test_dedup_hashes_the_folded_body_and_drops_a_url_seen_twice_in_a_run() -> None:
    st = stats()
    pipeline = DedupPipeline(st)  # type: ignore[arg-type]
    a = pipeline.process_item(Article(url="https://a.com/1?x", canonical_url="https://a.com/1", body="نصٌّ"))
    assert a.content_hash == pipeline.process_item(Article(url="https://b.com/2", body="نص")).content_hash
    with pytest.raises(DropItem):
        pipeline.process_item(Article(url="https://a.com/1", body="x"))
    assert st.get_value("crawler/dropped/duplicate_url_in_run") == 1


def test_store_batches_and_counts_outcomes(sqlite_url: str) -> None:
    st = stats()
    pipeline = StorePipeline(st, sqlite_url, batch_size=2, flush_seconds=60, dry_run=False)  # type: ignore[arg-type]

    async def scenario() -> None:
        await pipeline.open_spider()
        first = await pipeline.process_item(
            Article(url="https://a.com/1", canonical_url="https://a.com/1", title="t", body=BODY, content_hash="h1")
        )
        assert st.get_value("crawler/articles/new") is None  # still in the batch
        await pipeline.process_item(
            Article(url="https://b.com/1", canonical_url="https://b.com/1", title="t", body=BODY, content_hash="h1")
        )
        assert st.get_value("crawler/articles/new") == 1
        assert st.get_value("crawler/articles/duplicate") == 1
        assert first.duplicate_of is None
        await pipeline.process_item(
            Article(
                url="https://c.com/1", canonical_url="https://c.com/1", title="t", body=OTHER_BODY, content_hash="h2"
            )
        )
        await pipeline.close_spider()  # flushes the last, partial batch
        assert st.get_value("crawler/articles/new") == 2
        assert st.get_value("crawler/store/batches") == 2
        assert st.get_value("crawler/store/retries") is None  # no other writer

    asyncio.run(scenario())


def test_dedup_remembers_a_bounded_number_of_urls() -> None:
    st = stats()
    pipeline = DedupPipeline(st, recent_urls=100)  # type: ignore[arg-type]
    for i in range(1000):
        pipeline.process_item(Article(url=f"https://a.com/{i}", body="نص"))
    assert len(pipeline.seen_urls) == 100
    with pytest.raises(DropItem):  # a recent repeat is still caught
        pipeline.process_item(Article(url="https://a.com/999", body="نص"))
    # An old one passes on to the store, which finds it stored (counted "unchanged" there).
    assert pipeline.process_item(Article(url="https://a.com/0", body="نص")).canonical_url == "https://a.com/0"


def test_pipelines_count_their_cpu_seconds() -> None:
    st = stats()
    pipeline = DedupPipeline(st)  # type: ignore[arg-type]
    pipeline.process_item(Article(url="https://a.com/1", body=BODY))
    assert isinstance(st.get_value("crawler/cpu/dedup"), float)
    _, cst = clean(Article(url="u", title="t", body=BODY, lang="ar"))
    assert isinstance(cst.get_value("crawler/cpu/clean"), float)


def test_store_wait_returns_each_item_once_committed_and_groups_what_arrives_meanwhile(sqlite_url: str) -> None:
    st = stats()
    pipeline = StorePipeline(st, sqlite_url, batch_size=50, flush_seconds=60, dry_run=False, wait=True)  # type: ignore[arg-type]
    batches: list[int] = []
    release = threading.Event()

    async def scenario() -> None:
        await pipeline.open_spider()
        assert pipeline.repo is not None
        real_store = pipeline.repo.store_articles

        def store_articles(batch: list[Article], prints: Any = None) -> list[StoreOutcome]:
            batches.append(len(batch))
            if len(batches) == 1:
                assert release.wait(10)  # the first transaction is slow
            return real_store(batch, prints)

        pipeline.repo.store_articles = store_articles  # type: ignore[method-assign,assignment]
        bodies = [BODY, OTHER_BODY, BODY + " زيادة", OTHER_BODY + " زيادة", BODY + " أخرى"]
        items = [
            Article(
                url=f"https://a.com/{i}", canonical_url=f"https://a.com/{i}", title="t", body=b, content_hash=f"h{i}"
            )
            for i, b in enumerate(bodies)
        ]
        first = asyncio.ensure_future(pipeline.process_item(items[0]))
        await asyncio.sleep(0.1)
        rest = [asyncio.ensure_future(pipeline.process_item(i)) for i in items[1:]]
        await asyncio.sleep(0.1)
        assert batches == [1] and not first.done() and not any(r.done() for r in rest)  # held until committed
        release.set()
        done = await asyncio.gather(first, *rest)
        # The four that arrived while the first was written share the next transaction.
        assert [d.url for d in done] == [i.url for i in items]
        assert batches == [1, 4]
        assert pipeline.repo.count_articles() == 5
        assert pipeline.writer is None and not pipeline.group
        await pipeline.close_spider()

    asyncio.run(scenario())


def test_store_wait_fails_every_item_of_a_batch_the_database_refused(sqlite_url: str) -> None:
    pipeline = StorePipeline(stats(), sqlite_url, batch_size=50, flush_seconds=60, dry_run=False, wait=True)  # type: ignore[arg-type]

    async def scenario() -> None:
        await pipeline.open_spider()
        assert pipeline.repo is not None

        def refuse(batch: list[Article], prints: Any = None) -> list[StoreOutcome]:
            raise RuntimeError("database went away")

        pipeline.repo.store_articles = refuse  # type: ignore[method-assign,assignment]
        items = [Article(url=f"https://a.com/{i}", title="t", body=BODY, content_hash=f"h{i}") for i in range(3)]
        results = await asyncio.gather(*(pipeline.process_item(i) for i in items), return_exceptions=True)
        assert [str(r) for r in results] == ["database went away"] * 3
        assert pipeline.writer is None
        await pipeline.close_spider()

    asyncio.run(scenario())
