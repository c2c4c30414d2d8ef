"""Bad input never crashes or hangs extract(): empty, binary, truncated, huge, deeply nested, hostile."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract import extract
from crawler.items import Article

PARAGRAPH = "وقال المتحدث باسم الوزارة في بيان رسمي إن الاجتماع ناقش عددا من الملفات المهمة للمنطقة. "
ARTICLE = (
    "<html lang='ar'><head><meta charset='utf-8'><title>عنوان الخبر</title></head><body><article>"
    "<h1>عنوان الخبر</h1>" + "".join(f"<p>{PARAGRAPH * 3}</p>" for _ in range(5)) + "</article></body></html>"
)


@pytest.mark.parametrize("html", [b"", "", b"   \n ", b"\x00\x01\x02", "<html></html>", b"\xff\xfe\x00"])
def test_empty_input_gives_an_empty_article(html: bytes | str) -> None:
    article = extract(html, "https://example.com/x")
    assert isinstance(article, Article)
    assert article.body is None
    assert article.url == "https://example.com/x"


def test_binary_input() -> None:
    data = bytes(range(256)) * 400
    assert extract(data).body is None


def test_truncated_page_keeps_what_is_there() -> None:
    data = ARTICLE.encode("utf-8")
    article = extract(data[: len(data) // 2 - 1])  # cut in the middle of a character
    assert article.body and "وقال المتحدث" in article.body


def test_ten_megabyte_page() -> None:
    html = "<html><body><article>" + f"<p>{PARAGRAPH * 3}</p>" * 40_000 + "</article></body></html>"
    assert len(html.encode()) > 10_000_000
    article = extract(html)
    assert article.body and article.body.startswith("وقال")


def test_innermost_text_of_deeply_nested_page_is_kept() -> None:
    depth = 5000
    html = "<html><body>" + "<div>" * depth + f"<p>{PARAGRAPH * 4}</p>" + "</div>" * depth + "</body></html>"
    article = extract(html)
    assert article.body and "وقال المتحدث" in article.body


def test_megabyte_nested_json_ld_keeps_the_article_item() -> None:
    nested = "[" * 300_000 + "]" * 300_000
    ld = (
        '{"@type": "NewsArticle", "headline": "خبر مهم عن الاقتصاد",'
        ' "datePublished": "2025-01-05T10:00:00+03:00",'
        f' "deep": {nested}}}'
    )
    html = ARTICLE.replace("</head>", f"<script type='application/ld+json'>{ld}</script></head>")
    article = extract(html)
    assert article.title == "خبر مهم عن الاقتصاد"
    assert article.published == "2025-01-05T10:00:00+03:00"


def test_entities_are_not_expanded_from_files_or_network() -> None:
    html = (
        "<?xml version='1.0'?><!DOCTYPE html [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>"
        f"<html><body><article><h1>عنوان</h1><p>{PARAGRAPH * 3}&xxe;</p></article></body></html>"
    )
    article = extract(html)
    assert "root:" not in (article.body or "")


def test_only_http_urls_come_out() -> None:
    html = ARTICLE.replace(
        "</head>",
        "<link rel='canonical' href='javascript:alert(1)'>"
        "<meta property='og:image' content='data:image/png;base64,xx'>"
        "</head>",
    ).replace(
        "</article>",
        "<div><h3>اقرأ أيضا</h3><ul><li><a href='javascript:void(0)'>خبر آخر</a></li>"
        "<li><a href='/news/2'>خبر ثالث</a></li></ul></div></article>",
    )
    article = extract(html, "https://example.com/news/1")
    assert article.canonical_url is None
    assert article.image is None
    assert article.read_also == [
        {"title": "خبر آخر", "url": ""},
        {"title": "خبر ثالث", "url": "https://example.com/news/2"},
    ]


def test_windows_1256_page_with_a_lying_header() -> None:
    data = ARTICLE.replace("charset='utf-8'", "charset='windows-1256'").encode("cp1256")
    for header in ("iso-8859-1", "utf-8", None):
        article = extract(data, encoding=header)
        assert article.title == "عنوان الخبر", header


def test_header_encoding_is_used_when_the_page_declares_nothing() -> None:
    data = ARTICLE.replace("<meta charset='utf-8'>", "").encode("cp1256")
    assert extract(data, encoding="windows-1256").title == "عنوان الخبر"
    assert extract(data).title == "عنوان الخبر"  # detected


def test_extract_runs_in_a_process_pool() -> None:
    pickle.dumps(extract)
    with ProcessPoolExecutor(max_workers=1) as pool:
        article = pool.submit(extract, ARTICLE, "https://example.com/1").result(timeout=120)
    assert article.title == "عنوان الخبر"


_TAGS = st.sampled_from(["div", "p", "span", "a", "h1", "script", "table", "td", "li", "article", "time", "meta"])


@st.composite
def html_documents(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        tag = draw(_TAGS)
        text = draw(st.text(max_size=40))
        closing = draw(st.booleans())
        attr = draw(st.sampled_from(["", " class='date'", " href='/x'", " class='related'", " datetime='2025-13-45'"]))
        parts.append(f"<{tag}{attr}>{text}" + (f"</{tag}>" if closing else ""))
    return "".join(parts)


@settings(max_examples=150, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(html=st.one_of(html_documents(), st.text(max_size=300), st.binary(max_size=300)))
def test_fuzz_never_crashes(html: str | bytes) -> None:
    article = extract(html, "https://example.com/fuzz")
    assert isinstance(article, Article)
    for item in article.read_also + article.related:
        assert item["url"] == "" or item["url"].startswith("http")


def test_marker_after_an_icon_is_found() -> None:
    box = (
        "<div class='box'><h3><i class='fa fa-link'></i> اقرأ أيضا</h3>"
        "<ul><li><a href='/news/7'>خبر سابع عن الطقس</a></li></ul></div>"
    )
    article = extract(ARTICLE.replace("</article>", box + "</article>"), "https://example.com/news/1")
    assert article.read_also == [{"title": "خبر سابع عن الطقس", "url": "https://example.com/news/7"}]
    assert "خبر سابع" not in (article.body or "")


def test_marker_inside_the_link_is_not_part_of_the_title() -> None:
    line = "<p><a href='/news/8'><strong>اقرأ أيضاً: وزير المالية يعلن الموازنة</strong></a></p>"
    article = extract(ARTICLE.replace("</h1>", "</h1>" + line), "https://example.com/news/1")
    assert article.read_also == [{"title": "وزير المالية يعلن الموازنة", "url": "https://example.com/news/8"}]
