"""Pipelines of a worker process."""

from __future__ import annotations

from crawler.items import Article
from crawler.pipelines import DedupPipeline

__all__ = ["WorkerDedupPipeline"]


class WorkerDedupPipeline(DedupPipeline):
    """DedupPipeline without its memory of the URLs seen in this run.

    A worker runs for days, and a request may come back to the same worker on purpose (an
    item the database refused, a lease that expired): dropping it as "seen in this run"
    would lose the article, and the set would grow without end. Across workers the
    Redis seen set does that job, and the database keeps one row per canonical URL.
    """

    def process_item(self, item: Article) -> Article:
        try:
            return super().process_item(item)
        finally:
            self.seen_urls.clear()
