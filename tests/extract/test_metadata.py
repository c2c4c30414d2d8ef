"""Titles without the site name, authors without byline words, language from letter forms."""

from __future__ import annotations

import pytest

from crawler.extract import extract
from crawler.extract.lang import detect_lang
from crawler.extract.metadata import split_authors

BODY = "".join(f"<p>{'وقال المتحدث في بيان إن الاجتماع ناقش عددا من الملفات المهمة. ' * 3}</p>" for _ in range(4))


def _page(head: str, h1: str = "", byline: str = "") -> str:
    return (
        f"<html lang='ar'><head><meta charset='utf-8'>{head}</head><body><article>{h1}{byline}"
        f"<div class='text'>{BODY}</div></article></body></html>"
    )


@pytest.mark.parametrize(
    ("head", "h1", "title"),
    [
        (
            "<title>وزير الخارجية يصل إلى القاهرة | الجزيرة نت</title>"
            "<meta property='og:site_name' content='الجزيرة نت'>",
            "",
            "وزير الخارجية يصل إلى القاهرة",
        ),
        (
            "<title>وزير الخارجية يصل إلى القاهرة - اليوم السابع</title>",
            "<h1>وزير الخارجية يصل إلى القاهرة</h1>",
            "وزير الخارجية يصل إلى القاهرة",
        ),
        (
            "<meta property='og:title' content='وزير الخارجية يصل إلى القاهرة - اليوم السابع'>"
            "<meta property='og:site_name' content='اليوم السابع'>",
            "",
            "وزير الخارجية يصل إلى القاهرة",
        ),
        (
            "<title>سكاي نيوز عربية | وزير الخارجية يصل إلى القاهرة</title>"
            "<meta property='og:site_name' content='سكاي نيوز عربية'>",
            "",
            "وزير الخارجية يصل إلى القاهرة",
        ),
        # a dash inside the headline itself stays
        (
            "<title>مصر - السودان: اتفاق جديد على مياه النيل</title>",
            "",
            "مصر - السودان: اتفاق جديد على مياه النيل",
        ),
    ],
)
def test_site_name_is_removed_from_titles(head: str, h1: str, title: str) -> None:
    assert extract(_page(head, h1), "https://youm7.example/story/1").title == title


def test_fields_from_metadata_are_text_only() -> None:
    head = (
        "<title>عنوان &lt;b&gt;عريض&lt;/b&gt;</title><script type='application/ld+json'>"
        '{"@type": "NewsArticle", "headline": "خبر <script>alert(1)<\\/script> مهم",'
        ' "description": "<p>ملخص <i>الخبر</i></p>",'
        ' "author": {"@type": "Person", "name": "<b>سامي</b>"}}</script>'
    )
    article = extract(_page(head), "https://example.com/1")
    assert article.title == "خبر مهم"
    assert article.lead == "ملخص الخبر"
    assert article.authors == ["سامي"]


def test_title_tag_markup_is_removed() -> None:
    assert (
        extract(_page("<title>عنوان &lt;b&gt;عريض&lt;/b&gt; للخبر</title>"), "https://e.com/1").title
        == "عنوان عريض للخبر"
    )


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("كتب: محمد السيد", ["محمد السيد"]),
        ("كتبت ليلى منصور", ["ليلى منصور"]),
        ("بقلم: د. أحمد علي", ["د. أحمد علي"]),
        ("تقرير: أحمد علي ومحمد حسن", ["أحمد علي", "محمد حسن"]),
        ("حوار: سامي عبد الرحمن", ["سامي عبد الرحمن"]),
        ("إعداد: رنا العلي، عمر الخطيب", ["رنا العلي", "عمر الخطيب"]),
        ("أحمد وليد", ["أحمد وليد"]),  # one person: the «و» starts a name
        ("By Jane Doe and John Smith", ["Jane Doe", "John Smith"]),
    ],
)
def test_authors_without_byline_words(byline: str, names: list[str]) -> None:
    assert split_authors(byline) == names


def test_byline_in_page_becomes_authors_and_leaves_the_body() -> None:
    article = extract(
        _page("<title>عنوان</title>", "<h1>عنوان الخبر</h1>", "<p>كتب: محمد السيد</p>"), "https://e.com/1"
    )
    assert article.authors == ["محمد السيد"]
    assert "محمد السيد" not in (article.body or "")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "وقال الوزير في مؤتمر صحفي إن الحكومة ستعمل على تنفيذ الخطة خلال العام المقبل لدعم الاقتصاد",
            "ar",
        ),
        (
            "کتابخانه عمومی جدید شهر روز گذشته با حضور مسئولان محلی افتتاح شد"
            " و این کتابخانه بیش از پنجاه هزار جلد کتاب دارد",
            "fa",
        ),
        ("وزیر اعظم نے کہا کہ حکومت عوام کی فلاح کے لیے کام کر رہی ہے اور یہ منصوبہ جلد مکمل ہو گا", "ur"),
        # an Arabic text that writes «فی» with a Persian yeh is still Arabic
        ("كلمات دلالية فی غزة وقالت الوزارة في بيان إن الاجتماع الذي عقد أمس ناقش التطورات", "ar"),
    ],
)
def test_language_from_letter_forms(text: str, lang: str) -> None:
    assert detect_lang(text, html_lang="ar") == lang


def test_other_scripts_use_the_page_language() -> None:
    assert detect_lang("The minister said the plan will start next year.", "en-GB") == "en"


def test_section_from_breadcrumbs() -> None:
    head = (
        '<script type=\'application/ld+json\'>{"@type": "BreadcrumbList", "itemListElement": ['
        '{"@type": "ListItem", "position": 1, "name": "الرئيسية"},'
        '{"@type": "ListItem", "position": 2, "name": "اقتصاد"},'
        '{"@type": "ListItem", "position": 3, "name": "البنك المركزي يبقي الفائدة"}]}</script>'
    )
    assert extract(_page(head), "https://example.com/1").section == "اقتصاد"


def test_hash_tags_lose_the_hash() -> None:
    tags = "<div class='post-tags'><span>وسوم:</span><a href='/t/1'>#المغرب</a><a href='/t/2'>#الاقتصاد</a></div>"
    page = _page("<title>عنوان</title>").replace("</article>", tags + "</article>")
    assert extract(page, "https://example.com/1").tags == ["المغرب", "الاقتصاد"]


def test_a_report_headline_is_not_a_byline() -> None:
    page = _page("<title>عنوان</title>", "<h1>تقرير: الأمم المتحدة تحذر من موجة جفاف</h1>", "<p>كتب: سامي علي</p>")
    article = extract(page, "https://e.com/1")
    assert article.authors == ["سامي علي"]
    assert article.title == "تقرير: الأمم المتحدة تحذر من موجة جفاف"
