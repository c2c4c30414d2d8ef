# ruff: noqa: E501  (HTML page templates: one markup line per source line, as a page would be written)
"""Layouts modelled on large Arabic news sites (markup shapes only; all text is the project's)."""

from __future__ import annotations

from datetime import UTC, timedelta

from pagegen.common import (
    Built,
    Spec,
    arabic_date,
    clock12,
    e,
    expected,
    jsonld,
    link_dicts,
    links_li,
    naive_iso,
    paragraphs_html,
)

SHARE_AR = "شارك هذا الخبر عبر منصات التواصل"
NEWSLETTER = "اشترك في النشرة البريدية لتصلك أهم الأخبار يوميا"
FOLLOW = "تابعونا على منصات التواصل الاجتماعي لمتابعة آخر المستجدات"
APP = "حمّل تطبيق الموقع على هاتفك لتصلك الأخبار العاجلة أولا بأول"


def jazeera(spec: Spec) -> Built:
    """Al-Jazeera-like: JSON-LD, header dates, «اقرأ أيضا» boxes between paragraphs, topics list."""
    i = spec.index
    box = (
        f'<div class="more-on"><h2 class="more-on__title">اقرأ أيضا</h2><ul class="more-on__list">'
        f"{links_li(spec.read_also)}</ul></div>"
    )
    inserts = {1 + i % 2: box}
    topics = "".join(f'<li><a href="/tag/{k}">{e(t)}</a></li>' for k, t in enumerate(spec.tags))
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": spec.title,
        "datePublished": spec.published.isoformat(),
        "dateModified": (spec.modified or spec.published).isoformat(),
        "author": [{"@type": "Person", "name": a} for a in spec.authors]
        or {"@type": "Organization", "name": "الجزيرة"},
        "publisher": {"@type": "Organization", "name": "الجزيرة نت"},
        "articleSection": spec.story["section"],
        "image": {"@type": "ImageObject", "url": f"https://jazeera.example/img/{i}.jpg"},
    }
    authors = "".join(f'<a class="author-link" href="/author/{k}">{e(a)}</a>' for k, a in enumerate(spec.authors))
    page = f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{e(spec.title)} | الجزيرة نت</title>
