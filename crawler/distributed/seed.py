"""Seeding a site's shared queue (``crawler enqueue``): its feeds, sitemaps and listing pages.

The seeds are the requests NewsSpider.start() makes for a one-process crawl; workers
fetch them and follow what they find. Each enqueue starts a new epoch of the seen set,
so the hub pages are fetched again while known article URLs are not queued twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from scrapy import Request

from crawler.distributed.frontier import Frontier
from crawler.spiders.news import NewsSpider

__all__ = ["EnqueueResult", "enqueue_site", "seed_requests"]


@dataclass
class EnqueueResult:
    site: str
    epoch: int
    queued: Counter[str] = field(default_factory=Counter)  # by kind
    skipped: int = 0  # the same URL given twice in the site's config


def seed_requests(spider: NewsSpider) -> list[Request]:
    """The site's feed, sitemap and listing requests, bound to *spider*'s callbacks."""
    site = spider.site
    seeds = [Request(url, callback=spider.parse_feed, meta={"kind": "feed"}) for url in site.feeds]
    seeds += [Request(url, callback=spider.parse_sitemap, meta={"kind": "sitemap"}) for url in site.sitemaps]
    seeds += [
        Request(url, callback=spider.parse_listing, meta={"kind": "listing", "listing_depth": 0})
        for url in site.start_urls
    ]
    return [request.replace(errback=spider.on_error) for request in seeds]


def enqueue_site(frontier: Frontier, spider: NewsSpider) -> EnqueueResult:
    """Start a new epoch and queue the site's seeds."""
    result = EnqueueResult(site=spider.site.name, epoch=frontier.dupefilter.new_epoch())
    for request in seed_requests(spider):
        if frontier.add(request):
            result.queued[request.meta["kind"]] += 1
        else:
            result.skipped += 1
    return result
