"""The bounded set that replaced the run's unbounded set of URLs: memory stays flat."""

from __future__ import annotations

import pytest

from crawler.recent import RecentSet


def test_a_value_is_new_once_then_seen() -> None:
    recent = RecentSet(10)
    assert recent.seen("https://a.com/1") is False
    assert recent.seen("https://a.com/1") is True
    assert "https://a.com/1" in recent and "https://a.com/2" not in recent


def test_it_never_holds_more_than_its_capacity() -> None:
    recent = RecentSet(1000)
    for i in range(50_000):
        recent.seen(f"https://news.example/{i}")
    assert len(recent) == 1000
    assert "https://news.example/49999" in recent
    assert "https://news.example/0" not in recent  # the oldest were forgotten


def test_seeing_a_value_again_keeps_it_among_the_remembered() -> None:
    recent = RecentSet(3)
    for url in ("a", "b", "c"):
        recent.seen(url)
    recent.seen("a")  # refreshed: now the newest
    recent.seen("d")  # pushes out the least recently seen, "b"
    assert "a" in recent and "b" not in recent


def test_arabic_and_odd_urls_are_keys_like_any_other() -> None:
    recent = RecentSet(5)
    assert recent.seen("https://ar.example/أخبار/١٢") is False
    assert recent.seen("https://ar.example/أخبار/١٢") is True
    assert recent.seen("https://ar.example/\udcff") is False  # a lone surrogate does not crash


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError, match="capacity must be at least 1"):
        RecentSet(0)
