"""A local news site that changes between runs: the test bed of incremental and cron-grade crawling
(tests/test_cron_e2e.py, scripts/measure_cron.py).

Written for this project (articles are generated from our own Arabic sentences). The site has
a sitemap index with one sitemap per month (``lastmod`` per URL and per sitemap), a Google
News sitemap of the last two days, an RSS feed of the newest articles, and paginated listing
pages. Feeds, sitemaps and listings answer conditional requests (ETag, Last-Modified -> 304)
like a well-behaved CMS. Tests add and edit articles between runs, then count what the
crawler fetched (``server.hits``).
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler

from crawler.demo.articles import DemoArticle
from crawler.demo.server import Resource, Route, SiteServer
from crawler.demo.site import listing_page, news_sitemap, publisher_page, rss_feed, sitemap_index, urlset_sitemap
from crawler.demo.textgen import filler_paragraph

_SENTENCES = (
    "وأكدت مصادر مطلعة أن الاجتماع ناقش خطة العمل للمرحلة المقبلة وآليات تنفيذها على أرض الواقع",
    "وأشار التقرير إلى أن نسبة الإنجاز في المشروع تجاوزت التوقعات خلال الربع الأخير من العام",
    "وقال المتحدث الرسمي إن الحكومة ماضية في تنفيذ برنامجها الإصلاحي رغم التحديات الاقتصادية",
    "ودعا خبراء إلى تعزيز الاستثمار في التعليم والتدريب المهني لمواكبة متطلبات سوق العمل",
    "وشهدت الأسواق المحلية إقبالاً ملحوظاً من المتسوقين مع اقتراب موسم الأعياد والعطلات",
    "وأعلنت الهيئة العامة للأرصاد عن موجة من الأمطار الغزيرة تشمل المناطق الشمالية والساحلية",
    "وتسعى الجهات المعنية إلى رفع كفاءة شبكات النقل العام وتقليل الازدحام في ساعات الذروة",
    "وأوضح الباحثون أن نتائج الدراسة تفتح آفاقاً جديدة لعلاج الأمراض المزمنة بتكلفة أقل",
    "واستقبل المعرض آلاف الزوار من مختلف الأعمار الذين توافدوا للاطلاع على أحدث الإصدارات",
    "وحقق المنتخب الوطني فوزاً مستحقاً في المباراة الافتتاحية للبطولة أمام جمهور غفير",
    "وتناولت الندوة دور وسائل الإعلام في نشر الوعي البيئي والحفاظ على الموارد الطبيعية",
    "وكشفت الإحصاءات الرسمية عن ارتفاع أعداد السياح الوافدين بنسبة كبيرة مقارنة بالعام الماضي",
)
_TOPICS = ("اقتصاد", "سياسة", "رياضة", "ثقافة", "صحة", "تعليم", "بيئة", "تقنية")
ARTICLE_RE = re.compile(r"^/news/(\d+)/$")


@dataclass
class Story:
    id: int
    published: datetime
    modified: datetime
    edits: int = 0

    def demo(self) -> DemoArticle:
        picks = [_SENTENCES[(self.id * k + k * k) % len(_SENTENCES)] for k in (1, 3, 5, 7)]
        paragraphs = [
            f"{picks[0]}، وذلك في الخبر رقم {self.id} الذي تتابعه أسرة التحرير منذ ساعات الصباح الأولى.",
            f"{picks[1]}، فيما تتواصل الاستعدادات لإطلاق المرحلة الثانية من المبادرة.",
            f"{picks[2]}، بحسب ما أفاد به مراسلنا في العاصمة مساء اليوم.",
            f"{picks[3]}، وسط ترقب واسع لما ستسفر عنه الأيام المقبلة.",
            filler_paragraph(self.id),  # text of its own: stories are not near copies of each other
        ]
        for n in range(1, self.edits + 1):  # an edit rewrites the lead paragraph
            paragraphs[0] += f" تحديث رقم {n}: أضافت المصادر تفاصيل جديدة حول الخبر رقم {self.id} بعد نشره."
        return DemoArticle(
            slug=str(self.id),
            title=f"{_TOPICS[self.id % len(_TOPICS)]}: تطورات جديدة في الملف رقم {self.id}",
            section=_TOPICS[self.id % len(_TOPICS)],
            author="محرر الموقع",
            published=self.published.isoformat(timespec="seconds"),
            paragraphs=tuple(paragraphs),
            tags=(_TOPICS[self.id % len(_TOPICS)],),
        )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def conditional(body: bytes, content_type: str, modified: datetime) -> Route:
    """A route answering If-None-Match / If-Modified-Since with 304 when *body* is unchanged."""
    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
    last_modified = format_datetime(modified.astimezone(UTC).replace(microsecond=0), usegmt=True)

    def route(handler: BaseHTTPRequestHandler) -> Resource:
        headers = {"ETag": etag, "Last-Modified": last_modified}
        inm = handler.headers.get("If-None-Match")
        if inm == etag or (inm is None and handler.headers.get("If-Modified-Since") == last_modified):
            return Resource(b"", status=304, content_type="", headers=headers)
        return Resource(body, content_type=content_type, headers=headers)

    return route


@dataclass
class NewsSite:
    """*count* articles, one every *spacing*, the newest published an hour ago."""

    count: int = 200
    spacing: timedelta = timedelta(hours=12)
    host: str = "127.0.0.1"
    article_delay: float = 0.0  # seconds each article page takes (to interrupt a crawl midway)
    per_page: int = 20
    stories: dict[int, Story] = field(default_factory=dict)
    server: SiteServer | None = None

    def __post_init__(self) -> None:
        newest = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
        for i in range(1, self.count + 1):
            published = newest - self.spacing * (self.count - i)
            self.stories[i] = Story(i, published, published)

    # --- serving ---------------------------------------------------------------------------

    def __enter__(self) -> NewsSite:
        self.server = SiteServer({}, host=self.host).start()
        self.rebuild()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.stop()

    @property
    def base(self) -> str:
        assert self.server is not None
        return self.server.base_url

    def sites_toml(self, name: str = "news", **extra: object) -> str:
        lines = [
            f"[sites.{name}]",
            f'start_urls = ["{self.base}/"]',
            f'feeds = ["{self.base}/rss.xml"]',
            f'sitemaps = ["{self.base}/sitemap.xml"]',
            'article_pattern = "^/news/\\\\d+/$"',
            "download_delay = 0",
            "concurrency = 8",
        ]
        lines += [f"{key} = {value!r}".replace("'", '"') for key, value in extra.items()]
        return "\n".join(lines) + "\n"

    def article_hits(self) -> list[int]:
        """Ids of the article pages requested since the last :meth:`clear_hits`."""
        assert self.server is not None
        return [int(m.group(1)) for path in self.server.hits if (m := ARTICLE_RE.match(path.split("?", 1)[0]))]

    def clear_hits(self) -> None:
        assert self.server is not None
        self.server.hits.clear()

    # --- changing it -----------------------------------------------------------------------

    def add(self, count: int) -> list[int]:
        """Publish *count* new articles now; their ids."""
        now = datetime.now(UTC).replace(microsecond=0)
        start = max(self.stories) + 1
        for i in range(start, start + count):
            self.stories[i] = Story(i, now, now)
        self.rebuild()
        return list(range(start, start + count))

    def edit(self, ids: list[int]) -> None:
        """Add an update paragraph to each article; its sitemap ``lastmod`` moves to now."""
        now = datetime.now(UTC).replace(microsecond=0)
        for i in ids:
            story = self.stories[i]
            modified = max(now, story.modified + timedelta(seconds=1))
            self.stories[i] = replace(story, modified=modified, edits=story.edits + 1)
        self.rebuild()

    def rebuild(self) -> None:
        """Recompute every route from the stories (call after changing them)."""
        assert self.server is not None
        base, routes = self.base, self.server.routes
        newest_first = sorted(self.stories.values(), key=lambda s: (s.published, s.id), reverse=True)
        demos = {s.id: s.demo() for s in newest_first}
        for story in newest_first:
            others = [demos[o.id] for o in newest_first[:6] if o.id != story.id][:5]
            page = publisher_page(demos[story.id], base, others)
            routes[f"/news/{story.id}/"] = self._article_route(page)
        by_month: dict[str, list[Story]] = {}
        for story in newest_first:
            by_month.setdefault(story.published.strftime("%Y-%m"), []).append(story)
        sitemaps = []
        for month, stories in sorted(by_month.items()):
            body = urlset_sitemap([(f"{base}/news/{s.id}/", _iso(s.modified)) for s in stories])
            modified = max(s.modified for s in stories)
            routes[f"/sitemaps/{month}.xml"] = conditional(body, "application/xml", modified)
            sitemaps.append((f"{base}/sitemaps/{month}.xml", _iso(modified)))
        index = sitemap_index([u for u, _ in sitemaps])
        for url, lastmod in sitemaps:  # sitemap_index() writes no lastmod: add it
            loc = f"<loc>{url}</loc>"
            index = index.replace(loc.encode(), f"{loc}<lastmod>{lastmod}</lastmod>".encode())
        latest = max(s.modified for s in newest_first)
        routes["/sitemap.xml"] = conditional(index, "application/xml", latest)
        recent = [s for s in newest_first if s.published > datetime.now(UTC) - timedelta(hours=48)]
        news = news_sitemap([(f"{base}/news/{s.id}/", demos[s.id].title, _iso(s.published)) for s in recent])
        routes["/sitemap-news.xml"] = conditional(news, "application/xml", latest)
        feed_items = [
            (f"{base}/news/{s.id}/", demos[s.id].title, format_datetime(s.published, usegmt=True))
            for s in newest_first[:20]
        ]
        routes["/rss.xml"] = conditional(rss_feed(base, feed_items), "application/rss+xml; charset=utf-8", latest)
        pages = [newest_first[i : i + self.per_page] for i in range(0, len(newest_first), self.per_page)]
        for n, chunk in enumerate(pages, start=1):
            links = [(f"/news/{s.id}/", demos[s.id].title) for s in chunk]
            next_href = f"/latest/page/{n + 1}" if n < len(pages) else None
            body = listing_page(links, next_href)
            path = "/" if n == 1 else f"/latest/page/{n}"
            routes[path] = conditional(body, "text/html; charset=utf-8", max(s.modified for s in chunk))
        routes["/robots.txt"] = Resource(
            f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n".encode(), content_type="text/plain"
        )

    def _article_route(self, page: bytes) -> Route:
        if not self.article_delay:
            return Resource(page)
        delay = self.article_delay

        def slow(_: BaseHTTPRequestHandler) -> Resource:
            time.sleep(delay)
            return Resource(page)

        return slow
