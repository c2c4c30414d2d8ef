"""Which URLs an incremental run fetches, decided from what the database knows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crawler.incremental import (
    Dated,
    Known,
    Policy,
    article_decision,
    parse_date,
    sitemap_decision,
    trusted_lastmods,
)

NOW = datetime(2025, 7, 21, 12, 0, 0, tzinfo=UTC)
POLICY = Policy()


def at(hours_ago: float) -> datetime:
    return NOW - timedelta(hours=hours_ago)


def article(fetched_hours_ago: float, published_hours_ago: float | None = None) -> Known:
    published = at(published_hours_ago) if published_hours_ago is not None else None
    return Known("article", at(fetched_hours_ago), published, at(fetched_hours_ago))


def precise(hours_ago: float) -> Dated:
    return Dated(at(hours_ago), True)


def test_unknown_urls_are_fetched() -> None:
    assert article_decision(POLICY, NOW, None, None, None) == "new"


def test_an_old_article_seen_before_is_not_fetched_again() -> None:
    assert article_decision(POLICY, NOW, article(5, published_hours_ago=24 * 30), None, None) == "known"


def test_a_sitemap_lastmod_after_our_fetch_means_edited() -> None:
    assert article_decision(POLICY, NOW, article(5, 24 * 30), precise(1), None) == "edited"


def test_a_lastmod_in_the_same_second_as_our_fetch_counts_as_edited() -> None:
    known = Known("article", NOW.replace(microsecond=700_000), None, NOW)
    assert article_decision(POLICY, NOW + timedelta(minutes=5), known, Dated(NOW, True), None) == "edited"


def test_a_precise_lastmod_before_our_fetch_wins_over_youth() -> None:
    young = article(fetched_hours_ago=3, published_hours_ago=4)
    assert article_decision(POLICY, NOW, young, precise(3.5), None) == "known"


def test_young_articles_are_refetched_but_not_more_than_once_per_interval() -> None:
    assert article_decision(POLICY, NOW, article(2, published_hours_ago=10), None, None) == "young"
    assert article_decision(POLICY, NOW, article(0.5, published_hours_ago=10), None, None) == "known"
    assert article_decision(POLICY, NOW, article(2, published_hours_ago=50), None, None) == "known"


def test_without_a_published_date_youth_counts_from_first_seen() -> None:
    known = Known("article", at(2), None, at(20))
    assert article_decision(POLICY, NOW, known, None, None) == "young"


def test_a_date_only_lastmod() -> None:
    known = article(fetched_hours_ago=30, published_hours_ago=24 * 90)
    day_after = Dated(datetime(2025, 7, 21, tzinfo=UTC), False)
    same_day = Dated(datetime(2025, 7, 20, tzinfo=UTC), False)
    day_before = Dated(datetime(2025, 7, 19, tzinfo=UTC), False)
    assert article_decision(POLICY, NOW, known, day_after, None) == "edited"
    # Fetched on the 20th at 06:00: an edit later that day keeps the date: check again after the interval.
    assert article_decision(POLICY, NOW, known, same_day, None) == "edited"
    assert article_decision(POLICY, NOW, known, day_before, None) == "known"


def test_urls_that_gave_no_article_are_rechecked_after_a_while() -> None:
    assert article_decision(POLICY, NOW, Known("not_article", at(24)), None, None) == "known"
    assert article_decision(POLICY, NOW, Known("gone", at(24 * 8)), None, None) == "recheck"


def test_since_skips_dated_entries_only() -> None:
    policy = Policy(since=at(24))
    assert article_decision(policy, NOW, None, None, precise(48)) == "before_since"
    assert article_decision(policy, NOW, None, precise(48), None) == "before_since"
    assert article_decision(policy, NOW, None, None, precise(2)) == "new"
    assert article_decision(policy, NOW, None, None, None) == "new"  # a listing link has no date


def test_full_fetches_everything() -> None:
    policy = Policy(enabled=False)
    assert article_decision(policy, NOW, article(0.1, 24 * 400), precise(24 * 400), None) == "full"
    assert sitemap_decision(policy, precise(24 * 400), at(1)) == "fetch"


def test_sub_sitemaps_unchanged_since_read_are_skipped() -> None:
    assert sitemap_decision(POLICY, precise(10), at(5)) == "unchanged_sitemap"
    assert sitemap_decision(POLICY, precise(1), at(5)) == "fetch"
    assert sitemap_decision(POLICY, None, at(5)) == "fetch"  # no date: a conditional request decides
    assert sitemap_decision(POLICY, precise(10), None) == "fetch"  # never read
    assert sitemap_decision(Policy(since=at(5)), precise(10), None) == "before_since"
    same_day = Dated(datetime(2025, 7, 21, tzinfo=UTC), False)
    assert sitemap_decision(POLICY, same_day, at(1)) == "fetch"  # may have changed after we read it


def test_a_sitemap_whose_every_lastmod_is_the_same_moment_says_nothing() -> None:
    stamp = "2025-07-21T11:59:00Z"
    assert trusted_lastmods([stamp] * 6, NOW) == [None] * 6
    mixed = trusted_lastmods([stamp, "2025-07-01T10:00:00+03:00"], NOW)
    assert [d.at if d else None for d in mixed] == [datetime(2025, 7, 21, 11, 59, tzinfo=UTC), at(20 * 24 + 5)]


def test_lastmods_in_the_future_are_ignored() -> None:
    assert trusted_lastmods(["2025-07-30T00:00:00Z", "2025-07-21T12:30:00Z"], NOW)[0] is None


@pytest.mark.parametrize(
    ("text", "expected", "is_precise"),
    [
        ("2025-07-21", datetime(2025, 7, 21, tzinfo=UTC), False),
        ("2025-07-21T15:00+03:00", datetime(2025, 7, 21, 12, tzinfo=UTC), True),
        ("2025-07-21T12:00:00Z", datetime(2025, 7, 21, 12, tzinfo=UTC), True),
        ("Mon, 21 Jul 2025 15:00:00 +0300", datetime(2025, 7, 21, 12, tzinfo=UTC), True),
    ],
)
def test_feed_and_sitemap_dates(text: str, expected: datetime, is_precise: bool) -> None:
    parsed = parse_date(text)
    assert parsed is not None and parsed.at == expected and parsed.precise is is_precise


@pytest.mark.parametrize("text", ["", "   ", "yesterday", "21/07/2025", None])
def test_unreadable_dates_are_none(text: str | None) -> None:
    assert parse_date(text) is None
