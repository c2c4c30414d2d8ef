"""Scrapy settings of the project, and the ONLY module that reads environment variables.

Settings flow one way: environment -> this module -> ``crawler.settings`` -> components'
``from_crawler``. Every custom setting is prefixed ``CRAWLER_`` and documented here;
``tests/test_docs.py`` checks that each one is also in the README.
"""

from __future__ import annotations

import os
from pathlib import Path

# --- the project's own settings ------------------------------------------------------------

#: Database URL. Default: an embedded SQLite file ``data/news.db`` under the working directory.
CRAWLER_DATABASE_URL = os.environ.get("CRAWLER_DATABASE_URL") or f"sqlite:///{Path('data/news.db').resolve()}"
#: Path of the sites file (TOML). ``--sites`` overrides it.
CRAWLER_SITES = os.environ.get("CRAWLER_SITES", "")
#: Articles written to the database per transaction.
CRAWLER_STORE_BATCH_SIZE = int(os.environ.get("CRAWLER_STORE_BATCH_SIZE", "50"))
#: Seconds an unfilled batch may wait before it is written anyway.
CRAWLER_STORE_FLUSH_SECONDS = float(os.environ.get("CRAWLER_STORE_FLUSH_SECONDS", "5"))
#: Hold each item until its article is committed (group commit: the articles that arrive
#: while a batch is being written form the next batch). ``crawler worker`` turns it on, so
#: a request's lease is acked only once its article is stored.
CRAWLER_STORE_WAIT = os.environ.get("CRAWLER_STORE_WAIT", "0").lower() in ("1", "true", "yes")
#: Pages whose extracted body is shorter than this (characters) are dropped as "not an article".
CRAWLER_MIN_BODY_CHARS = int(os.environ.get("CRAWLER_MIN_BODY_CHARS", "150"))
#: Listing pages (pagination hops) followed from each start URL, per run.
CRAWLER_LISTING_DEPTH = int(os.environ.get("CRAWLER_LISTING_DEPTH", "3"))
#: Pages fetched per site per run (feeds, sitemaps, listings and articles); 0 means no limit.
CRAWLER_MAX_PAGES = int(os.environ.get("CRAWLER_MAX_PAGES", "5000"))
#: Contact URL or address put in the User-Agent, so site owners can reach the operator.
CRAWLER_CONTACT = os.environ.get("CRAWLER_CONTACT", "https://example.invalid/arabic-news-crawler")
#: Default per-site delay between requests (seconds); a site's ``download_delay`` overrides it.
CRAWLER_DOWNLOAD_DELAY = float(os.environ.get("CRAWLER_DOWNLOAD_DELAY", "0.5"))
#: Default parallel requests per site; a site's ``concurrency`` overrides it.
CRAWLER_CONCURRENCY = int(os.environ.get("CRAWLER_CONCURRENCY", "4"))

# --- deduplication (issue 4) ----------------------------------------------------------------
# Near duplicates are found by MinHash over 3-word shingles of the folded body, with LSH
# keys stored in the database (docs/dedup.md); the defaults are justified by
# scripts/bench_dedup.py on the shared corpus.

#: Jaccard similarity (of 3-word shingle sets) from which two bodies are one article republished:
#: the later one is stored as a copy (``duplicate_of``) of the first seen.
CRAWLER_DEDUP_COPY_THRESHOLD = float(os.environ.get("CRAWLER_DEDUP_COPY_THRESHOLD", "0.6"))
#: Jaccard similarity from which two different texts tell the same story (a shared ``story_id``).
CRAWLER_DEDUP_STORY_THRESHOLD = float(os.environ.get("CRAWLER_DEDUP_STORY_THRESHOLD", "0.4"))
#: Share of the smaller body's shingles found in the larger one from which it is a copy too
#: (an aggregator that cut the last paragraph or appended its own trailer).
CRAWLER_DEDUP_CONTAINMENT_THRESHOLD = float(os.environ.get("CRAWLER_DEDUP_CONTAINMENT_THRESHOLD", "0.9"))
#: Containment counts only when the smaller body has at least this many distinct shingles...
CRAWLER_DEDUP_MIN_CONTAINMENT_SHINGLES = int(os.environ.get("CRAWLER_DEDUP_MIN_CONTAINMENT_SHINGLES", "20"))
#: ...and at least this share of the larger body's (a two-line brief is not a copy of a long report).
CRAWLER_DEDUP_MIN_SIZE_RATIO = float(os.environ.get("CRAWLER_DEDUP_MIN_SIZE_RATIO", "0.2"))
#: Two bodies sharing fewer distinct shingles than this are never linked (short bodies built on
#: one template share their boilerplate, not a story).
CRAWLER_DEDUP_MIN_SHARED_SHINGLES = int(os.environ.get("CRAWLER_DEDUP_MIN_SHARED_SHINGLES", "0"))

