"""Stored text is text: no markup, controls, terminal escapes or non-http URLs in any
field, from the extractor or past the Clean pipeline; Arabic and plain prose kept."""

from __future__ import annotations

import html
import json
from types import SimpleNamespace

import pytest
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from crawler.cleaning import prepare
from crawler.extract import extract
from crawler.items import Article
from crawler.pipelines import CleanPipeline
from crawler.safety import TAG_LIKE_RE, printable, safe_text, safe_url, sanitize_article

PARAGRAPH = "وقال المتحدث باسم الوزارة في بيان رسمي إن الاجتماع ناقش عددا من الملفات المهمة للمنطقة. "
BODY = "\n\n".join([(PARAGRAPH * 2).strip()] * 4)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<script>alert(1)</script>عنوان الخبر", "عنوان الخبر"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;عنوان الخبر", "عنوان الخبر"),
        ("&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;عنوان", "عنوان"),
        ("<style>p{color:red}</style><b>سوريا</b>ن اليوم", "سوريان اليوم"),
        ("<p>الفقرة الأولى</p><p>الثانية</p>", "الفقرة الأولى الثانية"),
        ("<scr<b>ipt>alert(1)</scr<b>ipt>خبر", "خبر"),  # a tag glued from pieces
        ("&#60;img src=x onerror=alert(1)&#62;خبر", "خبر"),
        ("<!-- تعليق -->خبر<![CDATA[x]]>", "خبر"),
        ("خبر <iframe src='https://evil.example'>", "خبر"),
        ("أحمد\x1b[31m علي\x1b[0m\x07", "أحمد علي"),
        ("\x1b]8;;https://evil.example\x1b\\رابط\x1b]8;;\x1b\\", "رابط"),
        ("عنوان\x00\x9b2J\x85", "عنوان"),
        ("AT&amp;T &copy; 2025", "AT&T © 2025"),
    ],
)
def test_markup_controls_and_escapes_are_removed(raw: str, expected: str) -> None:
    assert " ".join(safe_text(raw).split()) == expected


@pytest.mark.parametrize(
    "text",
    [
        "5 < 7 و 9 > 3",
        "ارتفع المؤشر <3% بعد أن كان >5%",
        "سعر البرميل < 80 دولاراً؛ «اتفاق» – قال: نعم؟ ٢٠٢٥",
        "وَقَالَ الرَّئِيسُ",  # tashkeel
        "می\u200cشود",  # ZWNJ in Persian spelling
        "[bold red]عاجل[/bold red] [link=https://evil.example]x[/link]",  # rich markup is text
    ],
)
def test_plain_prose_is_kept_as_written(text: str) -> None:
    assert safe_text(text) == text


def test_a_title_in_angle_brackets_is_text_not_a_tag() -> None:
    # Found on a real page (aeb): Korean and English pages write titles of works so.
    out = safe_text("to watch &lt;The Palace: Tale of Jang Noksu&gt; and")
    assert out == "to watch < The Palace: Tale of Jang Noksu> and"
    assert safe_text("<x onerror=alert(1)>نص") == " نص"  # an attribute makes it markup
    assert safe_text("<my-widget>نص</my-widget>").strip() == "نص"  # so does a custom element name


def test_a_tag_opener_left_over_cannot_open_a_tag() -> None:
    out = safe_text("if x<y then")
    assert not TAG_LIKE_RE.search(out) and out == "if x< y then"
    assert safe_text(out) == out


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "/news/1",
        "//example.com/x",
        "http://",
        "https://a.example/x y",
        'https://a.example/"><script>alert(1)</script>',
        "https://a.example/\x1b[31m",
        None,
        42,
    ],
)
def test_only_http_urls_are_kept(url: object) -> None:
    assert safe_url(url) is None


def test_http_urls_with_arabic_are_kept() -> None:
    for url in ("https://ar.wikipedia.org/wiki/غزة", "http://a.example/news?id=1&p=2"):
        assert safe_url(url) == url


def hostile_article() -> Article:
    return Article(
        url="https://a.example/news/1",
        canonical_url="javascript:alert(1)",
        title="&lt;script&gt;alert(1)&lt;/script&gt;عنوان <b>الخبر</b>",
        lead="مقدمة\x1b[2J",
        body="<p>" + PARAGRAPH + "</p>\n\n<script>steal()</script>" + PARAGRAPH,
        authors=["<a href='x'>سارة المنصوري</a>", "<script>x</script>"],
        tags=["غزة", "<img src=x onerror=alert(1)>"],
        section="سياسة\x00",
        source="واس",
        read_also=[
            {"title": "خبر <i>آخر</i>", "url": "javascript:void(0)"},
            {"title": "", "url": "data:text/html,x"},
            {"title": "ثالث", "url": "https://a.example/news/3"},
        ],
        related=[{"title": "<script>x</script>", "url": "vbscript:x"}],
        image="data:image/png;base64,xx",
        lang="ar",
    )


