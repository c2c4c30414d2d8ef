# ruff: noqa: E501  (HTML page templates: one markup line per source line, as a page would be written)
"""More layouts: Maghrebi and Levantine sites, two aggregators, a Persian page, a WordPress site."""

from __future__ import annotations

from pagegen.common import (
    PERSIAN_DIGITS,
    Built,
    Spec,
    arabic_date,
    e,
    expected,
    jsonld,
    link_dicts,
    links_li,
    naive_iso,
    paragraphs_html,
)

SHARE = "شارك المقال على فيسبوك وتويتر وواتساب"
TELEGRAM = "تابعوا آخر الأخبار عبر قناتنا على تيليغرام"


def maghreb(spec: Spec) -> Built:
    """Algerian/Tunisian-like: «جانفي» months, text-only tag line, «مواضيع ذات صلة»."""
    i = spec.index
    when = f"{arabic_date(spec.published, 'maghreb', day_name=False)} على الساعة {spec.published:%H:%M}"
    tag_line = "كلمات دلالية: " + "، ".join(spec.tags)
    page = f"""<html dir="rtl"><head><meta charset="utf-8"><title>{e(spec.title)} - الشروق المغاربي</title></head>
<body><div id="menu"><ul><li><a href="/">الرئيسية</a></li><li><a href="/national">الوطني</a></li><li><a href="/world">العالم</a></li></ul></div>
<div class="single-post"><div class="post-header"><h1 class="entry-title">{e(spec.title)}</h1>
<div class="post-meta"><span class="post-date">{e(when)}</span></div></div>
<div class="post-content">
{paragraphs_html(spec.paragraphs, {0: f'<p class="share-line">{SHARE}</p>'} if i % 2 else None)}
<p>{e(tag_line)}</p>
</div>
<div class="share-post"><span>شارك المقال</span><a href="#">فيسبوك</a><a href="#">تويتر</a></div>
<div class="related"><h3>مواضيع ذات صلة</h3><ul>{links_li(spec.related)}</ul></div></div>
<div id="footer"><p>جميع الحقوق محفوظة</p></div></body></html>"""
    exp = expected(
        spec,
        authors=[],
        published=naive_iso(spec.published),
        tags=spec.tags,
        related=link_dicts(spec.related),
    )
    return Built(page, exp, [tag_line, SHARE] + [t for t, _ in spec.related])


def levant(spec: Spec) -> Built:
    """Lebanese/Syrian-like: «كانون الثاني» months, «آخر تحديث:», text-only «اقرأ أيضاً», Telegram prompt."""
    pub = arabic_date(spec.published, "levant", day_name=False)
    mod = spec.modified or spec.published
    updated = f"آخر تحديث: {arabic_date(mod, 'levant', day_name=False)}"
    read_title = spec.read_also[0][0]
    inserts = {1: f"<p><b>اقرأ أيضاً: {e(read_title)}</b></p>", len(spec.paragraphs) - 1: f"<p>{TELEGRAM}</p>"}
    byline = f'<div class="article-author">بقلم: {e(spec.authors[0])}</div>' if spec.authors else ""
    page = f"""<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>{e(spec.title)} | النهار العربي</title>
<meta property="og:title" content="{e(spec.title)}"><meta property="og:site_name" content="النهار العربي"></head>
<body><header><nav><a href="/">الرئيسية</a> <a href="/lebanon">لبنان</a> <a href="/arab">عربي</a></nav></header>
<section class="article-wrap"><h1>{e(spec.title)}</h1>{byline}
<div class="article-dates"><span class="publish-date">{e(pub)}</span> <span class="update-date">{e(updated)}</span></div>
<div class="article-text">{paragraphs_html(spec.paragraphs, inserts, h="h3")}</div>
<div class="newsletter-box"><h4>النشرة البريدية</h4><p>اشترك في نشرتنا اليومية لتصلك الأخبار</p></div>
<div class="most-read"><h3>الأكثر قراءة</h3><ul>{links_li(spec.most_read)}</ul></div></section></body></html>"""
    exp = expected(
        spec,
        authors=spec.authors[:1],
        published=spec.published.date().isoformat(),
        modified=mod.date().isoformat(),
        read_also=[{"title": read_title, "url": ""}],
        related=link_dicts(spec.most_read),
    )
    return Built(page, exp, [read_title, TELEGRAM, "اشترك في نشرتنا اليومية"] + [t for t, _ in spec.most_read])


