"""The bundled demo site: a small Arabic publisher with an aggregator corner.

Pages are built in memory from :mod:`crawler.demo.articles` with two layouts written
for this project: a publisher page (JSON-LD, byline, share bar, read-also box between
paragraphs, tag list, "most read" sidebar) and an aggregator page shaped like the
shared example (body, then «المصدر:», «كلمات دلالية:», «إقرأ أيضاً:», «مقالات مشابهة»).
"""

from __future__ import annotations

import json
from html import escape
from xml.sax.saxutils import escape as xml_escape

from crawler.demo.articles import ARTICLES, DemoArticle
from crawler.demo.server import Resource

__all__ = [
    "SITE_NAME",
    "aggregator_page",
    "article_path",
    "build_demo_site",
    "demo_sites_toml",
    "listing_page",
    "news_sitemap",
    "publisher_page",
    "rss_feed",
    "sitemap_index",
    "urlset_sitemap",
]

SITE_NAME = "موقع الأخبار التجريبي"

_NAV = (
    '<nav class="main-menu"><ul><li><a href="/">الرئيسية</a></li><li><a href="/section/economy">اقتصاد</a></li>'
    '<li><a href="/section/sports">رياضة</a></li><li><a href="/section/culture">ثقافة</a></li></ul></nav>'
)
_FOOTER = (
    '<footer class="site-footer"><p>جميع الحقوق محفوظة © 2025 موقع الأخبار التجريبي</p>'
    '<p>تابعونا على <a href="https://twitter.invalid/demo">تويتر</a> و<a href="https://facebook.invalid/demo">فيسبوك</a>'
    "</p></footer>"
)


def article_path(article: DemoArticle, prefix: str = "/news") -> str:
    return f"{prefix}/{article.slug}/"


def _paragraphs_html(article: DemoArticle, read_also: str = "") -> str:
    paras = list(article.paragraphs)
    parts: list[str] = []
    for i, para in enumerate(paras):
        if article.subheading and i == len(paras) - 2:
            parts.append(f"<h2>{escape(article.subheading)}</h2>")
        parts.append(f"<p>{escape(para)}</p>")
        if read_also and i == 1:
            parts.append(read_also)
    return "\n".join(parts)


def _jsonld(article: DemoArticle, url: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.published,
        "author": [{"@type": "Person", "name": article.author}],
        "articleSection": article.section,
        "keywords": ", ".join(article.tags),
        "mainEntityOfPage": url,
        "publisher": {"@type": "Organization", "name": SITE_NAME},
    }
    return json.dumps(data, ensure_ascii=False)


def publisher_page(article: DemoArticle, base: str, others: list[DemoArticle]) -> bytes:
    url = base + article_path(article)
    read_also = ""
    if others:
        o = others[0]
        read_also = (
            f'<div class="read-also"><strong>اقرأ أيضاً:</strong> '
            f'<a href="{article_path(o)}">{escape(o.title)}</a></div>'
        )
    tags = "".join(f'<a href="/tag/{escape(t)}">{escape(t)}</a> ' for t in article.tags)
    most_read = "".join(f'<li><a href="{article_path(o)}">{escape(o.title)}</a></li>' for o in others[1:5])
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{escape(article.title)} | {SITE_NAME}</title>
<link rel="canonical" href="{url}">
<meta property="og:type" content="article"><meta property="og:title" content="{escape(article.title)}">
<meta property="og:url" content="{url}"><meta name="description" content="{escape(article.paragraphs[0][:150])}">
<script type="application/ld+json">{_jsonld(article, url)}</script>
</head><body>
<header class="site-header"><a class="logo" href="/">{SITE_NAME}</a>{_NAV}</header>
<div class="breadcrumb"><a href="/">الرئيسية</a> › <a href="/section/x">{escape(article.section)}</a></div>
<main><article class="article">
<h1 class="article-title">{escape(article.title)}</h1>
<div class="byline">كتب: <span class="author">{escape(article.author)}</span>
<time datetime="{article.published}">{article.published[:10]}</time></div>
<div class="share-bar">شارك: <a href="#">فيسبوك</a> <a href="#">تويتر</a> <a href="#">واتساب</a></div>
<div class="article-body">
{_paragraphs_html(article, read_also)}
</div>
<div class="tags">كلمات دلالية: {tags}</div>
</article>
<aside class="most-read"><h3>الأكثر قراءة</h3><ul>{most_read}</ul></aside>
</main>
<div class="newsletter">اشترك في النشرة البريدية ليصلك كل جديد</div>
{_FOOTER}
</body></html>"""
    return html.encode("utf-8")


def aggregator_page(article: DemoArticle, base: str, source: str, others: list[DemoArticle]) -> bytes:
    """An aggregator's copy of *article*, with the four trailer blocks of the shared example."""
    url = base + article_path(article, "/agg")
    read_also = others[0] if others else article
    related = "".join(f'<li><a href="{article_path(o, "/agg")}">{escape(o.title)}</a></li>' for o in others[:10])
    html = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{escape(article.title)} - بوابة الأخبار</title>
