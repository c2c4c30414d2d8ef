"""A generated Arabic news site of any size, for benchmarks and large end-to-end tests.

Article *bodies* come at run time from a corpus of real Arabic articles (the shared
SaudiNewsNet extract: zips of JSON arrays ``{title, author, content, date_extracted,
...}``); nothing of it is ever written into the repository. The *pages* use the
project's own layouts (:mod:`crawler.demo.site`): most articles in the publisher
layout under ``/news/ID/``, a share in the aggregator layout under ``/agg/ID/``.

Discovery is exercised the way real sites offer it: an RSS feed of the latest
articles, a sitemap index over plain sitemaps of ``sitemap_size`` URLs each plus a
Google News sitemap, paginated listing pages, and robots.txt naming the sitemap.

Typical use::

    articles = corpus_articles(find_shared_dir(repo_root) / "corpus", 500)
    routes = build_site(base_url, articles)
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from crawler.dedup.hashing import content_hash
from crawler.demo.articles import DemoArticle
from crawler.demo.server import Resource
from crawler.demo.site import (
    aggregator_page,
    article_path,
    listing_page,
    news_sitemap,
    publisher_page,
    rss_feed,
    sitemap_index,
    urlset_sitemap,
)

__all__ = [
    "ARTICLE_PATTERN",
    "CorpusError",
    "GeneratedSite",
    "build_site",
    "corpus_articles",
    "find_shared_dir",
    "iter_corpus_records",
    "sites_toml",
]

#: Matches the article URLs of a generated site (``/news/ID/`` and ``/agg/ID/``).
ARTICLE_PATTERN = r"^/(news|agg)/\d+/$"
_SECTIONS = ("محليات", "اقتصاد", "دولي", "رياضة", "ثقافة", "صحة")
_MIN_CONTENT_CHARS = 400
# Lists and tables (a film's top ten, a results table) come as many short lines: not the
# prose articles a news crawl is about, and extractors legitimately drop them.
_MIN_MEAN_PARAGRAPH_CHARS = 80


class CorpusError(Exception):
    """Raised by :func:`corpus_articles` when the corpus is missing or too small."""


def find_shared_dir(repo_root: Path, env_value: str | None = None) -> Path:
    """The shared data folder: *env_value* (``CRAWLER_SHARED_DIR``) if given, else the
    first ``shared/`` sibling found walking up from *repo_root*, else ``/work/shared``.

    Worktrees live in ``/work/wt/NAME``, so a plain ``../shared`` is not enough.
    """
    if env_value:
        return Path(env_value)
    for parent in (repo_root, *repo_root.parents):
        candidate = parent / "shared"
        if candidate.is_dir() and candidate.resolve() != repo_root.resolve():
            return candidate
    return Path("/work/shared")


def iter_corpus_records(corpus_dir: Path) -> Iterator[dict[str, str]]:
    """Every record of every ``*.zip`` (JSON array) under *corpus_dir*, in file-name order."""
    for path in sorted(corpus_dir.rglob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                if not name.endswith(".json"):
                    continue
                records = json.loads(archive.read(name))
                if isinstance(records, list):
                    yield from (r for r in records if isinstance(r, dict))


def _paragraphs(content: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in content.replace("\r", "").split("\n") if p.strip())


def _tags(title: str) -> tuple[str, ...]:
    words = [w.strip("«»\"'():،,.؟!") for w in title.split()]
    return tuple(dict.fromkeys(w for w in words if len(w) > 3))[:3]


def _published(date_extracted: str) -> str:
    # "2015-07-21 02:51:32" -> ISO 8601 with the Saudi offset.
    return date_extracted.strip().replace(" ", "T")[:19] + "+03:00"


def corpus_articles(corpus_dir: Path, count: int, *, first_id: int = 100_000) -> list[DemoArticle]:
    """*count* distinct articles (unique titles and bodies, long enough to be kept) as DemoArticles."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"{corpus_dir}: corpus folder not found (set CRAWLER_SHARED_DIR or --shared)")
    seen: set[bytes] = set()
    out: list[DemoArticle] = []
    for record in iter_corpus_records(corpus_dir):
        title = str(record.get("title") or "").strip()
        content = str(record.get("content") or "")
        paragraphs = _paragraphs(content)
        if not title or len(content) < _MIN_CONTENT_CHARS or len(paragraphs) < 2:
            continue
        if sum(map(len, paragraphs)) / len(paragraphs) < _MIN_MEAN_PARAGRAPH_CHARS:
            continue
        # Keyed on the folded body, as the crawler's exact-copy check is: no copies on the site.
        keys = (
            hashlib.blake2b(title.encode(), digest_size=8).digest(),
            (content_hash("\n\n".join(paragraphs)) or "").encode(),
        )
        if keys[0] in seen or keys[1] in seen:
            continue
        seen.update(keys)
        index = len(out)
        out.append(
            DemoArticle(
                slug=str(first_id + index),
                title=title,
                section=_SECTIONS[index % len(_SECTIONS)],
                author=str(record.get("author") or "").strip() or "المحرر",
                published=_published(str(record.get("date_extracted") or "2015-07-21 00:00:00")),
                paragraphs=paragraphs,
                tags=_tags(title),
            )
        )
        if len(out) == count:
            return out
    raise CorpusError(f"{corpus_dir}: only {len(out)} usable articles, {count} asked for")