<meta property="og:title" content="{e(spec.title)} | الجزيرة نت"><meta property="og:site_name" content="الجزيرة نت">
<link rel="canonical" href="{e(spec.url)}">{jsonld(ld)}</head><body>
<header class="site-header"><nav class="menu"><ul><li><a href="/news">أخبار</a></li><li><a href="/politics">سياسة</a></li>
<li><a href="/economy">اقتصاد</a></li><li><a href="/sport">رياضة</a></li></ul></nav></header>
<main id="main-content-area"><div class="breadcrumbs"><a href="/">الرئيسية</a> / <a href="/news">أخبار</a></div>
<article class="article">
<header class="article-header"><h1>{e(spec.title)}</h1>
<div class="article-info-block"><div class="article-author">{authors}</div>
<div class="article-dates"><span class="date-simple">نُشر في {spec.published.day}/{spec.published.month}/{spec.published.year}</span></div></div>
<div class="article-share"><span>شارك</span><a href="https://facebook.com/share">فيسبوك</a><a href="https://x.com/share">إكس</a><a href="#">واتساب</a></div></header>
<figure class="article-featured-image"><img src="/img/{i}.jpg" alt="صورة توضيحية"><figcaption>مصدر الصورة: وكالات</figcaption></figure>
<div class="wysiwyg wysiwyg--all-content">
{paragraphs_html(spec.paragraphs, inserts)}
</div>
<div class="topics"><h3>المصدر</h3><span>الجزيرة + وكالات</span></div>
<ul class="topics-list">{topics}</ul>
</article>
<aside class="sidebar"><section class="most-read"><h2>الأكثر قراءة</h2><ol>{links_li(spec.most_read)}</ol></section></aside>
</main><footer class="site-footer"><p>جميع الحقوق محفوظة © 2025 شبكة الجزيرة الإعلامية</p></footer></body></html>"""
    exp = expected(
        spec,
        published=spec.published.isoformat(),
        modified=(spec.modified or spec.published).isoformat(),
        tags=spec.tags,
        source="الجزيرة + وكالات",
        read_also=link_dicts(spec.read_also),
        related=link_dicts(spec.most_read),
    )
    return Built(
        page,
        exp,
        [t for t, _ in spec.read_also + spec.most_read] + ["مصدر الصورة: وكالات", "الجزيرة + وكالات"],
    )


def youm7(spec: Spec) -> Built:
    """Youm7-like: no structured date, «كتب ...» byline, inline «اقرأ أيضا:» lines, related topics."""
    i = spec.index
    eastern = i % 2 == 1
    when = f"{arabic_date(spec.published, 'egypt', eastern=eastern)} {clock12(spec.published, eastern)}"
    inline = [f'<p><strong>اقرأ أيضا:</strong> <a href="{e(u)}">{e(t)}</a></p>' for t, u in spec.read_also[:2]]
    inserts = {0: inline[0], 2: inline[1]} if len(spec.paragraphs) > 3 else {0: inline[0] + inline[1]}
    byline = "كتب " + " و".join(spec.authors) if spec.authors else ""
    related = "".join(f'<a href="/Tags/{k}">{e(t)}</a>' for k, t in enumerate(spec.tags))
    page = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{e(spec.title)} - اليوم السابع</title><meta name="description" content="{e(spec.paragraphs[0][:120])}">
</head><body><div id="header"><ul class="mainMenu"><li><a href="/">الرئيسية</a></li><li><a href="/Section/1">أخبار عاجلة</a></li>
<li><a href="/Section/2">سياسة</a></li></ul></div>
<div class="container"><div class="col-md-8"><div class="articleHeader"><h1>{e(spec.title)}</h1>
<div class="writeBy"><span class="writer">{e(byline)}</span></div>
<div class="newsStory-dateTime"><span>{e(when)}</span></div></div>
<div class="shareTopArticle"><a href="#">شارك</a><a href="#">فيسبوك</a><a href="#">تويتر</a></div>
<div class="img-cont"><img src="/images/{i}.jpg" alt="{e(spec.title)}"><p class="img-caption">صورة أرشيفية</p></div>
<div id="articleBody" class="articleCont">
{paragraphs_html(spec.paragraphs, inserts)}
</div>
<div class="tags"><span class="tagsTitle">الموضوعات المتعلقة</span>{related}</div>
<div class="shareBottom"><p>{SHARE_AR}</p></div>
<div class="commentsArea"><h3>أضف تعليق</h3><form><input name="name" placeholder="الاسم"><textarea></textarea><button>إرسال</button></form></div>
</div><div class="col-md-4"><div class="mostRead"><div class="title">الأكثر قراءة</div><ul>{links_li(spec.most_read)}</ul></div></div></div>
<div id="footer">جميع الحقوق محفوظة لليوم السابع</div></body></html>"""
    exp = expected(
        spec,
        published=naive_iso(spec.published),
        tags=spec.tags,
        read_also=link_dicts(spec.read_also[:2]),
        related=link_dicts(spec.most_read),
    )
    return Built(
        page,
        exp,
        [t for t, _ in spec.read_also[:2] + spec.most_read] + [SHARE_AR, "صورة أرشيفية", "أضف تعليق"],
    )


def hespress(spec: Spec) -> Built:
    """Hespress-like (Morocco): Moroccan month names, tag list, related grid, comment form inside the article."""
    i = spec.index
    when = f"{arabic_date(spec.published, 'morocco')} - {spec.published:%H:%M}"
    tags = "".join(f'<a href="/tag/{k}" rel="tag">{e(t)}</a>' for k, t in enumerate(spec.tags))
    grid = "".join(
        f'<div class="card"><a href="{e(u)}"><img src="/i.jpg" alt="{e(t)}"></a>'
        f'<h3 class="card-title"><a href="{e(u)}">{e(t)}</a></h3></div>'
        for t, u in spec.related
    )
    meta_date = f'<meta property="article:published_time" content="{spec.published.isoformat()}">' if i % 2 == 0 else ""
    page = f"""<!doctype html><html lang="ar"><head><meta charset="UTF-8"><title>{e(spec.title)} | هسبريس</title>
<meta property="og:site_name" content="هسبريس">{meta_date}
<meta property="og:title" content="{e(spec.title)}"></head><body>
<div class="top-bar"><a href="/">الرئيسية</a> <a href="/politique">سياسة</a> <a href="/economie">اقتصاد</a></div>
<div class="container"><div class="row"><div class="col-12 col-lg-8"><article class="post">
<h1 class="post-title">{e(spec.title)}</h1>
{f'<div class="author"><a href="/author/1">{e(spec.authors[0])}</a></div>' if spec.authors else ""}
<span class="date-post">{e(when)}</span>
<div class="social-share"><span>شارك</span><a href="#">فيسبوك</a><a href="#">تويتر</a></div>
<div class="article-content">
{paragraphs_html(spec.paragraphs, {len(spec.paragraphs) - 2: f'<p class="app-prompt">{APP}</p>'})}
</div>
<div class="box-tags"><span>وسوم</span>{tags}</div>
<section class="related-posts"><h2 class="section-title">مقالات ذات صلة</h2><div class="grid">{grid}</div></section>
<div id="comments"><h2>التعليقات</h2><div class="comment-form"><p>أضف تعليقك</p><form><input type="text" name="author"><textarea name="comment"></textarea><button>إرسال</button></form></div></div>
</article></div></div></div><footer>© هسبريس 2025</footer></body></html>"""
    authors = spec.authors[:1]
    pub = spec.published.isoformat() if i % 2 == 0 else naive_iso(spec.published)
    exp = expected(spec, authors=authors, published=pub, tags=spec.tags, related=link_dicts(spec.related))
    return Built(page, exp, [t for t, _ in spec.related] + [APP])