def aggregator(spec: Spec) -> Built:
    """Aggregator like the shared example: source line, tag list (Persian ی), read-also twice, similar list."""
    i = spec.index
    tags = [t.replace("في", "فی") for t in spec.tags[:2]] if i % 2 == 0 else spec.tags[:2]
    tags_html = " ".join(f'<a href="/tags/{k}">{e(t)}</a>' for k, t in enumerate(tags))
    rt, ru = spec.read_also[0]
    when = ""
    published = None
    if i % 3 == 0:
        when = f'<span class="time">منذ {2 + i} ساعات</span>'
        published = (spec.fetched_at.replace(microsecond=0) - __import__("datetime").timedelta(hours=2 + i)).isoformat()
    elif i % 3 == 1:
        when = f'<span class="time">{spec.published:%Y-%m-%d %H:%M}</span>'
        published = naive_iso(spec.published.replace(second=0))
    similar = "".join(
        f'<li><a href="{e(u)}">{e(t)}</a><span class="date">{spec.published:%d/%m/%Y}</span></li>'
        for t, u in spec.related
    )
    page = f"""<html lang="ar"><head><meta charset="{"windows-1256" if i % 2 else "utf-8"}">
<title>{e(spec.title)}</title></head><body>
<div class="navbar"><a href="/">الرئيسية</a><a href="/latest">آخر الأخبار</a><a href="/sources">المصادر</a></div>
<div class="main"><div class="news-item"><h1>{e(spec.title)}</h1>{when}
<div class="news-body">{paragraphs_html(spec.paragraphs)}</div>
<div class="source">المصدر: {e(spec.source or "")}</div>
<div class="news-tags">كلمات دلالية: {tags_html}</div>
<div class="read-also"><span>إقرأ أيضاً:</span><a href="{e(ru)}"><img src="/t.jpg" alt="{e(rt)}"></a><a href="{e(ru)}">{e(rt)}</a></div>
<div class="similar"><h3>مقالات مشابهة</h3><ul>{similar}</ul></div></div></div></body></html>"""
    exp = expected(
        spec,
        authors=[],
        published=published,
        tags=tags,
        source=spec.source,
        read_also=[{"title": rt, "url": ru}],
        related=link_dicts(spec.related),
    )
    b = Built(page, exp, [rt, f"المصدر: {spec.source}", "كلمات دلالية"] + [t for t, _ in spec.related])
    if i % 2:
        b.encoding = "windows-1256"
        b.http_encoding = "iso-8859-1" if i % 4 == 1 else None  # a lying header, or none at all
    return b


def oldportal(spec: Spec) -> Built:
    """An old table-based aggregator in windows-1256: <font>, <br><br> paragraphs, «مصدر الخبر:»."""
    i = spec.index
    text = "<br><br>\n".join(f"<b>{e(p[3:])}</b>" if p.startswith("## ") else e(p) for p in spec.paragraphs)
    dated = i % 2 == 0
    date_row = f'<tr><td class="date">نشر بتاريخ: {spec.published:%Y/%m/%d}</td></tr>' if dated else ""
    rel = "".join(
        f'<tr><td><a href="{e(u)}">{e(t)}</a> <font size="1">({spec.published:%d/%m/%Y})</font></td></tr>'
        for t, u in spec.related[:5]
    )
    page = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
