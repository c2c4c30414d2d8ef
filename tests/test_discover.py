"""Feeds, sitemaps and listing-page links -> candidate article URLs."""

from __future__ import annotations

import pytest

from crawler.discover import (
    looks_like_article_url,
    looks_like_pagination,
    parse_feed,
    parse_sitemap,
    safe_http_url,
)

RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>أخبار</title>
<item><title>خبر أول</title><link>https://a.com/news/1</link><pubDate>Tue, 04 Mar 2025 09:15:00 +0300</pubDate></item>
<item><title>بلا رابط</title><guid isPermaLink="true">https://a.com/news/2</guid></item>
<item><title>رابط خطر</title><link>javascript:alert(1)</link></item>
</channel></rss>""".encode()

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<entry><title>t</title><link rel="alternate" href="/news/3"/><published>2025-03-04T09:15:00+03:00</published></entry>
</feed>"""

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://a.com/news/9</loc><lastmod>2025-03-05</lastmod><news:news>
<news:publication_date>2025-03-04T09:15:00+03:00</news:publication_date><news:title>عنوان</news:title></news:news></url>
</urlset>""".encode()


def test_rss_items_with_link_or_permalink_guid_and_only_http_urls() -> None:
    entries = parse_feed(RSS)
    assert [e.url for e in entries] == ["https://a.com/news/1", "https://a.com/news/2"]
    assert entries[0].published == "Tue, 04 Mar 2025 09:15:00 +0300"
    assert entries[0].title == "خبر أول"


def test_atom_links_are_resolved_against_the_feed_url() -> None:
    [entry] = parse_feed(ATOM, "https://a.com/feed.atom")
    assert entry.url == "https://a.com/news/3"
    assert entry.published == "2025-03-04T09:15:00+03:00"


def test_google_news_sitemap_keeps_publication_date_and_title() -> None:
    kind, [entry] = parse_sitemap(NEWS_SITEMAP)
    assert kind == "urlset"
    assert entry.published == "2025-03-04T09:15:00+03:00"
    assert entry.title == "عنوان"
    assert entry.lastmod == "2025-03-05"


def test_sitemap_index() -> None:
    data = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://a.com/s1.xml</loc>'
        b"</sitemap></sitemapindex>"
    )
    assert parse_sitemap(data) == ("index", [parse_sitemap(data)[1][0]])
    assert parse_sitemap(data)[1][0].url == "https://a.com/s1.xml"


@pytest.mark.parametrize("data", [b"", b"<html><body>not xml", b"\x00\x01\x02", b"<rss><channel></channel></rss>"])
def test_garbage_gives_nothing(data: bytes) -> None:
    assert parse_feed(data) == []
    assert parse_sitemap(data) == ("", [])


def test_entities_are_not_expanded() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&c;&x;</title><link>https://a.com/news/1</link></item></channel></rss>"""
    [entry] = parse_feed(bomb)
    assert entry.title is None or ("aaaa" not in entry.title and "root:" not in entry.title)


@pytest.mark.parametrize(
    "url",
    [
        "https://a.com/news/2025/07/21/gaza-talks",
        "https://a.com/article/123456",
        "https://a.com/Story.aspx?NewsID=1234",
        "https://a.com/?p=45",
        "https://a.com/ar/%D8%A7%D9%84%D8%AD%D9%83%D9%88%D9%85%D8%A9-%D8%AA%D8%B9%D9%84%D9%86-%D8%AE%D8%B7%D8%A9-%D8%AC%D8%AF%D9%8A%D8%AF%D8%A9",
    ],
)
def test_article_shaped_urls(url: str) -> None:
    assert looks_like_article_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://a.com/",
        "https://a.com/tag/gaza",
        "https://a.com/category/sport",
        "https://a.com/img/123456.jpg",
        "https://a.com/author/ali",
        "https://a.com/about",
    ],
)
def test_listing_and_asset_urls_are_not_articles(url: str) -> None:
    assert not looks_like_article_url(url)


def test_pagination_links() -> None:
    assert looks_like_pagination("https://a.com/x", "", "next")
    assert looks_like_pagination("https://a.com/x", "الصفحة التالية")
    assert looks_like_pagination("https://a.com/news?page=2")
    assert looks_like_pagination("https://a.com/news/page/3/")
    assert not looks_like_pagination("https://a.com/news/12345")


def test_safe_http_url() -> None:
    assert safe_http_url("/x", "https://a.com/y") == "https://a.com/x"
    assert safe_http_url("javascript:alert(1)") is None
    assert safe_http_url("file:///etc/passwd") is None
    assert safe_http_url("http://[bad") is None
