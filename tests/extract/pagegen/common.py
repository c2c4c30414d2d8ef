"""Shared pieces of the test-page layouts: the page spec, HTML helpers, expected output."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

MONTHS = {
    "egypt": [
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ],
    "levant": [
        "كانون الثاني",
        "شباط",
        "آذار",
        "نيسان",
        "أيار",
        "حزيران",
        "تموز",
        "آب",
        "أيلول",
        "تشرين الأول",
        "تشرين الثاني",
        "كانون الأول",
    ],
    "maghreb": [
        "جانفي",
        "فيفري",
        "مارس",
        "أفريل",
        "ماي",
        "جوان",
        "جويلية",
        "أوت",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ],
    "morocco": [
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "ماي",
        "يونيو",
        "يوليوز",
        "غشت",
        "شتنبر",
        "أكتوبر",
        "نونبر",
        "دجنبر",
    ],
}
DAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]


@dataclass
class Spec:
    """Everything one page is built from."""

    layout: str
    index: int
    story: dict[str, Any]
    url: str
    published: datetime
    fetched_at: datetime
    read_also: list[tuple[str, str]]
    related: list[tuple[str, str]]
    most_read: list[tuple[str, str]]
    source: str | None
    modified: datetime | None = None

    @property
    def title(self) -> str:
        return str(self.story["title"])

    @property
    def paragraphs(self) -> list[str]:
        return list(self.story["paragraphs"])  # type: ignore[arg-type]

    @property
    def tags(self) -> list[str]:
        return list(self.story["tags"])  # type: ignore[arg-type]

    @property
    def authors(self) -> list[str]:
        return list(self.story["authors"])  # type: ignore[arg-type]


@dataclass
class Built:
    """A rendered page and what the extractor must return for it."""

    html: str
    expected: dict[str, Any]
    boilerplate: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    http_encoding: str | None = None


def e(text: str) -> str:
    return html.escape(text, quote=True)


def tz(hours: int) -> timezone:
    return timezone(timedelta(hours=hours))


def body_text(paragraphs: list[str]) -> str:
    return "\n\n".join(p.removeprefix("## ") for p in paragraphs)


def paragraphs_html(
    paragraphs: list[str], inserts: dict[int, str] | None = None, *, p: str = "p", h: str = "h2"
) -> str:
    """Paragraphs as HTML; inserts[i] is placed after paragraph i (0-based)."""
    out = []
    for i, para in enumerate(paragraphs):
        if para.startswith("## "):
            out.append(f"<{h}>{e(para[3:])}</{h}>")
        else:
            out.append(f"<{p}>{e(para)}</{p}>")
        if inserts and i in inserts:
            out.append(inserts[i])
    return "\n".join(out)


def links_li(items: list[tuple[str, str]], *, with_date: str | None = None) -> str:
    rows = []
    for title, url in items:
        date = f' <span class="date">{e(with_date)}</span>' if with_date else ""
        rows.append(f'<li><a href="{e(url)}">{e(title)}</a>{date}</li>')
    return "\n".join(rows)


def jsonld(data: dict[str, Any]) -> str:
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def link_dicts(items: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"title": t, "url": u} for t, u in items]


def arabic_date(d: datetime, region: str, *, day_name: bool = True, eastern: bool = False) -> str:
    text = f"{d.day} {MONTHS[region][d.month - 1]} {d.year}"
    if day_name:
        text = f"{DAYS[d.weekday()]} {text}"
    return text.translate(EASTERN) if eastern else text


def clock12(d: datetime, eastern: bool = False) -> str:
    hour = d.hour % 12 or 12
    text = f"{hour:02d}:{d.minute:02d} {'م' if d.hour >= 12 else 'ص'}"
    return text.translate(EASTERN) if eastern else text


def naive_iso(d: datetime, with_time: bool = True) -> str:
    return d.replace(tzinfo=None).isoformat() if with_time else d.date().isoformat()


def expected(spec: Spec, **fields: Any) -> dict[str, Any]:
    """The expected Article fields; layouts override what they show differently."""
    out: dict[str, Any] = {
        "url": spec.url,
        "title": spec.title,
        "body": body_text(spec.paragraphs),
        "authors": spec.authors,
        "published": None,
        "modified": None,
        "tags": [],
        "source": None,
        "read_also": [],
        "related": [],
        "lang": "ar",
    }
    out.update(fields)
    return out


CAPTION = "جانب من الفعالية التي أقيمت صباح اليوم"
AD_LABEL = "إعلان"
VIDEO_TITLE = "شاهد: لقطات من موقع الحدث"


def noise(kind: int) -> tuple[str, list[str]]:
    """Things real sites put inside the article container, and the strings that must not reach the body.

    (An embedded tweet is not among them: its text is quoted content, kept in the body.)
    """
    if kind == 0:
        return (
            '<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/x/">'
            '<div><a href="https://www.instagram.com/p/x/">عرض هذا المنشور على Instagram</a>'
            '<p><a href="https://www.instagram.com/p/x/">تمت مشاركة منشور بواسطة الحساب الرسمي</a></p></div>'
            "</blockquote>",
            ["عرض هذا المنشور على Instagram", "تمت مشاركة منشور بواسطة"],
        )
    if kind == 1:
        return (
            f'<figure class="inline-image"><img src="/p.jpg" alt=""><figcaption>{CAPTION} (تصوير: خالد أحمد)'
            "</figcaption></figure>",
            [CAPTION, "خالد أحمد"],
        )
    if kind == 2:
        return (
            f'<div class="ad-slot"><span class="ad-label">{AD_LABEL}</span><div id="gpt-ad-1"></div></div>',
            [],
        )
    return (
        f'<div class="video-embed"><p class="video-title">{VIDEO_TITLE}</p>'
        '<iframe src="https://video.example/embed/1"></iframe></div>',
        [VIDEO_TITLE],
    )
