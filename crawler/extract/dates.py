"""Published and modified dates: structured data first, then the page's own visible dateline.

Order: JSON-LD of the article item; <meta> (OpenGraph, Dublin Core, parsely, sailthru...);
``itemprop`` and ``<time>`` elements; then the visible dateline near labels such as
«نشر في:» / «آخر تحديث:» or in elements whose class says date/time (Arabic text read by
:mod:`crawler.extract.arabic_dates`); last, htmldate's quick (non-extensive) search for
pages in other languages. Never a date found inside a link or inside a teaser of another
article: no date is better than a wrong one.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from crawler.extract.arabic_dates import parse_arabic_date
from crawler.extract.dateplace import BodySpan, in_link_or_teaser, in_repeated_item
from crawler.extract.jsonld import first_text
from crawler.extract.page import Page
from crawler.text.arabic import fold, fold_digits

__all__ = ["find_dates", "normalize_date"]

_PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "article.published",
    "published_time",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dc.date",
    "dc.date.created",
    "sailthru.date",
    "parsely-pub-date",
    "article_date_original",
    "date",
    "created",
    "cxenseparse:recs:publishtime",
    "original-publish-date",
    "release_date",
)
_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "og:article:modified_time",
    "datemodified",
    "article.updated",
    "modified_time",
    "last-modified",
    "dcterms.modified",
    "dc.date.modified",
    "lastmod",
    "revised",
)
_ISO_RE = re.compile(
    r"^\s*(\d{4})-?(\d{2})-?(\d{2})(?:[T\s](\d{2}):?(\d{2})(?::?(\d{2}))?(?:[.,]\d+)?\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?)?"
)
_DATE_CUE_RE = re.compile(r"date|time|publish|posted|updated|modified|tarikh|taarikh|datetime|dateline", re.I)
_PUBLISHED_LABEL = tuple(
    fold(x)
    for x in (
        "نشر في",
        "نشر بتاريخ",
        "تاريخ النشر",
        "نشر",
        "نُشر",
        "منشور",
        "أضيف في",
        "تاريخ الإضافة",
        "بتاريخ",
        "published",
        "posted",
        "تاریخ انتشار",
    )
)
_MODIFIED_LABEL = tuple(
    fold(x)
    for x in (
        "آخر تحديث",
        "اخر تحديث",
        "تم التحديث",
        "تحديث",
        "محدث",
        "حُدّث",
        "عدل",
        "تعديل",
        "updated",
        "last updated",
        "modified",
        "به‌روزرسانی",
    )
)
_MAX_CANDIDATE_TEXT = 200


def normalize_date(value: Any) -> str | None:
    """An ISO 8601 string for a structured date value (ISO, RFC 2822, Arabic text), or None."""
    text = first_text(value, ("@value", "name"))
    if not text:
        return None
    text = fold_digits(text.strip())[:100]
    m = _ISO_RE.match(text)
    if m:
        y, mo, d, hh, mm, ss, zone = m.groups()
        try:
            day = date(int(y), int(mo), int(d))
        except ValueError:
            return None
        if not 1900 <= day.year <= 2100:
            return None
        if hh is None:
            return day.isoformat()
        iso = f"{day.isoformat()}T{hh}:{mm}:{ss or '00'}"
        if zone:
            zone = "+00:00" if zone == "Z" else (zone + ":00" if len(zone) == 3 else zone)
            iso += zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
        try:
            return datetime.fromisoformat(iso).isoformat()
        except ValueError:
            return day.isoformat()
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None and 1900 <= parsed.year <= 2100:
        return parsed.isoformat()
    return parse_arabic_date(text)


def _structured(page: Page, keys: tuple[str, ...], meta: tuple[str, ...], itemprop: str) -> str | None:
    for item in page.articles:
        for key in keys:
            found = normalize_date(item.get(key))
            if found:
                return found
    for name in meta:
        found = normalize_date(page.meta_first(name))
        if found:
            return found
    for el in page.tree.iterfind(f".//*[@itemprop='{itemprop}']"):
        found = normalize_date(el.get("content") or el.get("datetime") or el.text_content())
        if found:
            return found
    return None


def _label_kind(folded: str) -> str | None:
    head = folded.lstrip(" |-•:(")[:30]
    if any(head.startswith(label) for label in _MODIFIED_LABEL):
        return "modified"
    if any(head.startswith(label) for label in _PUBLISHED_LABEL):
        return "published"
    return None


def _visible(tree: Any, fetched_at: datetime | None, persian: bool, body: list[str]) -> tuple[str | None, str | None]:
    published = modified = None
    span: BodySpan | None = None

    def is_date(text: str) -> bool:
        return parse_arabic_date(text, fetched_at, persian=persian) is not None

    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "a", "head", "title"):
            continue
        own = (el.text or "").strip()
        cue = el.tag == "time" or _DATE_CUE_RE.search(f"{el.get('class') or ''} {el.get('id') or ''}")
        label = _label_kind(fold(own)) if own else None
        if not cue and label is None:
            continue
        text = " ".join(el.text_content().split())
        if not text or len(text) > _MAX_CANDIDATE_TEXT or in_link_or_teaser(el):
            continue
        found = normalize_date(el.get("datetime")) if el.tag == "time" else None
        found = found or parse_arabic_date(text, fetched_at, persian=persian)
        if not found:
            continue
        kind = label or _label_kind(fold(text))
        if kind is None:  # an unlabelled date after the article is the next thing's date
            span = span or BodySpan(tree, body)
            if span.after_body(el):
                continue
        if in_repeated_item(el, is_date):
            continue
        kind = kind or "published"
        if kind == "modified":
            modified = modified or found
        elif published is None:
            published = found
        if published and modified:
            break
    return published, modified


def _htmldate(page: Page) -> str | None:
    try:
        from htmldate import find_date

        found = find_date(page.tree, url=page.url or None, extensive_search=False, original_date=True)
    except Exception:  # htmldate raises assorted errors on odd trees; a missing date is fine
        return None
    return normalize_date(found) if found else None


def find_dates(
    page: Page,
    clean_tree: Any,
    fetched_at: datetime | None,
    *,
    arabic: bool,
    persian: bool = False,
    body: list[str] | None = None,
) -> tuple[str | None, str | None]:
    """(published, modified) as ISO 8601 strings; None where the page does not say.

    *arabic*: the page is in Arabic script (no htmldate guess); *persian*: it is Persian,
    so numeric year-first dates with a 13xx/14xx year are solar Hijri; *body*: the
    article's paragraphs (an unlabelled visible date after the last one is not the article's).
    """
    published = _structured(page, ("datePublished", "dateCreated", "uploadDate"), _PUBLISHED_META, "datePublished")
    modified = _structured(page, ("dateModified",), _MODIFIED_META, "dateModified")
    if published is None or modified is None:
        vis_pub, vis_mod = _visible(clean_tree, fetched_at, persian, body or [])
        published = published or vis_pub
        modified = modified or vis_mod
    if published is None and not arabic:
        published = _htmldate(page)
    return published, modified
