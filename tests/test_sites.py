"""The sites file: what loads, and the one-line errors for what does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.exceptions import ConfigError
from crawler.sites import load_sites, parse_sites, site_for_url

GOOD = """
[sites.example]
start_urls = ["https://example.com/"]
feeds = ["https://example.com/rss.xml"]
sitemaps = ["https://example.com/sitemap.xml"]
allowed_domains = ["example.com"]
article_pattern = "/news/\\\\d+"
schedule = "*/30 * * * *"
download_delay = 2
concurrency = 2
encoding = "windows-1256"
aliases = ["موقع المثال"]
"""


def test_a_full_site_table_loads() -> None:
    site = parse_sites(GOOD, "sites.toml")["example"]
    assert site.start_urls == ("https://example.com/",)
    assert site.hosts == ("example.com",)
    assert site.is_article_url("https://example.com/news/123") is True
    assert site.is_article_url("https://example.com/about") is False
    assert site.download_delay == 2.0 and site.concurrency == 2
    assert site.encoding == "cp1256"
    assert site.languages == ("ar",)
    assert site.aliases == ("موقع المثال",)


def test_hosts_default_to_the_hosts_of_the_urls() -> None:
    site = parse_sites('[sites.a]\nfeeds = ["https://www.a.com/rss", "https://m.a.com/x"]\n')["a"]
    assert site.hosts == ("www.a.com", "m.a.com")
    assert site.is_article_url("https://www.a.com/x") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[sites.a]\nstart_urls = ["https://a.com/"]\nfeedz = []\n', "sites.toml: site 'a': key 'feedz': unknown key"),
        ('[sites.a]\nstart_urls = ["ftp://a.com/"]\n', "sites.toml: site 'a': key 'start_urls': not an http(s) URL"),
        (
            '[sites.a]\nstart_urls = ["https://a.com/"]\narticle_pattern = "(("\n',
            "key 'article_pattern': invalid regex",
        ),
        ('[sites.a]\nstart_urls = ["https://a.com/"]\nschedule = "every day"\n', "key 'schedule': invalid cron"),
        ('[sites.a]\nstart_urls = ["https://a.com/"]\nconcurrency = 0\n', "key 'concurrency': expected a positive"),
        ('[sites.a]\nstart_urls = ["https://a.com/"]\nencoding = "klingon"\n', "key 'encoding': unknown encoding"),
        ('[sites.a]\nallowed_domains = ["a.com"]\n', "site 'a': needs at least one of start_urls"),
        ("[sites]\n", "no sites defined"),
        ("[sitez.a]\n", "key 'sitez': unknown top-level key"),
        ("[sites.a\n", "invalid TOML"),
        ('[sites."a b"]\nfeeds=["https://a.com/"]\n', "site 'a b': site names use letters"),
    ],
)
def test_mistakes_are_one_line_errors_naming_file_site_and_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_sites(text, "sites.toml")
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    assert info.value.exit_code == 2


def test_missing_file_and_no_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="sites file not found"):
        load_sites(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="pass --sites FILE or set CRAWLER_SITES"):
        load_sites("")


def test_site_for_url_matches_subdomains() -> None:
    sites = parse_sites(GOOD)
    assert site_for_url(sites, "https://www.example.com/news/1").name == "example"  # type: ignore[union-attr]
    assert site_for_url(sites, "https://example.org/news/1") is None


def test_the_shipped_example_file_is_valid() -> None:
    sites = load_sites(Path(__file__).parent.parent / "examples" / "sites.toml")
    assert len(sites) >= 5
    assert all(s.feeds or s.sitemaps or s.start_urls for s in sites.values())
