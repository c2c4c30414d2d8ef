"""The same query gives the same results on SQLite and PostgreSQL; the migration
indexes articles stored before it."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import insert

from crawler import Database
from crawler.db.engine import MIGRATIONS_DIR, make_engine
from crawler.db.models import ArticleRow
from search.search_articles import ARTICLES, row, store

QUERIES = [
    None,
    "حكومة",
    "الحكومه",
    "اسرائيل",
    "في 2025",
    '"وزير الاسكان"',
    "حكومة -نواب",
    "نواب OR طاقة",
    "housing",
    "covid-19",
    "كلمة غير موجودة",
]


def test_sqlite_and_postgresql_return_the_same_results(sqlite_url: str, postgres_url: str) -> None:
    lite, pg = Database(sqlite_url), Database(postgres_url)
    store(lite)
    store(pg)
    for query in QUERIES:
        for options in ({}, {"include_duplicates": True}, {"order": "relevance"}, {"site": "alpha"}):
            a = [(r.id, r.copies, r.sites) for r in lite.search(query, **options)]
            b = [(r.id, r.copies, r.sites) for r in pg.search(query, **options)]
            if options.get("order") == "relevance":
                a, b = sorted(a), sorted(b)  # same set; each backend ranks its own way
            assert a == b, (query, options)
    lite.close()
    pg.close()


def _alembic(engine, target: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)


def test_the_migration_indexes_articles_stored_before_it(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    _alembic(engine, "0001")
    with engine.begin() as conn:
        conn.execute(insert(ArticleRow), row(ARTICLES[0], 1))
    _alembic(engine, "head")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM search_queue").scalar() == 0
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM search_index").scalar() == 1
    engine.dispose()
    db = Database(url)
    assert [r.id for r in db.search("الحكومه")] == [1]
    db.close()


def test_the_migration_can_be_undone_and_redone(empty_db: Database) -> None:
    store(empty_db)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with empty_db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    with empty_db.engine.begin() as conn:
        conn.execute(insert(ArticleRow), row({**ARTICLES[0], "title": "مقال بعد التراجع"}, 9))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert [r.id for r in empty_db.search("التراجع")] == [7]