def bbc(spec: Spec) -> Built:
    """BBC-Arabic-like: <time datetime>, image credits and captions, «قصص ذات صلة», most-read list."""
    i = spec.index
    date_text = f"{spec.published.day} {['يناير/ كانون الثاني', 'فبراير/ شباط', 'مارس/ آذار', 'أبريل/ نيسان', 'مايو/ أيار', 'يونيو/ حزيران', 'يوليو/ تموز', 'أغسطس/ آب', 'سبتمبر/ أيلول', 'أكتوبر/ تشرين الأول', 'نوفمبر/ تشرين الثاني', 'ديسمبر/ كانون الأول'][spec.published.month - 1]} {spec.published.year}"
    figure = (
        '<figure><div class="image"><img src="/x.jpg" alt=""><span class="credit">مصدر الصورة، Getty Images</span></div>'
        '<figcaption><span class="visually-hidden">التعليق على الصورة، </span>صورة من موقع الحدث</figcaption></figure>'
    )
    ld = {
        "@context": "https://schema.org",
        "@type": "ReportageNewsArticle",
        "headline": spec.title,
        "datePublished": spec.published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z") if i % 3 == 0 else None,
        "author": {"@type": "NewsMediaOrganization", "name": "BBC News عربي"},
    }
    ld = {k: v for k, v in ld.items() if v is not None}
    page = f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{e(spec.title)} - BBC News عربي</title><meta property="og:site_name" content="BBC News عربي">
{jsonld(ld)}</head><body><header><a href="/arabic">BBC News عربي</a><nav><ul><li><a href="/arabic">الرئيسية</a></li><li><a href="/arabic/world">العالم</a></li></ul></nav></header>
<main role="main"><div><h1 id="content">{e(spec.title)}</h1></div>
<div><time datetime="{spec.published.date().isoformat()}">{e(date_text)}</time></div>
{figure}
<div dir="rtl">{paragraphs_html(spec.paragraphs, {1: figure}, h="h2")}</div>
<section aria-labelledby="related-content-heading"><h2 id="related-content-heading">قصص ذات صلة</h2><ul>{links_li(spec.related)}</ul></section>
<section aria-labelledby="Most-Read"><h2 id="Most-Read">الأكثر قراءة</h2><ol>{links_li(spec.most_read)}</ol></section>
</main><footer><p>حقوق الطبع والنشر © 2025 بي بي سي.</p></footer></body></html>"""
    pub = ld["datePublished"].replace(".000Z", "+00:00") if "datePublished" in ld else spec.published.date().isoformat()
    exp = expected(spec, authors=[], published=pub, related=link_dicts(spec.related + spec.most_read))
    return Built(page, exp, [t for t, _ in spec.related + spec.most_read] + ["Getty Images", "صورة من موقع الحدث"])


def skynews(spec: Spec) -> Built:
    """Sky-News-Arabia-like: relative time («منذ 3 ساعات»), «آخر تحديث:», dateline, keywords list."""
    i = spec.index
    hours = 1 + i
    published = spec.fetched_at - timedelta(hours=hours)
    rel = f"منذ {hours} ساعات" if hours > 2 else ("منذ ساعة" if hours == 1 else "منذ ساعتين")
    keywords = "".join(f'<li><a href="/keyword/{k}">{e(t)}</a></li>' for k, t in enumerate(spec.tags))
    dateline = '<p class="dateline">أبوظبي - سكاي نيوز عربية</p>'
    page = f"""<html lang="ar"><head><meta charset="utf-8"><title>{e(spec.title)} | سكاي نيوز عربية</title>
