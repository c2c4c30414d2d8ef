"""Articles stored by the crawler's own repository are searchable without any extra call."""

from __future__ import annotations

from crawler import Database
from crawler.db.repository import Repository
from crawler.items import Article


def _article(url: str, body: str) -> Article:
    return Article(
        url=url,
        canonical_url=url,
        site="alpha",
        title="خبر عن الموازنة",
        body=body,
        published="2025-07-05T10:00:00+03:00",
        lang="ar",
        content_hash=str(abs(hash(body))),
        fetched_at="2025-07-05T08:00:00+00:00",
    )


def test_store_update_and_versions_reach_the_index(empty_db: Database) -> None:
    repo = Repository(empty_db.engine)
    repo.store_articles([_article("https://alpha.example/1", "أقرت الحكومة الموازنة العامة.")])
    assert [r.id for r in empty_db.search("موازنه")] == [1]
    repo.store_articles([_article("https://alpha.example/1", "أقر البرلمان الموازنة بعد تعديلها.")])
    assert [r.id for r in empty_db.search("برلمان")] == [1]
    assert empty_db.search("حكومة") == []  # the old version is no longer searched
    detail = empty_db.show("https://alpha.example/1?utm_source=x")
    assert [v["version"] for v in detail.versions] == [1]
