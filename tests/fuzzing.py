"""Fuzz targets: hypothesis strategies that build structurally plausible hostile documents,
and the property each parser or guard must keep on them.

Shared by ``tests/test_fuzz.py`` (a bounded run in CI) and ``scripts/fuzz.py`` (the same
targets run for as long as asked, printing examples per second and peak memory).

A target is a strategy and a check: the check runs the code under test on one example
and raises ``AssertionError`` when a property breaks (an exception of the code itself is
a failure too). Properties: no exception; every text field free of markup (also once
entity-unescaped), control characters and terminal escapes; every URL absolute http(s);
the guard idempotent; memory bounded (checked by the callers, per example).
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from hypothesis import strategies as st
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.discover import Entry, parse_feed, parse_sitemap
from crawler.extract import extract
from crawler.items import Article
from crawler.pipelines import CleanPipeline
from crawler.safety import TAG_LIKE_RE, printable, safe_text, safe_url, sanitize_article

__all__ = ["CAUGHT", "TARGETS", "Target", "assert_article_safe"]


class _CaughtErrors(logging.Handler):
    """Counts the errors ``extract()`` caught and logged ("extraction failed ..."): not a
    broken contract (it never raises), but each is a page that lost its fields."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.messages: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        key = record.getMessage().split(": ", 1)[-1][:120]
        self.messages[key] = self.messages.get(key, 0) + 1


CAUGHT = _CaughtErrors()
logging.getLogger("crawler.extract.core").addHandler(CAUGHT)

# --- pieces of hostile text ---------------------------------------------------------------

ARABIC_WORDS = [
    "الحكومة",
    "غزة",
    "وَقَالَ",
    "الرئيسُ",
    "می\u200cشود",
    "اقرأ أيضاً",
    "المصدر: واس",
    "كلمات دلالية:",
    "٢٠٢٥",
    "«اتفاق»",
    "؟",
    "،",
    "5 < 7",
    "x<y",
    "٣ > ٢",
]
MARKUP = [
    "<script>alert(1)</script>",
    "<script>",
    "</script>",
    "<SCRIPT SRC=//evil.example/x.js>",
    "<style>body{display:none}</style>",
    "<b>",
    "</b>",
    "<img src=x onerror=alert(1)>",
    "<a href='javascript:alert(1)'>",
    "</a>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<?php echo 1; ?>",
    "<svg onload=alert(1)>",
    "<iframe src=//evil.example>",
    "<scr<b>ipt>",
    "<",
    ">",
    "</",
    "<!",
]
ENTITIES = [
    "&lt;",
    "&gt;",
    "&amp;",
    "&amp;lt;",
    "&#60;",
    "&#x3c;",
    "&#X3C",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&nbsp;",
    "&hellip;",
    "&x;",
    "&l9;",
    "&#27;",
    "&#x9b;",
    "&#0;",
    "&",
    "&#;",
]
CONTROLS = [
    "\x00",
    "\x07",
    "\x08",
    "\x1b",
    "\x1b[31m",
    "\x1b[2J",
    "\x1b]0;title\x07",
    "\x9b",
    "\x85",
    "\x7f",
    "\r",
    "\t",
]
OTHER = ["[bold red]", "[/]", "[link=https://evil.example]", "\u202e", "\ufeff", "\ud800", "\uffff", " ", "\n", "\n\n"]
URLS = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "/news/2025/07/21/relative",
    "//evil.example/x",
    "https://a.example/news/1",
    "http://a.example/news?id=1&amp;p=2",
    'https://a.example/"><script>alert(1)</script>',
    "https://a.example/x y",
    "https://ar.example/غزة",
    "http://",
    "https://[::1",
    "#top",
]

hostile_text: st.SearchStrategy[str] = st.lists(
    st.one_of(
        st.sampled_from(ARABIC_WORDS),
        st.sampled_from(MARKUP),
        st.sampled_from(ENTITIES),
        st.sampled_from(CONTROLS),
        st.sampled_from(OTHER),
        st.sampled_from(URLS),
        st.text(max_size=12),
    ),
    max_size=12,
).map(" ".join)

# --- HTML pages -------------------------------------------------------------------------------

