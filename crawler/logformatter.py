"""Log lines for dropped items: the reason and URL, not the whole article."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult


class CrawlerLogFormatter(LogFormatter):
    """Dropped items are routine (not-an-article pages): logged at INFO, one short line."""

    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any = None) -> LogFormatterResult:
        return {"level": logging.INFO, "msg": "dropped %(reason)s", "args": {"reason": str(exception)}}
