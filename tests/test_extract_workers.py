"""The extraction pool: same articles as inline extraction, and a page that kills or hangs
its worker is dropped with a reason while the other pages go on."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from pool_functions import CRASH_MARKER

from crawler import workers
from crawler.demo.articles import ARTICLES
from crawler.demo.site import article_path, publisher_page

BASE = "http://127.0.0.1:8000"
PAGES = [(BASE + article_path(a), publisher_page(a, BASE, [o for o in ARTICLES if o is not a])) for a in ARTICLES]


@pytest.fixture
def pool_factory() -> Iterator[type[workers.ExtractionPool]]:
    made: list[workers.ExtractionPool] = []

    def make(n: int, **kwargs: object) -> workers.ExtractionPool:
        pool = workers.ExtractionPool(n, **kwargs)  # type: ignore[arg-type]
        made.append(pool)
        return pool

    yield make  # type: ignore[misc]
    for pool in made:
        pool.close(wait=10)


def _fields(article: workers.Article) -> dict[str, object]:
    return {k: v for k, v in article.to_dict().items() if k != "fetched_at"}


def test_workers_extract_the_same_articles_as_inline(pool_factory) -> None:  # type: ignore[no-untyped-def]
    inline = pool_factory(0)
    pool = pool_factory(2)
    futures = [pool.submit(html, url, fetched_at=None, encoding="utf-8") for url, html in PAGES]
    for (url, html), future in zip(PAGES, futures, strict=True):
        article, cpu = pool.outcome(future)
        expected, _ = inline.run_inline(html, url, fetched_at=None, encoding="utf-8")
        assert _fields(article) == _fields(expected), url
        assert article.title and article.body
        assert cpu > 0


def test_a_page_that_kills_its_worker_is_dropped_and_the_others_are_extracted(pool_factory) -> None:  # type: ignore[no-untyped-def]
    pool = pool_factory(2, function="pool_functions.crash_on_marker")
    futures = [(url, pool.submit(html, url, fetched_at=None, encoding="utf-8")) for url, html in PAGES * 2]
    crashed = 0
    for url, future in futures:
        if CRASH_MARKER in url:
            with pytest.raises(workers.ExtractionFailed) as info:
                pool.outcome(future)
            assert info.value.reason == "extract_crashed"
            assert "exit code 70" in info.value.detail
            crashed += 1
        else:
            article, _ = pool.outcome(future)
            assert article.body, url
    assert crashed == 2
    # The pool replaced the dead worker and still works.
    url, html = PAGES[0]
    assert pool.outcome(pool.submit(html, url, fetched_at=None, encoding=None))[0].title


def test_a_page_that_hangs_is_stopped_at_the_timeout(pool_factory) -> None:  # type: ignore[no-untyped-def]
    pool = pool_factory(1, timeout=1.0, function="pool_functions.slow_on_marker")
    url, html = PAGES[0]
    hung = pool.submit(html, BASE + "/slow/1/", fetched_at=None, encoding=None)
    after = pool.submit(html, url, fetched_at=None, encoding=None)
    with pytest.raises(workers.ExtractionFailed) as info:
        pool.outcome(hung)
    assert info.value.reason == "extract_timeout"
    assert pool.outcome(after)[0].body  # the next page ran in a fresh worker


def test_an_extractor_exception_is_a_counted_reason_inline_and_in_workers(pool_factory) -> None:  # type: ignore[no-untyped-def]
    url, html = next((u, h) for u, h in PAGES if CRASH_MARKER in u)
    for n in (0, 1):
        pool = pool_factory(n, function="pool_functions.raise_on_marker")
        with pytest.raises(workers.ExtractionFailed) as info:
            if pool.inline:
                pool.run_inline(html, url, fetched_at=None, encoding=None)
            else:
                pool.outcome(pool.submit(html, url, fetched_at=None, encoding=None))
        assert info.value.reason == "extract_error"
        assert "RuntimeError: extractor bug" in info.value.detail


def test_spiders_of_one_run_share_one_pool_closed_by_the_last() -> None:
    first = workers.acquire(0, timeout=5.0)
    second = workers.acquire(0, timeout=5.0)
    other = workers.acquire(0, timeout=7.0)
    assert first is second and first is not other
    workers.release(first)
    assert workers.acquire(0, timeout=5.0) is second  # still in use by the second spider
    workers.release(second)
    workers.release(second)
    workers.release(other)
    fresh = workers.acquire(0, timeout=5.0)
    assert fresh is not first  # a new one after the last release
    workers.release(fresh)


def test_an_unknown_extraction_function_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"cannot import extraction function 'nowhere\.extract'"):
        workers.ExtractionPool(0, function="nowhere.extract")


def test_a_worker_is_replaced_after_max_tasks_pages(pool_factory) -> None:  # type: ignore[no-untyped-def]
    pool = pool_factory(1, function="pool_functions.pid_page", max_tasks=2)
    pids = [pool.outcome(pool.submit("<p>x</p>", BASE, fetched_at=None, encoding=None))[0].title for _ in range(6)]
    # At most two tasks per worker (the pool's start-up probe is the first worker's first).
    assert max(Counter(pids).values()) <= 2 and len(set(pids)) >= 3
    forever = pool_factory(1, function="pool_functions.pid_page")
    assert len({forever.outcome(forever.submit("<p>x</p>", BASE, fetched_at=None, encoding=None))[0].title
                for _ in range(4)}) == 1  # fmt: skip
