"""The Python API a notebook user sees."""

from __future__ import annotations

import subprocess
import sys

from crawler import Database
from crawler.items import Article


def test_search_returns_articles_with_ids_copies_and_snippets(db: Database) -> None:
    results = db.search("اسرائيل", site=["beta", "alpha"], since="2025-07-01")
    assert len(results) == 1
    hit = results[0]
    assert isinstance(hit, Article)
    assert (hit.id, hit.site, hit.copies, hit.sites) == (2, "beta", 0, ["beta"])
    assert hit.authors == ["سارة يوسف", "محمد حسن"]
    assert hit.published == "2025-07-02T08:00:00+00:00"
    assert hit.snippet is not None and "<mark>إسرائيل</mark>" in hit.snippet.marked()


def test_iter_articles_streams_everything(db: Database) -> None:
    rows = db.iter_articles()
    assert [r.id for r in rows] == [5, 6, 1, 3, 2]


def test_importing_crawler_stays_cheap() -> None:
    code = (
        "import sys, crawler; print('sqlalchemy' in sys.modules); crawler.Database; print('sqlalchemy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]


def test_database_as_context_manager(tmp_path) -> None:
    with Database(f"sqlite:///{tmp_path / 'n.db'}") as db:
        assert db.search(None) == []