_TAGS = [
    "div",
    "p",
    "span",
    "a",
    "b",
    "h1",
    "h3",
    "article",
    "section",
    "ul",
    "li",
    "table",
    "td",
    "time",
    "script",
    "style",
    "noscript",
    "iframe",
    "svg",
    "title",
    "template",
]
_CLASSES = ["", "related", "read-also", "tags", "author", "byline", "date", "article-body", "share", "source"]
_META = [
    "og:title",
    "og:image",
    "og:url",
    "og:description",
    "twitter:title",
    "author",
    "article:author",
    "keywords",
    "news_keywords",
    "article:section",
    "article:tag",
    "article:published_time",
]
_PARAGRAPH = "وقال المتحدث باسم الوزارة في بيان رسمي إن الاجتماع ناقش عددا من الملفات المهمة للمنطقة."


def _attr(value: str) -> str:
    return value.replace("'", "&#39;")


@st.composite
def _element(draw: st.DrawFn, depth: int) -> str:
    tag = draw(st.sampled_from(_TAGS))
    attrs = ""
    if draw(st.booleans()):
        attrs += f" class='{draw(st.sampled_from(_CLASSES))}'"
    if tag == "a" or draw(st.integers(0, 5)) == 0:
        attrs += f" href='{_attr(draw(st.sampled_from(URLS)))}'"
    children = []
    for _ in range(draw(st.integers(0, 4 if depth < 4 else 0))):
        if draw(st.booleans()):
            children.append(draw(_element(depth + 1)))
        else:
            children.append(draw(st.one_of(hostile_text, st.just(_PARAGRAPH))))
    closing = f"</{tag}>" if draw(st.integers(0, 4)) else ""  # now and then left open
    return f"<{tag}{attrs}>{''.join(children)}{closing}"


@st.composite
def _jsonld(draw: st.DrawFn) -> str:
    value: dict[str, Any] = {"@type": draw(st.sampled_from(["NewsArticle", "Article", "WebPage", "Thing"]))}
    for key in ("headline", "description", "articleSection", "keywords", "datePublished"):
        if draw(st.booleans()):
            value[key] = draw(hostile_text)
    if draw(st.booleans()):
        value["author"] = [{"@type": "Person", "name": draw(hostile_text)} for _ in range(draw(st.integers(0, 3)))]
    if draw(st.booleans()):
        value["image"] = {"url": draw(st.sampled_from(URLS))}
    nest = draw(st.integers(0, 60))
    value["deep"] = json.loads("[" * nest + "]" * nest) if nest else None
    raw = json.dumps(value, ensure_ascii=draw(st.booleans()))
    if draw(st.integers(0, 5)) == 0:
        raw = raw[: draw(st.integers(0, len(raw)))]  # cut short
    return raw.replace("</", "<\\/") if draw(st.integers(0, 3)) else raw


@st.composite
def html_pages(draw: st.DrawFn) -> bytes | str:
    """A news-page-shaped document: DOCTYPE (with entity declarations now and then), <head>
    with title, meta, canonical link and JSON-LD, a body of randomly nested elements; as
    text, or encoded (utf-8, windows-1256, utf-16) and maybe corrupted."""
    head = [f"<title>{draw(hostile_text)}</title>"]
    for _ in range(draw(st.integers(0, 5))):
        name = draw(st.sampled_from(_META))
        content = draw(st.one_of(hostile_text, st.sampled_from(URLS)))
        head.append(f"<meta property='{name}' content='{_attr(content)}'>")
    if draw(st.booleans()):
        head.append(f"<link rel='canonical' href='{_attr(draw(st.sampled_from(URLS)))}'>")
    for _ in range(draw(st.integers(0, 2))):
        head.append(f"<script type='application/ld+json'>{draw(_jsonld())}</script>")
    body = "".join(draw(st.lists(_element(0), max_size=6)))
    doctype = draw(
        st.sampled_from(
            [
                "<!DOCTYPE html>",
                "",
                "<!DOCTYPE html [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>",
                "<?xml version='1.0'?><!DOCTYPE html [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;'>]>",
            ]
        )
    )
    page = f"{doctype}<html lang='ar'><head><meta charset='utf-8'>{''.join(head)}</head><body>{body}</body></html>"
    form = draw(st.sampled_from(["str", "utf-8", "cp1256", "utf-16", "corrupt", "bytes"]))
    if form == "str":
        return page
    if form == "bytes":
        return draw(st.binary(max_size=400))
    data = page.encode("utf-8" if form == "corrupt" else form, errors="replace")
    if form == "corrupt":
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=40)) + data[cut:]
    return data


