"""The pieces of bounded crawling (issue 8), one by one: body sniffing, the redirect guard,
reasons of refused requests, the hostile site's bombs, run status of bounded runs."""

from __future__ import annotations

import asyncio
import gzip
import io
import logging
import time
import urllib.request
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response

from crawler.demo.articles import ARTICLES
from crawler.demo.hostile_site import MIB, HostileSite, expected_body, gzip_bomb
from crawler.extract import extract
from crawler.middlewares.redirects import RefusedRequest, redirect_refusal
from crawler.outcome import run_status
from crawler.reactor import timed_callback
from crawler.spiders.news import NewsSpider, _gunzip_capped, _ignored_reason
from crawler.text.sniff import binary_kind, looks_like_html


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileSite]:
    with HostileSite() as site:
        yield site


# --- sniffing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"PK\x03\x04\x14\x00", "ZIP archive (or Office document)"),
        (bytes(range(256)), "binary data"),
        (b"<html>\x00\x00\x00</html>", "binary data"),
    ],
)
def test_binary_bodies_are_recognised_whatever_the_content_type(body: bytes, kind: str) -> None:
    assert binary_kind(body) == kind
    assert not looks_like_html(body)


@pytest.mark.parametrize(
    "body",
    [
        b'<!DOCTYPE html>\n<html lang="ar" dir="rtl"><head>',
        b"\xef\xbb\xbf  <html><body><p>x</p>",
        b"<!-- cms 4.2 -->\n<html>",
        '<html><head><meta charset="windows-1256"><title>خبر</title>'.encode("cp1256"),
        b"\n\n<head><title>t</title></head>",
        b"<html>\x0c<body>a form feed is not binary</body>",
        "\ufeff<html><body><p>UTF-16</p>".encode("utf-16-le"),
    ],
)
def test_html_bodies_are_recognised_whatever_the_content_type(body: bytes) -> None:
    assert binary_kind(body) is None
    assert looks_like_html(body)


class _Stats:
    def __init__(self) -> None:
        self.values: Counter[str] = Counter()

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] += count

    def get_value(self, key: str, default: object = None) -> object:
        return self.values.get(key, default)


def _spider() -> NewsSpider:
    spider = NewsSpider(url="http://news.example/a")
    spider.crawler = SimpleNamespace(stats=_Stats())  # type: ignore[assignment]
    return spider


def test_the_spider_reads_html_by_its_bytes_not_its_content_type() -> None:
    spider = _spider()
    para = ARTICLES[0].paragraphs[0]
    page = f'<!DOCTYPE html><html lang="ar"><head><title>خبر</title></head><body><p>{para}</p></body></html>'
    binary_html = Response("http://news.example/a", body=page.encode("cp1256"),
                           headers={"Content-Type": "application/x-unknown"})  # fmt: skip
    as_html = spider._as_html(binary_html)
    assert isinstance(as_html, HtmlResponse)
    assert as_html.encoding == "cp1256" and para in as_html.text
    pdf = HtmlResponse("http://news.example/b", body=b"%PDF-1.4\n%\xe2\xe3", headers={"Content-Type": "text/html"})
    assert spider._as_html(pdf) is None
    octets = Response("http://news.example/c", body=bytes(range(256)), headers={"Content-Type": "text/html"})
    assert spider._as_html(octets) is None
    text = HtmlResponse("http://news.example/d", body=page.encode(), headers={"Content-Type": "text/html"})
    assert spider._as_html(text) is text
    stats = spider.crawler.stats.values  # type: ignore[attr-defined]
    assert stats == {"crawler/sniffed_html": 1, "crawler/skipped/not_html": 2}


def test_plain_text_and_xml_are_neither_binary_nor_html() -> None:
    for body in (b"just some words", b'<?xml version="1.0"?><rss version="2.0"></rss>', b""):
        assert binary_kind(body) is None
        assert not looks_like_html(body)


# --- redirects -----------------------------------------------------------------------------------


def _in_site(url: str) -> bool:
    return "://news.example/" in url or "://www.news.example/" in url or "://news.example:" in url


