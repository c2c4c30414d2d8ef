"""Title, authors, section, tags, image, lead and canonical URL from one parsed page."""

from __future__ import annotations

import html
import re
from typing import Any

from crawler.extract.jsonld import first_text, types_of
from crawler.extract.lexicon import byline_rest
from crawler.extract.page import Page
from crawler.extract.titles import clean_text as _clean
from crawler.extract.titles import title
from crawler.text.arabic import display

__all__ = ["authors", "canonical_url", "image", "lead", "section", "split_authors", "tags", "title"]

_AUTHOR_SPLIT_RE = re.compile(r"\s*(?:[،,;؛&/|]|\s+and\s+|\s+und\s+|\s+et\s+|\s+y\s+)\s*", re.I)
_ARABIC_AND_RE = re.compile(r"\s+و(?=\S)")
_NOT_A_NAME = re.compile(r"https?://|www\.|@|\d{3,}")


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


_BYLINE_CLASS_RE = re.compile(r"author|writer|byline|kateb|katib", re.I)


def _byline_elements(page: Page) -> list[str]:
    """Short texts of elements whose class says author / writer / byline."""
    out: list[str] = []
    for el in page.tree.iter("div", "span", "p", "a", "address"):
        cues = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not _BYLINE_CLASS_RE.search(cues) or el.tag in ("script", "style"):
            continue
        text = " ".join(el.text_content().split())
        if 2 <= len(text) <= 80 and not any(_BYLINE_CLASS_RE.search(a.get("class") or "") for a in el.iterancestors()):
            out.append(text)
        if len(out) >= 3:
            break
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
        found.extend(_byline_elements(page))
    if not found:
        for el in page.tree.iterfind(".//*[@rel='author']"):
            found.append(el.text_content())
    out: list[str] = []
    for raw in found:
        for name in split_authors(_clean(raw) or ""):
            if name not in out:
                out.append(name)
    return out[:10]


def section(page: Page) -> str | None:
    for item in page.articles:
        found = first_text(item.get("articleSection"))
        if found:
            return _clean(found)
    return _clean(page.meta_first("article:section", "section", "category")) or _breadcrumb_section(page)


def _breadcrumb_section(page: Page) -> str | None:
    """The last breadcrumb before the article itself (JSON-LD BreadcrumbList)."""
    for item in page.jsonld:
        if "breadcrumblist" not in types_of(item):
            continue
        crumbs = item.get("itemListElement")
        if not isinstance(crumbs, list):
            continue
        names = [first_text(c.get("name") or c.get("item")) for c in crumbs[:20] if isinstance(c, dict)]
        names = [n for n in names if n]
        if len(names) >= 3:  # home > section > article
            return _clean(names[-2])
        if len(names) == 2:
            return _clean(names[-1])
    return None


def _split_keywords(text: str) -> list[str]:
    """Keywords split on commas and semicolons, entities decoded first: a keyword written
    «PG&amp;amp;E» (escaped twice) is «PG&E», not «PG&amp» and «E»."""
    return re.split(r"\s*[,،;؛]\s*", html.unescape(text) if "&" in text else text)


def tags(page: Page) -> list[str]:
    raw: list[str] = []
    for item in page.articles:
        kw = item.get("keywords")
        if isinstance(kw, str):
            raw.extend(_split_keywords(kw))
        elif isinstance(kw, list):
            raw.extend(k for k in kw[:100] if isinstance(k, str))
        if raw:
            break
    if not raw:
        raw = page.meta_all("article:tag")
    if not raw:
        for value in page.meta_all("news_keywords") or page.meta_all("keywords"):
            raw.extend(_split_keywords(value))
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
