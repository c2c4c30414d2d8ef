"""Storing articles: new, unchanged, new version, copy of a stored article (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.api import Database
from crawler.db.engine import connect
from crawler.db.repository import Repository
from crawler.dedup.hashing import content_hash
from crawler.items import Article


def make(url: str, body: str, **kw: object) -> Article:
    return Article(
        url=url,
        canonical_url=url,
        site="s",
        title=kw.pop("title", "عنوان"),
        body=body,  # type: ignore[arg-type]
        content_hash=content_hash(body),
        fetched_at=datetime.now(UTC).isoformat(),
        **kw,  # type: ignore[arg-type]
    )


BODY = "أعلنت الحكومة اليوم عن خطة جديدة.\n\nوقال الوزير إن الخطة تبدأ الشهر المقبل."


def test_new_unchanged_updated_with_versions_kept(db_url: str) -> None:
    repo = Repository(connect(db_url))
    [first] = repo.store_articles([make("https://a.com/1", BODY, published="2025-03-04T09:15:00+03:00")])
    assert first.status == "new"
    [again] = repo.store_articles([make("https://a.com/1", BODY)])
    assert again.status == "unchanged" and again.article_id == first.article_id
    edited = BODY + "\n\nتحديث: أضيفت تفاصيل."
    [update] = repo.store_articles([make("https://a.com/1", edited, title="عنوان معدل")])
    assert update.status == "updated"
    article = repo.get_article("https://a.com/1")
    assert article is not None and article.body == edited and article.title == "عنوان معدل"
    versions = repo.versions(first.article_id)
    assert [v["version"] for v in versions] == [1]
    assert versions[0]["content_hash"] == content_hash(BODY)
    assert repo.count_articles() == 1


def test_same_text_elsewhere_is_a_copy_of_the_first_seen(db_url: str) -> None:
    repo = Repository(connect(db_url))
    outcomes = repo.store_articles(
        [make("https://a.com/1", BODY), make("https://b.com/9", BODY.replace("أعلنت", "اعلنت"))]
    )
    assert [o.status for o in outcomes] == ["new", "duplicate"]
    assert outcomes[1].duplicate_of == "https://a.com/1"
    copy = repo.get_article("https://b.com/9")
    assert copy is not None and copy.duplicate_of == "https://a.com/1"
    with Database(db_url) as db:
        [root] = db.search()
        assert root.url == "https://a.com/1" and root.copies == 1
        assert len(db.search(include_duplicates=True)) == 2


def test_dates_are_stored_with_their_offset_and_filtered_in_utc(db_url: str) -> None:
    repo = Repository(connect(db_url))
    repo.store_articles([make("https://a.com/1", BODY, published="2025-03-04T01:00:00+03:00")])
    with Database(db_url) as db:
        [article] = db.search()
        assert article.published == "2025-03-04T01:00:00+03:00"
        assert db.search(since=datetime(2025, 3, 3, 21, 59, tzinfo=UTC))
        assert not db.search(since=datetime(2025, 3, 3, 22, 1, tzinfo=UTC))


def test_query_filters(db_url: str) -> None:
    repo = Repository(connect(db_url))
    repo.store_articles(
        [
            make("https://a.com/1", BODY, tags=["غزة"]),
            make("https://b.com/2", "نص مختلف تماماً عن الاقتصاد والأسواق.", tags=["اقتصاد"]),
        ]
    )
    with Database(db_url) as db:
        assert [a.url for a in db.search("الحكومة")] == ["https://a.com/1"]
        assert [a.url for a in db.search(tag="اقتصاد")] == ["https://b.com/2"]
        assert db.search(site=["nope"]) == []


def test_runs_round_trip(db_url: str) -> None:
    repo = Repository(connect(db_url))
    run_id = repo.start_run(sites="s", command="crawl", host="h", pid=1, log_path=None)
    repo.finish_run(run_id, status="finished", finish_reason="finished", articles_new=3, dropped={"short_body": 1})
    [run] = repo.list_runs()
    assert run["status"] == "finished" and run["articles_new"] == 3 and run["dropped"] == {"short_body": 1}
    assert run["finished_at"] is not None