@pytest.mark.parametrize(
    ("source", "target", "reason"),
    [
        ("http://news.example/a", "file:///etc/passwd", "redirect_scheme"),
        ("http://news.example/a", "ftp://news.example/pub/a.html", "redirect_scheme"),
        ("http://news.example/a", "gopher://news.example/", "redirect_scheme"),
        ("http://news.example/a", "http://evil.example/a", "redirect_offsite"),
        ("http://news.example/a", "http://news.example:6379/", "redirect_port"),
        ("http://news.example:8080/a", "https://news.example/a", "redirect_port"),
        ("http://news.example/a", "http://news.example/a#top", "redirect_loop"),
        ("http://news.example/b", "http://news.example/a", "redirect_loop"),
        ("http://news.example/a", "http://news.example/b", None),
        ("http://news.example/a", "https://news.example/a", None),  # upgrade to https: allowed
        ("http://news.example/a", "http://www.news.example/a", None),
    ],
)
def test_redirect_refusal(source: str, target: str, reason: str | None) -> None:
    chain = ["http://news.example/a"] if source.endswith("/b") else []
    assert redirect_refusal(source, target, chain, _in_site) == reason


def test_refused_and_ignored_requests_get_a_stable_reason() -> None:
    assert _ignored_reason(RefusedRequest("redirect_port", "x")) == "redirect_port"
    assert _ignored_reason(IgnoreRequest("max redirections reached")) == "redirect_max"
    assert _ignored_reason(IgnoreRequest("Forbidden by robots.txt")) == "robots_txt"
    message = "Ignored response because its body (1 B) is larger than the download max size DOWNLOAD_MAXSIZE"
    assert _ignored_reason(IgnoreRequest(message)) == "too_large"
    assert _ignored_reason(IgnoreRequest("Filtered offsite request to 'x'")) == "offsite"
    assert _ignored_reason(IgnoreRequest("something else")) == "ignored"


# --- bombs -----------------------------------------------------------------------------------------


def test_gzip_bomb_is_a_valid_gzip_file_of_the_announced_size() -> None:
    data = gzip_bomb(16 * MIB)
    assert len(data) < 64 * 1024
    assert gzip.decompress(data) == b" " * (16 * MIB)


def test_gzipped_sitemap_is_inflated_up_to_the_cap_only() -> None:
    bomb = gzip_bomb(64 * MIB)
    assert len(_gunzip_capped(bomb, MIB)) == MIB + 1  # more than the cap: refused by the caller
    small = gzip.compress(b"<urlset/>")
    assert _gunzip_capped(small, MIB) == b"<urlset/>"
    assert _gunzip_capped(b"\x1f\x8bnot gzip", MIB) == b""


def test_hostile_site_serves_its_bombs_streamed(hostile: HostileSite) -> None:
    with urllib.request.urlopen(hostile.base + "/news/gzip-bomb/", timeout=10) as r:
        assert r.headers["Content-Encoding"] == "gzip"
        with gzip.GzipFile(fileobj=io.BytesIO(r.read())) as f:
            assert f.read(MIB) == b" " * MIB
    with urllib.request.urlopen(hostile.base + "/news/huge-page/", timeout=10) as r:
        assert r.headers["Content-Length"] is None
        assert len(r.read(10 * MIB)) == 10 * MIB  # and more would follow


# --- tricky good pages -----------------------------------------------------------------------------


def test_deeply_nested_article_keeps_its_paragraphs(hostile: HostileSite) -> None:
    with urllib.request.urlopen(hostile.good_url(38), timeout=10) as r:
        page = r.read()
    assert page.count(b"<div>") >= 3000
    article = extract(page, hostile.good_url(38))
    assert article.body == expected_body(hostile.articles[38])


def test_article_beside_a_megabyte_of_nested_json_ld_is_extracted(hostile: HostileSite) -> None:
    with urllib.request.urlopen(hostile.good_url(35), timeout=10) as r:
        page = r.read()
    assert len(page) > MIB
    article = extract(page, hostile.good_url(35))
    assert article.title == hostile.articles[35].title
    assert article.body == expected_body(hostile.articles[35])


