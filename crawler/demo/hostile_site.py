"""A hostile local news site: 40 good Arabic articles beside every kind of bad resource
a crawler meets (issue 8). Served on loopback by :class:`HostileSite`; used by
``tests/test_hostile_e2e.py`` and ``scripts/bench_hostile.py``.

Written for this project. The bombs are generated when the site starts (in memory, or
while being sent), never stored. The good articles are :class:`crawler.demo.newssite.Story`
pages in the publisher layout; six of them are served in a tricky way but must still be
stored intact (nested JSON-LD, lying charsets, deep nesting, octet-stream, injected
``<script>``). Every hostile resource is listed in :data:`HOSTILE` with what it is.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler
from typing import Any

from crawler.demo.articles import DemoArticle
from crawler.demo.newssite import Story
from crawler.demo.server import Resource, Route, SiteServer
from crawler.demo.site import listing_page, publisher_page, rss_feed, sitemap_index, urlset_sitemap
from crawler.demo.textgen import filler_paragraph

__all__ = [
    "BIG_LISTING",
    "BIG_LISTING_LINKS",
    "GOOD_COUNT",
    "HOSTILE",
    "SPECIAL_GOOD",
    "CrawlCheck",
    "HostileSite",
    "check_crawl",
    "closed_port",
    "counted_outcomes",
    "gzip_bomb",
]

GOOD_COUNT = 40
MIB = 1024 * 1024

#: Good articles served in a tricky way (id -> how); they must be stored intact all the same.
SPECIAL_GOOD = {
    35: "1 MB of nested JSON-LD beside the article's own",
    36: "windows-1256 bytes, header and <meta> say utf-8",
    37: "utf-8 bytes, header and <meta> say windows-1256",
    38: "article text 3,000 elements deep",
    39: "HTML served as application/octet-stream",
    40: "<script> in <title>, og:title and JSON-LD headline; javascript: links",
}

#: Hostile resources: path -> what it is. Paths under /news/ match the site's article pattern.
HOSTILE = {
    "/news/endless/": "never finishes: headers (Content-Length 100 kB), then a byte a second",
    "/news/slow-first-byte/": "answers nothing for 120 s",
    "/calendar": "calendar trap: ?page=N links to N+1 forever",
    "/news/gzip-bomb/": "Content-Encoding: gzip, 1 GiB inflated",
    "/news/huge-page/": "50 MB HTML page, streamed without Content-Length",
    "/sitemaps/huge.xml": "60 MB sitemap, streamed",
    "/sitemaps/bomb.xml.gz": "gzip file served as-is, 1 GiB inflated",
    "/news/pdf/": "a PDF served as text/html",
    "/news/png/": "a PNG image served as text/html",
    "/news/redirect-file/": "redirect to file:///etc/passwd",
    "/news/redirect-ftp/": "redirect to ftp://",
    "/news/redirect-port/": "redirect to a closed port on 127.0.0.1",
    "/news/redirect-offsite/": "redirect to another host",
    "/news/redirect-loop/": "redirect loop (two pages pointing at each other)",
    "/news/refresh-port/": "<meta http-equiv=refresh> to a closed port on 127.0.0.1",
    "/news/reset/": "connection reset in the middle of the body",
    "/news/dead-N/": "500 links answering 404",
}
DEAD_LINKS = 500
#: Not hostile by size (under the HTML cap) but by work: 60,000 links on one listing page,
#: to measure that reading a listing does not hold the reactor.
BIG_LISTING = "/archive/page/2"
BIG_LISTING_LINKS = 60_000

_NEST = 3000  # elements around the deep article's text (libxml2 alone stops at 256)


def gzip_bomb(inflated: int = 1024 * MIB, *, unit: bytes = b" ") -> bytes:
    """A valid gzip file of *inflated* bytes of *unit*, built in a second or two.

    One MiB is deflated once with a full flush (which makes the segment independent of
    what precedes it), and the segment is repeated: ~1 KiB per MiB.
    """
    chunk = unit * (MIB // len(unit))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = inflated // len(chunk)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block
    header = b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x02\xff"
    trailer = struct.pack("<II", crc & 0xFFFFFFFF, (count * len(chunk)) & 0xFFFFFFFF)
    return header + segment * count + tail + trailer


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _drip(handler: BaseHTTPRequestHandler) -> None:
    """A byte a second, for at most 15 minutes (the client is expected to give up)."""
    handler.wfile.write(b"<html><body>")
    handler.wfile.flush()
    for _ in range(900):
        time.sleep(1)
        handler.wfile.write(b" ")
        handler.wfile.flush()


def _generated(total: int, head: bytes, unit: Callable[[int], bytes], tail: bytes) -> Callable[..., None]:
    def stream(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(head)
        sent, n = len(head), 0
        while sent < total:
            block = unit(n)
            handler.wfile.write(block)
            sent += len(block)
            n += 1
        handler.wfile.write(tail)

    return stream


def _reset_midway(body: bytes) -> Callable[..., None]:
    def stream(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(body[: len(body) // 10])
        handler.wfile.flush()
        time.sleep(0.2)
        # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()

    return stream


def _slow(seconds: float, resource: Resource) -> Route:
    def route(_: BaseHTTPRequestHandler) -> Resource:
        time.sleep(seconds)
        return resource

    return route


def _calendar(handler: BaseHTTPRequestHandler) -> Resource:
    m = re.search(r"page=(\d+)", handler.path)
    page = int(m.group(1)) if m else 1
    return Resource(listing_page([], f"/calendar?page={page + 1}", title=f"أرشيف اليوم {page}"))


def _nested_jsonld(size: int) -> str:
    depth = size // 6
    return '<script type="application/ld+json">' + '{"a":' * depth + "1" + "}" * depth + "</script>"


def _inject_scripts(page: str, title: str) -> str:
    """Markup and script where a careless extractor copies it into the item."""
    t = escape(title)
    page = page.replace(f"<title>{t}", f"<title><script>alert('title')</script>{t}", 1)
    page = page.replace(f'og:title" content="{t}"', f'og:title" content="&lt;script&gt;alert(1)&lt;/script&gt;{t}"', 1)
    page = page.replace(f'"headline": "{title}"', f'"headline": "<script>alert(2)<\\/script>{title}"', 1)
    page = page.replace(
        '<div class="article-body">',
        '<div class="article-body"><script>document.write("injected")</script>'
        '<a href="javascript:alert(3)">اضغط هنا</a>',
        1,
    )
    return page


class HostileSite:
    """The site, served on 127.0.0.1 at a free port while the context is open."""

    def __init__(self) -> None:
        self.server: SiteServer | None = None
        newest = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
        self.stories = {i: Story(i, newest - timedelta(hours=i), newest - timedelta(hours=i)) for i in range(1, 41)}
        self.articles: dict[int, DemoArticle] = {i: s.demo() for i, s in self.stories.items()}

    def __enter__(self) -> HostileSite:
        self.server = SiteServer({}).start()
        self.server.routes.update(self._routes())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.stop()

    @property
    def base(self) -> str:
        assert self.server is not None
        return self.server.base_url

    def sites_toml(self, name: str = "hostile") -> str:
        """The site's entry: politeness delay lifted, nothing else changed."""
        return (
            f"[sites.{name}]\n"
            f'start_urls = ["{self.base}/"]\n'
            f'feeds = ["{self.base}/rss.xml"]\n'
            f'sitemaps = ["{self.base}/sitemap.xml"]\n'
            'article_pattern = "^/news/[^/]+/$"\n'
            "download_delay = 0\n"
        )

    def good_url(self, i: int) -> str:
        return f"{self.base}/news/{i}/"

    # --- building ----------------------------------------------------------------------------

    def _page(self, i: int) -> bytes:
        others = [self.articles[o] for o in range(1, 7) if o != i][:5]
        return publisher_page(self.articles[i], self.base, others)

    def _good_route(self, i: int) -> Resource:
        page = self._page(i)
        if i == 35:
            text = page.decode()
            return Resource(text.replace("</head>", _nested_jsonld(MIB) + "</head>", 1).encode())
        if i == 36:
            return Resource(page.decode().encode("cp1256", errors="xmlcharrefreplace"))
        if i == 37:
            text = page.decode().replace('<meta charset="utf-8">', '<meta charset="windows-1256">', 1)
            return Resource(text.encode(), content_type="text/html; charset=windows-1256")
        if i == 38:
            text = page.decode()
            start = text.index('<div class="article-body">')
            end = text.index("</div>", start) + len("</div>")
            deep = "<div>" * _NEST + text[start:end] + "</div>" * _NEST
            return Resource((text[:start] + deep + text[end:]).encode())
        if i == 39:
            return Resource(page, content_type="application/octet-stream")
        if i == 40:
            return Resource(_inject_scripts(page.decode(), self.articles[i].title).encode())
        return Resource(page)

    def _routes(self) -> dict[str, Route]:
        base = self.base
        routes: dict[str, Route] = {f"/news/{i}/": self._good_route(i) for i in self.articles}
        routes["/robots.txt"] = Resource(b"User-agent: *\nAllow: /\n", content_type="text/plain")

        bomb = gzip_bomb()
        filler = filler_paragraph(7).encode()
        routes["/news/endless/"] = Resource(stream=_drip, length=100_000)
        routes["/news/slow-first-byte/"] = _slow(120, Resource(self._page(1)))
        routes["/calendar"] = _calendar
        routes["/news/gzip-bomb/"] = Resource(bomb, headers={"Content-Encoding": "gzip"})
        routes["/news/huge-page/"] = Resource(
            stream=_generated(
                50 * MIB,
                b'<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>huge</title></head><body>',
                lambda n: (b"<p>" + filler + b"</p>\n") * 40,
                b"</body></html>",
            )
        )
        routes["/sitemaps/huge.xml"] = Resource(
            content_type="application/xml",
            stream=_generated(
                60 * MIB,
                b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
                lambda n: "".join(f"<url><loc>{base}/news/gen-{n}-{k}/</loc></url>" for k in range(100)).encode(),
                b"</urlset>",
            ),
        )
        routes["/sitemaps/bomb.xml.gz"] = Resource(bomb, content_type="application/x-gzip")
        routes["/news/pdf/"] = Resource(
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 40
        )
        routes["/news/png/"] = Resource(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40, content_type="text/html; charset=utf-8"
        )
        port = closed_port()
        host, site_port = "127.0.0.1", base.rsplit(":", 1)[1]
        redirects = {
            "/news/redirect-file/": "file:///etc/passwd",
            "/news/redirect-ftp/": f"ftp://{host}/pub/news.html",
            "/news/redirect-port/": f"http://{host}:{port}/news/1/",
            "/news/redirect-offsite/": f"http://127.0.0.2:{site_port}/news/2/",
            "/news/redirect-loop/": "/news/redirect-loop-2/",
            "/news/redirect-loop-2/": "/news/redirect-loop/",
        }
        for path, location in redirects.items():
            routes[path] = Resource(b"", status=302, headers={"Location": location})
        refresh = f'<html><head><meta http-equiv="refresh" content="0; url=http://{host}:{port}/x"></head></html>'
        routes["/news/refresh-port/"] = Resource(refresh.encode())
        routes["/news/reset/"] = Resource(stream=_reset_midway(self._page(2) * 4), length=len(self._page(2)) * 4)

        # Where the good and the hostile are linked from: home page, feed, sitemaps.
        hostile_links = [p for p in HOSTILE if p.startswith("/news/") and "dead" not in p]
        home = [(f"/news/{i}/", self.articles[i].title) for i in range(1, 15)]
        home += [(p, "خبر") for p in hostile_links[:8]]
        home += [(f"/news/dead-{n}/", "خبر قديم") for n in range(DEAD_LINKS)]
        page = listing_page(home, None).decode()
        pager = f'<div class="pager"><a href="/calendar?page=1">التالي</a> <a href="{BIG_LISTING}">2</a>'
        page = page.replace('<div class="pager">', pager, 1)
        routes["/"] = Resource(page.encode())
        topics = [(f"/topic/{n}", f"موضوع رقم {n}") for n in range(BIG_LISTING_LINKS)]
        routes[BIG_LISTING] = Resource(listing_page(topics, None, title="الأرشيف"))

        def rfc822(i: int) -> str:
            return format_datetime(self.stories[i].published, usegmt=True)

        feed = [(self.good_url(i), self.articles[i].title, rfc822(i)) for i in range(15, 28)]
        feed += [(base + p, "خبر", rfc822(1)) for p in hostile_links[8:12]]
        routes["/rss.xml"] = Resource(rss_feed(base, feed), content_type="application/rss+xml; charset=utf-8")
        iso = self.stories[1].published.isoformat()
        good_map = [(self.good_url(i), iso) for i in range(28, 41)] + [(base + p, iso) for p in hostile_links[12:]]
        routes["/sitemaps/good.xml"] = Resource(urlset_sitemap(good_map), content_type="application/xml")
        routes["/sitemap.xml"] = Resource(
            sitemap_index([f"{base}/sitemaps/good.xml", f"{base}/sitemaps/huge.xml", f"{base}/sitemaps/bomb.xml.gz"]),
            content_type="application/xml",
        )
        return routes


