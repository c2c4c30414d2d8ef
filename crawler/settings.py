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

# --- incremental and cron-grade runs (issue 5) ----------------------------------------------

# --- bounds against hostile and broken input (issue 8) -------------------------------------

# --- throughput (issue 9) ---------------------------------------------------------------------

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

DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no listening port on a cron host
HTTPCACHE_ENABLED = False  # the RFC2616 cache serves stale listing pages: development only
LOG_LEVEL = os.environ.get("CRAWLER_LOG_LEVEL", "INFO")

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.encoding.EncodingFixMiddleware": 580,  # after HttpCompression (590)
}

ITEM_PIPELINES = {
    "crawler.pipelines.CleanPipeline": 100,
    "crawler.pipelines.DedupPipeline": 200,
    "crawler.pipelines.StorePipeline": 300,
}

EXTENSIONS = {
    "crawler.extensions.RunRecorder": 500,
}

FEED_EXPORT_ENCODING = "utf-8"
LOG_FORMATTER = "crawler.logformatter.CrawlerLogFormatter"
