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
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.asyncio import run_in_thread
from twisted.python.failure import Failure

from crawler import workers
from crawler.dedup.canonical import choose_canonical, site_twins
from crawler.dedup.urls import Twins, canonicalize
from crawler.discover import (
    Entry,
    looks_like_article_url,
    looks_like_pagination,
    parse_feed,
    parse_sitemap,
    safe_http_url,
)
from crawler.exceptions import ConfigError
from crawler.frontier import Frontier, origin_url
from crawler.items import Article
from crawler.perf import add_seconds
from crawler.procmem import tune_malloc
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
        self.twins: Twins | None = None  # the site's same_site_hosts, folded onto its main host
        self.max_pages = 0
        self.listing_depth = 3
        self.frontier: Frontier | None = None  # incremental state (site mode only)
        self.extraction: workers.ExtractionPool | None = None

    # --- configuration ---------------------------------------------------------------------

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        tune_malloc()  # before the store's threads allocate (see crawler.procmem)
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(crawler)
        spider.extraction = workers.acquire(
            crawler.settings.getint("CRAWLER_EXTRACT_WORKERS"),
            timeout=crawler.settings.getfloat("CRAWLER_EXTRACT_TIMEOUT"),
            function=crawler.settings.get("CRAWLER_EXTRACT_FUNCTION"),
        )
        crawler.signals.connect(spider._start_extraction, signal=signals.spider_opened)
        crawler.signals.connect(spider._stop_extraction, signal=signals.spider_closed)
        return spider

    async def _start_extraction(self) -> None:
        if self.extraction is not None:  # the forkserver imports the extractor: not on the reactor thread
            await run_in_thread(self.extraction.start)

    async def _stop_extraction(self) -> None:
        pool, self.extraction = self.extraction, None
        if pool is not None:
            await run_in_thread(workers.release, pool)

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
        main_urls = (*site.start_urls, *site.feeds, *site.sitemaps)
        if site.same_site_hosts and main_urls:
            self.twins = site_twins(main_urls[0], site.same_site_hosts)
        if not settings.frozen:
            if site.download_delay is not None:
                settings.set("DOWNLOAD_DELAY", site.download_delay, priority="spider")
                settings.set("AUTOTHROTTLE_START_DELAY", max(site.download_delay, 0.01), priority="spider")
            if site.concurrency is not None:
                settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", site.concurrency, priority="spider")
            # One crawler per site: hand the downloader no more requests than the site may have in
            # flight. A graceful stop (SIGTERM, `timeout`) downloads every request already handed
            # over, so 32 queued behind a 4-wide slot would delay the stop by 28 delays or more.
            per_host = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
            settings.set("CONCURRENT_REQUESTS", per_host * max(1, len(site.hosts)), priority="spider")
            if site.autothrottle is not None:
                settings.set("AUTOTHROTTLE_ENABLED", site.autothrottle, priority="spider")
        self.max_pages = site.max_pages or settings.getint("CRAWLER_MAX_PAGES")
        self.listing_depth = (
            site.listing_depth if site.listing_depth is not None else settings.getint("CRAWLER_LISTING_DEPTH")
        )
        if self.site_arg and not self.url_arg:
            self.frontier = Frontier.from_crawler(crawler, site.name)

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

    def _request(self, url: str, callback: Any, kind: str, source: str | None = None, **meta: Any) -> Request | None:
        if self.max_pages and self.scheduled >= self.max_pages:
            self.crawler.stats.inc_value("crawler/skipped/max_pages")
            if self.frontier is not None:
                self.frontier.source_incomplete(source)  # the rest must be fetched next run
            return None
        self.scheduled += 1
        self.crawler.stats.inc_value(f"crawler/requests/{kind}")
        return Request(url, callback=callback, errback=self.on_error, meta={"kind": kind, "source": source, **meta})

    async def _article_requests(self, entries: Sequence[Entry], source: str) -> list[Request]:
        """Requests for the article entries found on *source* that the incremental policy wants fetched."""
        unique: dict[str, Entry] = {}
        for entry in entries:
            if self._in_site(entry.url):
                url = canonicalize(entry.url, twins=self.twins)
                unique.setdefault(url, replace(entry, url=url))
        chosen = list(unique.values())
        if self.frontier is not None:
            chosen = await self.frontier.select_articles(chosen)
        requests = []
        for entry in chosen:
            if request := self._request(entry.url, self.parse_article, "article", source=source, entry=entry):
                requests.append(request)
        return requests

    def _not_modified(self, response: Response) -> bool:
        """A 304 to a conditional request: nothing new on this source since it was read in full."""
        if response.status != 304:
            return False
        if self.frontier is not None:
            self.frontier.source_not_modified(response)
        return True

    def _read_in_full(self, response: Response) -> None:
        if self.frontier is not None:
            self.frontier.source_read(response)

    def _in_site(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == h or host.endswith("." + h) for h in self.site.hosts) or bool(
            self.twins and host in self.twins
        )

    def _is_article(self, url: str) -> bool:
        by_pattern = self.site.is_article_url(url)
        return looks_like_article_url(url) if by_pattern is None else by_pattern

    # --- callbacks -------------------------------------------------------------------------

    async def parse_feed(self, response: Response) -> AsyncIterator[Request]:
        if self._not_modified(response):
            return
        entries = parse_feed(response.body, response.url)
        if not entries:
            self.crawler.stats.inc_value("crawler/feeds/empty_or_invalid")
            logger.warning("not a feed, or an empty one: %s", response.url)
        for request in await self._article_requests(self._wanted(entries), origin_url(response)):
            yield request
        self._read_in_full(response)

    def _wanted(self, entries: list[Entry]) -> list[Entry]:
        """Feed/sitemap entries, filtered by the article pattern when the site has one."""
        if self.site.article_pattern is None:
            return entries
        return [e for e in entries if self._is_article(e.url)]

    async def parse_sitemap(self, response: Response) -> AsyncIterator[Request]:
        if self._not_modified(response):
            return
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
        source = origin_url(response)
        if kind == "index":
            children = [e for e in entries if self._in_site(e.url)]
            if self.frontier is not None:
                children = await self.frontier.select_sitemaps(children)
            for entry in children:
                if request := self._request(entry.url, self.parse_sitemap, "sitemap", source=source):
                    yield request
        elif kind == "urlset":
            for request in await self._article_requests(self._wanted(entries), source):
                yield request
        else:
            self.crawler.stats.inc_value("crawler/sitemaps/invalid")
            logger.warning("not a sitemap: %s", response.url)
            return
        self._read_in_full(response)

    async def parse_listing(self, response: Response) -> AsyncIterator[Request]:
        if self._not_modified(response):
            return
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("crawler/skipped/not_html")
            return
        depth = int(response.meta.get("listing_depth", 0))
        source = origin_url(response)
        seen: set[str] = set()
        articles: list[Entry] = []
        for link in response.css("a[href]"):
            url = safe_http_url(link.attrib.get("href"), response.url)
            if not url or not self._in_site(url):
                continue
            url = url.split("#", 1)[0]
            if url in seen or url == response.url:
                continue
            seen.add(url)
            if self._is_article(url):
                articles.append(Entry(url))
            elif depth < self.listing_depth and looks_like_pagination(
                url, " ".join(link.css("::text").getall()), link.attrib.get("rel", "")
            ):
                request = self._request(url, self.parse_listing, "listing", source=source, listing_depth=depth + 1)
                if request:
                    yield request
        for request in await self._article_requests(articles, source):
            yield request
        self._read_in_full(response)

    async def parse_article(self, response: Response) -> AsyncIterator[Article]:
        content_type = (response.headers.get(b"Content-Type") or b"text/html").split(b";")[0].strip().lower()
        if not isinstance(response, TextResponse) or not content_type.startswith(_HTML_TYPES):
            self.crawler.stats.inc_value("crawler/skipped/not_html")
            logger.info("not an HTML page: %s (%s)", response.url, content_type.decode("latin-1"))
            if self.frontier is not None:
                self.frontier.remember(origin_url(response), "not_article")
            return
        fetched_at = datetime.now(UTC)
        assert self.extraction is not None
        try:
            # The bytes and the (fixed) encoding: the extractor decodes, in the worker.
            article, cpu = await self.extraction.extract(
                response.body, response.url, fetched_at=fetched_at, encoding=response.encoding
            )
        except workers.ExtractionFailed as exc:
            self.crawler.stats.inc_value(f"crawler/dropped/{exc.reason}")
            logger.warning("page dropped: %s: %s", response.url, exc.detail)
            return
        add_seconds(self.crawler.stats, "crawler/cpu/extract", cpu)
        article.site = self.site.name
        article.fetched_at = fetched_at.isoformat(timespec="seconds")
        article.canonical_url = self._canonical(response.url, article.canonical_url)
        entry: Entry | None = response.meta.get("entry")
        if entry is not None and not article.published and (published := feed_date(entry.published)):
            article.published = published
            self.crawler.stats.inc_value("crawler/dates/from_feed")
        yield article

    def _canonical(self, fetched_url: str, page_canonical: str | None) -> str:
        """The page's own canonical URL when it stays on the site (and is not the home
        page), else the fetched URL; both canonicalised with the site's twins."""
        return choose_canonical(fetched_url, rel_canonical=page_canonical, twins=self.twins)

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
            if self.frontier is not None and status in (404, 410) and kind == "article":
                self.frontier.remember(request.meta.get("redirect_urls", [request.url])[0], "gone")
            elif self.frontier is not None:
                self.frontier.source_incomplete(request.meta.get("source"))
        else:
            if self.frontier is not None:
                self.frontier.source_incomplete(request.meta.get("source"))
            stats.inc_value(f"crawler/failed/{type(failure.value).__name__}")
            message = failure.getErrorMessage()
            logger.error("%s failed: %s: %s", kind, request.url, message)
        if stats.get_value("crawler/first_failure") is None:
            stats.set_value("crawler/first_failure", f"{message} ({request.url})")