def assert_safe(article: Article) -> None:
    """No field of *article* holds markup (also once unescaped), controls or a non-http URL."""
    for name, value in article.to_dict().items():
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if isinstance(text, dict):
                assert text["url"] == "" or safe_url(text["url"]) == text["url"], (name, text)
                text = text["title"]
            if not isinstance(text, str):
                continue
            assert not TAG_LIKE_RE.search(text), (name, text)
            assert not TAG_LIKE_RE.search(html.unescape(text)), (name, text)
            assert printable(text) == text, (name, text)
    for name in ("canonical_url", "image"):
        value = getattr(article, name)
        assert value is None or safe_url(value) == value


def test_sanitize_article_names_what_it_changed() -> None:
    article, changed = sanitize_article(hostile_article())
    assert_safe(article)
    assert set(changed) == {
        "canonical_url",
        "title",
        "lead",
        "body",
        "authors",
        "tags",
        "section",
        "read_also",
        "related",
        "image",
    }
    assert article.title == "عنوان الخبر"
    assert article.authors == ["سارة المنصوري"] and article.tags == ["غزة"]
    assert article.read_also == [{"title": "خبر آخر", "url": ""}, {"title": "ثالث", "url": "https://a.example/news/3"}]
    assert article.related == []
    assert article.body == PARAGRAPH.strip() + "\n\n" + PARAGRAPH.strip()
    again, changed_again = sanitize_article(article)
    assert again == article and changed_again == []


def run_clean(article: Article) -> tuple[Article, dict[str, int]]:
    stats = MemoryStatsCollector(SimpleNamespace(settings=Settings({"STATS_DUMP": False})))  # type: ignore[arg-type]
    crawler = SimpleNamespace(stats=stats, spider=SimpleNamespace(languages=()))
    out = CleanPipeline(crawler, min_body_chars=50).process_item(article)  # type: ignore[arg-type]
    cleaned = {k.removeprefix("crawler/cleaned/"): v for k, v in stats.get_stats().items() if "cleaned" in k}
    return out, cleaned


def test_the_clean_pipeline_is_the_last_guard_and_counts_per_field() -> None:
    out, cleaned = run_clean(hostile_article())
    assert_safe(out)
    assert cleaned == dict.fromkeys(sanitize_article(hostile_article())[1], 1)
    assert out.title == "عنوان الخبر" and out.body and "steal" not in out.body


def test_a_prepared_article_is_guarded_and_rehashed() -> None:
    prepared = prepare(hostile_article())  # as an extraction worker would hand it over
    out, cleaned = run_clean(prepared)
    assert_safe(out)
    assert "body" in cleaned
    assert out.content_hash == prepare(sanitize_article(hostile_article())[0]).content_hash
    assert out.content_hash != prepared.content_hash


def test_a_safe_article_passes_unchanged_and_uncounted() -> None:
    article = Article(url="https://a.example/n/1", title="عنوان: 5 < 7", body=BODY, lang="ar")
    out, cleaned = run_clean(article)
    assert cleaned == {}
    assert out.title == "عنوان: 5 < 7" and out.body == BODY


def test_markup_only_title_is_dropped_with_a_reason() -> None:
    article = Article(url="https://a.example/n/1", title="<script>alert(1)</script>", body=BODY)
    with pytest.raises(DropItem, match="no_title"):
        run_clean(article)


JSONLD = json.dumps(
    {
        "@type": "NewsArticle",
        "headline": "<script>alert(2)</script>عنوان الخبر",
        "author": [{"@type": "Person", "name": "&lt;b&gt;سارة المنصوري&lt;/b&gt;\u001b[31m"}],
        "keywords": ["<script>k</script>غزة", "سياسة<img src=x>"],
        "articleSection": "<i>سياسة</i>",
        "description": "مقدمة <script>x</script>الخبر",
        "image": {"url": "javascript:alert(3)"},
    },
    ensure_ascii=False,
).replace("</", "<\\/")  # as pages write it inside <script>