<title>{e(spec.title)} :: بوابة الأخبار</title></head><body bgcolor="#ffffff">
<table width="100%"><tr><td><a href="/">الرئيسية</a> | <a href="/cat/1">أخبار عربية</a> | <a href="/cat/2">رياضة</a></td></tr></table>
<table width="760" align="center"><tr><td width="560" valign="top"><table>
<tr><td class="title"><font size="4"><b>{e(spec.title)}</b></font></td></tr>{date_row}
<tr><td class="text"><font size="2">{text}<br><br>مصدر الخبر: {e(spec.source or "")}</font></td></tr>
<tr><td><b>أخبار ذات صلة</b></td></tr>{rel}
</table></td><td width="200" valign="top"><table>
<tr><td><a href="/poll">شارك في استطلاع الرأي</a></td></tr></table></td></tr></table></body></html>"""
    exp = expected(
        spec,
        authors=[],
        published=spec.published.date().isoformat() if dated else None,
        source=spec.source,
        related=link_dicts(spec.related[:5]),
    )
    b = Built(
        page,
        exp,
        [f"مصدر الخبر: {spec.source}"] + [t for t, _ in spec.related[:5]],
        encoding="windows-1256",
        http_encoding="utf-8" if i % 3 == 0 else None,
    )
    return b


def persian(spec: Spec) -> Built:
    """A Persian news page (BBC-Persian-like): must come out lang=fa, «بیشتر بخوانید» block."""
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": spec.title,
        "datePublished": spec.published.isoformat(),
        "inLanguage": "fa",
        "author": [{"@type": "Person", "name": a} for a in spec.authors],
    }
    when = f"{spec.published.day} {['ژانویه', 'فوریه', 'مارس', 'آوریل', 'مه', 'ژوئن', 'ژوئیه', 'اوت', 'سپتامبر', 'اکتبر', 'نوامبر', 'دسامبر'][spec.published.month - 1]} {spec.published.year}".translate(
        PERSIAN_DIGITS
    )
    more = f'<div class="more"><h3>بیشتر بخوانید</h3><ul>{links_li(spec.read_also[:2])}</ul></div>'
    page = f"""<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>{e(spec.title)} - خبرگزاری نمونه</title>
{jsonld(ld)}</head><body><nav><a href="/">صفحه اصلی</a> <a href="/iran">ایران</a> <a href="/world">جهان</a></nav>
<main><article><h1>{e(spec.title)}</h1><time datetime="{spec.published.isoformat()}">{when}</time>
<div class="share"><span>اشتراک گذاری</span><a href="#">تلگرام</a><a href="#">واتس‌اپ</a></div>
<div class="text">{paragraphs_html(spec.paragraphs, {1: more})}</div></article></main>
<footer>تمامی حقوق محفوظ است</footer></body></html>"""
    exp = expected(spec, published=spec.published.isoformat(), read_also=link_dicts(spec.read_also[:2]), lang="fa")
    return Built(page, exp, [t for t, _ in spec.read_also[:2]])


def wordpress(spec: Spec) -> Built:
    """An Egyptian WordPress site: Yoast JSON-LD graph, «إقرأ أيضا» lists between paragraphs, inline source."""
    i = spec.index
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "بوابة النيل", "url": "https://nile.example/"},
            {
                "@type": "WebPage",
                "@id": spec.url,
                "name": f"{spec.title} - بوابة النيل",
                "datePublished": "2020-01-01T00:00:00+02:00",
            },
            {
                "@type": "NewsArticle",
                "headline": spec.title,
                "datePublished": spec.published.isoformat(),
                "dateModified": (spec.modified or spec.published).isoformat(),
                "keywords": ", ".join(spec.tags),
                "articleSection": [spec.story["section"]],
                "author": {"@type": "Person", "name": spec.authors[0]}
                if spec.authors
                else {"@type": "Organization", "name": "بوابة النيل"},
            },
        ],
    }
    block = f'<h4>إقرأ أيضا</h4><ul class="wp-block-list">{links_li(spec.read_also[:3])}</ul>'
    paras = list(spec.paragraphs)
    inserts = {min(2, len(paras) - 2): block}
    if spec.source:
        paras[-1] = f"{paras[-1]} (المصدر: {spec.source})"
    byline = f'<span class="byline">بقلم: {e(spec.authors[0])}</span>' if spec.authors else ""
    page = f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="UTF-8">
<title>{e(spec.title)} - بوابة النيل</title><meta property="og:title" content="{e(spec.title)} - بوابة النيل">
<meta property="og:site_name" content="بوابة النيل"><meta property="og:image" content="/wp-content/uploads/{i}.jpg">
{jsonld(graph)}</head><body class="single single-post">
<div id="page"><header id="masthead"><div class="site-branding"><a href="/">بوابة النيل</a></div>
<nav class="main-navigation"><ul><li><a href="/">الرئيسية</a></li><li><a href="/category/news">أخبار</a></li></ul></nav></header>
<div id="content"><article class="post type-post"><header class="entry-header"><h1 class="entry-title">{e(spec.title)}</h1>
<div class="entry-meta">{byline}<span class="posted-on"><time class="entry-date published" datetime="{spec.published.isoformat()}">{spec.published:%Y-%m-%d}</time></span></div></header>
<div class="entry-content">{paragraphs_html(paras, inserts)}
<div class="sharedaddy"><h3 class="sd-title">شارك هذا:</h3><ul><li><a href="#">فيسبوك</a></li><li><a href="#">تويتر</a></li></ul></div>
</div><footer class="entry-footer"><span class="tags-links">الوسوم: {", ".join(f'<a href="/tag/{k}" rel="tag">{e(t)}</a>' for k, t in enumerate(spec.tags))}</span></footer>
</article><div id="comments"><h3 id="reply-title">اترك تعليقاً</h3><form><p>لن يتم نشر عنوان بريدك الإلكتروني.</p><textarea></textarea></form></div></div>
<aside id="secondary"><section class="widget"><h2 class="widget-title">آخر الأخبار</h2><ul>{links_li(spec.most_read[:4])}</ul></section></aside>
<footer id="colophon">© بوابة النيل</footer></div></body></html>"""
    exp = expected(
        spec,
        authors=spec.authors[:1],
        published=spec.published.isoformat(),
        modified=(spec.modified or spec.published).isoformat(),
        tags=spec.tags,
        source=spec.source,
        read_also=link_dicts(spec.read_also[:3]),
        related=link_dicts(spec.most_read[:4]),
    )
    return Built(page, exp, [t for t, _ in spec.read_also[:3] + spec.most_read[:4]] + ["لن يتم نشر عنوان بريدك"])
