"""Articles prepared in an extraction worker come out of Clean and Dedup exactly as
articles those pipelines clean and hash themselves."""

from __future__ import annotations

from types import SimpleNamespace

from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.cleaning import prepare
from crawler.items import Article
from crawler.pipelines import CleanPipeline, DedupPipeline

BODY = "أعلنت  الحكومةُ\u200f اليوم عن خطة جديدة لدعم التعليم في جميع المحافظات.\n\n\n" * 4


def through_pipelines(article: Article) -> Article:
    stats = MemoryStatsCollector(SimpleNamespace(settings=Settings({"STATS_DUMP": False})))  # type: ignore[arg-type]
    crawler = SimpleNamespace(stats=stats, spider=SimpleNamespace(languages=("ar",)))
    cleaned = CleanPipeline(crawler, min_body_chars=50).process_item(article)  # type: ignore[arg-type]
    return DedupPipeline(stats).process_item(cleaned)  # type: ignore[arg-type]


def raw() -> Article:
    return Article(
        url="https://a.example/news/1",
        title="  عنوان \u200fالخبر ",
        body=BODY,
        lang="ar",
        authors=[" سارة  المنصوري ", ""],
        tags=["غزة", "غزة ", " "],
        source=" واس ",
    )


def test_a_prepared_article_leaves_the_pipelines_as_an_unprepared_one_does() -> None:
    prepared = prepare(raw())
    assert prepared.content_hash is not None
    assert prepared.title == "عنوان الخبر" and prepared.tags == ["غزة"] and prepared.authors == ["سارة المنصوري"]
    assert through_pipelines(prepared) == through_pipelines(raw())


def test_an_empty_body_is_prepared_without_a_hash_and_still_dropped_by_clean() -> None:
    prepared = prepare(Article(url="u", title="t", body="  \u200f "))
    assert prepared.body is None and prepared.content_hash is None
