"""First-cut extractor: trafilatura for the body, a trailer cut for Arabic boilerplate.

Contract (stable; the internals will grow):

    extract(html: bytes | str, url: str | None = None, *, fetched_at: datetime | None = None,
            encoding: str | None = None) -> Article

``html`` may be bytes (the encoding is detected) or text. The returned Article has
``url``, ``canonical_url`` (the page's own rel=canonical / og:url, absolute, or None),
``title, lead, body, authors, published, modified, section, tags, source, read_also,
related, image, lang``; the crawl-side fields (site, content_hash, duplicate_of,
story_id, fetched_at) are left for the pipelines. It never raises on bad HTML: an
unusable page gives an Article with ``body=None``.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import charset_normalizer
import trafilatura
from lxml import html as lxml_html

from crawler.items import Article
from crawler.text.arabic import arabic_ratio, display, fold

_TRAILER_MARKERS = (
    ("source", re.compile(r"^(?:مصدر الخبر|المصدر)\s*[:：]\s*(.+)$")),
    ("tags", re.compile(r"^(?:كلمات دلاليه|الكلمات المفتاحيه|وسوم)\s*[:：]?\s*(.*)$")),
    ("read_also", re.compile(r"^(?:اقرا ايضا|شاهد ايضا|طالع ايضا)\s*[:：]?\s*(.*)$")),
    ("related", re.compile(r"^(?:مقالات مشابهه|اخبار ذات صله|مواضيع ذات صله|الاكثر قراءه)\s*[:：]?\s*(.*)$")),
)


def decode_html(data: bytes, encoding: str | None = None) -> str:
    """Decode page bytes: a given encoding first, then a <meta charset>, then detection."""
    if encoding:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    head = data[:4096].decode("ascii", "ignore")
    m = re.search(r"""charset\s*=\s*["']?([\w-]+)""", head, re.I)
    if m:
        try:
            return data.decode(m.group(1))
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(data).best()
        return str(best) if best is not None else data.decode("utf-8", "replace")


def _jsonld(tree: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for node in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(node.text or "")
        except (ValueError, RecursionError):
            continue
        items = data if isinstance(data, list) else [data]
        for item in items:
            if isinstance(item, dict):
                out.extend(g for g in item.get("@graph", []) if isinstance(g, dict))
                out.append(item)
    return out


def _meta(tree: Any, *names: str) -> str | None:
    for name in names:
        for value in tree.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content'):
            if value.strip():
                return str(value).strip()
    return None


def _split_trailers(paragraphs: list[str]) -> tuple[list[str], dict[str, Any]]:
    body: list[str] = []
    fields: dict[str, Any] = {"source": None, "tags": [], "read_also": [], "related": []}
    mode: str | None = None
    for para in paragraphs:
        folded = fold(para)
        matched = False
        for name, pattern in _TRAILER_MARKERS:
            m = pattern.match(folded)
            if m:
                matched = True
                rest = para[len(para) - len(m.group(1)) :].strip() if m.group(1) else ""
                if name == "source":
                    fields["source"] = para.split(":", 1)[-1].strip() or None
                    mode = None
                elif name == "tags":
                    fields["tags"].extend(t.strip() for t in re.split(r"[,،|]", rest) if t.strip())
                    mode = None
                else:
                    mode = name
                    if rest:
                        fields[name].append({"title": rest, "url": ""})
                break
        if matched:
            continue
        if mode in ("read_also", "related"):
            titles = {link["title"] for link in fields[mode]}
            if para not in titles:
                fields[mode].append({"title": para.lstrip("•-* ").strip(), "url": ""})
            continue
        body.append(para)
    return body, fields


def extract(
    html: bytes | str,
    url: str | None = None,
    *,
    fetched_at: datetime | None = None,
    encoding: str | None = None,
) -> Article:
    text = decode_html(html, encoding) if isinstance(html, bytes) else html
    article = Article(url=url or "")
    if not text.strip():
        return article
    try:
        tree = lxml_html.fromstring(text)
    except (ValueError, lxml_html.etree.ParserError):
        return article
    doc = trafilatura.bare_extraction(text, url=url, with_metadata=True, as_dict=True, include_comments=False)
    if isinstance(doc, dict):
        paragraphs = [display(p) for p in (doc.get("text") or "").split("\n") if p.strip()]
        body, trailers = _split_trailers(paragraphs)
        article.body = "\n\n".join(body) or None
        article.title = doc.get("title")
        article.authors = [a.strip() for a in (doc.get("author") or "").split(";") if a.strip()]
        article.published = doc.get("date")
        article.section = (doc.get("categories") or [None])[0]
        article.tags = trailers["tags"] or list(doc.get("tags") or [])
        article.source = trailers["source"]
        article.read_also = trailers["read_also"]
        article.related = trailers["related"]
        article.image = doc.get("image")
    canonical = tree.xpath('//link[@rel="canonical"]/@href') or [_meta(tree, "og:url")]
    if canonical and canonical[0]:
        article.canonical_url = urljoin(url or "", str(canonical[0]).strip())
    for item in _jsonld(tree):
        if not article.published and isinstance(item.get("datePublished"), str):
            article.published = item["datePublished"]
        if isinstance(item.get("dateModified"), str):
            article.modified = item["dateModified"]
    if article.body:
        article.lang = "ar" if arabic_ratio(article.body) > 0.5 else (tree.get("lang") or None)
    return article
