"""Pure extraction: HTML (+ URL) in, Article fields out. No Scrapy, no database.

The one entry point is :func:`extract`. Everything below it works on a page parsed
once (:mod:`crawler.extract.page`).
"""

from __future__ import annotations

from crawler.extract.core import extract

__all__ = ["extract"]
