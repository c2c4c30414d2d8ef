"""Which of a page's titles is the headline: site names, sections, kickers, truncation."""

from __future__ import annotations

import json

import pytest

from crawler.extract import extract

BODY = "".join(f"<p>{'وقال المتحدث في بيان إن الاجتماع ناقش عددا من الملفات المهمة. ' * 3}</p>" for _ in range(4))
URL = "https://akhbar.example/news/2025/01/05/123"


def _page(*, jsonld: str = "", og: str = "", title: str = "", h1: str = "", head: str = "") -> str:
    parts = [head]
    if jsonld:
        data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": jsonld}
        parts.append(f"<script type='application/ld+json'>{json.dumps(data, ensure_ascii=False)}</script>")
    if og:
        parts.append(f"<meta property='og:title' content='{og}'>")
    if title:
        parts.append(f"<title>{title}</title>")
    heading = f"<h1>{h1}</h1>" if h1 else ""
    return (
        f"<html lang='ar'><head><meta charset='utf-8'>{''.join(parts)}</head>"
        f"<body><article>{heading}<div class='text'>{BODY}</div></article></body></html>"
    )


SITE = "<meta property='og:site_name' content='أخبار اليوم'>"
HEADLINE = "وقف إطلاق النار يدخل حيز التنفيذ في القطاع"


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # a kicker over the JSON-LD headline goes when the social title is the rest
        (_page(jsonld=f"غزة: {HEADLINE}", og=HEADLINE, h1=f"غزة: {HEADLINE}"), HEADLINE),
        (_page(jsonld=f"عاجل - {HEADLINE}", og=f"{HEADLINE} | أخبار اليوم", head=SITE), HEADLINE),
        # ... and stays when no other title says the rest alone
        (_page(jsonld=f"غزة: {HEADLINE}", og="عنوان آخر مختلف تماما عن الخبر"), f"غزة: {HEADLINE}"),
        (_page(jsonld=HEADLINE, og=f"غزة: {HEADLINE}"), HEADLINE),
        # a short rest is not a headline: «مصر - السودان: اتفاق» keeps its first part
        (_page(og="مصر - السودان: اتفاق", jsonld="مصر - السودان: اتفاق"), "مصر - السودان: اتفاق"),
    ],
)
def test_kicker_goes_when_another_title_is_the_rest(page: str, expected: str) -> None:
    assert extract(page, URL).title == expected


def test_section_and_site_parts_leave_the_document_title() -> None:
    head = SITE + "<meta property='article:section' content='سياسة'>"
    page = _page(title=f"{HEADLINE} - سياسة - أخبار اليوم", head=head)
    assert extract(page, URL).title == HEADLINE


def test_a_part_that_is_not_the_declared_section_stays() -> None:
    head = SITE + "<meta property='article:section' content='رياضة'>"
    page = _page(title=f"{HEADLINE} - سياسة - أخبار اليوم", head=head)
    assert extract(page, URL).title == f"{HEADLINE} - سياسة"


def test_jsonld_headline_keeps_its_words_when_only_the_h1_is_shorter() -> None:
    # The publisher states the headline in JSON-LD; a shorter <h1> does not cut it.
    page = _page(jsonld=f"{HEADLINE} - تغطية مستمرة", h1=HEADLINE)
    assert extract(page, URL).title == f"{HEADLINE} - تغطية مستمرة"
    # ... but the <title> is cut where the rest is another title of the page.
    assert extract(_page(title=f"{HEADLINE} - تغطية مستمرة", h1=HEADLINE), URL).title == HEADLINE


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # a social title cut short by an ellipsis gives way to the full one
        (_page(og=f"{HEADLINE[:20]}...", h1=HEADLINE), HEADLINE),
        (_page(og=f"{HEADLINE[:20]}…", title=f"{HEADLINE} | أخبار اليوم", head=SITE), HEADLINE),
        # a headline that itself ends in an ellipsis is not truncated when nothing goes on from it
        (_page(jsonld=f"{HEADLINE}...", h1=HEADLINE), f"{HEADLINE}..."),
    ],
)
def test_truncated_titles(page: str, expected: str) -> None:
    assert extract(page, URL).title == expected
