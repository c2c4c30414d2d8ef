"""The generated site for benchmarks and large end-to-end tests: articles from a corpus
(here a small one written for the test), every article reachable through discovery."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from crawler.demo.articles import ARTICLES
from crawler.demo.generate import (
    ARTICLE_PATTERN,
    CorpusError,
    build_site,
    corpus_articles,
    find_shared_dir,
    sites_toml,
)
from crawler.discover import parse_feed, parse_sitemap
from crawler.sites import parse_sites

BASE = "http://127.0.0.1:8123"


def _write_corpus(folder: Path, records: list[dict[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / "2025-03-01.zip", "w") as archive:
        archive.writestr("2025-03-01.json", json.dumps(records, ensure_ascii=False))
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    records = [
        {
            "title": a.title,
            "author": a.author,
            "content": "\n\n".join(a.paragraphs),
            "date_extracted": "2025-03-01 10:00:00",
        }
        for a in ARTICLES
    ]
    records.append(dict(records[0]))  # an exact copy: skipped
    records.append({"title": "قائمة", "content": "\n".join(["سطر قصير"] * 80), "date_extracted": ""})  # a list
    records.append({"title": "قصير", "content": "خبر قصير جداً", "date_extracted": ""})
    return _write_corpus(tmp_path / "corpus", records)


def test_articles_are_distinct_prose_taken_from_the_corpus(corpus: Path) -> None:
    articles = corpus_articles(corpus, len(ARTICLES))
    assert [a.title for a in articles] == [a.title for a in ARTICLES]
    assert len({a.slug for a in articles}) == len(articles)
    assert articles[0].published == "2025-03-01T10:00:00+03:00"
    assert all(len(a.paragraphs) >= 2 for a in articles)


def test_asking_for_more_than_the_corpus_holds_is_a_clear_error(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=f"only {len(ARTICLES)} usable articles, {len(ARTICLES) + 1} asked for"):
        corpus_articles(corpus, len(ARTICLES) + 1)
    with pytest.raises(CorpusError, match="corpus folder not found"):
        corpus_articles(tmp_path / "missing", 1)


def test_every_article_is_in_the_sitemaps_and_pages_follow_the_layouts(corpus: Path) -> None:
    articles = corpus_articles(corpus, len(ARTICLES))
    site = build_site(BASE, articles, sitemap_size=3, listing_size=4, feed_size=5, aggregator_share=0.25)
    kind, parts = parse_sitemap(site.routes["/sitemap.xml"].body, BASE + "/sitemap.xml")
    assert kind == "index"
    listed: list[str] = []
    for part in parts:
        kind, entries = parse_sitemap(site.routes[part.url[len(BASE) :]].body, part.url)
        assert kind == "urlset"
        listed.extend(e.url for e in entries if "/news.xml" not in part.url)
    assert sorted(listed) == sorted(site.article_urls)
    assert all(re.search(ARTICLE_PATTERN, u[len(BASE) :]) for u in site.article_urls)
    aggregated = [u for u in site.article_urls if "/agg/" in u]
    assert len(aggregated) == len(articles) // 4
    assert len(parse_feed(site.routes["/rss.xml"].body, BASE + "/rss.xml")) == 5
    page = site.routes[site.article_urls[0][len(BASE) :]].body.decode()
    assert articles[0].title in page and articles[0].paragraphs[0] in page


def test_listing_pages_link_to_each_other_and_cover_every_article(corpus: Path) -> None:
    articles = corpus_articles(corpus, len(ARTICLES))
    site = build_site(BASE, articles, listing_size=4)
    linked: set[str] = set()
    path: str | None = "/"
    while path:
        html = site.routes[path].body.decode()
        linked.update(BASE + h for h in re.findall(r'href="(/(?:news|agg)/\d+/)"', html))
        nxt = re.search(r'rel="next" href="([^"]+)"', html)
        path = nxt.group(1) if nxt else None
    assert linked == set(site.article_urls)


def test_the_sites_entry_lifts_politeness_and_loads() -> None:
    site = parse_sites(sites_toml("bench", BASE, concurrency=12, max_pages=900), "bench.toml")["bench"]
    assert site.download_delay == 0 and site.concurrency == 12 and site.max_pages == 900
    assert site.autothrottle is False
    assert site.is_article_url(BASE + "/agg/100001/") is True
    assert parse_sites(sites_toml("b", BASE, autothrottle=True))["b"].autothrottle is None


def test_the_shared_folder_is_found_from_a_worktree(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    worktree = tmp_path / "wt" / "name"
    worktree.mkdir(parents=True)
    assert find_shared_dir(worktree) == tmp_path / "shared"
    assert find_shared_dir(worktree, "/elsewhere") == Path("/elsewhere")