HOSTILE_PAGE = f"""<html lang="ar"><head><meta charset="utf-8">
<title><script>alert('t')</script>عنوان الخبر</title>
<meta property="og:title" content="&lt;script&gt;alert(1)&lt;/script&gt;عنوان الخبر">
<meta property="og:image" content="javascript:alert(1)">
<meta name="keywords" content="غزة, &lt;img src=x onerror=alert(1)&gt;">
<link rel="canonical" href="data:text/html,x">
<script type="application/ld+json">{JSONLD}</script></head>
<body><article><h1>عنوان الخبر</h1>
<p>{PARAGRAPH * 2}</p><p>&lt;script&gt;alert(4)&lt;/script&gt;{PARAGRAPH * 2}</p>
<p>{PARAGRAPH} 5 &lt; 7 {PARAGRAPH}</p>
<div><h3>اقرأ أيضا</h3><ul><li><a href="javascript:alert(5)">خبر &lt;b&gt;آخر&lt;/b&gt;</a></li>
<li><a href="/news/2">خبر ثالث عن الطقس</a></li></ul></div>
</article></body></html>"""


def test_the_extractor_returns_no_markup_from_any_source_of_the_page() -> None:
    article = extract(HOSTILE_PAGE, "https://a.example/news/1")
    assert_safe(article)
    assert article.title == "عنوان الخبر"
    assert article.authors == ["سارة المنصوري"]
    assert "غزة" in article.tags and article.section == "سياسة"
    assert article.image is None and article.canonical_url is None
    assert article.body and "alert" not in article.body and "5 < 7" in article.body
    assert {"title": "خبر ثالث عن الطقس", "url": "https://a.example/news/2"} in article.read_also
    assert all("javascript" not in (i["url"] + i["title"]) for i in article.read_also)


@pytest.mark.parametrize("where", ["text", "json-ld"])
def test_a_lone_surrogate_costs_the_page_nothing_else(where: str) -> None:
    # Found by the fuzzer: one unencodable character (in a text page, or a "\ud800"
    # escape in JSON-LD) made the whole page fail.
    ld = (
        json.dumps({"@type": "NewsArticle", "headline": "عنوان \ud800الخبر", "articleSection": "\ud800"})
        if where == "json-ld"
        else "{}"
    )
    page = (
        f"<html><head><script type='application/ld+json'>{ld}</script></head><body><article>"
        f"<h1>عنوان الخبر</h1><p>{PARAGRAPH * 3}\ud800</p></article></body></html>"
    )
    article = extract(page, "https://a.example/news/1")
    assert article.title == "عنوان الخبر" and article.body and "وقال المتحدث" in article.body


@pytest.mark.timeout(120)  # a safety net: each input takes well under a second when linear
@pytest.mark.parametrize(
    "text",
    [
        "<script" * 150_000,  # tag openers that never close
        "<a" * 300_000,
        "<" * 200_000 + "b>" * 200_000,  # tags nested inside tags
        "<script>" * 100_000,
        "&" + "amp;" * 200_000 + "lt;b>",  # escaped 200,000 times over
        "&lt;a" * 200_000,
        "\x1b]" * 300_000,  # string commands that never end
        "<!--" * 200_000,
    ],
)
def test_hostile_megabytes_are_cleaned_in_linear_time(text: str) -> None:
    out = safe_text(text)
    assert not TAG_LIKE_RE.search(out) and printable(out) == out


def test_escaped_keywords_are_split_after_decoding() -> None:
    page = HOSTILE_PAGE.replace(
        'content="غزة, &lt;img src=x onerror=alert(1)&gt;"', 'content="PG&amp;amp;E, غزة&amp;quot;, AT&amp;amp;T"'
    ).replace('"keywords": [', '"x": [')
    assert extract(page, "https://a.example/news/1").tags == ["PG&E", 'غزة"', "AT&T"]


@pytest.mark.parametrize("ref", ["&#27;", "&#1;", "&#x7;", "&#X1B", "&#0;"])
def test_a_control_character_written_as_a_reference_costs_the_page_nothing_else(ref: str) -> None:
    # Found by scripts/fuzz.py: lxml decoded &#27; into the tree and the next lxml call
    # raised, so extract() returned the page without a body.
    page = f"<html><body><article><h1>عنوان الخبر</h1><p>{PARAGRAPH * 3}{ref}تتمة</p></article></body></html>"
    article = extract(page, "https://a.example/news/1")
    assert article.body and "وقال المتحدث" in article.body and "تتمة" in article.body
    assert printable(article.body) == article.body
