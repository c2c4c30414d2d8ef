"""Dates written in Arabic text: every regional month system, Eastern digits, Hijri, relative.

Why our own: dateparser reads Egyptian/Gulf month names but needs a region locale for
Levantine (كانون الثاني), Maghrebi (جانفي) and Moroccan (يوليوز، غشت) names, reads
``05/01/2025`` month-first, and cannot pick a date out of a line of text quickly. A
month table over all regions, matched on folded text, is exact and fast. Hijri dates are
converted with ``hijridate``.

Output is an ISO 8601 string: ``YYYY-MM-DD`` when only the day is known,
``YYYY-MM-DDTHH:MM:SS`` when the page gives a time but no zone (the site's local time),
and with an offset when the page gives one (``GMT+3``) or when the date is relative to
an aware ``fetched_at``.

Persian pages write solar Hijri dates («۱۵ دی ۱۴۰۳», «۱۴۰۳/۱۰/۱۵»); the Persian month names
are unambiguous and always read, converted with ``jdatetime`` (pure Python, maintained);
a numeric year-first date with a 13xx/14xx year is solar only on a Persian page (on an
Arabic page «1446/05/12» is a lunar Hijri year, which is not read: no date is better
than a wrong one).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import jdatetime
from hijridate import Hijri

from crawler.text.arabic import fold

__all__ = ["MONTHS", "parse_arabic_date"]

MONTHS: dict[int, tuple[str, ...]] = {
    1: ("يناير", "كانون الثاني", "جانفي", "جانفييه", "ينير", "ژانویه"),
    2: ("فبراير", "شباط", "فيفري", "فبرير", "فوریه"),
    3: ("مارس", "آذار", "مارس"),
    4: ("أبريل", "ابريل", "إبريل", "نيسان", "أفريل", "افريل", "آوریل"),
    5: ("مايو", "أيار", "ماي", "مه"),
    6: ("يونيو", "يونيه", "يونية", "حزيران", "جوان", "ژوئن"),
    7: ("يوليو", "يوليه", "يولية", "تموز", "جويلية", "جويلييه", "يوليوز", "ژوئیه"),
    8: ("أغسطس", "اغسطس", "آب", "أوت", "اوت", "غشت", "اغشت", "اوت"),
    9: ("سبتمبر", "أيلول", "شتنبر", "سپتامبر"),
    10: ("أكتوبر", "اكتوبر", "تشرين الأول", "أكتوبر", "اكتوبر"),
    11: ("نوفمبر", "تشرين الثاني", "نونبر", "نوامبر"),
    12: ("ديسمبر", "كانون الأول", "دجنبر", "دسامبر"),
}
HIJRI_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("محرم",),
    2: ("صفر",),
    3: ("ربيع الأول", "ربيع أول"),
    4: ("ربيع الآخر", "ربيع الثاني", "ربيع ثاني"),
    5: ("جمادى الأولى", "جمادى الأول", "جمادي الاولى"),
    6: ("جمادى الآخرة", "جمادى الثانية", "جمادى الآخر"),
    7: ("رجب",),
    8: ("شعبان",),
    9: ("رمضان",),
    10: ("شوال",),
    11: ("ذو القعدة", "ذي القعدة"),
    12: ("ذو الحجة", "ذي الحجة"),
}

SOLAR_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("فروردین",),
    2: ("اردیبهشت",),
    3: ("خرداد",),
    4: ("تیر",),
    5: ("مرداد", "امرداد"),
    6: ("شهریور",),
    7: ("مهر",),
    8: ("آبان",),
    9: ("آذر",),
    10: ("دی",),
    11: ("بهمن",),
    12: ("اسفند",),
}


def _table(months: dict[int, tuple[str, ...]]) -> dict[str, int]:
    return {fold(name): num for num, names in months.items() for name in names}


_G = _table(MONTHS)
_H = _table(HIJRI_MONTHS)


def _alt(names: dict[str, int]) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


_GM = _alt(_G)
_HM = _alt(_H)
_S = _table(SOLAR_MONTHS)
_SM = _alt(_S)
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?\b({_GM})\b(?:\s*[/(-]\s*(?:{_GM})\s*\)?)?\s*,?\s*(?:عام\s+|سنه\s+)?(\d{{4}})(?!\d)"
)
_MONTH_DAY_YEAR = re.compile(rf"\b({_GM})\b\s+(\d{{1,2}})\s*,\s*(\d{{4}})(?!\d)")
_HIJRI = re.compile(rf"(?<!\d)(\d{{1,2}})\s*\b({_HM})\b\s*,?\s*(1[3-5]\d\d)(?!\d)")
# «۱۵ دی ۱۴۰۳», «شنبه ۱۵ دی‌ماه ۱۴۰۳» (the ZWNJ is gone after folding: «ديماه»)
_SOLAR = re.compile(rf"(?<!\d)(\d{{1,2}})\s*\b({_SM})(?:\s*ماه)?\b\s*,?\s*(1[34]\d\d)(?!\d)")
_SOLAR_NUMERIC = re.compile(r"(?<![\d/.-])(1[34]\d\d)([/.-])(\d{1,2})\2(\d{1,2})(?![\d/.-])")
_NUMERIC_DMY = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?![\d/.-])")
_NUMERIC_YMD = re.compile(r"(?<![\d/.-])(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?![\d/.-])")
_TIME = re.compile(
    r"(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(صباحا|صباحا|مساء|مساءا|ظهرا|فجرا|ص|م|am|pm|a\.m\.|p\.m\.)?(?![\w:])",
    re.IGNORECASE,
)
_ZONE = re.compile(r"(?:gmt|utc|جرينتش|غرينتش|غرينيتش)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
_RELATIVE = re.compile(r"منذ\s+(\d+\s+)?(\w+)")
_UNITS = {
    "ثانيه": "seconds",
    "ثوان": "seconds",
    "ثواني": "seconds",
    "دقيقه": "minutes",
    "دقائق": "minutes",
    "دقيقتين": "minutes",
    "ساعه": "hours",
    "ساعات": "hours",
    "ساعتين": "hours",
    "يوم": "days",
    "ايام": "days",
    "يومين": "days",
    "اسبوع": "weeks",
    "اسابيع": "weeks",
    "اسبوعين": "weeks",
}
_YESTERDAY = re.compile(r"(?:^|\s)(?:امس|البارحه)(?:\s|$)")
_PM = {"م", "مساء", "مساءا", "pm", "p.m."}
_NOON = {"ظهرا"}


def _time_near(text: str, start: int, end: int) -> tuple[int, int, int] | None:
    """A clock time within a few characters after (or before) the date."""
    window = text[end : end + 40]
    m = _TIME.search(window) or _TIME.search(text[max(0, start - 30) : start])
    if not m:
        return None
    hour, minute, second = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    suffix = (m.group(4) or "").lower()
    if (suffix in _PM and hour < 12) or (suffix in _NOON and hour < 6):
        hour += 12
    elif suffix in ("ص", "صباحا", "am", "a.m.", "فجرا") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def _zone_near(text: str, end: int) -> timezone | None:
    m = _ZONE.search(text[end : end + 60])
    if not m:
        return None
    sign = -1 if m.group(1) == "-" else 1
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _render(day: date, text: str, start: int, end: int) -> str:
    clock = _time_near(text, start, end)
    if clock is None:
        return day.isoformat()
    moment = datetime(day.year, day.month, day.day, *clock)
    zone = _zone_near(text, end)
    if zone is not None:
        moment = moment.replace(tzinfo=zone)
    return moment.isoformat()


def _valid(year: int, month: int, day: int) -> date | None:
    if not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _gregorian(text: str) -> str | None:
    found: list[tuple[int, int, date]] = []
    for m in _DAY_MONTH_YEAR.finditer(text):
        d = _valid(int(m.group(3)), _G[m.group(2)], int(m.group(1)))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _MONTH_DAY_YEAR.finditer(text):
        d = _valid(int(m.group(3)), _G[m.group(1)], int(m.group(2)))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _NUMERIC_YMD.finditer(text):
        d = _valid(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _NUMERIC_DMY.finditer(text):
        # Arabic pages write day first (05/01/2025 is 5 January).
        d = _valid(int(m.group(4)), int(m.group(3)), int(m.group(1)))
        if d:
            found.append((m.start(), m.end(), d))
    if not found:
        return None
    start, end, day = min(found, key=lambda f: f[0])
    return _render(day, text, start, end)


def _hijri(text: str) -> str | None:
    m = _HIJRI.search(text)
    if not m:
        return None
    try:
        day = Hijri(int(m.group(3)), _H[m.group(2)], int(m.group(1))).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return _render(date(day.year, day.month, day.day), text, m.start(), m.end())


def _solar(text: str, numeric: bool) -> str | None:
    found = [(m, int(m.group(3)), _S[m.group(2)], int(m.group(1))) for m in _SOLAR.finditer(text)]
    if numeric:
        found += [(m, int(m.group(1)), int(m.group(3)), int(m.group(4))) for m in _SOLAR_NUMERIC.finditer(text)]
    for m, year, month, day in sorted(found, key=lambda f: f[0].start()):
        try:
            converted = jdatetime.date(year, month, day).togregorian()
        except (ValueError, OverflowError):
            continue
        return _render(converted, text, m.start(), m.end())
    return None


def _relative(text: str, fetched_at: datetime | None) -> str | None:
    if fetched_at is None:
        return None
    m = _RELATIVE.search(text)
    unit = _UNITS.get(m.group(2)) if m else None
    if m and unit:
        # «منذ 3 ساعات»; «منذ ساعة» is one; the dual «منذ ساعتين» is two.
        count = int(m.group(1)) if m.group(1) else (2 if m.group(2).endswith("ين") else 1)
        moment = fetched_at - timedelta(**{unit: count})
        return moment.replace(microsecond=0).isoformat()
    y = _YESTERDAY.search(text)
    if y:
        day = (fetched_at - timedelta(days=1)).date()
        clock = _time_near(text, y.start(), y.end())
        if clock is None:
            return day.isoformat()
        moment = datetime(day.year, day.month, day.day, *clock, tzinfo=fetched_at.tzinfo)
        return moment.isoformat()
    return None


def parse_arabic_date(text: str, fetched_at: datetime | None = None, *, persian: bool = False) -> str | None:
    """The first date written in *text* as an ISO 8601 string, or None.

    Gregorian dates (month names of every region, or numeric day-first) win over a Hijri
    or solar Hijri date in the same text; relative expressions («منذ 3 ساعات», «أمس») need
    *fetched_at*. *persian*: the page is Persian, so «1403/10/15» is a solar Hijri date.
    """
    if not text:
        return None
    folded = fold(text)[:500]
    return _gregorian(folded) or _solar(folded, persian) or _hijri(folded) or _relative(folded, fetched_at)
