"""A generated local news site of N articles, for scale tests and benchmarks.

Every article is a variant of a demo article (one of its paragraphs, then paragraphs of its
own, so no two bodies are equal, near copies or the same story) in the publisher layout. The site
has the three ways in a real site offers, overlapping as on real sites: an RSS feed of
the newest 50, a sitemap index of plain sitemaps covering every article, and a home
page with paginated listings of the newest ones. :class:`HitLog` wraps the routes to
record when each path was requested and how many requests were being answered at once.

(Issue 9 brings a site generator of its own; this one is small and local to the scale
tests and ``scripts/bench_scale.py``.)
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler

from crawler.demo.articles import ARTICLES, DemoArticle
from crawler.demo.server import Resource, Route
from crawler.demo.site import article_path, listing_page, publisher_page, rss_feed, sitemap_index, urlset_sitemap
from crawler.demo.textgen import filler_paragraph

__all__ = ["HitLog", "bulk_article", "bulk_site", "bulk_site_toml"]

_XML = "application/xml"


def bulk_article(i: int) -> DemoArticle:
    """Article number *i* of a generated site (unique body and title)."""
    model = ARTICLES[i % len(ARTICLES)]
    paras = list(model.paragraphs)
    k = (i // len(ARTICLES)) % len(paras)
    own = (
        f"وفي متابعة لهذا الملف، أفاد التقرير رقم {i} الصادر عن مكتب المتابعة بأن الجهات المعنية ستعقد "
        f"اجتماعاً خلال الأسبوع المقبل لمراجعة ما تحقق من نتائج، وتحديد الخطوات التالية بدقة."
    )
    day = 1 + i % 28
    # One paragraph of the model (the site's voice and entities), the rest the article's own:
    # pages of one real site are different stories. (Bodies built of the model's paragraphs
    # in a rotated order made each article a story-mate of one in eight of the others, a site
    # of eight stories each retold hundreds of times, which measured the near-duplicate
    # store's worst case rather than a crawl.)
    return replace(
        model,
        slug=str(100000 + i),
        title=f"{model.title} ({i})",
        paragraphs=(paras[k], own, filler_paragraph(i), filler_paragraph(10**9 + i, words=60)),
        published=f"2025-02-{day:02d}T{i % 24:02d}:{i % 60:02d}:00+03:00",
    )


def bulk_site(base: str, n: int, *, per_sitemap: int = 500, per_listing: int = 25, listings: int = 4
              ) -> tuple[dict[str, Route], list[str]]:  # fmt: skip
    """Routes of a site of *n* articles at *base*, and the article paths (newest first)."""
    articles = [bulk_article(i) for i in range(n)][::-1]
    paths = [article_path(a) for a in articles]
    routes: dict[str, Route] = {}
    for j, article in enumerate(articles):
        others = [articles[(j + d) % n] for d in (1, 2, 3)] if n > 1 else []
        routes[paths[j]] = Resource(publisher_page(article, base, others))
    for page in range(listings):
        chunk = articles[page * per_listing : (page + 1) * per_listing]
        links = [(article_path(a), a.title) for a in chunk]
        next_href = f"/latest/page/{page + 2}" if page + 1 < listings else None
        routes["/" if page == 0 else f"/latest/page/{page + 1}"] = Resource(listing_page(links, next_href))
    routes["/rss.xml"] = Resource(
        rss_feed(base, [(base + paths[j], a.title, "") for j, a in enumerate(articles[:50])]),
        content_type="application/rss+xml; charset=utf-8",
    )
    maps = [f"/sitemap-{k + 1}.xml" for k in range(0, max(1, (n + per_sitemap - 1) // per_sitemap))]
    routes["/sitemap.xml"] = Resource(sitemap_index([base + m for m in maps]), content_type=_XML)
    for k, path in enumerate(maps):
        chunk = articles[k * per_sitemap : (k + 1) * per_sitemap]
        items = [(base + article_path(a), a.published[:10]) for a in chunk]
        routes[path] = Resource(urlset_sitemap(items), content_type=_XML)
    routes["/robots.txt"] = Resource(b"User-agent: *\nDisallow: /admin/\n", content_type="text/plain")
    return routes, paths


def bulk_site_toml(name: str, base: str, *, delay: float, concurrency: int) -> str:
    """A ``[sites.NAME]`` table for a generated site."""
    return f"""[sites.{name}]
start_urls = ["{base}/"]
feeds = ["{base}/rss.xml"]
sitemaps = ["{base}/sitemap.xml"]
article_pattern = "^/news/\\\\d+/$"
download_delay = {delay}
concurrency = {concurrency}
max_pages = 100000
"""


@dataclass
class Hit:
    path: str
    at: float  # time.time() when the request arrived


class HitLog:
    """Wraps routes to log every request, with an optional answer latency.

    ``max_in_flight`` is the most requests that were being answered at the same time.
    """

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.hits: list[Hit] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    def wrap(self, routes: dict[str, Route]) -> dict[str, Route]:
        return {path: self._logged(path, route) for path, route in routes.items()}

    def _logged(self, path: str, route: Route) -> Route:
        def answer(handler: BaseHTTPRequestHandler) -> Resource:
            with self._lock:
                self.hits.append(Hit(path, time.time()))
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                if self.latency:
                    time.sleep(self.latency)
                return route(handler) if callable(route) else route
            finally:
                with self._lock:
                    self.in_flight -= 1

        return answer

    def counts(self) -> Counter[str]:
        return Counter(hit.path for hit in self.hits)

    def max_in_window(self, window: float) -> int:
        """The most requests that arrived within any *window* seconds."""
        times = sorted(hit.at for hit in self.hits)
        best, start = 0, 0
        for end, t in enumerate(times):
            while t - times[start] > window:
                start += 1
            best = max(best, end - start + 1)
        return best
