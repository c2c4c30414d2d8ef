"""Extraction off the reactor thread, in a pool of worker processes.

Scrapy's reactor is one thread: a CPU-heavy callback stalls every download and leaves
the other cores idle. The spider hands each article page to an :class:`ExtractionPool`
instead and awaits the result, so downloads go on while workers extract.

Why Pebble and not ``concurrent.futures.ProcessPoolExecutor``: when one worker dies
(a segfault in a C parser, the OOM killer), the standard executor marks the whole
pool broken and fails every page in flight; Pebble replaces the dead worker, fails
only the page that killed it (``ProcessExpired``), and can also stop a page that runs
longer than a timeout. Workers start from a *forkserver* that imported the extractor
once (fork-safe even though the crawler has threads; workers share those pages).

One pool per process, shared by the spiders of a ``crawler crawl`` run and shut down
when the last one closes (:func:`acquire` / :func:`release`). ``workers=0`` extracts
inline on the reactor thread (the old behaviour; useful for debugging).
"""

from __future__ import annotations

import concurrent.futures
import importlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crawler.dedup.prints import RECEIVED, PrintCache
from crawler.items import Article

if TYPE_CHECKING:
    from crawler.dedup.fingerprint import Fingerprinter, SchemeKey
    from crawler.dedup.records import Fingerprint

__all__ = ["ExtractionFailed", "ExtractionPool", "acquire", "extract_page", "release", "run_page"]

logger = logging.getLogger(__name__)

ExtractFunction = Callable[..., tuple[Article, float]]
DEFAULT_FUNCTION = "crawler.workers.extract_page"


