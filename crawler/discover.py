"""Pure discovery: feeds, sitemaps and listing pages -> candidate article URLs.

No Scrapy here, so each parser is tested and fuzzed on bytes alone. XML is parsed
with entity expansion and network access switched off (no XXE, no billion laughs).
Scrapy's own sitemap parser drops Google News ``news:publication_date`` and
``news:title``; this one keeps them, and ``lastmod``, for incremental crawls.
"""

from __future__ import annotations

import html.entities
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.safety import safe_url
from crawler.text.arabic import fold

__all__ = [
    "Entry",
    "looks_like_article_url",
    "looks_like_pagination",
    "parse_feed",
    "parse_sitemap",
    "safe_http_url",
]


@dataclass(frozen=True)
class Entry:
    """One URL found in a feed or sitemap, with what the source says about it."""

    url: str
    published: str | None = None  # pubDate / news:publication_date / updated, as written
    lastmod: str | None = None
    title: str | None = None


def _parser(*, recover: bool = True) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=recover,
        remove_comments=True,
        remove_pis=True,
    )


# The document type declaration with its internal subset: entity declarations (the
# billion laughs, external entities) and nothing a feed or sitemap needs.
_DOCTYPE_RE = re.compile(rb"<!DOCTYPE\b[^\[>]*(?:\[.*?\]\s*)?>", re.DOTALL)
_ENTITY_REF_RE = re.compile(rb"&([A-Za-z_][A-Za-z0-9_.-]{0,40});")
_XML_ENTITIES = frozenset([b"amp", b"lt", b"gt", b"quot", b"apos"])


def _entity_ref(m: re.Match[bytes]) -> bytes:
    name = m.group(1)
    if name in _XML_ENTITIES:
        return m.group(0)
    chars = html.entities.html5.get(name.decode("ascii") + ";")
    return "".join(f"&#{ord(c)};" for c in chars).encode("ascii") if chars else b""


def _defuse(data: bytes) -> bytes:
    """*data* without its DOCTYPE and with every named entity reference other than XML's
    five made a character reference (HTML names such as ``&nbsp;``) or removed.

    The parser expands nothing anyway (see :func:`_parser`); but a declared entity that is
    left unexpanded makes libxml2 refuse a billion-laughs document or stop at it (the
    entries after it lost), and an undeclared one (``&nbsp;`` in a feed) makes it drop the
    ``&amp;`` that follow (``?a=1&amp;b=2`` read as ``?a=1b=2``). Without declarations or
    references there is nothing to expand, and entries around them are read. One linear
    pass each (own code: no library does this to XML bytes).
    """
    start = data.find(b"<!DOCTYPE")
    if start >= 0:  # one match attempt, at the first declaration: linear on any input
        m = _DOCTYPE_RE.match(data, start)
        if m:
            data = data[:start] + data[m.end() :]
    if b"&" in data:
        data = _ENTITY_REF_RE.sub(_entity_ref, data)
    return data


def _xml_root(data: bytes) -> etree._Element | None:
    data = _defuse(data.lstrip())
    if not data:
        return None
    try:
        root = etree.fromstring(data, parser=_parser())
    except (etree.XMLSyntaxError, ValueError):
        return None
    return root


def _local(tag: object) -> str:
    """The local name of an element's tag, lower case ("" for comments and the like).

    Not ``etree.QName``: it raises on the names libxml2's recovery lets through (``<:>``,
    ``<a:>``), found by the fuzzer.
    """
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(el: etree._Element, *names: str) -> str | None:
    for child in el:
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def safe_http_url(url: str | None, base: str | None = None) -> str | None:
    """*url* made absolute against *base*, if it is http(s); None otherwise."""
    if not url:
        return None
    url = url.strip()
    try:
        absolute = urljoin(base, url) if base else url
    except ValueError:
        return None
    return safe_url(absolute)


def parse_feed(data: bytes, base_url: str | None = None) -> list[Entry]:
    """Entries of an RSS 2.0, RSS 1.0 (RDF) or Atom feed; [] when it is not a feed."""
    root = _xml_root(data)
    if root is None:
        return []
    entries: list[Entry] = []
    for el in root.iter():
        name = _local(el.tag)
        if name == "item":  # RSS 2.0 and RDF
            link = _child_text(el, "link")
            if not link:
                guid = [c for c in el if _local(c.tag) == "guid" and c.get("isPermaLink", "true") != "false"]
                link = guid[0].text.strip() if guid and guid[0].text else None
            url = safe_http_url(link, base_url)
            if url:
                entries.append(Entry(url, published=_child_text(el, "pubdate", "date"), title=_child_text(el, "title")))
        elif name == "entry":  # Atom
            href = None
            for child in el:
                if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate":
                    href = child.get("href")
                    break
            url = safe_http_url(href, base_url)
            if url:
                entries.append(
                    Entry(
                        url,
                        published=_child_text(el, "published", "updated"),
                        lastmod=_child_text(el, "updated"),
                        title=_child_text(el, "title"),
                    )
                )
    return entries


