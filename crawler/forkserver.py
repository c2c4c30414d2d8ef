"""Imported by the extraction pool's forkserver, last (``set_forkserver_preload``): makes the
forkserver's memory what each extraction worker would otherwise build for itself, then
freezes it, so that the workers forked from it share those pages instead of copying them.

1. One small page is extracted and fingerprinted: the modules, compiled patterns and
   tables that the first page loads lazily (NumPy's random generators for the MinHash
   permutations, the fold table, the extractor's caches) are then made once, here.
2. ``gc.freeze()``: the objects made so far move to a permanent generation that the
   garbage collector never walks. A collection writes to the header of every object it
   walks, which in a forked worker copies the page holding it: without the freeze each
   worker ends up with a private copy of most of the forkserver's heap after its first
   collections (the documented use of ``gc.freeze`` before ``fork``).

Never imported by the crawl process.
"""

from __future__ import annotations

import contextlib
import gc

from crawler import workers

# A page like the ones crawled (meta tags, JSON-LD, byline and date, paragraphs, a "read
# also" box, tags): the extractor's lazily built parts are those a real page needs.
_P = "أعلنت وزارة الصحة صباح اليوم الثلاثاء عن افتتاح مستشفى جديد في المدينة بسعة مئتي سرير لخدمة السكان."
_PAGE = f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>افتتاح مستشفى جديد في المدينة | موقع الأخبار</title>
<link rel="canonical" href="http://warm-up.invalid/news/1/">
<meta property="og:type" content="article"><meta property="og:title" content="افتتاح مستشفى جديد في المدينة">
<meta property="og:url" content="http://warm-up.invalid/news/1/"><meta name="description" content="{_P}">
<meta property="article:published_time" content="2025-03-04T09:15:00+03:00">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "افتتاح مستشفى جديد في المدينة", "datePublished": "2025-03-04T09:15:00+03:00",
"dateModified": "2025-03-04T10:00:00+03:00", "author": [{{"@type": "Person", "name": "سارة المنصوري"}}],
"articleSection": "صحة", "keywords": "الصحة, مستشفى"}}</script></head><body>
<header><a class="logo" href="/">موقع الأخبار</a><nav><ul><li><a href="/">الرئيسية</a></li>
<li><a href="/section/health">صحة</a></li></ul></nav></header>
<div class="breadcrumb"><a href="/">الرئيسية</a> › <a href="/section/health">صحة</a></div>
<main><article class="article"><h1 class="article-title">افتتاح مستشفى جديد في المدينة</h1>
<div class="byline">كتب: <span class="author">سارة المنصوري</span>
<time datetime="2025-03-04T09:15:00+03:00">الثلاثاء 4 مارس 2025 - 09:15</time></div>
<div class="article-body"><p>{_P}</p><p>{_P} {_P}</p>
<div class="read-also"><strong>اقرأ أيضاً:</strong> <a href="/news/2/">المنتخب الوطني يتأهل إلى النهائي</a></div>
<h2>مرحلة ثانية</h2><p>{_P}</p><p>المصدر: وكالة الأنباء</p></div>
<div class="tags"><a href="/tag/1">الصحة</a> <a href="/tag/2">مستشفى</a></div></article>
<aside class="related"><h3>أخبار ذات صلة</h3><ul><li><a href="/news/3/">خبر آخر عن الصحة</a></li></ul></aside>
</main><footer>جميع الحقوق محفوظة © 2025</footer></body></html>"""


def warm_up() -> None:
    """Extract and fingerprint one page; errors are ignored (the workers would meet them again)."""
    with contextlib.suppress(Exception):  # only a warm-up
        workers.run_page(workers.extract_page, _PAGE.encode(), "http://warm-up.invalid/news/1/", None, "utf-8")


warm_up()
gc.collect()
gc.freeze()
