"""The test suite's local news sites (written for this project; served on loopback only).

``publisher`` (127.0.0.1): the demo articles in the publisher layout plus a Gulf-daily
layout, an RSS feed, a sitemap index with a Google News sitemap, paginated listings,
robots.txt, and faults: a 404, a 500 that succeeds on retry, a redirect chain, a PDF
behind an article-looking link, a windows-1256 page whose header lies, an empty
article, and a page robots.txt forbids.

``aggregator`` (127.0.0.2): copies of two publisher stories in the aggregator layout of
the shared example (body, «المصدر:», «كلمات دلالية:», «إقرأ أيضاً:», «مقالات مشابهة»), plus
one story of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler

from crawler.demo.articles import ARTICLES, DemoArticle
from crawler.demo.server import Resource, SiteServer
from crawler.demo.site import (
    aggregator_page,
    article_path,
    listing_page,
    news_sitemap,
    publisher_page,
    rss_feed,
    sitemap_index,
    urlset_sitemap,
)

GULF_ARTICLE = DemoArticle(
    slug="2001",
    title="افتتاح جسر جديد يربط الضفتين ويختصر زمن الرحلة إلى النصف",
    section="محليات",
    author="حمد الكعبي",
    published="2025-03-12T08:00:00+04:00",
    paragraphs=(
        "افتتحت هيئة الطرق والمواصلات صباح أمس جسراً جديداً يربط ضفتي الخور، بطول كيلومترين وبستة مسارات "
        "في كل اتجاه، ليختصر زمن الرحلة بين المنطقتين من أربعين دقيقة إلى عشرين دقيقة.",
        "وقال مدير الهيئة إن الجسر صمم لاستيعاب أكثر من عشرين ألف مركبة في الساعة، ويضم مساراً مخصصاً "
        "للدراجات الهوائية وممرات للمشاة مزودة بمظلات.",
        "وأضاف أن المشروع نفذ خلال ثلاثين شهراً بتكلفة بلغت مليار درهم، وروعيت فيه أعلى معايير السلامة "
        "والاستدامة، بما في ذلك إنارة تعمل بالطاقة الشمسية.",
        "ويتوقع أن يخفف الجسر الازدحام على المحاور الرئيسية بنسبة ثلاثين في المئة خلال ساعات الذروة.",
    ),
    tags=("الطرق", "المواصلات"),
)

LEGACY_ARTICLE = DemoArticle(
    slug="1256",
    title="جامعة عريقة تحتفل بمرور مئة عام على تأسيسها",
    section="تعليم",
    author="أحمد السالم",
    published="2025-03-13T12:00:00+02:00",
    paragraphs=(
        "احتفلت الجامعة أمس بمرور مئة عام على تأسيسها بحضور آلاف الخريجين والأساتذة من مختلف الأجيال، في "
        "حفل أقيم في ساحتها الرئيسية وسط أجواء احتفالية.",
        "واستعرض رئيس الجامعة في كلمته مسيرة قرن من العطاء العلمي، مشيراً إلى أن الجامعة خرجت أكثر من "
        "نصف مليون طالب في تخصصات الطب والهندسة والآداب والعلوم.",
        "وتضمن الحفل افتتاح متحف يوثق تاريخ الجامعة بالصور والوثائق النادرة، إضافة إلى إطلاق منح دراسية "
        "جديدة للطلاب المتفوقين من الأسر محدودة الدخل.",
    ),
    tags=("الجامعات", "التعليم العالي"),
)

RETRY_ARTICLE = DemoArticle(
    slug="5005",
    title="ارتفاع صادرات التمور إلى مستوى قياسي خلال العام الماضي",
    section="اقتصاد",
    author="ريم العنزي",
    published="2025-03-14T09:30:00+03:00",
    paragraphs=(
        "كشفت بيانات رسمية صدرت اليوم عن ارتفاع صادرات التمور إلى مستوى قياسي خلال العام الماضي، بعدما "
        "بلغت قيمتها أكثر من مليار ومئتي مليون دولار بنمو تجاوز أربعة عشر في المئة.",
        "وأرجعت البيانات هذا النمو إلى دخول أسواق جديدة في آسيا وأوروبا، وتحسن جودة التعبئة والتغليف، "
        "ودعم المزارعين بأنظمة ري حديثة تقلل استهلاك المياه.",
        "ويعمل في قطاع النخيل والتمور أكثر من مئة ألف مزارع، فيما تسعى الجهات المعنية إلى مضاعفة الصادرات "
        "خلال السنوات الخمس المقبلة.",
    ),
    tags=("التمور", "الصادرات"),
)

AGGREGATOR_OWN = DemoArticle(
    slug="3001",
    title="مهرجان للفنون الشعبية يجمع فرقاً من عشر دول عربية",
    section="منوعات",
    author="محرر البوابة",
    published="2025-03-15T18:00:00+03:00",
    paragraphs=(
        "انطلقت مساء أمس فعاليات مهرجان الفنون الشعبية بمشاركة فرق من عشر دول عربية، تقدم عروضاً من "
        "الرقص والغناء التراثي على مدى أسبوع كامل.",
        "ويتضمن المهرجان معرضاً للحرف اليدوية وأركاناً للمأكولات الشعبية، إلى جانب ورش للأطفال تعرفهم "
        "بالتراث الغنائي لكل بلد مشارك.",
        "وقالت اللجنة المنظمة إن المهرجان يهدف إلى تعزيز التواصل الثقافي بين الشعوب العربية وحفظ الموروث "
        "الشعبي من الاندثار.",
    ),
    tags=("الفنون الشعبية", "المهرجانات"),
)


def gulf_page(article: DemoArticle) -> bytes:
    """A Gulf-daily layout: no JSON-LD, visible Arabic date, «بقلم» byline, photo credit."""
    paras = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    return f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{escape(article.title)} - صحيفة الخليج التجريبية</title>
<meta property="og:title" content="{escape(article.title)}"><meta property="og:type" content="article">
</head><body><div id="header"><ul class="menu"><li><a href="/">الرئيسية</a></li></ul></div>
<div class="content"><div class="news-details">
<h1>{escape(article.title)}</h1>
<div class="meta"><span class="writer">بقلم: {escape(article.author)}</span>
<span class="date">الأربعاء 12 مارس 2025</span></div>
<figure><img src="/img/bridge.jpg" alt=""><figcaption>الجسر الجديد (تصوير: قسم التصوير)</figcaption></figure>
<div class="news-text">{paras}</div>
<div class="share">شارك هذا الخبر</div>
</div></div><div id="footer">جميع الحقوق محفوظة</div></body></html>""".encode()


