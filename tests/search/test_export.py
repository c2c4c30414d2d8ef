"""Export: every format loads back with the same records, streaming, failures lose nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from crawler import Database
from crawler.export import ExportError, write_export
from crawler.search.results import RESULT_FIELDS


def test_jsonl_export_loads_back(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    assert db.export(out, "jsonl", include_duplicates=True) == 6
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [5, 6, 4, 3, 2, 1]
    assert list(records[0]) == list(RESULT_FIELDS)
    first = next(r for r in records if r["id"] == 1)
    assert first["title"] == "الحكومة تعلن خطة جديدة للإسكان"
    assert first["tags"] == ["إسكان", "الحكومة"]
    assert first["copies"] == 1 and first["sites"] == ["alpha", "delta"]


def test_export_applies_the_query_filters_and_folding(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "gov.jsonl"
    assert db.export(out, "jsonl", "حكومة", since="2025-07-02") == 2  # story 1 (via its copy) and 2
    assert {json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()} == {1, 2}


def test_csv_export_loads_back_with_lists_as_json(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    db.export(out, "csv")
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 5
    two = next(r for r in rows if r["id"] == "2")
    assert json.loads(two["authors"]) == ["سارة يوسف", "محمد حسن"]
    assert "\n\n" in two["body"]  # paragraphs survive csv quoting


def test_parquet_export_loads_back(db: Database, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "all.parquet"
    assert db.export(out, "parquet", include_duplicates=True) == 6
    table = pq.read_table(out)
    assert table.num_rows == 6
    assert table.column_names == list(RESULT_FIELDS)
    rows = {r["id"]: r for r in table.to_pylist()}
    assert rows[2]["authors"] == ["سارة يوسف", "محمد حسن"]
    assert rows[4]["duplicate_of"] == "https://alpha.example/news/1"


def test_export_streams_in_batches(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # With batches of 2, at most 2 articles are loaded at a time.
    from crawler.search import searcher

    loaded: list[int] = []
    real = searcher.load_results

    def spy(conn, ids):  # type: ignore[no-untyped-def]
        loaded.append(len(ids))
        return real(conn, ids)

    monkeypatch.setattr(searcher, "load_results", spy)
    rows = list(db.iter_articles(include_duplicates=True, batch=2))
    assert len(rows) == 6
    assert max(loaded) == 2


def test_a_failed_export_keeps_the_previous_file(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "keep.jsonl"
    out.write_text("previous\n", encoding="utf-8")

    def broken():  # type: ignore[no-untyped-def]
        yield from db.iter_articles()
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_export(broken(), out, "jsonl")
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert not (tmp_path / "keep.jsonl.part").exists()


def test_export_errors_are_one_line(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown export format"):
        db.export(tmp_path / "x.xml", "xml")
    with pytest.raises(ExportError, match="does not exist"):
        db.export(tmp_path / "missing" / "x.jsonl", "jsonl")
    with pytest.raises(ExportError, match="standard output"):
        db.export("-", "parquet")