@dataclass(frozen=True)
class GeneratedSite:
    """The routes of a generated site and the article URLs it serves."""

    routes: dict[str, Resource]
    article_urls: tuple[str, ...]


def _is_aggregated(index: int, aggregator_share: float) -> bool:
    # Spread the aggregator pages evenly: article i is aggregated when the running
    # share crosses a whole number.
    return int((index + 1) * aggregator_share) > int(index * aggregator_share)


def build_site(
    base: str,
    articles: list[DemoArticle],
    *,
    aggregator_share: float = 0.2,
    feed_size: int = 50,
    sitemap_size: int = 1000,
    news_sitemap_size: int = 100,
    listing_size: int = 50,
) -> GeneratedSite:
    """All routes of a site serving *articles* at *base* (``http://127.0.0.1:PORT``), newest first."""
    routes: dict[str, Resource] = {}
    entries: list[tuple[str, DemoArticle]] = []  # (path, article) in site order
    for i, art in enumerate(articles):
        others = [articles[(i + k) % len(articles)] for k in range(1, 11) if len(articles) > k]
        if _is_aggregated(i, aggregator_share):
            path = article_path(art, "/agg")
            page = aggregator_page(art, base, "وكالة الأنباء", others)
        else:
            path = article_path(art)
            page = publisher_page(art, base, others)
        routes[path] = Resource(page)
        entries.append((path, art))
    _add_discovery(routes, base, entries, feed_size, sitemap_size, news_sitemap_size, listing_size)
    return GeneratedSite(routes, tuple(base + path for path, _ in entries))


def _add_discovery(
    routes: dict[str, Resource],
    base: str,
    entries: list[tuple[str, DemoArticle]],
    feed_size: int,
    sitemap_size: int,
    news_sitemap_size: int,
    listing_size: int,
) -> None:
    xml = "application/xml"
    routes["/rss.xml"] = Resource(
        rss_feed(base, [(base + p, a.title, _rfc822(a.published)) for p, a in entries[:feed_size]]),
        content_type="application/rss+xml; charset=utf-8",
    )
    chunks = [entries[i : i + sitemap_size] for i in range(0, len(entries), max(1, sitemap_size))]
    parts = [f"/sitemaps/articles-{k + 1}.xml" for k in range(len(chunks))]
    for part, chunk in zip(parts, chunks, strict=True):
        routes[part] = Resource(urlset_sitemap([(base + p, a.published[:10]) for p, a in chunk]), content_type=xml)
    routes["/sitemaps/news.xml"] = Resource(
        news_sitemap([(base + p, a.title, a.published) for p, a in entries[:news_sitemap_size]]), content_type=xml
    )
    routes["/sitemap.xml"] = Resource(
        sitemap_index([base + p for p in (*parts, "/sitemaps/news.xml")]), content_type=xml
    )
    pages = [entries[i : i + listing_size] for i in range(0, len(entries), max(1, listing_size))] or [[]]
    for k, page in enumerate(pages, start=1):
        href = "/" if k == 1 else f"/latest/page/{k}"
        next_href = f"/latest/page/{k + 1}" if k < len(pages) else None
        routes[href] = Resource(listing_page([(p, a.title) for p, a in page], next_href))
    routes["/robots.txt"] = Resource(
        f"User-agent: *\nDisallow: /admin/\nSitemap: {base}/sitemap.xml\n".encode(), content_type="text/plain"
    )


def _rfc822(iso: str) -> str:
    from datetime import datetime
    from email.utils import format_datetime

    return format_datetime(datetime.fromisoformat(iso))


def sites_toml(name: str, base: str, *, concurrency: int = 16, max_pages: int = 0, autothrottle: bool = False) -> str:
    """A sites file entry for a generated site, with politeness lifted (``download_delay = 0``)."""
    lines = [
        f"[sites.{name}]",
        f'start_urls = ["{base}/"]',
        f'feeds = ["{base}/rss.xml"]',
        f'sitemaps = ["{base}/sitemap.xml"]',
        f"article_pattern = {json.dumps(ARTICLE_PATTERN)}",
        "download_delay = 0",
        f"concurrency = {concurrency}",
    ]
    if max_pages:
        lines.append(f"max_pages = {max_pages}")
    if not autothrottle:  # AutoThrottle aims at 2 requests in flight: lifted for a benchmark
        lines.append("autothrottle = false")
    return "\n".join(lines) + "\n"