# --- incremental and cron-grade runs (issue 5) ----------------------------------------------


def _env_number(name: str, default: str, kind: type[int] | type[float]) -> float:
    """A numeric environment variable, or a one-line ConfigError naming it."""
    raw = os.environ.get(name, default)
    try:
        return kind(raw)
    except ValueError:
        from crawler.exceptions import ConfigError

        raise ConfigError(f"environment variable {name}: expected a number, got {raw!r}") from None


def _env_flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    if raw.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if raw.strip().lower() in ("0", "false", "no", "off"):
        return False
    from crawler.exceptions import ConfigError

    raise ConfigError(f"environment variable {name}: expected 1/0, true/false or yes/no, got {raw!r}")


#: Folder for per-site lock files when the database is SQLite (default: ``<database file>.locks``
#: next to the file). PostgreSQL uses advisory locks in the database instead.
CRAWLER_LOCK_DIR = os.environ.get("CRAWLER_LOCK_DIR", "")
#: Folder for one log file per ``crawler crawl`` run (``--log-dir``); empty: log to stderr.
CRAWLER_LOG_DIR = os.environ.get("CRAWLER_LOG_DIR", "")
#: Run logs in ``CRAWLER_LOG_DIR`` older than this many days are deleted when a run starts; 0 keeps all.
CRAWLER_LOG_KEEP_DAYS = _env_number("CRAWLER_LOG_KEEP_DAYS", "14", float)
#: A run that logged more errors than this counts as failed (exit code 1); negative: no limit.
CRAWLER_MAX_ERRORS = int(_env_number("CRAWLER_MAX_ERRORS", "50", int))
#: Skip article URLs already stored, and use sitemap dates and HTTP validators (``--full`` turns it off).
CRAWLER_INCREMENTAL = _env_flag("CRAWLER_INCREMENTAL", True)
#: Feed and sitemap entries dated before this ISO date are not fetched (``--since``); empty: no limit.
CRAWLER_SINCE = os.environ.get("CRAWLER_SINCE", "")
#: Stored articles younger than this (hours since published, else first seen) are fetched again
#: to catch edits, when no sitemap ``lastmod`` says whether they changed.
CRAWLER_REFETCH_HOURS = _env_number("CRAWLER_REFETCH_HOURS", "48", float)
#: ...but not more often than once per this many minutes.
CRAWLER_REFETCH_INTERVAL_MINUTES = _env_number("CRAWLER_REFETCH_INTERVAL_MINUTES", "60", float)
#: Article URLs that gave no article (not an article, 404/410, or an alias of a stored one) are
#: checked again after this many hours.
CRAWLER_RECHECK_HOURS = _env_number("CRAWLER_RECHECK_HOURS", "168", float)
#: Longest ``Retry-After`` (seconds) a 429/503 answer may ask for; a longer one ends the site's run.
CRAWLER_RETRY_AFTER_MAX = _env_number("CRAWLER_RETRY_AFTER_MAX", "300", float)
#: Longest robots.txt ``Crawl-delay`` (seconds) applied as asked; a longer one is capped to this.
CRAWLER_CRAWL_DELAY_MAX = _env_number("CRAWLER_CRAWL_DELAY_MAX", "60", float)

# --- bounds against hostile and broken input (issue 8) -------------------------------------
# Every bound ends in a counted reason in the crawl stats (crawler/skipped|dropped|failed/<reason>);
# docs/hostile.md lists them, and scripts/bench_hostile.py measures a crawl of a hostile site.

