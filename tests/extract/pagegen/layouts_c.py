# ruff: noqa: E501  (HTML page templates: one markup line per source line, as a page would be written)
"""Layouts whose pages are full of other articles' dates: an Iraqi and a Moroccan site.

Real sites show the dates of many other articles around the article's own dateline: a
latest-news column before it in the markup, cards of related stories after it whose
titles are plain text beside an image link, a next-article box, dated reader comments.
A third of the pages have no dateline at all: there the right answer is «no date».
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pagegen.common import EASTERN, Built, Spec, arabic_date, e, expected, link_dicts, naive_iso, paragraphs_html


def _short(title: str) -> str:
    """A column's short link text: the first three words of a headline."""
    return " ".join(title.split()[:3])


def _other_day(spec: Spec, days: int) -> datetime:
    return spec.published - timedelta(days=days)


def iraqi(spec: Spec) -> Built:
    """Iraqi-like (Baghdad daily): «كانون الثاني» datelines, a latest-news column before the
    article, related cards with plain-text titles and their own dates, a dated comment."""
    i = spec.index
    kind = i % 3
    if kind == 0:  # unlabelled dateline, Eastern digits on every other page
        when = f"{arabic_date(spec.published, 'levant', eastern=i % 2 == 1)} - {spec.published:%H:%M}"
        dateline = f'<div class="post-meta"><span class="post-date">{e(when)}</span></div>'
        published = naive_iso(spec.published.replace(second=0))
    elif kind == 1:  # labelled, date only
        when = f"نشر بتاريخ: {arabic_date(spec.published, 'levant', day_name=False)}"
        dateline = f'<div class="post-meta"><span>{e(when)}</span></div>'
        published = spec.published.date().isoformat()
    else:
        dateline, published = "", None
    column = "".join(
        f'<div class="latest-item"><span class="latest-date">{e(arabic_date(_other_day(spec, k), "levant", day_name=False))}</span>'
        f'<a href="{e(u)}">{e(_short(t))}</a></div>'
        for k, (t, u) in enumerate(spec.most_read[:4], start=1)
    )
    cards = "".join(
        f'<div class="col-4"><div class="news-card"><a href="{e(u)}"><img src="/img/{k}.jpg" alt="{e(t)}"></a>'
        f'<h4 class="news-card-title">{e(t)}</h4><span class="news-card-date">{e(arabic_date(_other_day(spec, k + 2), "levant", day_name=False))}</span></div></div>'
        for k, (t, u) in enumerate(spec.related[:4])
    )
    comment_day = arabic_date(spec.fetched_at, "levant", day_name=False)
    page = f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{e(spec.title)} - المربد نيوز</title>
<meta property="og:site_name" content="المربد نيوز"><meta property="og:title" content="{e(spec.title)}"></head><body>
<div class="topnav"><a href="/">الرئيسية</a> <a href="/iraq">محليات</a> <a href="/economy">اقتصاد</a></div>
<div class="wrapper"><div class="right-column"><h3>آخر الأخبار</h3>{column}</div>
<div class="main-column"><div class="post"><h1 class="post-title">{e(spec.title)}</h1>{dateline}
<div class="post-body">{paragraphs_html(spec.paragraphs)}</div>
<div class="related-news"><h3>أخبار ذات صلة</h3><div class="row">{cards}</div></div>
<div class="comments-list"><div class="comment-item"><span class="comment-date">{e(comment_day)}</span><p>تعليق قارئ: نتمنى أن يرى المشروع النور قريبا.</p></div></div>
</div></div></div><div class="footer">جميع الحقوق محفوظة للمربد نيوز</div></body></html>"""
    latest = [(_short(t), u) for t, u in spec.most_read[:4]]
    exp = expected(spec, authors=[], published=published, related=link_dicts(latest + spec.related[:4]))
    return Built(page, exp, [t for t, _ in spec.related[:4]] + ["تعليق قارئ"])


def moroccan(spec: Spec) -> Built:
    """Moroccan-like (Rabat daily): «يوليوز/غشت» datelines, a most-read box with dates before
    the article, a next-article box with its date after it."""
    i = spec.index
    kind = i % 3
    if kind == 0:  # labelled, with the time
        when = f"نشر في: {arabic_date(spec.published, 'morocco')} - {spec.published:%H:%M}"
        dateline = f'<p class="article-meta">{e(when)}</p>'
        published = naive_iso(spec.published.replace(second=0))
    elif kind == 1:  # a <time> without a datetime attribute: the text is all there is
        when = arabic_date(spec.published, "morocco", day_name=False)
        dateline = f'<div class="info"><time>{e(when.translate(EASTERN) if i % 2 else when)}</time></div>'
        published = spec.published.date().isoformat()
    else:
        dateline, published = "", None
    most_read = "".join(
        f'<div class="mr-item"><div class="mr-date">{e(arabic_date(_other_day(spec, k), "morocco", day_name=False))}</div>'
        f'<div class="mr-title">{e(t)}</div><a class="mr-more" href="{e(u)}">المزيد</a></div>'
        for k, (t, u) in enumerate(spec.most_read[:3], start=1)
    )
    nt, nu = spec.related[0]
    next_box = (
        f'<div class="post-navigation"><div class="nav-next"><span>المقال التالي</span>'
        f'<a href="{e(nu)}">{e(nt[:20])}</a><span class="nav-date">{e(arabic_date(_other_day(spec, 1), "morocco", day_name=False))}</span></div></div>'
    )
    page = f"""<!doctype html><html lang="ar" dir="rtl"><head><meta charset="UTF-8"><title>{e(spec.title)} | الرباط اليوم</title>
<meta property="og:site_name" content="الرباط اليوم"></head><body>
<header class="site-header"><a href="/">الرئيسية</a> <a href="/maroc">وطنية</a> <a href="/sport">رياضة</a></header>
<div class="layout"><div class="sidebar-box"><div class="box-title">الأكثر قراءة</div>{most_read}</div>
<div class="content-area"><div class="single-article"><h1>{e(spec.title)}</h1>{dateline}
<div class="article-text">{paragraphs_html(spec.paragraphs)}</div>
{next_box}
</div></div></div><footer>© الرباط اليوم</footer></body></html>"""
    exp = expected(spec, authors=[], published=published)
    return Built(page, exp, [t for t, _ in spec.most_read[:3]] + ["المقال التالي"])
