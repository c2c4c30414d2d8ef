"""Title, authors, section, tags, image, lead and canonical URL from one parsed page."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from crawler.extract.jsonld import first_text, types_of
from crawler.extract.lexicon import byline_rest
from crawler.extract.page import Page
from crawler.text.arabic import display, fold

__all__ = ["authors", "canonical_url", "image", "lead", "section", "split_authors", "tags", "title"]

_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»«/]\s+|\s*[|]\s*|\s+::\s+")
_AUTHOR_SPLIT_RE = re.compile(r"\s*(?:[،,;؛&/|]|\s+and\s+|\s+und\s+|\s+et\s+|\s+y\s+)\s*", re.I)
_ARABIC_AND_RE = re.compile(r"\s+و(?=\S)")
_NOT_A_NAME = re.compile(r"https?://|www\.|@|\d{3,}")


def _clean(text: str | None) -> str | None:
    if not text:
        return None
    out = display(" ".join(str(text).split()))
    return out or None


def _site_names(page: Page) -> list[str]:
    names = [page.meta_first("og:site_name"), page.meta_first("application-name"),
             page.meta_first("twitter:site")]
    for item in page.articles:
        names.append(first_text(item.get("publisher")))
    host = urlsplit(page.url).hostname or ""
    names.extend(p for p in host.split(".") if len(p) > 3 and p not in ("www", "com", "news"))
    return [fold(n.lstrip("@")) for n in names if n]


def _strip_site(title: str, sites: list[str]) -> str:
    """Remove a site-name part («... | الجزيرة نت», «... - اليوم السابع») from a title."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    while len(parts) > 1:
        last, first = fold(parts[-1]), fold(parts[0])
        if any(s and (s in last or last in s) for s in sites) or (
            len(last) <= 25 and len(last) * 3 < len(fold(" ".join(parts[:-1])))
        ):
            parts = parts[:-1]
        elif any(s and (s in first or first in s) for s in sites):
            parts = parts[1:]
        else:
            break
    # Rebuild from the original text so the title's own separators stay as written.
    kept = " ".join(parts)
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if 0 <= start < end else kept


def _h1(page: Page) -> str | None:
    for h in page.tree.iter("h1"):
        text = _clean(h.text_content())
        if text and 5 <= len(text) <= 300:
            return text
    return None


def title(page: Page) -> str | None:
    """The headline, without the site-name suffix or prefix."""
    sites = _site_names(page)
    candidates = [first_text(item.get("headline")) or first_text(item.get("name")) for item in page.articles]
    og = page.meta_first("og:title", "twitter:title")
    doc_title = page.tree.findtext(".//title")
    h1 = _h1(page)
    # The <h1> is the headline as the page shows it; accept it when the metadata agrees.
    for meta in (*candidates, og, doc_title):
        if meta and h1 and (fold(h1) in fold(meta) or fold(_strip_site(_clean(meta) or "", sites)) in fold(h1)):
            return h1
    for meta in (*candidates, og, doc_title):
        cleaned = _clean(meta)
        if cleaned and not cleaned.endswith(("...", "…")):
            return _strip_site(cleaned, sites)
    return h1 or _clean(doc_title)


def split_authors(text: str) -> list[str]:
    """Names in a byline: prefixes («كتب:», «بقلم», «تقرير:»...) removed, several names split."""
    text = display(text)
    rest = byline_rest(text)
    if rest is not None:
        text = rest
    names: list[str] = []
    for part in _AUTHOR_SPLIT_RE.split(text):
        pieces = _ARABIC_AND_RE.split(part)
        # «أحمد علي ومحمد حسن» is two people; «أحمد وليد» is one name (keep when a piece is one word).
        if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
            names.extend(pieces)
        else:
            names.append(part)
    out = []
    for name in names:
        name = name.strip(" .:-–—()")
        sub = byline_rest(name)
        name = (sub if sub is not None else name).strip(" .:-–—()")
        if name and len(name) <= 60 and not _NOT_A_NAME.search(name) and name not in out:
            out.append(name)
    return out


def _jsonld_people(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values[:20]:
        if isinstance(v, dict) and types_of(v) & {"organization", "newsmediaorganization"}:
            continue
        name = first_text(v)
        if name:
            out.append(name)
    return out


def authors(page: Page, bylines: list[str]) -> list[str]:
    found: list[str] = []
    for item in page.articles:
        found.extend(_jsonld_people(item.get("author")))
        if found:
            break
    if not found:
        found.extend(page.meta_all("author") or page.meta_all("article:author") or page.meta_all("dc.creator"))
        found = [f for f in found if not f.startswith("http")]
    if not found:
        found.extend(bylines)
    if not found:
        for el in page.tree.iterfind(".//*[@rel='author']"):
            found.append(el.text_content())
    out: list[str] = []
    for raw in found:
        for name in split_authors(raw):
            if name not in out:
                out.append(name)
    return out[:10]


def section(page: Page) -> str | None:
    for item in page.articles:
        found = first_text(item.get("articleSection"))
        if found:
            return _clean(found)
    return _clean(page.meta_first("article:section", "section", "category"))


def tags(page: Page) -> list[str]:
    raw: list[str] = []
    for item in page.articles:
        kw = item.get("keywords")
        if isinstance(kw, str):
            raw.extend(re.split(r"\s*[,،;؛]\s*", kw))
        elif isinstance(kw, list):
            raw.extend(k for k in kw[:100] if isinstance(k, str))
        if raw:
            break
    if not raw:
        raw = page.meta_all("article:tag")
    if not raw:
        for value in page.meta_all("news_keywords") or page.meta_all("keywords"):
            raw.extend(re.split(r"\s*[,،;؛]\s*", value))
    out: list[str] = []
    for t in raw:
        cleaned = _clean(t)
        if cleaned and len(cleaned) <= 80 and cleaned not in out:
            out.append(cleaned)
    return out[:50]


def image(page: Page) -> str | None:
    candidates = [page.meta_first("og:image", "og:image:url", "twitter:image", "twitter:image:src")]
    for item in page.articles:
        candidates.append(first_text(item.get("image"), ("url", "contentUrl", "@id")))
    for c in candidates:
        url = page.absolute(c)
        if url:
            return url
    return None


def lead(page: Page) -> str | None:
    for item in page.articles:
        found = first_text(item.get("description"))
        if found:
            return _clean(found)
    return _clean(page.meta_first("og:description", "description", "twitter:description"))


def canonical_url(page: Page) -> str | None:
    for link in page.tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "canonical" in rel:
            found = page.absolute(link.get("href"))
            if found:
                return found
    return page.absolute(page.meta_first("og:url"))
