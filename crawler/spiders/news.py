"""NewsSpider: one generic spider for every site of the sites file.

It reads a site's feeds, sitemaps (index, plain, Google News) and listing pages
(with pagination), follows links to article pages (by the site's ``article_pattern``,
else by a URL-shape heuristic) inside the site's hosts, and turns each article page
into an Article with :func:`crawler.extract.extract`.

Two modes::

    scrapy crawl news -a site=NAME                 # a site of the sites file
    scrapy crawl news -a url=https://.../article  # one article URL (``crawler fetch``)
"""

from __future__ import annotations

import gzip
import io
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.dedup.urls import canonicalize
from crawler.discover import (
    Entry,
    looks_like_article_url,
    looks_like_pagination,
    parse_feed,
    parse_sitemap,
    safe_http_url,
)
from crawler.exceptions import ConfigError
from crawler.extract import extract
from crawler.items import Article
from crawler.sites import SiteConfig, load_sites, site_for_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

__all__ = ["NewsSpider"]

_HTML_TYPES = (b"text/html", b"application/xhtml", b"application/octet-stream", b"text/plain")
_MAX_SITEMAP_BYTES = 50 * 1024 * 1024


def feed_date(value: str | None) -> str | None:
    """A feed's or sitemap's date (RFC 822 or ISO 8601) as ISO 8601, or None."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return parsed.isoformat()


def adhoc_site(url: str) -> SiteConfig:
    """A site config for a URL that belongs to no configured site (``crawler fetch``)."""
    host = (urlsplit(url).hostname or "").lower()
    return SiteConfig(name=host or "adhoc", start_urls=(url,), allowed_domains=(host,), languages=())


class NewsSpider(Spider):
    name = "news"

    def __init__(self, site: str | None = None, url: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.site_arg = site
        self.url_arg = url
        self.site: SiteConfig = adhoc_site(url or "http://invalid/")
        self.scheduled = 0
        self.max_pages = 0
        self.listing_depth = 3

    # --- configuration ---------------------------------------------------------------------

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(crawler)
        return spider

    def configure(self, crawler: Crawler) -> None:
        """Resolve the site and apply its per-site settings (before the settings freeze)."""
        settings = crawler.settings
        sites_file = settings.get("CRAWLER_SITES")
        if self.url_arg:
            if not safe_http_url(self.url_arg):
                raise ConfigError(f"not an http(s) URL: {self.url_arg!r}")
            sites = load_sites(sites_file) if sites_file else {}
            self.site = site_for_url(sites, self.url_arg) or adhoc_site(self.url_arg)
        elif self.site_arg:
            sites = load_sites(sites_file)
            if self.site_arg not in sites:
                raise ConfigError(f"{sites_file}: no site named {self.site_arg!r} (known: {', '.join(sites)})")
            self.site = sites[self.site_arg]
        else:
            raise ConfigError("NewsSpider needs -a site=NAME or -a url=URL")
        site = self.site
        self.allowed_domains = list(site.hosts)
        if not settings.frozen:
            if site.download_delay is not None:
                settings.set("DOWNLOAD_DELAY", site.download_delay, priority="spider")
                settings.set("AUTOTHROTTLE_START_DELAY", max(site.download_delay, 0.01), priority="spider")
            if site.concurrency is not None:
                settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", site.concurrency, priority="spider")
        self.max_pages = site.max_pages or settings.getint("CRAWLER_MAX_PAGES")
        self.listing_depth = (
            site.listing_depth if site.listing_depth is not None else settings.getint("CRAWLER_LISTING_DEPTH")
        )

    @property
    def site_name(self) -> str:
        return self.site.name

    @property
    def languages(self) -> tuple[str, ...]:
        return self.site.languages

    @property
    def forced_encoding(self) -> str | None:
        return self.site.encoding

    # --- requests --------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        if self.url_arg:
            yield Request(
                self.url_arg,
                callback=self.parse_article,
                errback=self.on_error,
                dont_filter=True,
                meta={"kind": "article", "handle_httpstatus_all": False},
            )
            return
        for url in self.site.feeds:
            if request := self._request(url, self.parse_feed, "feed"):
                yield request
        for url in self.site.sitemaps:
            if request := self._request(url, self.parse_sitemap, "sitemap"):
                yield request
        for url in self.site.start_urls:
            if request := self._request(url, self.parse_listing, "listing", listing_depth=0):
                yield request

    def _request(self, url: str, callback: Any, kind: str, **meta: Any) -> Request | None:
        if self.max_pages and self.scheduled >= self.max_pages:
            self.crawler.stats.inc_value("crawler/skipped/max_pages")
            return None
        self.scheduled += 1
        self.crawler.stats.inc_value(f"crawler/requests/{kind}")
        return Request(url, callback=callback, errback=self.on_error, meta={"kind": kind, **meta})

    def _article_request(self, url: str, entry: Entry | None = None) -> Request | None:
        if not self._in_site(url):
            return None
        return self._request(canonicalize(url), self.parse_article, "article", entry=entry)

    def _in_site(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == h or host.endswith("." + h) for h in self.site.hosts)

    def _is_article(self, url: str) -> bool:
        by_pattern = self.site.is_article_url(url)
        return looks_like_article_url(url) if by_pattern is None else by_pattern

    # --- callbacks -------------------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[Request]:
        entries = parse_feed(response.body, response.url)
        if not entries:
            self.crawler.stats.inc_value("crawler/feeds/empty_or_invalid")
            logger.warning("not a feed, or an empty one: %s", response.url)
        yield from self._entry_requests(entries)

    def _entry_requests(self, entries: list[Entry]) -> Iterator[Request]:
        """Article requests for feed/sitemap entries (filtered by the pattern when the site has one)."""
        for entry in entries:
            if self.site.article_pattern is not None and not self._is_article(entry.url):
                continue
            if request := self._article_request(entry.url, entry):
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        body = response.body
        if body[:2] == b"\x1f\x8b":  # a .xml.gz file served as-is
            try:
                with gzip.GzipFile(fileobj=io.BytesIO(body)) as f:
                    body = f.read(_MAX_SITEMAP_BYTES + 1)
            except (OSError, EOFError):
                body = b""
            if len(body) > _MAX_SITEMAP_BYTES:
                self.crawler.stats.inc_value("crawler/skipped/sitemap_too_large")
                return
        kind, entries = parse_sitemap(body, response.url)
        if kind == "index":
            for entry in entries:
                if self._in_site(entry.url) and (request := self._request(entry.url, self.parse_sitemap, "sitemap")):
                    yield request
        elif kind == "urlset":
            yield from self._entry_requests(entries)
        else:
            self.crawler.stats.inc_value("crawler/sitemaps/invalid")
            logger.warning("not a sitemap: %s", response.url)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("crawler/skipped/not_html")
            return
        depth = int(response.meta.get("listing_depth", 0))
        seen: set[str] = set()
        for link in response.css("a[href]"):
            url = safe_http_url(link.attrib.get("href"), response.url)
            if not url or not self._in_site(url):
                continue
            url = url.split("#", 1)[0]
            if url in seen or url == response.url:
                continue
            seen.add(url)
            request = None
            if self._is_article(url):
                request = self._article_request(url)
            elif depth < self.listing_depth and looks_like_pagination(
                url, " ".join(link.css("::text").getall()), link.attrib.get("rel", "")
            ):
                request = self._request(url, self.parse_listing, "listing", listing_depth=depth + 1)
            if request:
                yield request

    def parse_article(self, response: Response) -> Iterator[Article]:
        content_type = (response.headers.get(b"Content-Type") or b"text/html").split(b";")[0].strip().lower()
        if not isinstance(response, TextResponse) or not content_type.startswith(_HTML_TYPES):
            self.crawler.stats.inc_value("crawler/skipped/not_html")
            logger.info("not an HTML page: %s (%s)", response.url, content_type.decode("latin-1"))
            return
        fetched_at = datetime.now(UTC)
        article = extract(response.text, response.url, fetched_at=fetched_at)
        article.site = self.site.name
        article.fetched_at = fetched_at.isoformat(timespec="seconds")
        article.canonical_url = self._canonical(response.url, article.canonical_url)
        entry: Entry | None = response.meta.get("entry")
        if entry is not None and not article.published and (published := feed_date(entry.published)):
            article.published = published
            self.crawler.stats.inc_value("crawler/dates/from_feed")
        yield article

    def _canonical(self, fetched_url: str, page_canonical: str | None) -> str:
        """The page's own canonical URL when it stays on the site, else the fetched URL."""
        if page_canonical and self._in_site(page_canonical):
            return canonicalize(page_canonical)
        return canonicalize(fetched_url)

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get("kind", "page")
        stats = self.crawler.stats
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            # robots.txt, offsite, size caps...: a decision, not an error.
            reason = failure.getErrorMessage().lower()
            stats.inc_value("crawler/skipped/" + ("robots_txt" if "robots" in reason else "ignored"))
            logger.info("skipped %s %s: %s", kind, request.url, failure.getErrorMessage())
            return
        if failure.check(HttpError):
            status = failure.value.response.status
            stats.inc_value(f"crawler/failed/http_{status}")
            message = f"HTTP {status}"
            logger.warning("HTTP %s for %s %s", status, kind, request.url)
        else:
            stats.inc_value(f"crawler/failed/{type(failure.value).__name__}")
            message = failure.getErrorMessage()
            logger.error("%s failed: %s: %s", kind, request.url, message)
        if stats.get_value("crawler/first_failure") is None:
            stats.set_value("crawler/first_failure", f"{message} ({request.url})")
