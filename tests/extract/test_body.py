"""Main text: comment sections and navigation menus stay out of the body."""

from __future__ import annotations

from crawler.extract import extract
from crawler.extract.body import _looks_like_menu

PARAGRAPHS = [
    "أعلنت وزارة الصحة اليوم عن افتتاح ثلاثة مستشفيات جديدة في المحافظات الجنوبية ضمن خطة لتوسيع الخدمات.",
    "وقال الوزير في مؤتمر صحفي إن المستشفيات ستستقبل المرضى ابتداء من الشهر المقبل بطاقة استيعابية كاملة.",
    "وأضاف أن الخطة تشمل تدريب ألف ممرض وممرضة خلال العامين المقبلين بالتعاون مع الجامعات المحلية.",
    "وأشار إلى أن تكلفة المشروع بلغت نحو مئتي مليون دولار جرى تمويل معظمها من موازنة الدولة.",
]


def _page(after_paragraphs: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        "<html lang='ar'><head><meta charset='utf-8'><title>افتتاح مستشفيات جديدة</title></head><body>"
        f"<article><h1>افتتاح مستشفيات جديدة</h1><div class='main-wrapper'>{body}{after_paragraphs}</div>"
        "</article></body></html>"
    )


def test_comment_section_prompts_stay_out_of_the_body() -> None:
    # The comment prompt sits beside the paragraphs, the comment widget (empty until a
    # script runs) after it: the prompt must not read as the article's last paragraphs.
    comments = (
        "<div class='show-comments'><div><h2>انضم إلى النقاش</h2>"
        "<p>انضم إلى نقاشات القراء الآخرين وتابع ردودهم على الأخبار</p>"
        "<a class='js-comment'><span>التعليقات</span></a></div></div><div id='comments'></div>"
    )
    article = extract(_page(comments), "https://akhbar.example/news/1")
    assert article.body is not None
    assert all(p in article.body for p in PARAGRAPHS)
    assert "انضم إلى النقاش" not in article.body
    assert "نقاشات القراء" not in article.body


def test_a_list_of_short_link_lines_reads_as_a_menu() -> None:
    menu = "\n".join(["الرئيسية", "سياسة", "اقتصاد", "رياضة", "ثقافة", "منوعات", "فيديو", "صور", "رأي", "اتصل بنا"])
    assert _looks_like_menu(menu)
    assert not _looks_like_menu("\n".join(PARAGRAPHS * 3))
    # a short article with a few short lines (sub-headings) is not a menu
    assert not _looks_like_menu("\n".join([*PARAGRAPHS, "خلفية", "ردود فعل", *PARAGRAPHS]))


def test_teasers_whose_date_is_longer_than_their_title_stay_one_related_block() -> None:
    items = [("مجلس النواب يناقش", "28 كانون الثاني 2025"), ("افتتاح حديقة", "30 تشرين الثاني 2024")]
    column = "".join(
        f"<div class='item'><span class='date'>{d}</span><a href='/n/{k}'>{t}</a></div>"
        for k, (t, d) in enumerate(items)
    )
    page = _page("").replace("<article>", f"<div class='col'><h3>آخر الأخبار</h3>{column}</div><article>")
    article = extract(page, "https://akhbar.example/news/1")
    assert [(i["title"], i["url"]) for i in article.related] == [
        (t, f"https://akhbar.example/n/{k}") for k, (t, _) in enumerate(items)
    ]
