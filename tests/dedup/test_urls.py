"""Canonical URLs (crawler.dedup.urls, crawler.dedup.canonical): one spelling per article."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from crawler.dedup.canonical import choose_canonical, make_twins, same_site, site_twins
from crawler.dedup.urls import InvalidURLError, canonicalize, registrable_domain


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # scheme/host case, default port, fragment
        ("HTTP://WWW.Example.COM:80/News/1#comments", "http://www.example.com/News/1"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com", "https://example.com/"),
        ("https://user:pw@example.com/a", "https://example.com/a"),
        # tracking parameters
        ("https://e.com/a?utm_source=fb&utm_medium=social&utm_campaign=x", "https://e.com/a"),
        ("https://e.com/a?fbclid=IwAR0&gclid=Cj0&msclkid=1&mc_cid=2&mc_eid=3", "https://e.com/a"),
        ("https://e.com/a?id=7&ref=rss&ref_src=twsrc", "https://e.com/a?id=7"),
        ("https://e.com/a?id=7&source=twitter&from=whatsapp&via=rss", "https://e.com/a?id=7"),
        ("https://e.com/a?source=12", "https://e.com/a?source=12"),  # not a share channel: kept
        # meaningful ids kept, sorted stably by name
        ("http://e.com/news.asp?NewsID=123", "http://e.com/news.asp?NewsID=123"),
        ("https://e.com/?p=45&utm_source=x", "https://e.com/?p=45"),
        ("https://e.com/a?b=2&a=1&b=1", "https://e.com/a?a=1&b=2&b=1"),
        ("https://e.com/a?", "https://e.com/a"),
        ("https://e.com/a?&&x=1&", "https://e.com/a?x=1"),
        ("https://e.com/s?q=a+b&r=c%20d", "https://e.com/s?q=a+b&r=c+d"),
        ("https://e.com/s?q=1%2B1", "https://e.com/s?q=1%2B1"),  # an escaped plus is not a space
        # AMP variants
        ("https://e.com/amp/news/1", "https://e.com/news/1"),
        ("https://e.com/news/1/amp", "https://e.com/news/1"),
        ("https://e.com/2024/01/slug/amp/", "https://e.com/2024/01/slug/"),
        ("https://e.com/news/1.amp", "https://e.com/news/1"),
        ("https://e.com/news/1.amp.html", "https://e.com/news/1.html"),
        ("https://e.com/news/1?amp", "https://e.com/news/1"),
        ("https://e.com/news/1?amp=1", "https://e.com/news/1"),
        ("https://e.com/news/1?outputType=amp", "https://e.com/news/1"),
        ("https://amp.e.com/news/1", "https://www.e.com/news/1"),
        ("https://amp.news.e.com/1", "https://news.e.com/1"),
        ("https://www-e-com.cdn.ampproject.org/c/s/www.e.com/news/1", "https://www.e.com/news/1"),
        ("https://www.google.com/amp/s/www.e.com/news/1", "https://www.e.com/news/1"),
        ("https://e.com/example/1", "https://e.com/example/1"),  # "amp" inside a word is not AMP
        # path normalisation
        ("https://e.com/a/./b/../c", "https://e.com/a/c"),
        ("https://e.com/%7Euser/%61", "https://e.com/~user/a"),
        ("https://e.com/a%2fb", "https://e.com/a%2Fb"),  # an escaped slash stays escaped
        ("https://e.com/100%", "https://e.com/100%25"),
        ("https://e.com/a b", "https://e.com/a%20b"),
    ],
)
def test_canonicalize(url: str, expected: str) -> None:
    assert canonicalize(url) == expected


def test_arabic_path_in_utf8_raw_and_escaped_spellings_agree() -> None:
    raw = "https://example.com/news/الرئيس-يستقبل"
    escaped = "https://example.com/news/" + quote("الرئيس-يستقبل")
    assert canonicalize(raw) == canonicalize(escaped) == escaped
    assert canonicalize(escaped.lower()) == escaped  # lower-case hex digits too


def test_windows_1256_escapes_are_re_encoded_as_utf8() -> None:
    word = "السيسي"
    legacy = "http://old.example.com/news.asp?NewsID=7&t=" + quote(word, encoding="cp1256")
    modern = "http://old.example.com/news.asp?t=" + quote(word) + "&NewsID=7"
    assert "%C7%E1" in legacy  # «ال» in windows-1256
    assert canonicalize(legacy) == canonicalize(modern)
    legacy_path = "http://old.example.com/" + quote("أخبار", encoding="cp1256") + "/1"
    assert canonicalize(legacy_path) == "http://old.example.com/" + quote("أخبار") + "/1"


def test_idn_hosts_become_punycode() -> None:
    assert canonicalize("https://مثال.مصر/خبر") == canonicalize("https://xn--mgbh0fb.xn--wgbh1c/خبر")


def test_twins_fold_host_spellings_and_scheme_only_when_configured() -> None:
    twins = make_twins("https://www.youm7.com")
    for url in (
        "http://youm7.com/story/1",
        "https://m.youm7.com/story/1",
        "https://amp.youm7.com/story/1",
        "https://www.youm7.com/story/1?utm_source=x",
    ):
        assert canonicalize(url, twins=twins) == "https://www.youm7.com/story/1"
    assert canonicalize("https://m.youm7.com/story/1") == "https://m.youm7.com/story/1"
    assert canonicalize("https://m.other.com/1", twins=twins) == "https://m.other.com/1"


def test_extra_site_parameters_can_be_dropped() -> None:
    url = "https://e.com/a?id=1&sectionTrack=home"
    assert canonicalize(url, drop_params=["SectionTrack"]) == "https://e.com/a?id=1"


@pytest.mark.parametrize(
    "url",
    ["mailto:news@example.com", "javascript:void(0)", "/relative/path", "https://", "http://e.com:99999/"],
)
def test_non_http_urls_raise_a_clear_error(url: str) -> None:
    with pytest.raises(InvalidURLError, match="URL"):
        canonicalize(url)


def test_canonicalize_is_idempotent_on_its_own_output() -> None:
    for url in (
        "https://e.com/amp/news/1?b=2&a=1&utm_source=x",
        "http://e.com/news.asp?t=%C7%E1&NewsID=1",
        "https://e.com/%D8%A3?q=a+b#x",
    ):
        once = canonicalize(url)
        assert canonicalize(once) == once


def test_registrable_domain_uses_the_public_suffix_list_offline() -> None:
    assert registrable_domain("news.bbc.co.uk") == "bbc.co.uk"
    assert registrable_domain("www.youm7.com") == "youm7.com"
    assert registrable_domain("a.blogspot.com") != registrable_domain("b.blogspot.com")
    assert registrable_domain("127.0.0.1") == "127.0.0.1"


def test_same_site() -> None:
    assert same_site("https://www.e.com/a", "https://news.e.com/b")
    assert not same_site("https://e.com/a", "https://other.com/a")
    assert not same_site("http://127.0.0.1:8000/a", "http://127.0.0.2:8000/a")
    twins = make_twins("https://www.e.com") | {"e-news.net": ("https", "www.e.com")}
    assert same_site("https://e-news.net/a", "https://www.e.com/a", twins=twins)


class TestChooseCanonical:
    fetched = "https://m.e.com/news/1?utm_source=fb"

    def test_prefers_rel_canonical_on_the_same_site(self) -> None:
        got = choose_canonical(self.fetched, rel_canonical="https://www.e.com/news/1-slug", og_url="https://x.e.com/o")
        assert got == "https://www.e.com/news/1-slug"

    def test_falls_back_to_og_url_then_to_the_fetched_url(self) -> None:
        assert choose_canonical(self.fetched, og_url="https://www.e.com/news/1") == "https://www.e.com/news/1"
        assert choose_canonical(self.fetched) == "https://m.e.com/news/1"

    def test_resolves_relative_canonical(self) -> None:
        assert choose_canonical(self.fetched, rel_canonical="/news/1") == "https://m.e.com/news/1"

    def test_ignores_another_sites_canonical(self) -> None:
        # An aggregator that points its canonical at the original outlet keeps its own URL.
        got = choose_canonical(self.fetched, rel_canonical="https://original.com/story/9")
        assert got == "https://m.e.com/news/1"

    def test_accepts_a_configured_twin_domain(self) -> None:
        twins = {"m.e.com": ("https", "www.e.com"), "e-news.net": ("https", "www.e.com")}
        got = choose_canonical(self.fetched, rel_canonical="https://e-news.net/news/1", twins=twins)
        assert got == "https://www.e.com/news/1"

    def test_ignores_a_home_page_canonical_on_an_article(self) -> None:
        assert choose_canonical(self.fetched, rel_canonical="https://www.e.com/") == "https://m.e.com/news/1"

    def test_ignores_unusable_candidates(self) -> None:
        assert choose_canonical(self.fetched, rel_canonical="javascript:void(0)", og_url="  ") == (
            "https://m.e.com/news/1"
        )


def test_site_twins_fold_the_configured_hosts_onto_the_main_one() -> None:
    twins = site_twins("https://www.e.com/", ["m.e.com", "E-News.net"])
    assert canonicalize("http://m.e.com/a?utm_source=x", twins=twins) == "https://www.e.com/a"
    assert canonicalize("https://e-news.net/a", twins=twins) == "https://www.e.com/a"
    assert canonicalize("https://e.com/a", twins=twins) == "https://e.com/a"  # not listed: left alone
    with pytest.raises(InvalidURLError, match="not an http"):
        site_twins("ftp://e.com/", [])
