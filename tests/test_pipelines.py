"""Each pipeline alone: what it keeps, what it drops and why, what it counts."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.items import Article
from crawler.pipelines import CleanPipeline, DedupPipeline, StorePipeline

BODY = "أعلنت الحكومة اليوم عن خطة جديدة لدعم التعليم في جميع المحافظات. " * 5


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
            Article(url="https://c.com/1", canonical_url="https://c.com/1", title="t", body=BODY, content_hash="h2")
        )
        await pipeline.close_spider()  # flushes the last, partial batch
        assert st.get_value("crawler/articles/new") == 2

    asyncio.run(scenario())