# --- status of bounded runs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "words"),
    [("closespider_timeout", "--max-time"), ("memusage_exceeded", "CRAWLER_MAX_MEMORY_MB")],
)
def test_runs_stopped_by_a_bound_end_early_and_say_which(reason: str, words: str) -> None:
    status, why = run_status({"downloader/response_status_count/200": 3}, reason)
    assert status == "failed"
    assert why is not None and why.startswith("ended early") and words in why


def test_the_memory_bound_reads_anonymous_memory_not_the_peak_rss(monkeypatch: pytest.MonkeyPatch) -> None:
    from scrapy.settings import Settings
    from scrapy.utils.conf import build_component_list
    from scrapy.utils.test import get_crawler

    from crawler import extensions

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    enabled = build_component_list(settings.getwithbase("EXTENSIONS"))
    assert "crawler.extensions.AnonMemoryUsage" in enabled
    assert "scrapy.extensions.memusage.MemoryUsage" not in enabled  # it would read the peak RSS
    bound = extensions.AnonMemoryUsage.from_crawler(get_crawler(settings_dict={"MEMUSAGE_LIMIT_MB": 100}))
    assert bound.limit == 100 * MIB
    monkeypatch.setattr(extensions, "anon_rss_bytes", lambda: 101 * MIB)
    assert bound.get_virtual_size() == 101 * MIB  # past the bound, whatever the RSS
    monkeypatch.setattr(extensions, "anon_rss_bytes", lambda: None)  # no RssAnon: Scrapy's peak RSS
    assert bound.get_virtual_size() == extensions.MemoryUsage.get_virtual_size(bound) > 0


# --- reactor measures ------------------------------------------------------------------------------


class _ValueStats:
    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def get_value(self, key: str, default: object = None) -> object:
        return self.values.get(key, default)

    def set_value(self, key: str, value: object) -> None:
        self.values[key] = value


def test_timed_callback_times_the_synchronous_steps_and_not_the_waits() -> None:
    class Spider:
        crawler = SimpleNamespace(stats=_ValueStats())

        @timed_callback
        async def parse(self, response: object) -> AsyncIterator[int]:
            time.sleep(0.2)  # holds the thread: counted
            yield 1
            await asyncio.sleep(2.0)  # a real wait: not counted
            yield 2

    spider = Spider()

    async def consume() -> list[int]:
        return [item async for item in spider.parse(SimpleNamespace(url="http://news.example/slow"))]

    assert asyncio.run(consume()) == [1, 2]
    values = spider.crawler.stats.values
    assert values["crawler/reactor/max_callback_url"] == "http://news.example/slow"
    assert 0.2 <= float(values["crawler/reactor/max_callback_seconds"]) < 2.0  # type: ignore[arg-type]


def test_timed_callback_passes_exceptions_through() -> None:
    class Spider:
        crawler = SimpleNamespace(stats=_ValueStats())

        @timed_callback
        async def parse(self, response: object) -> AsyncIterator[int]:
            await asyncio.sleep(0)
            yield 1
            raise ValueError("broken page")

    async def consume() -> list[int]:
        return [item async for item in Spider().parse(SimpleNamespace(url="http://news.example/x"))]

    with pytest.raises(ValueError, match="broken page"):
        asyncio.run(consume())


def test_caps_met_by_many_urls_are_all_counted_and_a_few_logged(caplog: pytest.LogCaptureFixture) -> None:
    spider = _spider()
    with caplog.at_level(logging.INFO, logger="crawler.spiders.news"):
        for n in range(25):
            spider.count("skipped", "max_pages", f"http://news.example/{n}")
        spider.count("skipped", "too_large", "http://news.example/big", "5 MiB")
    assert spider.crawler.stats.values == {"crawler/skipped/max_pages": 25, "crawler/skipped/too_large": 1}  # type: ignore[attr-defined]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 21
    assert lines[0] == "skipped max_pages: http://news.example/0"
    assert "further max_pages pages are counted, not logged" in lines[19]
    assert lines[20] == "skipped too_large: http://news.example/big (5 MiB)"
