"""Dates: structured data first, then Arabic datelines of every region; never a linked article's date."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from crawler.extract import extract
from crawler.extract.arabic_dates import parse_arabic_date

FETCHED = datetime(2025, 3, 10, 12, 0, tzinfo=timezone(timedelta(hours=3)))


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        # Egyptian / Gulf month names
        ("الأحد 5 يناير 2025", "2025-01-05"),
        ("15 أغسطس 2024", "2024-08-15"),
        ("3 يونيه 2023", "2023-06-03"),
        # Levantine
        ("5 كانون الثاني 2025", "2025-01-05"),
        ("20 تشرين الأول 2024", "2024-10-20"),
        ("1 آب 2022", "2022-08-01"),
        ("٥ كانون الثاني/يناير ٢٠٢٥", "2025-01-05"),
        # Maghrebi (Algeria, Tunisia)
        ("12 جانفي 2024", "2024-01-12"),
        ("7 فيفري 2024", "2024-02-07"),
        ("30 جوان 2024", "2024-06-30"),
        ("4 جويلية 2024", "2024-07-04"),
        ("15 أوت 2024", "2024-08-15"),
        # Moroccan
        ("3 ماي 2023", "2023-05-03"),
        ("3 يوليوز 2023", "2023-07-03"),
        ("15 غشت 2022", "2022-08-15"),
        ("9 شتنبر 2022", "2022-09-09"),
        ("2 نونبر 2022", "2022-11-02"),
        ("25 دجنبر 2022", "2022-12-25"),
        # digits
        ("٠٥ يناير ٢٠٢٥", "2025-01-05"),
        ("۱۲ مارس ۲۰۲۴", "2024-03-12"),
        ("05/01/2025", "2025-01-05"),  # day first
        ("2025/01/05", "2025-01-05"),
    ],
)
def test_regional_month_systems_and_digits(text: str, iso: str) -> None:
    assert parse_arabic_date(text) == iso


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("الأحد 05 يناير 2025 - 10:30 م", "2025-01-05T22:30:00"),
        ("05 يناير 2025 10:30 ص", "2025-01-05T10:30:00"),
        ("05 يناير 2025 12:15 ص", "2025-01-05T00:15:00"),
        ("٠٥ يناير ٢٠٢٥ ٠٩:٤٥ مساءً", "2025-01-05T21:45:00"),
        ("3 يوليوز 2023 - 14:05", "2023-07-03T14:05:00"),
        ("1 مايو 2025 13:00 GMT+3", "2025-05-01T13:00:00+03:00"),
    ],
)
def test_times_twelve_hour_and_zones(text: str, iso: str) -> None:
    assert parse_arabic_date(text) == iso


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("منذ 3 ساعات", "2025-03-10T09:00:00+03:00"),
        ("منذ ساعة", "2025-03-10T11:00:00+03:00"),
        ("منذ ساعتين", "2025-03-10T10:00:00+03:00"),
        ("منذ 20 دقيقة", "2025-03-10T11:40:00+03:00"),
        ("منذ يومين", "2025-03-08T12:00:00+03:00"),
        ("أمس", "2025-03-09"),
        ("أمس 10:30 م", "2025-03-09T22:30:00+03:00"),
    ],
)
def test_relative_times_against_fetch_time(text: str, iso: str) -> None:
    assert parse_arabic_date(text, FETCHED) == iso


def test_relative_time_without_fetch_time_is_unknown() -> None:
    assert parse_arabic_date("منذ 3 ساعات") is None


def test_hijri_dates_are_converted() -> None:
    assert parse_arabic_date("15 رمضان 1446 هـ") == "2025-03-15"
    assert parse_arabic_date("1 محرم 1446 هـ") == "2024-07-07"


def test_gregorian_wins_over_hijri_in_the_same_line() -> None:
    assert parse_arabic_date("15 رجب 1446 هـ الموافق 15 يناير 2025") == "2025-01-15"


def test_impossible_dates_are_rejected() -> None:
    assert parse_arabic_date("31 فبراير 2025") is None
    assert parse_arabic_date("5 يناير 1700") is None


def _page(header: str, trailer: str = "", head: str = "") -> str:
    paragraphs = "".join(f"<p>{'هذه فقرة من نص الخبر الذي نكتبه للاختبار. ' * 4}</p>" for _ in range(4))
    return (
        f"<html lang='ar'><head><meta charset='utf-8'><title>عنوان الخبر</title>{head}</head><body>"
        f"<article><h1>عنوان الخبر للاختبار</h1>{header}<div class='content'>{paragraphs}</div>{trailer}"
        "</article></body></html>"
    )


@pytest.mark.parametrize(
    ("header", "published", "modified"),
    [
        ("<div class='meta'>نشر في: 12 جانفي 2024</div>", "2024-01-12", None),
        ("<span>نشر بتاريخ 05/01/2025</span>", "2025-01-05", None),
        (
            "<div class='dates'><span>نُشر في 5 كانون الثاني 2025</span>"
            "<span>آخر تحديث: 6 كانون الثاني 2025</span></div>",
            "2025-01-05",
            "2025-01-06",
        ),
        ("<time datetime='2025-01-05T10:30:00+02:00'>5 يناير 2025</time>", "2025-01-05T10:30:00+02:00", None),
    ],
)
def test_labels_and_time_elements(header: str, published: str, modified: str | None) -> None:
    article = extract(_page(header), "https://example.com/a/1")
    assert (article.published, article.modified) == (published, modified)


def test_structured_date_comes_first() -> None:
    head = "<meta property='article:published_time' content='2025-02-01T08:00:00+03:00'>"
    article = extract(_page("<div class='date'>5 يناير 2025</div>", head=head), "https://example.com/a/1")
    assert article.published == "2025-02-01T08:00:00+03:00"


def test_never_a_date_from_a_link_to_another_article() -> None:
    trailer = (
        "<div class='related'><h3>مقالات مشابهة</h3><ul>"
        "<li><a href='/n/1'>خبر آخر عن الاقتصاد</a><span class='date'>10 يناير 2025</span></li>"
        "<li><a href='/n/2'>خبر ثالث <span class='date'>11 يناير 2025</span></a></li></ul></div>"
        "<p><a href='/n/3'>مقال نشر في 12 يناير 2025</a></p>"
    )
    article = extract(_page("", trailer), "https://example.com/a/1")
    assert article.published is None


def test_never_a_date_from_a_teaser_beside_the_article() -> None:
    aside = (
        "<div class='sidebar'><div class='item'><a href='/n/9'>عنوان خبر آخر طويل بما يكفي للعرض</a>"
        "<span class='time'>الأحد 5 يناير 2025</span></div></div>"
    )
    article = extract(_page("", aside), "https://example.com/a/1")
    assert article.published is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("۱۵ دی ۱۴۰۳", "2025-01-04"),
        ("شنبه ۱۵ دی‌ماه ۱۴۰۳ - ۱۰:۳۰", "2025-01-04T10:30:00"),
        ("1 فروردین 1404", "2025-03-21"),
        ("۳۰ اسفند ۱۴۰۳", "2025-03-20"),
        ("۲۵ اردیبهشت ۱۴۰۲ ساعت ۱۸:۴۵", "2023-05-15T18:45:00"),
        # a Gregorian date in the same line wins, as with lunar Hijri
        ("۱۵ دی ۱۴۰۳ برابر با ۴ ژانویه ۲۰۲۵", "2025-01-04"),
    ],
)
def test_persian_solar_hijri_dates(text: str, iso: str) -> None:
    assert parse_arabic_date(text) == iso


def test_numeric_solar_dates_only_on_persian_pages() -> None:
    assert parse_arabic_date("۱۴۰۳/۱۰/۱۵", persian=True) == "2025-01-04"
    # On an Arabic page 1446/05/12 is a lunar Hijri year: not read rather than read wrong.
    assert parse_arabic_date("1446/05/12") is None
    assert parse_arabic_date("۳۱ مهر ۱۴۰۳") is None  # Mehr has 30 days


def test_persian_page_dateline_is_read() -> None:
    paragraphs = "".join(
        f"<p>{'وزیر امور خارجه این هفته با همتای خود در تهران دیدار کرد و درباره همکاری‌ها گفتگو شد. ' * 3}</p>"
        for _ in range(4)
    )
    page = (
        "<html lang='fa' dir='rtl'><head><meta charset='utf-8'><title>دیدار وزیران</title></head><body>"
        "<article><h1>دیدار وزیران خارجه در تهران</h1>"
        "<div class='news-date'>تاریخ انتشار: ۱۴۰۳/۱۰/۱۵ - ۰۹:۱۵</div>"
        f"<div class='body'>{paragraphs}</div></article></body></html>"
    )
    article = extract(page, "https://khabar.example/fa/1")
    assert article.lang == "fa"
    assert article.published == "2025-01-04T09:15:00"


_CARDS = "".join(
    f"<div class='col'><a href='/n/{i}'><img src='/i{i}.jpg' alt=''></a><h4>خبر {i}</h4>"
    f"<span class='date'>{i} كانون الثاني 2025</span></div>"
    for i in range(1, 4)
)
_MOST_READ = "".join(
    f"<div class='card'><div class='card-date'>1{i} تموز 2024</div><div class='card-title'>عنوان آخر {i}</div>"
    f"<a href='/x/{i}' class='more'>المزيد</a></div>"
    for i in range(3)
)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # cards of other stories (short or unlinked titles), before or after the article
        ("", f"<div class='more-news'>{_CARDS}</div>"),
        (f"<div class='side-column'>{_MOST_READ}</div>", ""),
        # one dated thing after the article: a next-article box, a reader's comment
        (
            "",
            "<div class='post-nav'><span>التالي</span><a href='/z/1'>عنوان</a>"
            "<span class='date'>5 يناير 2025</span></div>",
        ),
        ("", "<div class='comments'><span class='comment-date'>6 كانون الثاني 2025</span><p>تعليق جيد</p></div>"),
    ],
)
def test_never_a_date_of_the_things_around_the_article(before: str, after: str) -> None:
    page = _page("", after).replace("<body>", f"<body>{before}")
    assert extract(page, "https://example.com/a/1").published is None


def test_own_dateline_is_read_among_dated_cards() -> None:
    header = "<div class='post-meta'><span class='post-date'>الأحد 5 كانون الثاني 2025 - 10:30</span></div>"
    page = _page(header, f"<div class='more-news'>{_CARDS}</div>").replace(
        "<body>", f"<body><div class='side-column'>{_MOST_READ}</div>"
    )
    assert extract(page, "https://example.com/a/1").published == "2025-01-05T10:30:00"


def test_a_labelled_date_after_the_article_is_read() -> None:
    trailer = "<p class='meta'>نشر في: 3 يوليوز 2025 - 14:05</p>"
    assert extract(_page("", trailer), "https://example.com/a/1").published == "2025-07-03T14:05:00"
