"""Deduplication settings and site twins reach the store step and the spider."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler.dedup.config import dedup_from_settings
from crawler.dedup.neardup import NearDuplicateConfigError
from crawler.spiders.news import NewsSpider

SITES = """
[sites.publisher]
start_urls = ["https://www.example.com/"]
aliases = ["موقع المثال", "المثال"]
same_site_hosts = ["m.example.com", "example.com"]

[sites.aggregator]
start_urls = ["https://agg.example.net/"]
"""


def test_thresholds_and_site_names_come_from_the_settings(tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(SITES, encoding="utf-8")
    dedup = dedup_from_settings(
        Settings({"CRAWLER_SITES": str(sites), "CRAWLER_DEDUP_COPY_THRESHOLD": "0.7",
                  "CRAWLER_DEDUP_MIN_SHARED_SHINGLES": "12"})
    )  # fmt: skip
    assert dedup.index.copy_threshold == 0.7 and dedup.index.min_shared_shingles == 12
    assert dedup.index.story_threshold == 0.4  # the default
    assert dict(dedup.sites) == {"publisher": ("موقع المثال", "المثال"), "aggregator": ()}
    assert dict(dedup_from_settings(Settings()).sites) == {}  # one-URL fetch: no sites file


def test_a_threshold_out_of_range_names_the_settings() -> None:
    expected = r"need 0 < CRAWLER_DEDUP_STORY_THRESHOLD <= CRAWLER_DEDUP_COPY_THRESHOLD <= 1, got 0.8 and 0.6"
    with pytest.raises(NearDuplicateConfigError, match=expected):
        dedup_from_settings(Settings({"CRAWLER_DEDUP_STORY_THRESHOLD": "0.8", "CRAWLER_DEDUP_COPY_THRESHOLD": "0.6"}))


def test_the_spider_folds_twin_hosts_and_trusts_same_site_canonicals(tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(SITES, encoding="utf-8")
    spider = NewsSpider(site="publisher")
    spider.configure(type("C", (), {"settings": Settings({"CRAWLER_SITES": str(sites)})})())  # type: ignore[arg-type]
    assert spider._in_site("https://m.example.com/news/1")
    fetched = "http://m.example.com/news/1?utm_source=tw"
    assert spider._canonical(fetched, None) == "https://www.example.com/news/1"
    assert spider._canonical(fetched, "https://example.com/news/1/") == "https://www.example.com/news/1/"
    assert spider._canonical(fetched, "https://www.example.com/") == "https://www.example.com/news/1"  # home page
    assert spider._canonical(fetched, "https://other.org/news/1") == "https://www.example.com/news/1"


def test_crawler_db_reindex_rebuilds_the_index(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from crawler.cli import main
    from crawler.db.engine import connect
    from crawler.db.repository import Repository
    from crawler.items import Article

    from .arabic_text import article, body

    db = f"sqlite:///{tmp_path / 'news.db'}"
    Repository(connect(db)).store_articles([Article(url="https://a.example/1", body=body(article(1)))])
    result = CliRunner().invoke(main, ["db", "reindex", "--db", db])
    assert result.exit_code == 0, result.output
    assert "near-duplicate index rebuilt: 1 articles indexed" in result.output