# --- feeds and sitemaps ---------------------------------------------------------------------

_DOCTYPES = [
    "",
    "<!DOCTYPE r [<!ENTITY l0 'lol'><!ENTITY l1 '&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;'>"
    "<!ENTITY l2 '&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;'><!ENTITY l3 '&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;'>]>",
    "<!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>",
    "<!DOCTYPE r SYSTEM 'http://127.0.0.1:9/r.dtd'>",
    "<!DOCTYPE r [<!ENTITY % p SYSTEM 'file:///etc/passwd'> %p;]>",
    "<!DOCTYPE r [",
]
_REFS = ["", "&l3;", "&x;", "&nbsp;", "&amp;", "&undefined;"]


def _xml_value(draw: st.DrawFn) -> str:
    text = draw(st.one_of(hostile_text, st.sampled_from(URLS)))
    if draw(st.booleans()):
        text = html.escape(text)
    elif draw(st.booleans()):
        text = f"<![CDATA[{text}]]>"
    return text + draw(st.sampled_from(_REFS))


def _xml_bytes(draw: st.DrawFn, doc: str) -> bytes:
    data = doc.encode("utf-8", errors="replace")
    if draw(st.integers(0, 4)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.integers(0, 6)) == 0:
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=30)) + data[cut:]
    return data


@st.composite
def feeds(draw: st.DrawFn) -> bytes:
    """RSS 2.0 or Atom, items with hostile titles and links, entity declarations and
    references, CDATA, cut short or corrupted now and then."""
    items = []
    atom = draw(st.booleans())
    for _ in range(draw(st.integers(0, 6))):
        title, link = _xml_value(draw), _xml_value(draw)
        if atom:
            items.append(f"<entry><title>{title}</title><link rel='alternate' href='{_attr(link)}'/></entry>")
        else:
            items.append(f"<item><title>{title}</title><link>{link}</link><pubDate>{_xml_value(draw)}</pubDate></item>")
    doctype = draw(st.sampled_from(_DOCTYPES))
    if atom:
        doc = f"<?xml version='1.0'?>{doctype}<feed xmlns='http://www.w3.org/2005/Atom'>{''.join(items)}</feed>"
    else:
        doc = f"<?xml version='1.0'?>{doctype}<rss version='2.0'><channel>{''.join(items)}</channel></rss>"
    return _xml_bytes(draw, doc)


@st.composite
def sitemaps(draw: st.DrawFn) -> bytes:
    """Sitemap index, urlset or Google News sitemap with hostile locs and values."""
    index = draw(st.booleans())
    entries = []
    for _ in range(draw(st.integers(0, 6))):
        loc = _xml_value(draw)
        if index:
            entries.append(f"<sitemap><loc>{loc}</loc><lastmod>{_xml_value(draw)}</lastmod></sitemap>")
        else:
            news = f"<news:news><news:title>{_xml_value(draw)}</news:title></news:news>" if draw(st.booleans()) else ""
            entries.append(f"<url><loc>{loc}</loc>{news}</url>")
    root = "sitemapindex" if index else "urlset"
    ns = "xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'"
    doctype = draw(st.sampled_from(_DOCTYPES))
    return _xml_bytes(draw, f"<?xml version='1.0'?>{doctype}<{root} {ns}>{''.join(entries)}</{root}>")


# --- articles for the guard -------------------------------------------------------------------