<link rel="canonical" href="{url}">
<meta property="og:type" content="article"><meta property="og:title" content="{escape(article.title)}">
<meta property="article:published_time" content="{article.published}">
</head><body>
<div class="top-bar">{_NAV}</div>
<div class="post">
<h1>{escape(article.title)}</h1>
<div class="post-content">
{_paragraphs_html(article)}
<p>المصدر: {escape(source)}</p>
<p class="tags">كلمات دلالية: <a href="/tag/1">{escape(article.tags[0] if article.tags else "أخبار")}</a></p>
<div class="read-more"><p>إقرأ أيضاً:</p>
<a href="{article_path(read_also, "/agg")}"><img src="/img/1.jpg" alt="{escape(read_also.title)}"></a>
<a href="{article_path(read_also, "/agg")}">{escape(read_also.title)}</a></div>
<div class="related"><h3>مقالات مشابهة</h3><ul>{related}</ul></div>
</div></div>
{_FOOTER}
</body></html>"""
    return html.encode("utf-8")


def listing_page(links: list[tuple[str, str]], next_href: str | None, title: str = "آخر الأخبار") -> bytes:
    items = "".join(f'<li><a href="{href}">{escape(text)}</a></li>' for href, text in links)
    pager = f'<a class="next" rel="next" href="{next_href}">الصفحة التالية</a>' if next_href else ""
    return (
        f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title} | {SITE_NAME}</title>'
        f'</head><body><header>{_NAV}</header><h1>{title}</h1><ul class="news-list">{items}</ul>'
        f'<div class="pager">{pager}</div>{_FOOTER}</body></html>'
    ).encode()


def rss_feed(base: str, items: list[tuple[str, str, str]]) -> bytes:
    """RSS 2.0 of (url, title, RFC 822 date) items."""
    entries = "".join(
        f"<item><title>{xml_escape(t)}</title><link>{xml_escape(u)}</link><pubDate>{d}</pubDate></item>"
        for u, t, d in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{SITE_NAME}</title>'
        f"<link>{base}/</link>{entries}</channel></rss>"
    ).encode()


def sitemap_index(urls: list[str]) -> bytes:
    inner = "".join(f"<sitemap><loc>{xml_escape(u)}</loc></sitemap>" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{inner}</sitemapindex>'
    ).encode()


def urlset_sitemap(items: list[tuple[str, str]]) -> bytes:
    """A plain sitemap of (url, lastmod) items."""
    inner = "".join(f"<url><loc>{xml_escape(u)}</loc><lastmod>{m}</lastmod></url>" for u, m in items)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{inner}</urlset>'
    ).encode()


def news_sitemap(items: list[tuple[str, str, str]]) -> bytes:
    """A Google News sitemap of (url, title, publication date) items."""
    inner = "".join(
        f"<url><loc>{xml_escape(u)}</loc><news:news><news:publication><news:name>{SITE_NAME}</news:name>"
        f"<news:language>ar</news:language></news:publication><news:publication_date>{d}</news:publication_date>"
        f"<news:title>{xml_escape(t)}</news:title></news:news></url>"
        for u, t, d in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{inner}</urlset>'
    ).encode()


def _rfc822(iso: str) -> str:
    from datetime import datetime
    from email.utils import format_datetime

    return format_datetime(datetime.fromisoformat(iso))


def build_demo_site(base: str) -> dict[str, Resource]:
    """All routes of the demo site served at *base* (e.g. http://127.0.0.1:8000)."""
    arts = list(ARTICLES)
    routes: dict[str, Resource] = {}
    for i, art in enumerate(arts):
        others = arts[i + 1 :] + arts[:i]
        routes[article_path(art)] = Resource(publisher_page(art, base, others))
    # The aggregator corner republishes two stories with its trailers: stored as copies.
    for art in arts[:2]:
        others = [a for a in arts if a is not art]
        routes[article_path(art, "/agg")] = Resource(aggregator_page(art, base, SITE_NAME, others))
    half = len(arts) // 2
    first = [(article_path(a), a.title) for a in arts[:half]]
    second = [(article_path(a), a.title) for a in arts[half:]]
    second += [(article_path(a, "/agg"), a.title) for a in arts[:2]]
    routes["/"] = Resource(listing_page(first, "/latest/page/2"))
    routes["/latest/page/2"] = Resource(listing_page(second, None))
    routes["/rss.xml"] = Resource(
        rss_feed(base, [(base + article_path(a), a.title, _rfc822(a.published)) for a in arts[:4]]),
        content_type="application/rss+xml; charset=utf-8",
    )
    routes["/sitemap.xml"] = Resource(
        sitemap_index([base + "/sitemap-articles.xml", base + "/sitemap-news.xml"]), content_type="application/xml"
    )
    routes["/sitemap-articles.xml"] = Resource(
        urlset_sitemap([(base + article_path(a), a.published[:10]) for a in arts]), content_type="application/xml"
    )
    routes["/sitemap-news.xml"] = Resource(
        news_sitemap([(base + article_path(a), a.title, a.published) for a in arts[-3:]]),
        content_type="application/xml",
    )
    routes["/robots.txt"] = Resource(
        f"User-agent: *\nDisallow: /admin/\nSitemap: {base}/sitemap.xml\n".encode(), content_type="text/plain"
    )
    return routes


def demo_sites_toml(base: str) -> str:
    """The sites file that points the crawler at the demo site."""
    return f"""[sites.demo]
start_urls = ["{base}/"]
feeds = ["{base}/rss.xml"]
sitemaps = ["{base}/sitemap.xml"]
article_pattern = "^/(news|agg)/\\\\d+/$"
download_delay = 0
concurrency = 8
"""