def parse_sitemap(data: bytes, base_url: str | None = None) -> tuple[str, list[Entry]]:
    """("index", sitemaps) for a sitemap index, ("urlset", pages) for a sitemap, ("", []) otherwise."""
    root = _xml_root(data)
    if root is None:
        return "", []
    kind = _local(root.tag)
    if kind == "sitemapindex":
        return "index", [
            Entry(url, lastmod=_child_text(el, "lastmod"))
            for el in root
            if _local(el.tag) == "sitemap" and (url := safe_http_url(_child_text(el, "loc"), base_url))
        ]
    if kind != "urlset":
        return "", []
    entries: list[Entry] = []
    for el in root:
        if _local(el.tag) != "url":
            continue
        url = safe_http_url(_child_text(el, "loc"), base_url)
        if not url:
            continue
        published = title = None
        for child in el:
            if _local(child.tag) == "news":
                published = _child_text(child, "publication_date")
                title = _child_text(child, "title")
        entries.append(Entry(url, published=published, lastmod=_child_text(el, "lastmod"), title=title))
    return "urlset", entries


# --- listing pages --------------------------------------------------------------------------

# Paths that are listings, not articles, on most news sites (English and transliterated Arabic).
_NOT_ARTICLE_RE = re.compile(
    r"/(tags?|category|categories|section|sections|topics?|author|authors|writer|writers|search|page|"
    r"login|register|contact|about|privacy|terms|video-?gallery|photos?|gallery|live|weather|rss|feed|"
    r"newsletter|subscribe|wp-admin|wp-login|cdn-cgi|static|assets|css|js|img|images)(/|$|\?)",
    re.I,
)
_FILE_RE = re.compile(
    r"\.(jpe?g|png|gif|webp|svg|pdf|zip|rar|mp3|mp4|avi|mov|docx?|xlsx?|pptx?|css|js|xml|json)$", re.I
)
_DATE_PATH_RE = re.compile(r"/(19|20)\d{2}/[01]?\d/([0-3]?\d/)?")
_LONG_ID_RE = re.compile(r"(?:^|[/=_-])\d{4,}(?:[/._-]|$)")
_ID_QUERY_RE = re.compile(r"(?:^|&)(?:id|newsid|news_id|articleid|article_id|nid|p|story|storyid|aid)=\d+", re.I)
_SLUG_RE = re.compile(r"[^/]*(?:-|%[0-9a-f]{2}-?)[^/]*(?:-[^/]*){2,}$", re.I)
_PAGINATION_RE = re.compile(r"(?:[?&](?:page|pg|paged|start|offset)=\d+|/page/\d+/?$)", re.I)
_NEXT_TEXT = ("التالي", "التالية", "الصفحه التاليه", "المزيد", "next", "›", "»", "older", "more")


def looks_like_article_url(url: str) -> bool:
    """Heuristic for sites without an ``article_pattern``: ids, dates or long slugs in the path."""
    parts = urlsplit(url)
    path = parts.path
    if _FILE_RE.search(path) or _NOT_ARTICLE_RE.search(path):
        return False
    if _ID_QUERY_RE.search(parts.query):
        return True
    if not path or path == "/":
        return False
    if _DATE_PATH_RE.search(path) or _LONG_ID_RE.search(path):
        return True
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return bool(_SLUG_RE.match(last)) and len(last) >= 20


def looks_like_pagination(url: str, link_text: str = "", rel: str = "") -> bool:
    """A link to the next page of a listing: rel=next, «التالي»/"next" text, or a page number."""
    if "next" in rel.lower().split():
        return True
    parts = urlsplit(url)
    if _PAGINATION_RE.search(parts.path + ("?" + parts.query if parts.query else "")):
        return True
    # Folding is the costly part (a listing may hold 100,000 links): only the start of the
    # text can match, so only the start is folded.
    text = fold(link_text[:64])
    return bool(text) and any(text == t or text.startswith(t) for t in _NEXT_TEXT)