class ExtractionFailed(Exception):
    """Raised by :meth:`ExtractionPool.run` when a page gave no result; *reason* is the
    stats suffix the spider counts (``crawler/dropped/<reason>``)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def extract_page(
    html: bytes | str, url: str, fetched_at: datetime | None = None, encoding: str | None = None
) -> tuple[Article, float]:
    """Extract one page and prepare the article (display forms, content hash: the pure CPU
    work of the Clean and Dedup pipelines, done here instead of in the crawl process);
    (article, CPU seconds it took). Runs in a worker.

    The extractor is imported here, not at module level, so that the crawl process
    itself never loads it when a pool does the work.
    """
    from crawler.cleaning import prepare
    from crawler.extract import extract

    start = time.process_time()
    article = prepare(extract(html, url, fetched_at=fetched_at, encoding=encoding))
    return article, time.process_time() - start


_fingerprinter: Fingerprinter | None = None


def run_page(
    function: ExtractFunction, html: bytes | str, url: str, fetched_at: datetime | None, encoding: str | None
) -> tuple[Article, float, tuple[SchemeKey, Fingerprint] | None]:
    """What a worker runs for one page: the extraction function, then the near-duplicate
    fingerprint of the prepared body (the store step's CPU work, done here so that the
    crawl process does not); (article, CPU seconds of both, (scheme, fingerprint) or None).

    No fingerprint for an article the function did not prepare (no content hash: the
    pipelines will still change its body) or without a body.
    """
    global _fingerprinter
    article, cpu = function(html, url, fetched_at, encoding)
    if article.content_hash is None:
        return article, cpu, None
    start = time.process_time()
    if _fingerprinter is None:
        from crawler.dedup.fingerprint import Fingerprinter

        _fingerprinter = Fingerprinter()  # the default scheme; the store ignores any other
    fingerprint = _fingerprinter.fingerprint(article.body)
    shipped = (_fingerprinter.key, fingerprint) if fingerprint.content_hash == article.content_hash else None
    return article, cpu + time.process_time() - start, shipped


def resolve_function(path: str) -> ExtractFunction:
    """The function named by a dotted path (``package.module.function``)."""
    module_name, _, name = path.rpartition(".")
    try:
        function = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ValueError(f"cannot import extraction function {path!r}: {exc}") from None
    if not callable(function):
        raise ValueError(f"extraction function {path!r} is not callable")
    return function


def _worker_init() -> None:
    # Ctrl-C reaches the whole process group: let the crawler shut down gracefully and
    # finish the pages in flight instead of the workers dying under it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ExtractionPool:
    """Runs the extraction function inline (``workers=0``) or in *workers* processes."""

    def __init__(
        self,
        workers: int,
        *,
        timeout: float | None = None,
        function: str = DEFAULT_FUNCTION,
        max_tasks: int = 0,
        prints: PrintCache = RECEIVED,
    ) -> None:
        self.workers = max(0, workers)
        # Pages a worker extracts before it is replaced by a fresh fork of the forkserver (0:
        # never): a worker's memory grows with the pages it has seen (copy-on-write of the
        # forkserver's pages, its own caches), and a fork from the warmed-up forkserver is cheap.
        self.max_tasks = max(0, max_tasks)
        self.prints = prints  # where the fingerprints made by the workers go (crawler.dedup.prints)
        self.timeout = timeout if timeout and timeout > 0 else None
        self.function_path = function
        self.function = resolve_function(function)
        self._pool: Any = None
        self._start_lock = threading.Lock()
        self.pending = 0  # pages submitted from the reactor thread and not finished yet
        self._room_waiters: list[Any] = []  # Deferreds fired when a page finishes

    @property
    def inline(self) -> bool:
        return self.workers == 0

    def start(self) -> None:
        """Start the worker processes and wait until they answer (blocking: call it off the
        reactor thread). No-op inline or when started."""
        with self._start_lock:
            if self.inline or self._pool is not None:
                return
            from pebble import ProcessPool

            context = multiprocessing.get_context("forkserver")
            module = self.function_path.rpartition(".")[0]
            # crawler.forkserver last: it warms the others up and freezes the heap (see there).
            preload = ["crawler.workers", "crawler.extract", "crawler.dedup.fingerprint", module, "crawler.forkserver"]
            context.set_forkserver_preload(list(dict.fromkeys(preload)))
            pool = ProcessPool(
                max_workers=self.workers, max_tasks=self.max_tasks, initializer=_worker_init, context=context
            )
            pool.schedule(os.getpid).result()  # starts the forkserver (it imports the extractor once)
            self._pool = pool
        logger.info("extraction pool: %d worker processes", self.workers)

    def close(self, wait: float = 30.0) -> None:
        """Stop the workers once the tasks in flight are done (killed after *wait* seconds)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        pool.close()
        done = threading.Event()

        def join() -> None:
            pool.join()
            done.set()

        threading.Thread(target=join, name="extraction-pool-join", daemon=True).start()
        if not done.wait(wait):
            logger.warning("extraction workers did not stop within %.0f s: killed", wait)
            pool.stop()
            pool.join()

    def submit(self, html: bytes | str, url: str, *, fetched_at: datetime | None, encoding: str | None) -> Any:
        """Schedule one page; a ``concurrent.futures.Future`` of :func:`run_page`'s result
        (:meth:`outcome` reads it)."""
        if self._pool is None:
            self.start()
        args = (self.function, html, url, fetched_at, encoding)
        return self._pool.schedule(run_page, args=args, timeout=self.timeout)

    def run_inline(
        self, html: bytes | str, url: str, *, fetched_at: datetime | None, encoding: str | None
    ) -> tuple[Article, float]:
        try:
            return self.function(html, url, fetched_at, encoding)
        except Exception as exc:  # the extractor must not raise; if it does, drop the page, go on
            raise ExtractionFailed("extract_error", f"{type(exc).__name__}: {exc}") from exc

    async def extract(
        self, html: bytes | str, url: str, *, fetched_at: datetime | None, encoding: str | None
    ) -> tuple[Article, float]:
        """(article, CPU seconds) for one page, from a Scrapy callback; ExtractionFailed when none.

        The reactor thread only waits: the worker's answer comes back through
        ``callFromThread``, so this works under any Twisted reactor.
        """
        if self.inline:
            start = time.thread_time()
            article, _ = self.run_inline(html, url, fetched_at=fetched_at, encoding=encoding)
            return article, time.thread_time() - start
        from scrapy.utils.asyncio import run_in_thread
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import reactor
        from twisted.internet.defer import Deferred

        if self._pool is None:  # starting blocks until the workers answer: not on the reactor thread
            try:
                await run_in_thread(self.start)
            except Exception as exc:
                raise ExtractionFailed("extract_pool_failed", f"{type(exc).__name__}: {exc}") from exc
        done: Deferred[concurrent.futures.Future[Any]] = Deferred()
        future = self.submit(html, url, fetched_at=fetched_at, encoding=encoding)
        self.pending += 1
        future.add_done_callback(lambda f: reactor.callFromThread(done.callback, f))
        try:
            finished = await maybe_deferred_to_future(done)
        finally:
            self.pending -= 1
            self._wake_waiters()
        return self.outcome(finished)

    async def wait_for_room(self, limit: int) -> None:
        """Return once fewer than *limit* pages are waiting for or in extraction (reactor thread).

        Every waiter is woken when a page finishes and checks again, so nothing can wait
        forever for a page that is never submitted; the overshoot is bounded by the
        number of waiters (the downloader's concurrency).
        """
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet.defer import Deferred

        while not self.inline and self.pending >= limit:
            waiter: Deferred[None] = Deferred()
            self._room_waiters.append(waiter)
            await maybe_deferred_to_future(waiter)

    def _wake_waiters(self) -> None:
        waiters, self._room_waiters = self._room_waiters, []
        for waiter in waiters:
            waiter.callback(None)

    def outcome(self, future: concurrent.futures.Future[Any]) -> tuple[Article, float]:
        """The (article, CPU seconds) of a finished future, or ExtractionFailed with the reason.

        The article's fingerprint, when the worker made one, goes to :attr:`prints`.
        """
        from pebble import ProcessExpired

        try:
            article, cpu, shipped = future.result()
            if shipped is not None and article.content_hash is not None:
                self.prints.put(article.content_hash, *shipped)
            return article, cpu
        except ProcessExpired as exc:
            raise ExtractionFailed("extract_crashed", f"worker process died (exit code {exc.exitcode})") from exc
        except concurrent.futures.TimeoutError as exc:
            raise ExtractionFailed("extract_timeout", "extraction took too long: worker stopped") from exc
        except concurrent.futures.CancelledError as exc:
            raise ExtractionFailed("extract_cancelled", "the pool was shut down") from exc
        except Exception as exc:
            raise ExtractionFailed("extract_error", f"{type(exc).__name__}: {exc}") from exc


_shared: dict[tuple[int, float | None, str, int], list[Any]] = {}  # key -> [pool, users]
_shared_lock = threading.Lock()


def acquire(
    workers: int, *, timeout: float | None = None, function: str = DEFAULT_FUNCTION, max_tasks: int = 0
) -> ExtractionPool:
    """The process-wide pool for these parameters (created on first use); pair with :func:`release`."""
    key = (workers, timeout, function, max_tasks)
    with _shared_lock:
        entry = _shared.get(key)
        if entry is None:
            pool = ExtractionPool(workers, timeout=timeout, function=function, max_tasks=max_tasks)
            entry = _shared[key] = [pool, 0]
        entry[1] += 1
        return entry[0]


def release(pool: ExtractionPool) -> None:
    """Give back a pool from :func:`acquire`; the last user's release shuts it down."""
    with _shared_lock:
        for key, entry in list(_shared.items()):
            if entry[0] is pool:
                entry[1] -= 1
                if entry[1] > 0:
                    return
                del _shared[key]
                break
    pool.close()
