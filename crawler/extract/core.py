"""The extractor: HTML (+ URL) in, an :class:`~crawler.items.Article` out.

Contract (stable; the crawler's pipelines call it, possibly in a process pool):

    extract(html: bytes | str, url: str | None = None, *, fetched_at: datetime | None = None,
            encoding: str | None = None) -> Article

The page is parsed once (:mod:`.page`); boilerplate blocks are moved into their fields
on a working copy of the tree (:mod:`.boilerplate`); trafilatura reads that copy for the
main text (:mod:`.body`); metadata and dates come from the shared parse. It never raises
on bad input: an unusable page gives an Article with ``body=None``. It keeps no state
between calls.
"""

from __future__ import annotations

import logging
import re
from copy import deepcopy
from datetime import datetime

from crawler.extract import body as body_mod
from crawler.extract import metadata
from crawler.extract.boilerplate import Trailers, add_link, separate
from crawler.extract.dates import find_dates
from crawler.extract.lang import detect_lang
from crawler.extract.layout import unwrap_layout_tables
from crawler.extract.page import Page, parse_page
from crawler.items import Article
from crawler.safety import sanitize_article
from crawler.text.arabic import fold

__all__ = ["extract"]

log = logging.getLogger(__name__)


def extract(
    html: bytes | str,
    url: str | None = None,
    *,
    fetched_at: datetime | None = None,
    encoding: str | None = None,
) -> Article:
    """Extract one article from *html*; never raises on bad input."""
    article = Article(url=url or "")
    try:
        page = parse_page(html, url, encoding) if isinstance(html, (bytes, str)) else None
        if page is not None:
            _fill(article, page, fetched_at)
    except Exception as exc:  # the contract: a page never breaks a crawl
        # lxml, trafilatura, htmldate and hijridate raise assorted errors on hostile pages;
        # whatever was filled before the error is kept (best effort) and the error is logged.
        log.warning("extraction failed for %s: %s: %s", url, type(exc).__name__, exc)
    # Stored text is text: no markup, controls or terminal escapes, only http(s) URLs.
    article, changed = sanitize_article(article)
    if changed:
        log.debug("markup or unsafe URLs removed from %s of %s", ", ".join(changed), url)
    return article


def _merge_links(primary: list[dict[str, str]], extra: list[dict[str, str]]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for item in primary + extra:
        add_link(out, item["title"], item["url"])
    return out


_NON_WORD_RE = re.compile(r"[\W_]+")


def _drop_repeated_title(body: list[str], titles: list[str | None]) -> list[str]:
    """Drop a leading line that repeats the headline (alone, or after a kicker)."""
    keys = {_NON_WORD_RE.sub("", fold(t)) for t in titles if t}
    keys.discard("")
    for i, para in enumerate(body[:3]):
        key = _NON_WORD_RE.sub("", fold(para))
        if key and any(key == k or (key.endswith(k) and len(key) - len(k) <= 60) for k in keys):
            return body[:i] + body[i + 1 :]
    return body


def _fill(article: Article, page: Page, fetched_at: datetime | None) -> None:
    article.canonical_url = metadata.canonical_url(page)
    article.title = metadata.title(page)
    work = deepcopy(page.tree)
    trailers: Trailers = separate(work, page.url or None)
    unwrap_layout_tables(work)
    paragraphs = body_mod.extract_paragraphs(work, page.url or None)
    text_trailers = Trailers(removed_text=trailers.removed_text)
    text_trailers.read_also = [dict(i) for i in trailers.read_also]
    text_trailers.related = [dict(i) for i in trailers.related]
    # The headline repeated at the top goes first: «تقرير: ...» there is a title, not a byline.
    paragraphs = _drop_repeated_title(paragraphs, [article.title, page.meta_first("og:title")])
    body = body_mod.filter_paragraphs(paragraphs, text_trailers)
    text = "\n\n".join(body).replace("\ufffd", "")
    # A "body" without a single letter is decoding debris, not an article.
    article.body = text if any(c.isalpha() for c in text) else None
    article.lang = detect_lang(" ".join(filter(None, [article.title, article.body])), page.tree.get("lang"))
    article.source = trailers.source or text_trailers.source
    article.tags = trailers.tags or text_trailers.tags or metadata.tags(page)
    article.read_also = _merge_links(trailers.read_also, text_trailers.read_also)
    article.related = _merge_links(trailers.related, text_trailers.related)
    article.authors = metadata.authors(page, trailers.bylines + text_trailers.bylines)
    article.section = metadata.section(page)
    article.image = metadata.image(page)
    article.lead = metadata.lead(page)
    article.published, article.modified = find_dates(
        page, work, fetched_at, arabic=article.lang in ("ar", "fa", "ur"), persian=article.lang == "fa", body=body
    )
