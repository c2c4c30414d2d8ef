"""Legacy Arabic encodings end to end: pages crawled from a local site come out right.

Scrapy trusts the HTTP header, then <meta>, and gets each of the first four cases wrong;
the fifth needs the site's ``encoding`` key (ISO-8859-6 bytes read as windows-1256 are
plausible Arabic letters, so no detector can tell them apart without a declaration).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.demo.articles import ARTICLES, DemoArticle
from crawler.demo.server import Resource, SiteServer
from crawler.demo.site import article_path, listing_page, publisher_page

pytestmark = pytest.mark.slow

# (article, codec of the bytes, Content-Type header, <meta charset> or None)
CASES = [
    (ARTICLES[0], "cp1256", "text/html; charset=utf-8", None),  # header says utf-8
    (ARTICLES[1], "cp1256", "text/html; charset=iso-8859-1", None),  # header says latin-1
    (ARTICLES[2], "cp1256", "text/html; charset=utf-8", "windows-1256"),  # header and meta disagree
    (ARTICLES[3], "cp1256", "text/html; charset=iso-8859-1", "utf-8"),  # both wrong
    (ARTICLES[4], "cp1256", "text/html", None),  # nothing declared
    (ARTICLES[6], "cp1256", "", None),  # not even a Content-Type
]


def legacy_page(article: DemoArticle, base: str, codec: str, meta: str | None) -> bytes:
    html = publisher_page(article, base, []).decode("utf-8")
    html = html.replace('<meta charset="utf-8">', f'<meta charset="{meta}">' if meta else "")
    return html.encode(codec, errors="xmlcharrefreplace")  # ISO-8859-6 has no «» or ©


def crawl_and_query(tmp_path: Path, sites_toml: str) -> list[dict[str, object]]:
    sites = tmp_path / "sites.toml"
    sites.write_text(sites_toml, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'news.db'}"
    proc = subprocess.run(
        [sys.executable, "-m", "crawler", "crawl", "--sites", str(sites), "--db", db],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = subprocess.run(
        [sys.executable, "-m", "crawler", "query", "--db", db, "--format", "json", "--limit", "50"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return list(json.loads(out.stdout))


def test_windows_1256_pages_are_decoded_whatever_they_declare(tmp_path: Path) -> None:
    with SiteServer({}) as server:
        base = server.base_url
        for article, codec, content_type, meta in CASES:
            server.routes[article_path(article)] = Resource(
                legacy_page(article, base, codec, meta), content_type=content_type
            )
        links = [(article_path(a), a.title) for a, *_ in CASES]
        server.routes["/"] = Resource(listing_page(links, None).decode().encode("cp1256"), content_type="text/html")
        server.routes["/robots.txt"] = Resource(b"User-agent: *\nAllow: /\n", content_type="text/plain")
        stored = crawl_and_query(
            tmp_path,
            f'[sites.legacy]\nstart_urls = ["{base}/"]\narticle_pattern = "^/news/\\\\d+/$"\ndownload_delay = 0\n',
        )
    by_title = {a["title"]: a for a in stored}
    for article, *_ in CASES:
        assert article.title in by_title, sorted(by_title)
        assert article.paragraphs[0][:40] in str(by_title[article.title]["body"])


def test_a_sites_encoding_key_reads_undeclared_iso_8859_6(tmp_path: Path) -> None:
    article = ARTICLES[5]
    with SiteServer({}) as server:
        base = server.base_url
        server.routes[article_path(article)] = Resource(
            legacy_page(article, base, "iso-8859-6", None), content_type="text/html"
        )
        server.routes["/"] = Resource(listing_page([(article_path(article), "x")], None), content_type="text/html")
        server.routes["/robots.txt"] = Resource(b"User-agent: *\nAllow: /\n", content_type="text/plain")
        toml = f'[sites.iso]\nstart_urls = ["{base}/"]\narticle_pattern = "^/news/\\\\d+/$"\ndownload_delay = 0\n'
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        without = crawl_and_query(tmp_path / "a", toml)
        fixed = crawl_and_query(tmp_path / "b", toml + 'encoding = "iso-8859-6"\n')
    assert [a["title"] for a in fixed] == [article.title]
    assert article.paragraphs[0][:40] in str(fixed[0]["body"])
    assert article.title not in [a["title"] for a in without]  # the key is what makes it right
