"""Feeds, sitemaps and pages that try to make a parser expand entities, read files or go
to the network: nothing is expanded or fetched, and what surrounds the attack is read.

(Download-path bounds, gzip sitemaps and very large sitemaps through the spider are
tested with the hostile local site: tests of ``crawler/spiders``.)"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from memory import peak_growth_mb

from crawler.discover import parse_feed, parse_sitemap
from crawler.extract import extract

PARAGRAPH = "وقال المتحدث باسم الوزارة في بيان رسمي إن الاجتماع ناقش عددا من الملفات المهمة للمنطقة. "
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Ten levels of ten references: 10**9 "lol"s (3 GB) if anything expanded it.
LAUGHS = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
# Quadratic blow-up: one 100 kB entity referenced 20,000 times (2 GB expanded).
QUADRATIC = '<!ENTITY big "' + "x" * 100_000 + '">'
MEMORY_BOUND_MB = 200


def feed(doctype: str, bomb: str) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [{doctype}]><rss><channel>'
        "<item><title>قبل</title><link>https://a.example/news/1</link></item>"
        f"<item><title>{bomb}</title><link>https://a.example/news/2</link></item>"
        "<item><title>بعد</title><link>https://a.example/news/3?a=1&amp;b=2</link></item>"
        "</channel></rss>"
    ).encode()


def sitemap(doctype: str, bomb: str) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE urlset [{doctype}]><urlset xmlns="{SITEMAP_NS}">'
        "<url><loc>https://a.example/news/1</loc></url>"
        f"<url><loc>https://a.example/news/2</loc><lastmod>{bomb}</lastmod></url>"
        "<url><loc>https://a.example/news/3?a=1&amp;b=2</loc></url>"
        "</urlset>"
    ).encode()


@pytest.mark.parametrize(("doctype", "bomb"), [(LAUGHS, "&l9;"), (QUADRATIC, "&big;" * 20_000)])
def test_entity_bombs_in_a_feed_expand_nothing_and_the_items_around_are_read(doctype: str, bomb: str) -> None:
    entries, grew = peak_growth_mb(lambda: parse_feed(feed(doctype, bomb)))
    assert [e.url for e in entries] == [
        "https://a.example/news/1",
        "https://a.example/news/2",
        "https://a.example/news/3?a=1&b=2",
    ]
    assert entries[0].title == "قبل" and entries[2].title == "بعد"
    assert entries[1].title is None  # the reference, unexpanded, is no text
    assert grew < MEMORY_BOUND_MB


@pytest.mark.parametrize(("doctype", "bomb"), [(LAUGHS, "&l9;"), (QUADRATIC, "&big;" * 20_000)])
def test_entity_bombs_in_a_sitemap_expand_nothing_and_the_urls_around_are_read(doctype: str, bomb: str) -> None:
    (kind, entries), grew = peak_growth_mb(lambda: parse_sitemap(sitemap(doctype, bomb)))
    assert kind == "urlset"
    assert [e.url for e in entries] == [
        "https://a.example/news/1",
        "https://a.example/news/2",
        "https://a.example/news/3?a=1&b=2",
    ]
    assert entries[1].lastmod is None
    assert grew < MEMORY_BOUND_MB


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("SECRET-FILE-CONTENT-7f3a")
    return path


def test_external_entities_never_read_a_file_in_feed_sitemap_or_page(secret: Path) -> None:
    marker = secret.read_text()
    for decl in (
        f'<!ENTITY x SYSTEM "file://{secret}">',
        f'<!ENTITY x SYSTEM "{secret}">',
        f'<!ENTITY % p SYSTEM "file://{secret}"> %p;',
        f'<!ENTITY x PUBLIC "-//x//y" "file://{secret}">',
    ):
        entries = parse_feed(feed(decl, "عنوان &x; تتمة"))
        assert marker not in repr(entries)
        assert entries[1].title and "تتمة" in entries[1].title  # text after the reference is kept
        _kind, urls = parse_sitemap(sitemap(decl, "&x;"))
        assert len(urls) == 3 and marker not in repr(urls)
        page = (
            f'<?xml version="1.0"?><!DOCTYPE html [{decl}]><html><head><title>عنوان &x;</title></head>'
            f"<body><article><h1>عنوان الخبر</h1><p>{PARAGRAPH * 3} &x;</p></article></body></html>"
        )
        article = extract(page, "https://a.example/news/1")
        assert article.body and "وقال المتحدث" in article.body
        assert marker not in json.dumps(article.to_dict(), ensure_ascii=False)


class _Recorder(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:  # a DTD that would define &x; as a file's content
        type(self).requests.append(self.path)
        body = b'<!ENTITY x "FETCHED-FROM-NETWORK">'
        self.send_response(200)
        self.send_header("Content-Type", "application/xml-dtd")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def dtd_server() -> Iterator[str]:
    _Recorder.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_external_dtds_and_network_entities_are_never_fetched(dtd_server: str) -> None:
    decls = [
        ("rss", f'<!DOCTYPE rss SYSTEM "{dtd_server}/feed.dtd">'),
        ("rss", f'<!DOCTYPE rss [<!ENTITY x SYSTEM "{dtd_server}/x">]>'),
        ("rss", f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{dtd_server}/p.dtd"> %p;]>'),
    ]
    for _, doctype in decls:
        data = (
            f'<?xml version="1.0"?>{doctype}<rss><channel><item><title>a &x; b</title>'
            "<link>https://a.example/news/1</link></item></channel></rss>"
        ).encode()
        assert [e.url for e in parse_feed(data)] == ["https://a.example/news/1"]
        assert "FETCHED" not in repr(parse_feed(data))
        sm = data.replace(b"<rss><channel><item>", f'<urlset xmlns="{SITEMAP_NS}"><url>'.encode())
        sm = sm.replace(b"<link>", b"<loc>").replace(b"</link></item></channel></rss>", b"</loc></url></urlset>")
        assert parse_sitemap(sm)[0] == "urlset"
        page = f"{doctype}<html><body><article><h1>عنوان</h1><p>{PARAGRAPH * 3}&x;</p></article></body></html>"
        assert "FETCHED" not in json.dumps(extract(page, "https://a.example/n/1").to_dict(), ensure_ascii=False)
    assert _Recorder.requests == []


def test_html_entity_names_in_a_feed_do_not_cost_the_ampersands_after_them() -> None:
    data = (
        "<rss><channel><item><title>غزة&nbsp;اليوم &hellip;</title>"
        "<link>https://a.example/news?id=1&amp;lang=ar</link></item></channel></rss>"
    ).encode()
    [entry] = parse_feed(data)
    assert entry.url == "https://a.example/news?id=1&lang=ar"
    assert entry.title == "غزة\u00a0اليوم …"


def test_html_page_with_an_entity_bomb_is_read_without_expanding_it() -> None:
    page = (
        f'<?xml version="1.0"?><!DOCTYPE html [{LAUGHS}]><html><head><title>عنوان &l9;</title></head>'
        f"<body><article><h1>عنوان الخبر</h1><p>{PARAGRAPH * 3}&l9;</p></article></body></html>"
    )
    article, grew = peak_growth_mb(lambda: extract(page, "https://a.example/news/1"))
    assert article.body and "وقال المتحدث" in article.body and "lol" not in article.body
    assert grew < MEMORY_BOUND_MB


def test_json_ld_past_its_size_limits_is_skipped_and_the_article_item_is_kept() -> None:
    article_ld = json.dumps({"@type": "NewsArticle", "headline": "خبر الاقتصاد اليوم"}, ensure_ascii=False)
    huge = json.dumps({"@type": "NewsArticle", "headline": "خبر مزيف", "pad": "x" * 2_500_000})
    many = "".join(f"<script type='application/ld+json'>{{\"n\": {i}}}</script>" for i in range(300))
    page = (
        f"<html><head><script type='application/ld+json'>{article_ld}</script>"
        f"<script type='application/ld+json'>{huge}</script>{many}</head>"
        f"<body><article><h1>عنوان</h1><p>{PARAGRAPH * 3}</p></article></body></html>"
    )
    from crawler.extract.page import parse_page

    parsed = parse_page(page, "https://a.example/news/1")
    assert parsed is not None
    assert [item.get("headline") for item in parsed.articles] == ["خبر الاقتصاد اليوم"]
    assert len(parsed.jsonld) <= 100
    assert extract(page, "https://a.example/news/1").title == "خبر الاقتصاد اليوم"


def test_tag_names_that_only_recovery_accepts_do_not_break_a_feed_or_sitemap() -> None:
    # Found by the fuzzer: "<:>" and "<a:>" made parse_feed raise ValueError.
    feed_data = b"<rss><channel><item><:>x</:><a:>y</a:><link>https://a.example/news/1</link></item></channel></rss>"
    assert [e.url for e in parse_feed(feed_data)] == ["https://a.example/news/1"]
    sm = f'<urlset xmlns="{SITEMAP_NS}"><:/><url><a:>x</a:><loc>https://a.example/news/1</loc></url></urlset>'
    assert parse_sitemap(sm.encode())[1][0].url == "https://a.example/news/1"
