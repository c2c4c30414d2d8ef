"""Content hashes over the folded body: equal hashes mean the same text."""

from __future__ import annotations

import hashlib

from crawler.text.arabic import fold

__all__ = ["content_hash", "folded_hash"]


def content_hash(body: str | None) -> str | None:
    """SHA-256 (hex) of the folded body, or None for an empty body."""
    return folded_hash(fold(body or ""))


def folded_hash(folded: str) -> str | None:
    """:func:`content_hash` of a body already folded (saves a second fold in the store step)."""
    if not folded:
        return None
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()
