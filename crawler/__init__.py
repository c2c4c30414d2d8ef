"""Arabic news crawler. ``from crawler import Database`` for the Python API; the import
is lazy, so ``import crawler`` (Scrapy, the CLI) does not load SQLAlchemy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.api import Database

__all__ = ["Database"]


def __getattr__(name: str) -> Any:
    if name == "Database":
        from crawler.api import Database

        return Database
    raise AttributeError(f"module 'crawler' has no attribute {name!r}")