#: Seconds one request may take, first byte and whole body included (Scrapy's DOWNLOAD_TIMEOUT).
#: A timed-out request is not retried in the same run (``crawler/failed/timeout``).
CRAWLER_DOWNLOAD_TIMEOUT = _env_number("CRAWLER_DOWNLOAD_TIMEOUT", "20", float)
#: Seconds a whole run may take (``crawler crawl --max-time``); then the run stops, keeps what
#: it stored and ends early (finish reason ``closespider_timeout``, exit code 1). 0: no limit.
CRAWLER_MAX_TIME = _env_number("CRAWLER_MAX_TIME", "7200", float)
#: Largest body of an HTML page (article, listing), in bytes after decompression: a larger
#: page is cut off while it streams and skipped (``crawler/skipped/too_large``).
CRAWLER_MAX_HTML_BYTES = int(_env_number("CRAWLER_MAX_HTML_BYTES", str(5 * 1024 * 1024), int))
#: Largest feed or sitemap, in bytes after decompression (``.xml.gz`` files included); the
#: sitemap protocol's own limit is 50 MB (``crawler/skipped/too_large``).
CRAWLER_MAX_SITEMAP_BYTES = int(_env_number("CRAWLER_MAX_SITEMAP_BYTES", str(50 * 1024 * 1024), int))
#: Redirect hops followed per request (``crawler/skipped/redirect_max``); loops are cut
#: at once (``redirect_loop``).
CRAWLER_MAX_REDIRECTS = int(_env_number("CRAWLER_MAX_REDIRECTS", "5", int))
#: Articles extracted per site per run; further article pages are not fetched
#: (``crawler/skipped/max_items``). 0 means no limit.
CRAWLER_MAX_ITEMS = int(_env_number("CRAWLER_MAX_ITEMS", "5000", int))
#: Memory (MB, anonymous resident memory of the crawl process, ``RssAnon``: file pages such
#: as the memory-mapped database do not count) at which the run stops cleanly: it ends
#: early with finish reason ``memusage_exceeded`` (exit code 1). 0 means no limit.
CRAWLER_MAX_MEMORY_MB = int(_env_number("CRAWLER_MAX_MEMORY_MB", "1536", int))

# --- throughput (issue 9) ---------------------------------------------------------------------


def _default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


#: Worker processes that extract articles off the reactor thread (default: the cores this
#: process may use). 0 extracts inline on the reactor thread (slower; for debugging).
CRAWLER_EXTRACT_WORKERS = int(os.environ.get("CRAWLER_EXTRACT_WORKERS") or _default_workers())
#: Seconds one page's extraction may take in a worker before the worker is stopped and the
#: page dropped (``crawler/dropped/extract_timeout``); 0 means no limit. Not applied inline.
CRAWLER_EXTRACT_TIMEOUT = float(os.environ.get("CRAWLER_EXTRACT_TIMEOUT", "60"))
#: The extraction function, as a dotted path: ``f(html, url, fetched_at, encoding) ->
#: (Article, cpu_seconds)``, importable by the workers. The default runs ``crawler.extract``.
CRAWLER_EXTRACT_FUNCTION = os.environ.get("CRAWLER_EXTRACT_FUNCTION", "crawler.workers.extract_page")
#: Pages one extraction worker extracts before it is replaced by a fresh fork of the pool's
#: forkserver (0: never). Bounds each worker's memory (it grows with the pages it has seen:
#: ~6 MiB less for the tree of a 500-article crawl, docs/performance.md).
CRAWLER_EXTRACT_MAX_TASKS = int(os.environ.get("CRAWLER_EXTRACT_MAX_TASKS", "100"))
#: Article pages waiting for or in extraction at most; further article requests wait before
#: they are downloaded, so memory stays flat however far discovery runs ahead. 0: 4 per worker.
CRAWLER_EXTRACT_BACKLOG = int(os.environ.get("CRAWLER_EXTRACT_BACKLOG", "0"))
# Scrapy 2.19 starts CONCURRENT_ITEMS asyncio tasks (plus a queue) for the output of EVERY
# response (scrapy.utils.asyncio._parallel_asyncio). An article page yields one item, so
# the default 100 only costs: measured, 28% of the crawl process's CPU. Outputs of
# different responses are still processed concurrently.
CONCURRENT_ITEMS = 4

#: Canonical URLs remembered to drop a page seen twice in one run (``duplicate_url_in_run``).
#: Bounded, so memory stays flat on long crawls; an older repeat is caught by the store,
#: which finds the URL stored and counts it ``unchanged``.
CRAWLER_DEDUP_RECENT_URLS = int(os.environ.get("CRAWLER_DEDUP_RECENT_URLS", "20000"))

