"""Boilerplate phrases match however Arabic pages spell them."""

from __future__ import annotations

import pytest

from crawler.extract.lexicon import byline_rest, match_marker, original_rest


@pytest.mark.parametrize(
    "text",
    [
        "اقرأ أيضا",
        "إقرأ أيضاً",  # hamza below, tanween
        "اقرا ايضا",  # bare alef
        "اقـــرأ أيضـاً:",  # tatweel, colon
        "اقرأ أيضًا :",  # tanween on the alef, spaced colon
        "«اقرأ أيضاً»",
    ],
)
def test_read_also_spellings(text: str) -> None:
    marker = match_marker(text)
    assert marker is not None and marker.kind == "read_also"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("مقالات مشابهة", "related"),
        ("أخبار ذات صلة", "related"),
        ("اخبار ذات صله", "related"),  # ta marbuta written as ha
        ("الأكثر قراءة", "related"),
        ("مواضيع ذات صلة", "related"),
        ("كلمات دلالية:", "tags"),
        ("الكلمات المفتاحية", "tags"),
        ("وسوم:", "tags"),
        ("المصدر: واس", "source"),
        ("مصدر الخبر: رويترز", "source"),
        ("(المصدر: واس)", "source"),
        ("شاهد أيضاً", "read_also"),
        ("طالع أيضا", "read_also"),
        ("تابعونا على فيسبوك", "drop"),
        ("شارك", "drop"),
        ("بیشتر بخوانید", "read_also"),  # Persian yeh
    ],
)
def test_marker_kinds(text: str, kind: str) -> None:
    marker = match_marker(text)
    assert marker is not None and marker.kind == kind


def test_persian_yeh_in_tag_line_keeps_the_page_spelling() -> None:
    text = "كلمات دلالية: فی غزة"
    marker = match_marker(text)
    assert marker is not None and marker.kind == "tags"
    assert original_rest(text, marker) == "فی غزة"


@pytest.mark.parametrize(
    "text",
    [
        "مصدر مطلع قال إن المفاوضات مستمرة",  # «مصدر» without a colon is body text
        "شاهد عيان روى ما حدث",
        "علامات استفهام كثيرة حول القرار",
        "وشارك في الاجتماع عدد من الوزراء",
        "تطبيقات الهواتف الذكية تنتشر بسرعة",
    ],
)
def test_body_sentences_are_not_markers(text: str) -> None:
    assert match_marker(text) is None


def test_optional_colon_and_rest() -> None:
    for text in ("المصدر: قناة اليمن اليوم", "المصدر : قناة اليمن اليوم", "المصدر - قناة اليمن اليوم"):
        marker = match_marker(text)
        assert marker is not None
        assert original_rest(text, marker) == "قناة اليمن اليوم"


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("كتب: محمد السيد", "محمد السيد"),
        ("كتب محمد السيد", "محمد السيد"),
        ("بقلم د. أحمد علي", "د. أحمد علي"),
        ("تقرير: ليلى منصور", "ليلى منصور"),
        ("حوار: سامي عبد الرحمن", "سامي عبد الرحمن"),
        ("إعداد: فريق التحرير", "فريق التحرير"),
    ],
)
def test_byline_prefixes(text: str, rest: str) -> None:
    assert byline_rest(text) == rest
