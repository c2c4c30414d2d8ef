"""What an incremental run fetches: pure decisions over what the database knows.

An article URL found in a feed, sitemap or listing page is fetched when it is new, when the
sitemap dates it newer than our last fetch (an edit), or when the article is young enough
to be edited (``CRAWLER_REFETCH_HOURS``, at most once per ``CRAWLER_REFETCH_INTERVAL_MINUTES``).
URLs that gave no article (not an article, 404/410, an alias of a stored one) are checked
again after ``CRAWLER_RECHECK_HOURS``. ``--since`` skips entries dated before it; ``--full``
fetches everything.

Sitemap dates are trusted with care: a ``lastmod`` with a time of day says both "changed"
and "unchanged"; a date alone only says "changed" (an edit later the same day keeps the
date); a sitemap whose every entry carries the same ``lastmod`` (the time it was generated)
says nothing; dates in the future say nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

__all__ = [
    "FETCH",
    "Dated",
    "Known",
    "Policy",
    "article_decision",
    "parse_date",
    "sitemap_decision",
    "trusted_lastmods",
]

#: Decisions that mean "fetch"; any other decision is the reason for a skip.
FETCH = frozenset({"new", "edited", "young", "recheck", "full"})


@dataclass(frozen=True)
class Policy:
    enabled: bool = True  # False: --full
    since: datetime | None = None
    refetch_window: timedelta = timedelta(hours=48)
    refetch_interval: timedelta = timedelta(hours=1)
    recheck_after: timedelta = timedelta(days=7)


@dataclass(frozen=True)
class Known:
    """What the database knows of a URL: a stored article, or a URL that gave none."""

    kind: str  # "article", or the outcome of a URL that gave no article: not_article / gone / alias
    checked_at: datetime  # articles: last fetch; others: when the outcome was seen
    published_at: datetime | None = None
    first_seen_at: datetime | None = None


@dataclass(frozen=True)
class Dated:
    """A date from a feed or sitemap; ``precise`` when it has a time of day."""

    at: datetime
    precise: bool


def parse_date(value: str | None) -> Dated | None:
    """A sitemap/feed date (W3C datetime, ISO 8601, RFC 822) as an aware UTC datetime, or None."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        precise = len(text) > 10
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
            precise = True
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return Dated(parsed.astimezone(UTC), precise)


def trusted_lastmods(values: Sequence[str | None], now: datetime) -> list[Dated | None]:
    """The ``lastmod`` values of one sitemap that carry information (see the module docstring)."""
    dated = [parse_date(v) for v in values]
    present = [d for d in dated if d is not None]
    if len(present) >= 5 and len({d.at for d in present}) == 1:
        return [None] * len(dated)  # the generation time of the file, not of each page
    limit = now + timedelta(days=1)
    return [d if d is not None and d.at <= limit else None for d in dated]


def article_decision(
    policy: Policy, now: datetime, known: Known | None, lastmod: Dated | None, published: Dated | None
) -> str:
    """new / edited / young / recheck / full (fetch), or known / before_since (skip)."""
    if not policy.enabled:
        return "full"
    dated = published or lastmod
    if policy.since is not None and dated is not None and dated.at < policy.since:
        return "before_since"
    if known is None:
        return "new"
    if known.kind != "article":
        return "recheck" if now - known.checked_at >= policy.recheck_after else "known"
    if lastmod is not None:
        fetched_day = known.checked_at.astimezone(UTC).date()
        if lastmod.precise:  # the same second counts: our fetch time and the site's clock are both cut to it
            return "edited" if lastmod.at >= known.checked_at.replace(microsecond=0) else "known"
        if lastmod.at.date() > fetched_day:
            return "edited"
        if lastmod.at.date() == fetched_day and now - known.checked_at >= policy.refetch_interval:
            return "edited"  # a date alone: changed on the day we fetched it, maybe after
    born = known.published_at or known.first_seen_at
    if born is not None and now - born < policy.refetch_window and now - known.checked_at >= policy.refetch_interval:
        return "young"
    return "known"


def sitemap_decision(policy: Policy, lastmod: Dated | None, checked_at: datetime | None) -> str:
    """fetch, or unchanged_sitemap / before_since: may a sitemap listed in an index be skipped?"""
    if not policy.enabled or lastmod is None:
        return "fetch"
    if policy.since is not None and lastmod.at < policy.since:
        return "before_since"
    if checked_at is not None:
        if lastmod.precise and lastmod.at < checked_at.replace(microsecond=0):
            return "unchanged_sitemap"
        if not lastmod.precise and lastmod.at.date() < checked_at.astimezone(UTC).date():
            return "unchanged_sitemap"
    return "fetch"