# --- checking a crawl of the site ------------------------------------------------------------

#: Text that must never reach a stored field (markup and script from the pages).
FORBIDDEN = ("<script", "</script", "javascript:", "alert(", "document.write")
#: Lines the crawler logs for every counted outcome: ``skipped too_large: URL`` (INFO).
_COUNTED_RE = re.compile(r"\b(skipped|dropped|failed) ([a-z0-9_]+): (\S+)")


def expected_body(article: DemoArticle) -> str:
    paras = list(article.paragraphs)
    if article.subheading:
        paras.insert(len(paras) - 2, article.subheading)
    return "\n\n".join(paras)


@dataclass
class CrawlCheck:
    """What a crawl of the hostile site stored and reported."""

    good_stored: list[int] = field(default_factory=list)  # ids stored with title and body intact
    good_damaged: dict[int, str] = field(default_factory=dict)  # id -> what is wrong
    forbidden: list[str] = field(default_factory=list)  # "url: field contains ..."
    unexpected: list[str] = field(default_factory=list)  # stored URLs that are not good articles
    reasons: dict[str, list[str]] = field(default_factory=dict)  # hostile path -> counted reasons
    run: dict[str, Any] = field(default_factory=dict)  # the run row: status, stats...


def _text_fields(row: dict[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in row.items():
        if isinstance(value, str):
            out.append((key, value))
        elif isinstance(value, list | dict):
            out.append((key, json.dumps(value, ensure_ascii=False)))
    return out


def counted_outcomes(log_text: str) -> list[tuple[str, str, str]]:
    """(outcome, reason, url) for every counted outcome line of a crawl log."""
    return [(m.group(1), m.group(2), m.group(3)) for m in _COUNTED_RE.finditer(log_text)]


def check_crawl(site: HostileSite, db_url: str, log_text: str) -> CrawlCheck:
    """Read the database and the crawl log (INFO level) of one crawl of *site*."""
    from sqlalchemy import select

    from crawler.db.engine import connect
    from crawler.db.models import ArticleRow, CrawlRun

    check = CrawlCheck()
    engine = connect(db_url)
    try:
        with engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(select(ArticleRow.__table__))]
            run = conn.execute(select(CrawlRun.__table__).order_by(CrawlRun.id.desc())).first()
    finally:
        engine.dispose()
    check.run = dict(run._mapping) if run is not None else {}
    by_url = {row["url"]: row for row in rows}
    for i, article in site.articles.items():
        row = by_url.pop(site.good_url(i), None)
        if row is None:
            check.good_damaged[i] = "not stored"
        elif row["title"] != article.title:
            check.good_damaged[i] = f"title {row['title']!r}"
        elif row["body"] != expected_body(article):
            check.good_damaged[i] = f"body differs: {str(row['body'])[:80]!r}"
        else:
            check.good_stored.append(i)
    check.unexpected = sorted(by_url)
    for row in rows:
        for key, value in _text_fields(row):
            low = value.lower()
            for marker in FORBIDDEN:
                if marker in low:
                    check.forbidden.append(f"{row['url']}: {key} contains {marker!r}")
    base = site.base
    for outcome, reason, url in counted_outcomes(log_text):
        if not url.startswith(base):
            continue
        path = url[len(base) :]
        key = "/news/dead-N/" if path.startswith("/news/dead-") else path.split("?", 1)[0]
        if key == "/news/redirect-loop-2/":
            key = "/news/redirect-loop/"
        if key in HOSTILE:
            label = f"{outcome}/{reason}"
            if label not in check.reasons.setdefault(key, []):
                check.reasons[key].append(label)
    return check
