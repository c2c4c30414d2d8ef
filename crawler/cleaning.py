"""The display form of an article's text fields: pure, light, shared by the Clean pipeline
and the extraction workers (which prepare each article before it comes back, so the
crawl process does not redo the work).
"""

from __future__ import annotations

from dataclasses import replace

from crawler.dedup.hashing import content_hash
from crawler.items import Article
from crawler.text.arabic import display

__all__ = ["clean_fields", "prepare"]


def clean_fields(article: Article) -> Article:
    """*article* with its text fields in display form (tidy, never rewritten), tags deduplicated."""
    return replace(
        article,
        title=display(article.title or "") or None,
        lead=display(article.lead or "") or None,
        body=display(article.body or "") or None,
        authors=[a for a in (display(x) for x in article.authors) if a],
        tags=list(dict.fromkeys(t for t in (display(x) for x in article.tags) if t)),
        source=display(article.source or "") or None,
        section=display(article.section or "") or None,
    )


def prepare(article: Article) -> Article:
    """Clean fields and the content hash of the clean body: what Clean and Dedup would compute.

    An article with ``content_hash`` set is taken as prepared by the pipelines (display is
    idempotent, so cleaning again would change nothing).
    """
    article = clean_fields(article)
    article.content_hash = content_hash(article.body)
    return article