# --- scale-out: workers on Redis, sharding (issue 7) ------------------------------------------

#: Redis server shared by ``crawler worker`` / ``crawler enqueue`` (request queue, seen set, politeness).
CRAWLER_REDIS_URL = os.environ.get("CRAWLER_REDIS_URL", "redis://127.0.0.1:6379/0")
#: Prefix of every Redis key the crawler writes (``PREFIX:SITE:queue`` ...): one per deployment.
CRAWLER_REDIS_PREFIX = os.environ.get("CRAWLER_REDIS_PREFIX", "crawler")
#: Seconds a worker may hold a request without renewing its lease; after that (a killed
#: worker) the request goes back to the queue. Live workers renew every third of it.
CRAWLER_LEASE_SECONDS = float(os.environ.get("CRAWLER_LEASE_SECONDS", "60"))
#: A request whose lease expired this many times (every worker that took it died or hung
#: on it: a poison page) is dropped instead of queued again, and listed by
#: ``crawler frontier --dropped``; 0 never drops. Leases of items the database refused do
#: not count.
CRAWLER_LEASE_MAX_EXPIRIES = int(os.environ.get("CRAWLER_LEASE_MAX_EXPIRIES", "3"))
#: Seconds a URL stays in a site's seen-request set (article URLs are not queued again
#: within it; feeds, sitemaps and listings are fetched again at each ``crawler enqueue``).
CRAWLER_SEEN_TTL = float(os.environ.get("CRAWLER_SEEN_TTL", str(3 * 24 * 3600)))
#: Most URLs kept per site in the seen-request set (the oldest are forgotten first).
CRAWLER_SEEN_MAX = int(os.environ.get("CRAWLER_SEEN_MAX", "1000000"))
#: A worker exits after its site's queue has been empty, with no request leased by any
#: worker, for this many seconds; 0 keeps it waiting for new ``crawler enqueue`` runs.
CRAWLER_WORKER_IDLE_SECONDS = float(os.environ.get("CRAWLER_WORKER_IDLE_SECONDS", "30"))
#: Requests one worker holds at once (leased from the queue); the site's own
#: ``concurrency`` still caps parallel requests across all workers.
CRAWLER_WORKER_CONCURRENCY = int(os.environ.get("CRAWLER_WORKER_CONCURRENCY", "8"))

# --- query and search (issue 6) ------------------------------------------------------------

#: Arabic in ``crawler query``/``show``/``stats`` tables: ``auto`` (detect), ``terminal`` (logical
#: order, for terminals that lay out right-to-left text: GNOME Terminal and other VTE terminals,
#: Konsole, mlterm, mintty, macOS Terminal) or ``reorder`` (shaped and reordered by us, for the
#: others: xterm, kitty, Alacritty, Windows Terminal, VS Code...). ``--bidi`` overrides it.
CRAWLER_BIDI = os.environ.get("CRAWLER_BIDI", "auto")
#: Variables terminals set about themselves, read by CRAWLER_BIDI=auto (not meant to be set by hand).
TERMINAL_HINTS = {
    name: os.environ.get(name, "") for name in ("VTE_VERSION", "KONSOLE_VERSION", "MLTERM", "TERM_PROGRAM", "TERM")
}

# --- Scrapy ---------------------------------------------------------------------------------

BOT_NAME = "arabic-news-crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = f"arabic-news-crawler/0.1 (+{CRAWLER_CONTACT})"
ROBOTSTXT_OBEY = True

