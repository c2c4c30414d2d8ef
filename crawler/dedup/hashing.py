"""Content hashes over the folded body: equal hashes mean the same text."""

from __future__ import annotations

import hashlib

from crawler.text.arabic import fold


def content_hash(body: str | None) -> str | None:
    """SHA-256 (hex) of the folded body, or None for an empty body."""
    folded = fold(body or "")
    if not folded:
        return None
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()
