"""The Article item: data only.

Every JSON output (``crawler fetch``, ``crawler extract``, ``crawler query``, exports)
uses exactly the keys of :data:`ARTICLE_FIELDS`, in that order, with ``None`` or
``[]`` where a value is unknown.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

__all__ = ["ARTICLE_FIELDS", "Article", "Link"]


Link = dict[str, str]  # {"title": ..., "url": ...}


@dataclass
class Article:
    """One news article, as extracted from a page and stored in the database."""

    url: str
    canonical_url: str | None = None
    site: str | None = None
    title: str | None = None
    lead: str | None = None
    body: str | None = None  # paragraphs joined by a blank line
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601 with offset
    modified: str | None = None  # ISO 8601 with offset
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    source: str | None = None  # attribution («المصدر: ...»)
    read_also: list[Link] = field(default_factory=list)
    related: list[Link] = field(default_factory=list)
    image: str | None = None
    lang: str | None = None
    content_hash: str | None = None
    duplicate_of: str | None = None  # canonical URL of the first-seen copy
    story_id: str | None = None  # shared by articles telling the same story
    fetched_at: str | None = None  # ISO 8601 with offset

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        return cls(**{k: data[k] for k in ARTICLE_FIELDS if k in data})


ARTICLE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Article))