<meta property="og:title" content="{e(spec.title)}"><meta property="og:site_name" content="سكاي نيوز عربية"></head>
<body><div class="header-nav"><a href="/">الرئيسية</a><a href="/world">العالم</a><a href="/business">اقتصاد</a></div>
<div class="article-page"><div class="article-head"><h1 class="article-title">{e(spec.title)}</h1>
<div class="article-time"><span class="time-published">{rel}</span></div></div>
<div class="article-body">{dateline}
{paragraphs_html(spec.paragraphs, {1: f'<div class="follow-box"><p>{FOLLOW}</p></div>'})}
</div>
<div class="article-keywords"><h4>الكلمات المفتاحية</h4><ul>{keywords}</ul></div>
<div class="more-news"><h3>أخبار ذات صلة</h3><ul>{links_li(spec.related, with_date=rel)}</ul></div>
<div class="newsletter"><h3>النشرة الإخبارية</h3><p>{NEWSLETTER}</p><input type="email"><button>اشترك</button></div>
</div></body></html>"""
    exp = expected(
        spec,
        authors=[],
        published=published.replace(microsecond=0).isoformat(),
        tags=spec.tags,
        related=link_dicts(spec.related),
    )
    exp["body"] = "أبوظبي - سكاي نيوز عربية\n\n" + exp["body"]
    return Built(page, exp, [t for t, _ in spec.related] + [FOLLOW, NEWSLETTER])


def gulf(spec: Spec) -> Built:
    """A Gulf daily: Hijri + Gregorian dateline, «المصدر: واس», bylines with «تقرير:»."""
    i = spec.index
    from hijridate import Gregorian

    h = Gregorian(spec.published.year, spec.published.month, spec.published.day).to_hijri()
    hijri_months = [
        "محرم",
        "صفر",
        "ربيع الأول",
        "ربيع الآخر",
        "جمادى الأولى",
        "جمادى الآخرة",
        "رجب",
        "شعبان",
        "رمضان",
        "شوال",
        "ذو القعدة",
        "ذو الحجة",
    ]
    hijri = f"{h.day} {hijri_months[h.month - 1]} {h.year} هـ"
    greg = arabic_date(spec.published, "egypt", day_name=False)
    dateline = f"{hijri} - الموافق {greg}" if i % 3 else hijri
    byline = ("تقرير: " + " و".join(spec.authors)) if spec.authors else ""
    source = "واس"
    inserts = {len(spec.paragraphs) - 1: f"<p>المصدر: {source}</p>"} if i % 2 == 0 else {}
    last = spec.paragraphs[-1]
    paras = spec.paragraphs if i % 2 == 0 else [*spec.paragraphs[:-1], f"{last} (المصدر: {source})"]
    read_also = f'<div class="read-also"><b>إقرأ أيضاً</b><a href="{e(spec.read_also[0][1])}">{e(spec.read_also[0][0])}</a></div>'
    inserts[0] = read_also
    page = f"""<html><head><meta charset="utf-8"><title>{e(spec.title)} - صحيفة الخليج اليوم</title>
<meta name="keywords" content="{e(", ".join(spec.tags))}"></head>
<body><table width="100%"><tr><td class="nav"><a href="/">الرئيسية</a> | <a href="/local">محليات</a> | <a href="/eco">اقتصاد</a></td></tr></table>
<div id="content"><div class="news-details"><h1 class="news-title">{e(spec.title)}</h1>
<div class="news-meta"><span class="writer">{e(byline)}</span><span class="news-date">{e(dateline)}</span></div>
<div class="news-text">{paragraphs_html(paras, inserts, h="h3")}</div>
<div class="print-share"><a href="#">طباعة</a> <a href="#">إرسال لصديق</a></div></div></div>
<div class="footer">جميع الحقوق محفوظة لصحيفة الخليج اليوم</div></body></html>"""
    pub = spec.published.date().isoformat() if i % 3 else h.to_gregorian().isoformat()
    exp = expected(spec, published=pub, tags=spec.tags, source=source, read_also=link_dicts(spec.read_also[:1]))
    return Built(page, exp, [spec.read_also[0][0], f"المصدر: {source}", "إرسال لصديق"])
