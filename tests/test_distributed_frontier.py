"""The shared frontier in Redis: canonical URLs, the bounded seen set, leases, the politeness gate."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from redis import Redis
from scrapy import Request
from scrapy.utils.request import request_from_dict

from crawler.discover import Entry
from crawler.distributed import scripts, serializer
from crawler.distributed.frontier import LEASE_META, Frontier
from crawler.distributed.keys import SiteKeys
from crawler.distributed.queue import LeasedQueue
from crawler.distributed.seed import enqueue_site
from crawler.sites import SiteConfig
from crawler.spiders.news import NewsSpider

pytestmark = pytest.mark.redis

SITE = SiteConfig(
    name="daily",
    start_urls=("http://127.0.0.1:9/", "http://127.0.0.1:9/"),
    feeds=("http://127.0.0.1:9/rss.xml",),
    sitemaps=("http://127.0.0.1:9/sitemap.xml",),
)


@pytest.fixture
def spider() -> NewsSpider:
    spider = NewsSpider(site=SITE.name)
    spider.site = SITE
    return spider


@pytest.fixture
def server(redis_server: str) -> Iterator[Redis]:
    client = Redis.from_url(redis_server)
    yield client
    client.close()


def make_frontier(
    server: Redis, prefix: str, spider: NewsSpider, ttl: float = 3600, max_size: int = 0, max_expiries: int = 0
) -> Frontier:
    return Frontier(
        server, SiteKeys(prefix, SITE.name), spider, seen_ttl=ttl, seen_max=max_size, max_expiries=max_expiries
    )


def article(spider: NewsSpider, url: str) -> Request:
    return Request(url, callback=spider.parse_article, errback=spider.on_error, meta={"kind": "article"})


# --- serializer ------------------------------------------------------------------------------


def test_a_request_survives_the_json_round_trip(spider: NewsSpider) -> None:
    entry = Entry("http://127.0.0.1:9/news/1/", published="2025-03-01", title="عنوان الخبر")
    request = Request(
        "http://127.0.0.1:9/news/1/", callback=spider.parse_article, errback=spider.on_error,
        headers={"Accept-Language": "ar"}, body=b"\x00\xff", priority=3,
        meta={"kind": "article", "entry": entry, "redirect_urls": ["http://a/"], "$odd": {1: b"x"}},
    )  # fmt: skip
    back = request_from_dict(serializer.loads(serializer.dumps(request.to_dict(spider=spider))), spider=spider)
    assert (back.url, back.body, back.priority, back.callback, back.errback) == (
        request.url, request.body, 3, spider.parse_article, spider.on_error,
    )  # fmt: skip
    assert back.headers.getlist("Accept-Language") == [b"ar"]
    assert back.meta == request.meta
    assert b"\\u" not in serializer.dumps(request.to_dict(spider=spider))  # Arabic stays readable


def test_an_object_that_json_cannot_hold_is_named_in_the_error(spider: NewsSpider) -> None:
    request = Request("http://127.0.0.1:9/", meta={"handle": object()})
    with pytest.raises(TypeError, match="cannot store a object in the Redis request queue"):
        serializer.dumps(request.to_dict(spider=spider))


# --- queueing, canonical URLs, seen set --------------------------------------------------------


def test_two_spellings_of_an_article_are_queued_once_under_the_canonical_url(
    server: Redis, redis_prefix: str, spider: NewsSpider
) -> None:
    frontier = make_frontier(server, redis_prefix, spider)
    assert frontier.add(article(spider, "http://127.0.0.1:9/news/1/?utm_source=fb&utm_medium=social"))
    assert not frontier.add(article(spider, "http://127.0.0.1:9/news/1/#comments"))
    assert frontier.status().queued == 1
    request = frontier.queue.pop_leased("t1", 60_000)
    assert request is not None and request.url == "http://127.0.0.1:9/news/1/"
    assert request.callback == spider.parse_article


def test_a_url_is_forgotten_when_it_leaves_the_seen_window(
    server: Redis, redis_prefix: str, spider: NewsSpider
) -> None:
    frontier = make_frontier(server, redis_prefix, spider, ttl=1.0)
    assert frontier.add(article(spider, "http://127.0.0.1:9/news/1/"))
    assert not frontier.add(article(spider, "http://127.0.0.1:9/news/1/"))
    time.sleep(1.1)
    assert frontier.add(article(spider, "http://127.0.0.1:9/news/1/"))
    assert 0 < server.pttl(frontier.keys.seen) <= 1000  # the whole set expires with the window


def test_the_seen_set_keeps_at_most_the_newest_entries(server: Redis, redis_prefix: str, spider: NewsSpider) -> None:
    frontier = make_frontier(server, redis_prefix, spider, max_size=10)
    for i in range(50):
        assert frontier.add(article(spider, f"http://127.0.0.1:9/news/{i}/"))
    assert frontier.status().seen == 10
    assert not frontier.add(article(spider, "http://127.0.0.1:9/news/49/"))  # the newest are kept


def test_hub_pages_come_back_at_each_enqueue_round_and_articles_do_not(
    server: Redis, redis_prefix: str, spider: NewsSpider
) -> None:
    frontier = make_frontier(server, redis_prefix, spider)
    first = enqueue_site(frontier, spider)
    assert dict(first.queued) == {"feed": 1, "sitemap": 1, "listing": 1}
    assert first.skipped == 1  # the home page is listed twice in the config
    listing2 = Request("http://127.0.0.1:9/page/2", meta={"kind": "listing", "listing_depth": 1})
    assert frontier.add(listing2)
    assert not frontier.add(listing2.replace())
    assert frontier.add(article(spider, "http://127.0.0.1:9/news/7/"))
    second = enqueue_site(frontier, spider)
    assert second.epoch == first.epoch + 1
    assert sum(second.queued.values()) == 3
    assert frontier.add(listing2.replace())
    assert not frontier.add(article(spider, "http://127.0.0.1:9/news/7/"))


def test_requests_that_skip_the_filter_are_queued_every_time(
    server: Redis, redis_prefix: str, spider: NewsSpider
) -> None:
    frontier = make_frontier(server, redis_prefix, spider)
    retry = Request("http://127.0.0.1:9/news/1/", dont_filter=True, meta={"kind": "article", "retry_times": 1})
    assert frontier.add(retry) and frontier.add(retry.replace(priority=-1))
    assert frontier.status().queued == 2


# --- leases ------------------------------------------------------------------------------------


def test_a_leased_request_is_not_lost_when_its_worker_dies(
    server: Redis, redis_prefix: str, spider: NewsSpider
) -> None:
    frontier = make_frontier(server, redis_prefix, spider)
    queue = frontier.queue
    frontier.add(article(spider, "http://127.0.0.1:9/news/1/").replace(priority=5))
    frontier.add(article(spider, "http://127.0.0.1:9/news/2/"))
    first = queue.pop_leased("dead-worker", 300)
    assert first is not None and first.url.endswith("/news/1/")  # higher priority first
    assert frontier.status().as_dict() | {"seen": 0} == {"site": "daily", "queued": 1, "leased": 1, "seen": 0,
                                                         "epoch": 0, "dropped": 0}  # fmt: skip
    assert queue.requeue_expired() == (0, 0)  # still within its lease
    time.sleep(0.4)
    assert queue.requeue_expired() == (1, 0)
    assert frontier.status().leased == 0
    again = queue.pop_leased("live-worker", 60_000)
    assert again is not None and again.url == first.url and again.priority == 5


def test_a_renewed_lease_stays_and_an_acked_one_is_gone(server: Redis, redis_prefix: str, spider: NewsSpider) -> None:
    frontier = make_frontier(server, redis_prefix, spider)
    queue = frontier.queue
    frontier.add(article(spider, "http://127.0.0.1:9/news/1/"))
    frontier.add(article(spider, "http://127.0.0.1:9/news/2/"))
    assert queue.pop_leased("a", 300) and queue.pop_leased("b", 300)
    for _ in range(3):
        time.sleep(0.15)
        assert queue.renew(["a"], 300) == 1
    assert queue.requeue_expired() == (1, 0)  # b expired, a was renewed
    queue.ack(["a"])
    assert queue.renew(["a"], 300) == 0  # an acked lease cannot come back
    assert frontier.status().as_dict()["queued"] == 1 and frontier.status().leased == 0


def expire(queue: LeasedQueue, token: str) -> tuple[int, int]:
    """Lease the next request to *token* for 1 ms, let the lease expire, requeue expired leases."""
    assert queue.pop_leased(token, 1) is not None
    time.sleep(0.01)
    return queue.requeue_expired()


def test_a_request_whose_lease_expires_again_and_again_is_dropped_and_listed(
    server: Redis, redis_prefix: str, spider: NewsSpider
) -> None:
    frontier = make_frontier(server, redis_prefix, spider, max_expiries=3)
    queue = frontier.queue
    frontier.add(article(spider, "http://127.0.0.1:9/news/poison/"))
    assert [expire(queue, f"dead-{i}") for i in range(3)] == [(1, 0), (1, 0), (0, 1)]
    status = frontier.status()
    assert (status.queued, status.leased, status.dropped) == (0, 0, 1)
    assert [r.url for r in queue.dropped()] == ["http://127.0.0.1:9/news/poison/"]
    assert server.hlen(frontier.keys.expiries) == 0  # its count went with it
    frontier.clear()
    assert frontier.status().dropped == 0


def test_expiries_are_forgotten_when_the_request_is_done_and_not_counted_when_excused(
    server: Redis, redis_prefix: str, spider: NewsSpider
) -> None:
    frontier = make_frontier(server, redis_prefix, spider, max_expiries=2)
    queue = frontier.queue
    frontier.add(article(spider, "http://127.0.0.1:9/news/1/"))
    assert expire(queue, "dead") == (1, 0)  # one expiry counted
    assert queue.pop_leased("live", 60_000) is not None
    queue.ack(["live"])  # done: its count is forgotten
    assert server.hlen(frontier.keys.expiries) == 0
    frontier.add(article(spider, "http://127.0.0.1:9/news/2/"))
    for i in range(3):  # a worker whose item the database refused lets the lease expire on purpose
        assert queue.pop_leased(f"refused-{i}", 1) is not None
        queue.excuse([f"refused-{i}"])
        time.sleep(0.01)
        assert queue.requeue_expired() == (1, 0)
    assert expire(queue, "dead") == (1, 0)  # the first expiry that counts
    assert (frontier.status().queued, frontier.status().dropped) == (1, 0)
    assert expire(queue, "dead-again") == (0, 1)


def test_with_no_limit_a_request_is_never_dropped(server: Redis, redis_prefix: str, spider: NewsSpider) -> None:
    frontier = make_frontier(server, redis_prefix, spider, max_expiries=0)
    frontier.add(article(spider, "http://127.0.0.1:9/news/1/"))
    assert [expire(frontier.queue, f"dead-{i}") for i in range(5)] == [(1, 0)] * 5
    assert server.hlen(frontier.keys.expiries) == 0  # nothing counted either


def test_a_stopping_worker_gives_its_leases_back_at_once(server: Redis, redis_prefix: str, spider: NewsSpider) -> None:
    frontier = make_frontier(server, redis_prefix, spider)
    for i in range(3):
        frontier.add(article(spider, f"http://127.0.0.1:9/news/{i}/"))
    tokens = [f"t{i}" for i in range(3)]
    for token in tokens:
        assert frontier.queue.pop_leased(token, 60_000) is not None
    assert frontier.queue.release(tokens[:2]) == 2
    assert (frontier.status().queued, frontier.status().leased) == (2, 1)


def test_a_requeued_retry_carries_no_old_lease(server: Redis, redis_prefix: str, spider: NewsSpider) -> None:
    frontier = make_frontier(server, redis_prefix, spider)
    retry = article(spider, "http://127.0.0.1:9/news/1/").replace(dont_filter=True)
    retry.meta[LEASE_META] = "old-token"
    frontier.add(retry)
    popped = frontier.queue.pop_leased("new", 60_000)
    assert popped is not None and LEASE_META not in popped.meta


# --- politeness gate ---------------------------------------------------------------------------


def gate(server: Redis, keys: SiteKeys, token: str, delay_ms: int, concurrency: int) -> int:
    script = server.register_script(scripts.GATE)
    return int(script(keys=[keys.gate_next, keys.gate_inflight], args=[token, delay_ms, concurrency, 60_000]))


def test_the_gate_spaces_request_starts_by_the_delay(server: Redis, redis_prefix: str) -> None:
    keys = SiteKeys(redis_prefix, "daily")
    assert gate(server, keys, "a", 300, 0) == 0
    wait = gate(server, keys, "b", 300, 0)
    assert 200 < wait <= 300
    time.sleep(wait / 1000)
    assert gate(server, keys, "b", 300, 0) == 0


def test_the_gate_holds_concurrency_until_a_slot_is_released(server: Redis, redis_prefix: str) -> None:
    keys = SiteKeys(redis_prefix, "daily")
    assert gate(server, keys, "a", 0, 2) == 0
    assert gate(server, keys, "b", 0, 2) == 0
    assert gate(server, keys, "c", 0, 2) == -1
    server.zrem(keys.gate_inflight, "a")
    assert gate(server, keys, "c", 0, 2) == 0
