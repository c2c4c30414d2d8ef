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
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, Response, TextResponse
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
from crawler.middlewares.redirects import RefusedRequest
from crawler.perf import add_seconds
from crawler.procmem import tune_malloc
from crawler.reactor import timed_callback
from crawler.sites import SiteConfig, load_sites, site_for_url
from crawler.text.encoding import detect_encoding, header_charset
from crawler.text.sniff import binary_kind, looks_like_html

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

__all__ = ["NewsSpider"]

_HTML_TYPES = (b"text/html", b"application/xhtml", b"application/octet-stream", b"text/plain")
_SITEMAP_KINDS = ("feed", "sitemap")
# Failures counted under a stable reason (crawler/failed/<reason>) instead of a class name.
_FAILURES = (
    (DownloadTimeoutError, "timeout"),
    (ResponseDataLossError, "connection_lost"),
    (DownloadConnectionRefusedError, "connection_refused"),
    (CannotResolveHostError, "dns"),
)
# Caps met by many URLs at once: the first few are logged with their URL, all are counted.
_BULK_REASONS = frozenset(["max_pages", "max_items", "listing_depth"])
_BULK_LOG_LINES = 20
# (Scrapy setting, the CRAWLER_* setting that drives it, type): applied in configure().
_BOUNDS = (
    ("DOWNLOAD_TIMEOUT", "CRAWLER_DOWNLOAD_TIMEOUT", float),
    ("CLOSESPIDER_TIMEOUT", "CRAWLER_MAX_TIME", float),
    ("REDIRECT_MAX_TIMES", "CRAWLER_MAX_REDIRECTS", int),
    ("DOWNLOAD_MAXSIZE", "CRAWLER_MAX_HTML_BYTES", int),
    ("MEMUSAGE_LIMIT_MB", "CRAWLER_MAX_MEMORY_MB", int),
)


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
        self.max_items = 0
        self.items = 0  # articles extracted in this run
        self.max_html_bytes = 0
        self.max_sitemap_bytes = 0
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
            max_tasks=crawler.settings.getint("CRAWLER_EXTRACT_MAX_TASKS"),
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
            # Bounds (issue 8): the CRAWLER_* settings drive Scrapy's own (a command-line
            # override of the Scrapy setting itself still wins: it has a higher priority).
            for scrapy_key, key, kind in _BOUNDS:
                if settings.get(key) is not None:
                    settings.set(scrapy_key, kind(settings.get(key)), priority="spider")
        self.max_pages = site.max_pages or settings.getint("CRAWLER_MAX_PAGES")
        self.listing_depth = (
            site.listing_depth if site.listing_depth is not None else settings.getint("CRAWLER_LISTING_DEPTH")
        )
        self.max_items = settings.getint("CRAWLER_MAX_ITEMS")
        self.max_html_bytes = settings.getint("CRAWLER_MAX_HTML_BYTES")
        self.max_sitemap_bytes = settings.getint("CRAWLER_MAX_SITEMAP_BYTES")
        if self.site_arg and not self.url_arg:
            self.frontier = Frontier.from_crawler(crawler, site.name)

    def count(self, outcome: str, reason: str, url: str, detail: str = "") -> None:
        """Count an outcome (``crawler/<outcome>/<reason>``) and log it with its URL, in the
        one format ``scripts/bench_hostile.py`` reads: ``skipped too_large: URL (detail)``."""
        stats = self.crawler.stats
        stats.inc_value(f"crawler/{outcome}/{reason}")
        if reason in _BULK_REASONS:  # a 300,000-URL sitemap past max_pages: count them all, log a few
            seen = int(stats.get_value(f"crawler/{outcome}/{reason}") or 0)
            if seen > _BULK_LOG_LINES:
                return
            if seen == _BULK_LOG_LINES:
                detail = (detail + "; " if detail else "") + f"further {reason} pages are counted, not logged"
        level = logging.WARNING if outcome == "failed" else logging.INFO
        logger.log(level, "%s %s: %s%s", outcome, reason, url, f" ({detail})" if detail else "")

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
        cap = None
        if self.max_pages and self.scheduled >= self.max_pages:
            cap = "max_pages"
        elif kind == "article" and self.max_items and self.items >= self.max_items:
            cap = "max_items"
        if cap is not None:
            self.count("skipped", cap, url)
            if self.frontier is not None:
                self.frontier.source_incomplete(source)  # the rest must be fetched next run
            return None
        self.scheduled += 1
        self.crawler.stats.inc_value(f"crawler/requests/{kind}")
        # The body cap, enforced while streaming and while decompressing (Scrapy's HTTP
        # handler and HttpCompressionMiddleware both read this key).
        maxsize = self.max_sitemap_bytes if kind in _SITEMAP_KINDS else self.max_html_bytes
        meta = {"kind": kind, "source": source, "download_maxsize": maxsize, **meta}
        return Request(url, callback=callback, errback=self.on_error, meta=meta)

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

    @timed_callback
    async def parse_feed(self, response: Response) -> AsyncIterator[Request]:
        if self._not_modified(response):
            return
        # lxml releases the GIL while it parses: a large feed does not hold the reactor.
        entries = await run_in_thread(parse_feed, response.body, response.url)
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

    @timed_callback
    async def parse_sitemap(self, response: Response) -> AsyncIterator[Request]:
        if self._not_modified(response):
            return
        body = response.body
        if body[:2] == b"\x1f\x8b":  # a .xml.gz file served as-is: inflate at most the cap, off the reactor
            body = await run_in_thread(_gunzip_capped, body, self.max_sitemap_bytes)
            if len(body) > self.max_sitemap_bytes:
                detail = f"gzip file inflates past {self.max_sitemap_bytes} bytes"
                self.count("skipped", "too_large", response.url, detail)
                return
        kind, entries = await run_in_thread(parse_sitemap, body, response.url)
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

    @timed_callback
    async def parse_listing(self, response: Response) -> AsyncIterator[Request]:
        if self._not_modified(response):
            return
        page = self._as_html(response)
        if page is None:
            return
        depth = int(response.meta.get("listing_depth", 0))
        source = origin_url(response)
        # Parsing and reading every link runs in a thread (lxml frees the GIL while parsing):
        # a listing of 100,000 links does not hold the reactor.
        articles, pages = await run_in_thread(self._listing_links, page)
        for url in pages:
            if depth >= self.listing_depth:
                self.count("skipped", "listing_depth", url, f"pagination deeper than {self.listing_depth}")
            elif request := self._request(url, self.parse_listing, "listing", source=source, listing_depth=depth + 1):
                yield request
        for request in await self._article_requests(articles, source):
            yield request
        self._read_in_full(response)

    def _listing_links(self, response: TextResponse) -> tuple[list[Entry], list[str]]:
        """(article entries, pagination URLs) linked from a listing page (runs in a thread)."""
        seen: set[str] = set()
        articles: list[Entry] = []
        pages: list[str] = []
        # lxml elements, not parsel selectors: a selector per link costs ten times as much
        # (measured: 60,000 links read in 3.7 s through parsel).
        for link in response.selector.root.iter("a"):
            url = safe_http_url(link.get("href"), response.url)
            if not url or not self._in_site(url):
                continue
            url = url.split("#", 1)[0]
            if url in seen or url == response.url:
                continue
            seen.add(url)
            if self._is_article(url):
                articles.append(Entry(url))
            elif looks_like_pagination(url, " ".join(link.itertext()), link.get("rel") or ""):
                pages.append(url)
        return articles, pages

    def _as_html(self, response: Response) -> TextResponse | None:
        """The response as an HTML page, whatever its Content-Type says, or None (counted).

        The bytes decide: a PDF or an image served as text/html is not a page
        (``skipped/not_html``), an HTML page served as application/octet-stream is one
        (``crawler/sniffed_html``), decoded with the charset its bytes are in.
        """
        content_type = (response.headers.get(b"Content-Type") or b"text/html").split(b";")[0].strip().lower()
        kind = binary_kind(response.body)
        if kind is not None:
            self._not_html(response, f"{kind} served as {content_type.decode('latin-1')}")
            return None
        if isinstance(response, TextResponse) and content_type.startswith(_HTML_TYPES):
            return response
        if looks_like_html(response.body):
            self.crawler.stats.inc_value("crawler/sniffed_html")
            header = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
            encoding = detect_encoding(response.body, header=header_charset(header), forced=self.forced_encoding)
            return response.replace(cls=HtmlResponse, encoding=encoding)
        self._not_html(response, f"{content_type.decode('latin-1')}, not HTML")
        return None

    def _not_html(self, response: Response, detail: str) -> None:
        self.count("skipped", "not_html", response.url, detail)
        if self.frontier is not None and response.meta.get("kind") == "article":
            self.frontier.remember(origin_url(response), "not_article")

    @timed_callback
    async def parse_article(self, response: Response) -> AsyncIterator[Article]:
        page = self._as_html(response)
        if page is None:
            return
        if self.max_items and self.items >= self.max_items:  # downloaded before the cap was reached
            self.count("skipped", "max_items", response.url)
            if self.frontier is not None:
                self.frontier.source_incomplete(response.meta.get("source"))
            return
        fetched_at = datetime.now(UTC)
        assert self.extraction is not None
        self.items += 1
        try:
            # The bytes and the (fixed) encoding: the extractor decodes, in the worker.
            article, cpu = await self.extraction.extract(
                page.body, page.url, fetched_at=fetched_at, encoding=page.encoding
            )
        except workers.ExtractionFailed as exc:
            self.count("dropped", exc.reason, response.url, exc.detail)
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
        first_url = request.meta.get("redirect_urls", [request.url])[0]
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            # robots.txt, offsite, size caps, refused redirects...: a decision, not an error.
            reason = _ignored_reason(failure.value)
            self.count("skipped", reason, first_url, f"{kind}: {failure.getErrorMessage()}")
            if reason == "max_items" and self.frontier is not None:
                self.frontier.source_incomplete(request.meta.get("source"))  # fetch the rest next run
            return
        if failure.check(DownloadCancelledError):
            # Scrapy 2.19 cancels a download for one reason: its body (announced, or received
            # while streaming: then the message is empty) went past the size cap.
            self.count("skipped", "too_large", first_url, f"{kind}: {failure.getErrorMessage()}")
            return
        if failure.check(HttpError):
            status = failure.value.response.status
            message = f"HTTP {status}"
            self.count("failed", f"http_{status}", first_url, kind)
            if self.frontier is not None and status in (404, 410) and kind == "article":
                self.frontier.remember(request.meta.get("redirect_urls", [request.url])[0], "gone")
            elif self.frontier is not None:
                self.frontier.source_incomplete(request.meta.get("source"))
        else:
            if self.frontier is not None:
                self.frontier.source_incomplete(request.meta.get("source"))
            reason = next((r for cls, r in _FAILURES if failure.check(cls)), type(failure.value).__name__)
            message = failure.getErrorMessage()
            stats.inc_value(f"crawler/failed/{reason}")
            logger.error("failed %s: %s (%s: %s)", reason, first_url, kind, message)
        if stats.get_value("crawler/first_failure") is None:
            stats.set_value("crawler/first_failure", f"{message} ({request.url})")


def _ignored_reason(exc: BaseException) -> str:
    """The counted reason of a request Scrapy or a middleware of ours decided not to make."""
    if isinstance(exc, RefusedRequest):
        return exc.reason
    message = str(exc).lower()
    for needle, reason in (
        ("robots", "robots_txt"),
        ("max redirections", "redirect_max"),
        ("download_maxsize", "too_large"),
        ("max size", "too_large"),
        ("offsite", "offsite"),
    ):
        if needle in message:
            return reason
    return "ignored"


def _gunzip_capped(body: bytes, cap: int) -> bytes:
    """*body* inflated, at most *cap* + 1 bytes of it (more means: over the cap); b"" when broken."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as f:
            return f.read(cap + 1)
    except (OSError, EOFError):
        return b""