_links = st.lists(
    st.fixed_dictionaries({"title": hostile_text, "url": st.one_of(st.sampled_from(URLS), hostile_text)}), max_size=4
)
articles: st.SearchStrategy[Article] = st.builds(
    Article,
    url=st.just("https://a.example/news/1"),
    canonical_url=st.one_of(st.none(), st.sampled_from(URLS), hostile_text),
    site=st.one_of(st.none(), hostile_text),
    title=st.one_of(st.none(), hostile_text),
    lead=st.one_of(st.none(), hostile_text),
    body=st.one_of(st.none(), st.lists(st.one_of(hostile_text, st.just(_PARAGRAPH)), max_size=6).map("\n\n".join)),
    authors=st.lists(hostile_text, max_size=3),
    section=st.one_of(st.none(), hostile_text),
    tags=st.lists(hostile_text, max_size=4),
    source=st.one_of(st.none(), hostile_text),
    read_also=_links,
    related=_links,
    image=st.one_of(st.none(), st.sampled_from(URLS), hostile_text),
    lang=st.one_of(st.none(), st.just("ar")),
)

# --- the properties ---------------------------------------------------------------------------


def _assert_text_safe(where: str, text: str) -> None:
    assert not TAG_LIKE_RE.search(text), (where, text)
    assert not TAG_LIKE_RE.search(html.unescape(text)), (where, text)
    assert printable(text) == text, (where, text)


def assert_article_safe(article: Article) -> None:
    """Every text field of *article* free of markup and controls; every URL http(s)."""
    for name, value in article.to_dict().items():
        if name == "url":
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                assert item["url"] == "" or safe_url(item["url"]) == item["url"], (name, item)
                _assert_text_safe(name, item["title"])
            elif isinstance(item, str):
                _assert_text_safe(name, item)
    for name in ("canonical_url", "image"):
        value = getattr(article, name)
        assert value is None or safe_url(value) == value, (name, value)


def check_extract(page: bytes | str) -> None:
    article = extract(page, "https://a.example/news/1")
    assert isinstance(article, Article)
    assert_article_safe(article)
    assert "root:" not in json.dumps(article.to_dict(), ensure_ascii=False)  # /etc/passwd never read


def _check_entries(entries: list[Entry]) -> None:
    for entry in entries:
        assert safe_url(entry.url) == entry.url, entry
        assert "root:" not in repr(entry) and "lollollol" not in repr(entry), entry


def check_feed(data: bytes) -> None:
    entries = parse_feed(data, "https://a.example/rss.xml")
    assert isinstance(entries, list)
    _check_entries(entries)


def check_sitemap(data: bytes) -> None:
    kind, entries = parse_sitemap(data, "https://a.example/sitemap.xml")
    assert kind in ("", "index", "urlset")
    assert kind or not entries
    _check_entries(entries)


def _pipeline() -> CleanPipeline:
    stats = MemoryStatsCollector(SimpleNamespace(settings=Settings({"STATS_DUMP": False})))  # type: ignore[arg-type]
    crawler = SimpleNamespace(stats=stats, spider=SimpleNamespace(languages=()))
    return CleanPipeline(crawler, min_body_chars=1)  # type: ignore[arg-type]


def check_guard(article: Article) -> None:
    guarded, _ = sanitize_article(article)
    assert_article_safe(guarded)
    again, changed = sanitize_article(guarded)
    assert again == guarded and not changed, changed  # idempotent
    try:
        stored = _pipeline().process_item(article)
    except DropItem:
        return
    assert_article_safe(stored)


def check_text(text: str) -> None:
    out = safe_text(text)
    _assert_text_safe("safe_text", out)
    assert safe_text(out) == out
    plain = "".join(c for c in text if c not in "<&" and printable(c) == c)
    assert safe_text(plain) == plain  # text without markup, entities or controls is kept as written


@dataclass(frozen=True)
class Target:
    name: str
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any], None]
    ci_examples: int  # examples in the bounded CI run (tests/test_fuzz.py)


TARGETS: dict[str, Target] = {
    t.name: t
    for t in [
        Target("extract", html_pages(), check_extract, 800),
        Target("feed", feeds(), check_feed, 1000),
        Target("sitemap", sitemaps(), check_sitemap, 1000),
        Target("guard", articles, check_guard, 1000),
        Target("safe_text", st.one_of(hostile_text, st.text()), check_text, 3000),
    ]
}
