"""The headline of a page, chosen among the titles the page states.

A news page states its headline up to five times: JSON-LD ``headline``, ``og:title``,
``twitter:title``, the visible ``<h1>`` and ``<title>``. They often differ: the
``<title>`` and social titles carry the site name («... | الجزيرة نت», «... - اليوم
السابع») or a section; the JSON-LD headline may carry a kicker («عاجل: ...», «Gaza: ...»)
that the social title does not; and a CMS may rewrite the typed quotes and dashes of one
of them into typographic ones (WordPress does, in the ``<h1>`` and JSON-LD, not in
``og:title``). The rules, each general (no per-site table):

1. The first usable candidate in the order JSON-LD, ``og:title``, ``twitter:title``,
   ``<h1>``, ``<title>`` is the headline (on the fundus pages this order is right more
   often than a vote or the ``<h1>`` first: where JSON-LD and ``og:title`` differ in
   wording, neither wins reliably).
2. A site-name part goes: when what remains is another candidate, or when the part
   names the site (``og:site_name``, publisher, host name).
3. A kicker goes: when the headline reads «kicker: rest» and ``og:title`` is that rest,
   the kicker is a label over the headline, not part of it.
4. Candidates are compared on their words (letters folded, punctuation and quotes
   ignored); when ``og:title`` says the same words, its spelling is the one returned,
   being the plain text the editors typed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from urllib.parse import urlsplit

from crawler.extract.jsonld import first_text, types_of
from crawler.extract.page import Page
from crawler.safety import safe_text
from crawler.text.arabic import display, fold

__all__ = ["title", "words_key"]

_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·•»«/]\s+|\s*[|]\s*|\s+::\s+")
# «kicker: headline», «kicker - headline», «kicker | headline»: the first separator only.
_KICKER_RE = re.compile(r"^(.{2,80}?)(?::\s+|\s+[|\-–—/]\s+)(.+)$", re.DOTALL)
_WORD_RE = re.compile(r"\w+")
_HEADLINE_CLASS_RE = re.compile(r"title|headline|unwan|onwan", re.I)


def clean_text(text: str | None) -> str | None:
    """Display text of a metadata value: markup and script content removed, spaces tidied."""
    if not text:
        return None
    out = display(" ".join(safe_text(str(text)).split()))
    return out or None


def words_key(text: str | None) -> str:
    """The words of *text*, folded (letter variants, case, digits), without punctuation."""
    return " ".join(_WORD_RE.findall(fold(text or "").replace("_", " ")))


def _site_names(page: Page) -> list[str]:
    names = [
        page.meta_first("og:site_name"),
        page.meta_first("application-name"),
        page.meta_first("twitter:site"),
    ]
    for item in page.articles:
        names.append(first_text(item.get("publisher")))
    host = urlsplit(page.url).hostname or ""
    names.extend(p for p in host.split(".") if len(p) > 3 and p not in ("www", "com", "news"))
    return [fold(n.lstrip("@")) for n in names if n]


def _is_site(part: str, sites: list[str]) -> bool:
    f = fold(part)
    return any(s and len(s) >= 2 and (s in f or (f in s and len(f) >= 3)) for s in sites)


def _section_names(page: Page) -> set[str]:
    """Folded names of the page's sections (article:section, JSON-LD articleSection, breadcrumbs)."""
    names = page.meta_all("article:section")
    for item in page.articles[:2]:
        names.append(first_text(item.get("articleSection")) or "")
    for item in page.jsonld:
        crumbs = item.get("itemListElement") if "breadcrumblist" in types_of(item) else None
        if isinstance(crumbs, list):
            inner = [c for c in crumbs[1:-1][:10] if isinstance(c, dict)]
            names.extend(first_text(c.get("name") or c.get("item")) or "" for c in inner)
    return {fold(n) for n in names if n and len(n) <= 40}


def _strip_site(
    title: str, sites: list[str], sections: Collection[str] = (), others: tuple[str, ...] = (), agree: bool = True
) -> str:
    """Remove a site-name part («... | الجزيرة نت», «اليوم السابع - ...») from a title.

    Trailing parts go when what remains is exactly another title of the page (*agree*:
    not for the JSON-LD headline, where the publisher states the headline itself); a
    leading or trailing part goes when it names the site (og:site_name, publisher, host
    name), a trailing part when it is the page's section («الخبر - سياسة - الموقع»).
    """
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    known = {fold(o) for o in others if o} if agree else set()
    for cut in range(1, len(parts)):
        if fold(" ".join(parts[:-cut])) in known:
            return _rebuild(title, parts[:-cut])
    while len(parts) > 1:
        if _is_site(parts[-1], sites) or fold(parts[-1]) in sections:
            parts = parts[:-1]
        elif _is_site(parts[0], sites):
            parts = parts[1:]
        else:
            break
    return _rebuild(title, parts)


def _rebuild(title: str, parts: list[str]) -> str:
    """The span of *title* from the first to the last kept part, separators as written."""
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if 0 <= start < end else " ".join(parts)


def _h1(page: Page) -> str | None:
    """The visible headline: the first <h1>, else an element whose class says title/headline
    and whose text begins the <title> (old portals set the headline in a styled cell)."""
    for h in page.tree.iter("h1"):
        text = clean_text(h.text_content())
        if text and 5 <= len(text) <= 300:
            return text
    doc_title = fold(page.tree.findtext(".//title") or "")
    if not doc_title:
        return None
    body = page.tree.find("body")
    for el in body.iter() if body is not None else ():
        if not isinstance(el.tag, str) or not _HEADLINE_CLASS_RE.search(
            f"{el.get('class') or ''} {el.get('id') or ''}"
        ):
            continue
        text = clean_text(el.text_content())
        if text and 10 <= len(text) <= 300 and doc_title.startswith(fold(text)):
            return text
    return None


def _usable(text: str, others: list[str]) -> bool:
    return len(text) >= 3 and not _truncated(text, others)


def _drop_kicker(headline: str, social: str | None) -> str:
    """«kicker: rest» -> rest, when the social title is exactly that rest."""
    match = _KICKER_RE.match(headline)
    if not match or not social:
        return headline
    rest = match.group(2).strip()
    key = words_key(rest)
    return rest if key == words_key(social) and len(key.split()) >= 3 else headline


def _truncated(text: str, others: list[str]) -> bool:
    """«Headline of the day…» is cut short when another title of the page goes on from it."""
    if not text.endswith(("...", "…")):
        return False
    stem = words_key(text.rstrip(".… "))
    return any(len(o) > len(text) and words_key(o).startswith(stem) for o in others)


def title(page: Page) -> str | None:
    """The headline, without site name or kicker (see the module docstring for the rules)."""
    sites, sections = _site_names(page), _section_names(page)
    raw = [first_text(item.get("headline")) for item in page.articles[:1]] or [None]
    raw += [
        page.meta_first("og:title"),
        page.meta_first("twitter:title"),
        _h1(page),
        page.tree.findtext(".//title"),
    ]
    cleaned = [clean_text(html.unescape(r)) if r else None for r in raw]
    stripped: list[str | None] = []
    for i, text in enumerate(cleaned):
        others = tuple(o for j, o in enumerate(cleaned) if o and j != i)
        stripped.append(_strip_site(text, sites, sections, others, agree=i > 0) if text else None)
    present = [t for t in stripped if t]
    social = stripped[1] if stripped[1] and _usable(stripped[1], present) else None
    for text in stripped:
        if text and _usable(text, present):
            return _drop_kicker(text, social)
    return None
