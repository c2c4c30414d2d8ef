"""Filters shared by ``crawler query``, ``crawler export``, ``crawler stats`` and the API."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from crawler.exceptions import CrawlerError
from crawler.text.arabic import fold

__all__ = ["ORDERS", "FilterError", "Filters", "parse_when"]

ORDERS = ("newest", "relevance")


class FilterError(CrawlerError):
    """Raised by :mod:`crawler.search.filters` (hence by the query, export and stats
    commands and the API) for a filter value that cannot be used: an unreadable date,
    an unknown order, a negative limit."""

    exit_code = 2


_RELATIVE_RE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_WORD_RE = re.compile(r"[^\W_]")
_LANG_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def parse_when(value: str | date | datetime, *, end: bool = False, now: datetime | None = None) -> datetime:
    """A point in time from user input, in UTC.

    Accepts ISO dates and date-times (naive ones are UTC), ``7d`` / ``12h`` / ``2w`` /
    ``30m`` (that long ago) and, through dateparser, words such as ``yesterday``,
    ``monday`` or «أمس». With ``end=True`` a bare date means the end of that day
    (``--until 2025-07-31`` includes the 31st).
    """
    now = now or datetime.now(UTC)
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, date):
        start = datetime(value.year, value.month, value.day, tzinfo=UTC)
        return start + timedelta(days=1) - timedelta(microseconds=1) if end else start
    text = value.strip()
    if not text:
        raise FilterError("empty date: give e.g. 2025-07-31, 2025-07-31T08:00, 7d or yesterday")
    try:
        if len(text) == 10:
            return parse_when(date.fromisoformat(text), end=end)
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        pass
    relative = _RELATIVE_RE.match(text)
    if relative:
        return now - timedelta(**{_UNITS[relative.group(2).lower()]: int(relative.group(1))})
    import dateparser  # slow to import: only for words

    parsed = dateparser.parse(
        text,
        settings={
            "PREFER_DATES_FROM": "past",
            "RETURN_AS_TIMEZONE_AWARE": True,
            "TIMEZONE": "UTC",
            "RELATIVE_BASE": now.replace(tzinfo=None),
        },
    )
    if parsed is None:
        raise FilterError(f"cannot read the date {text!r}: give e.g. 2025-07-31, 2025-07-31T08:00, 7d or yesterday")
    return _aware(parsed)


def _when(option: str, value: str | date | datetime | None, *, end: bool = False) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        return parse_when(value, end=end)
    except FilterError as exc:
        raise FilterError(f"{option}: {exc}") from None


def _clean(values: Iterable[str] | str | None, what: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    out = tuple(v.strip() for v in values if v is not None and v.strip())
    for v in out:
        if len(v) > 500:
            raise FilterError(f"{what} filter is too long ({len(v)} characters, at most 500)")
        if what in {"section", "tag", "source", "author"} and not _WORD_RE.search(fold(v)):
            raise FilterError(f"{what} filter {v!r} has no letters or digits")
    return out


@dataclass(frozen=True)
class Filters:
    """Which articles to consider. Values within one filter are alternatives (OR);
    different filters must all hold (AND). ``since`` is inclusive, ``until`` inclusive
    to the second; both apply to the publication date, else the fetch date."""

    sites: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    include_duplicates: bool = False

    @classmethod
    def make(
        cls,
        *,
        site: Iterable[str] | str | None = None,
        section: Iterable[str] | str | None = None,
        tag: Iterable[str] | str | None = None,
        source: Iterable[str] | str | None = None,
        author: Iterable[str] | str | None = None,
        lang: Iterable[str] | str | None = None,
        since: str | date | datetime | None = None,
        until: str | date | datetime | None = None,
        include_duplicates: bool = False,
    ) -> Filters:
        """Build filters from user values (strings, lists, dates), checking each."""
        langs = tuple(v.lower() for v in _clean(lang, "lang"))
        for v in langs:
            if not _LANG_RE.match(v):
                raise FilterError(f"invalid language code {v!r}: give e.g. ar or ar-SA")
        lo = _when("--since", since)
        hi = _when("--until", until, end=True)
        if lo and hi and hi < lo:
            raise FilterError(f"--until ({hi.isoformat()}) is before --since ({lo.isoformat()})")
        return cls(
            sites=_clean(site, "site"),
            sections=_clean(section, "section"),
            tags=_clean(tag, "tag"),
            sources=_clean(source, "source"),
            authors=_clean(author, "author"),
            langs=langs,
            since=lo,
            until=hi,
            include_duplicates=include_duplicates,
        )


def check_order(order: str) -> str:
    if order not in ORDERS:
        raise FilterError(f"unknown order {order!r}: use one of {', '.join(ORDERS)}")
    return order


def check_page(limit: int | None, offset: int) -> None:
    if limit is not None and limit < 0:
        raise FilterError(f"--limit must be 0 or more, not {limit}")
    if offset < 0:
        raise FilterError(f"--offset must be 0 or more, not {offset}")