DOWNLOAD_DELAY = CRAWLER_DOWNLOAD_DELAY
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = CRAWLER_CONCURRENCY
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = CRAWLER_DOWNLOAD_DELAY
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Bounds (issue 8): the CRAWLER_* settings above are the ones to change; the spider applies
# them to these Scrapy settings when it starts (NewsSpider.configure), so overrides of the
# CRAWLER_* names on the command line or in tests take effect too.
DOWNLOAD_TIMEOUT = CRAWLER_DOWNLOAD_TIMEOUT
RETRY_ENABLED = True
RETRY_TIMES = 2
# Scrapy's list without the timeouts: a page that took DOWNLOAD_TIMEOUT once would most
# likely take it again, tying a slot up three times as long; the next run tries again.
RETRY_EXCEPTIONS = [
    "scrapy.exceptions.CannotResolveHostError",
    "scrapy.exceptions.DownloadConnectionRefusedError",
    "scrapy.exceptions.DownloadFailedError",
    "scrapy.exceptions.ResponseDataLossError",
    "twisted.internet.error.ConnectionDone",
    "twisted.internet.error.ConnectError",
    "twisted.internet.error.ConnectionLost",
    OSError,
    "scrapy.core.downloader.handlers.http11.TunnelError",
]
REDIRECT_MAX_TIMES = CRAWLER_MAX_REDIRECTS
DOWNLOAD_MAXSIZE = CRAWLER_MAX_HTML_BYTES  # feeds and sitemaps get CRAWLER_MAX_SITEMAP_BYTES per request
DOWNLOAD_WARNSIZE = 0  # a page above the cap is skipped and counted; no warning below it
CLOSESPIDER_TIMEOUT = CRAWLER_MAX_TIME
# Pages in the order they were found (Scrapy's default is last found, first fetched): a
# listing's or feed's newest articles first, so a run cut short by --max-time has stored
# those; and slow pages found early wait out their timeout while the rest is fetched,
# instead of after it.
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
MEMUSAGE_ENABLED = True
MEMUSAGE_LIMIT_MB = CRAWLER_MAX_MEMORY_MB
MEMUSAGE_CHECK_INTERVAL_SECONDS = 5.0

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no listening port on a cron host
# What is turned off above is also left out of Scrapy's base lists (EXTENSIONS_BASE,
# DOWNLOADER_MIDDLEWARES_BASE: crawler.runner.build_settings), so that the modules are not
# even imported: Scrapy imports a component before asking it whether it is enabled (and
# imports every key of EXTENSIONS, a None included). RemoteControl's module pulls in aiohttp
# and platformdirs (~9 MiB PSS in the crawl process), TelnetConsole's twisted.conch, and
# CookiesMiddleware's tldextract and requests (crawler.dedup.urls loads tldextract only when
# a URL needs the public-suffix list). To use cookies, set COOKIES_ENABLED and add
# "scrapy.downloadermiddlewares.cookies.CookiesMiddleware" to DOWNLOADER_MIDDLEWARES (700).
# (A plain tuple: this module must not import Scrapy, see crawler.locks.)
UNUSED_COMPONENTS = (
    "scrapy.extensions.remote_control.RemoteControl",
    "scrapy.extensions.telnet.TelnetConsole",
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
)
HTTPCACHE_ENABLED = False  # the RFC2616 cache serves stale listing pages: development only
LOG_LEVEL = os.environ.get("CRAWLER_LOG_LEVEL", "INFO")

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.crawl_delay.CrawlDelayMiddleware": 110,  # just after RobotsTxt (100)
    "crawler.middlewares.retry_after.RetryAfterMiddleware": 555,  # sees 429/503 before Retry (550)
    "crawler.middlewares.conditional.ConditionalRequestMiddleware": 570,
    "crawler.middlewares.backpressure.ExtractionBackpressure": 150,  # before the download, after robots.txt
    "crawler.middlewares.encoding.EncodingFixMiddleware": 580,  # after HttpCompression (590)
    "crawler.middlewares.redirects.RedirectGuardMiddleware": 610,  # sees 3xx before Redirect (600)
    "crawler.middlewares.caps.ItemCapMiddleware": 140,  # before backpressure: a refused page does not wait
}

ITEM_PIPELINES = {
    "crawler.pipelines.CleanPipeline": 100,
    "crawler.pipelines.DedupPipeline": 200,
    "crawler.pipelines.StorePipeline": 300,
}

EXTENSIONS = {
    "scrapy.extensions.memusage.MemoryUsage": None,  # replaced: the bound reads RssAnon, not the peak RSS
    "crawler.extensions.AnonMemoryUsage": 0,
    "crawler.perf.CpuStats": 400,  # before RunRecorder: its figures go into the run row
    "crawler.reactor.ReactorMonitor": 300,  # before RunRecorder: the stall goes into the run row
    "crawler.extensions.RunRecorder": 500,
}

FEED_EXPORT_ENCODING = "utf-8"
LOG_FORMATTER = "crawler.logformatter.CrawlerLogFormatter"