@dataclass
class LocalSites:
    publisher: SiteServer
    aggregator: SiteServer
    retry_calls: list[int] = field(default_factory=list)

    @property
    def sites_toml(self) -> str:
        p, a = self.publisher.base_url, self.aggregator.base_url
        return f"""[sites.publisher]
start_urls = ["{p}/"]
feeds = ["{p}/rss.xml"]
sitemaps = ["{p}/sitemap.xml"]
article_pattern = "^/(news|private)/\\\\d+/$"
download_delay = 0
concurrency = 8
aliases = ["موقع الأخبار التجريبي"]

[sites.aggregator]
start_urls = ["{a}/"]
article_pattern = "^/agg/\\\\d+/$"
download_delay = 0
concurrency = 8
"""

    def stop(self) -> None:
        self.publisher.stop()
        self.aggregator.stop()


# Articles each site serves with a good body (what a crawl must store).
PUBLISHER_ARTICLES = (*ARTICLES, GULF_ARTICLE, LEGACY_ARTICLE, RETRY_ARTICLE)
AGGREGATOR_COPIES = ARTICLES[:2]
AGGREGATOR_ARTICLES = (*AGGREGATOR_COPIES, AGGREGATOR_OWN)


def _publisher_routes(base: str, sites: LocalSites) -> dict[str, object]:
    arts = list(ARTICLES)
    routes: dict[str, object] = {}
    for i, art in enumerate(arts):
        routes[article_path(art)] = Resource(publisher_page(art, base, arts[i + 1 :] + arts[:i]))
    routes[article_path(GULF_ARTICLE)] = Resource(gulf_page(GULF_ARTICLE))
    legacy = publisher_page(LEGACY_ARTICLE, base, arts[:3]).decode("utf-8")
    legacy = legacy.replace('<meta charset="utf-8">', "")
    # A legacy page: windows-1256 bytes, a header that claims iso-8859-1, no <meta> charset.
    routes[article_path(LEGACY_ARTICLE)] = Resource(
        legacy.encode("cp1256"), content_type="text/html; charset=iso-8859-1"
    )
    retry_body = publisher_page(RETRY_ARTICLE, base, arts[:3])

    def flaky(_: BaseHTTPRequestHandler) -> Resource:
        sites.retry_calls.append(1)
        if len(sites.retry_calls) == 1:
            return Resource(b"<html><body>temporary failure</body></html>", status=500)
        return Resource(retry_body)

    routes[article_path(RETRY_ARTICLE)] = flaky
    routes["/news/4040/"] = Resource(b"<html><body>not found</body></html>", status=404)
    routes["/news/7007/"] = Resource(
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", content_type="application/pdf"
    )
    routes["/news/8008/"] = Resource(
        b'<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>\xd8\xae\xd8\xa8\xd8\xb1</title></head>'
        b"<body><article><h1>\xd8\xae\xd8\xa8\xd8\xb1</h1></article></body></html>"
    )
    routes["/private/9009/"] = Resource(publisher_page(arts[0], base, arts[1:]))
    # A redirect chain ending at a stored article with a tracking parameter.
    routes["/news/6006/"] = Resource(status=301, headers={"Location": "/moved/6006"})
    routes["/moved/6006"] = Resource(status=302, headers={"Location": f"{article_path(arts[2])}?utm_source=go"})
    half = len(arts) // 2
    page1 = [(article_path(a), a.title) for a in arts[:half]] + [("/private/9009/", "خاص"), ("/news/6006/", "تحويل")]
    page2 = [(article_path(a), a.title) for a in arts[half:]]
    page2 += [(article_path(a), a.title) for a in (GULF_ARTICLE, LEGACY_ARTICLE, RETRY_ARTICLE)]
    page2 += [("/news/4040/", "مفقود"), ("/news/7007/", "ملف"), ("/news/8008/", "فارغ")]
    routes["/"] = Resource(listing_page(page1, "/latest/page/2"))
    routes["/latest/page/2"] = Resource(listing_page(page2, "/latest/page/3"))
    routes["/latest/page/3"] = Resource(listing_page([], None))
    routes["/rss.xml"] = Resource(
        rss_feed(
            base,
            [(f"{base}{article_path(a)}?utm_source=rss", a.title, "Tue, 04 Mar 2025 09:15:00 +0300") for a in arts[:4]],
        ),
        content_type="application/rss+xml; charset=utf-8",
    )
    routes["/sitemap.xml"] = Resource(
        sitemap_index([f"{base}/sitemap-articles.xml", f"{base}/sitemap-news.xml"]), content_type="application/xml"
    )
    routes["/sitemap-articles.xml"] = Resource(
        urlset_sitemap([(base + article_path(a), a.published[:10]) for a in arts]), content_type="application/xml"
    )
    routes["/sitemap-news.xml"] = Resource(
        news_sitemap([(base + article_path(a), a.title, a.published) for a in (GULF_ARTICLE, *arts[-2:])]),
        content_type="application/xml",
    )
    routes["/robots.txt"] = Resource(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    return routes


def _aggregator_routes(base: str, publisher_name: str) -> dict[str, object]:
    routes: dict[str, object] = {}
    pool = list(ARTICLES)
    for art in AGGREGATOR_COPIES:
        others = [a for a in pool if a is not art]
        routes[article_path(art, "/agg")] = Resource(aggregator_page(art, base, publisher_name, others))
    routes[article_path(AGGREGATOR_OWN, "/agg")] = Resource(
        aggregator_page(AGGREGATOR_OWN, base, "وكالة الأنباء التجريبية", pool[2:])
    )
    links = [(article_path(a, "/agg"), a.title) for a in AGGREGATOR_ARTICLES]
    routes["/"] = Resource(listing_page(links, None))
    routes["/robots.txt"] = Resource(b"User-agent: *\nAllow: /\n", content_type="text/plain")
    return routes


def start_local_sites() -> LocalSites:
    publisher = SiteServer({}, host="127.0.0.1")
    aggregator = SiteServer({}, host="127.0.0.2")
    sites = LocalSites(publisher, aggregator)
    publisher.routes.update(_publisher_routes(publisher.base_url, sites))  # type: ignore[arg-type]
    aggregator.routes.update(_aggregator_routes(aggregator.base_url, "موقع الأخبار التجريبي"))  # type: ignore[arg-type]
    publisher.start()
    aggregator.start()
    return sites
