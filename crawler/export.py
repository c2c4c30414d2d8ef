"""Streaming export of stored articles to jsonl, csv or parquet.

Rows are read in batches (keyset chunks, see :mod:`crawler.search.searcher`) and written
as they come, so memory stays flat however many articles there are. The file is written
under a temporary name and renamed at the end: a failed export leaves any previous file
untouched. Every format has the keys of :data:`crawler.search.results.RESULT_FIELDS`;
csv encodes list fields (authors, tags, read_also, related, sites) as JSON.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from crawler.exceptions import CrawlerError
from crawler.search.results import RESULT_FIELDS, SearchResult

__all__ = ["FORMATS", "ExportError", "write_export"]

FORMATS = ("jsonl", "csv", "parquet")
_LIST_FIELDS = {"authors", "tags", "read_also", "related", "sites"}
PARQUET_ROWS = 5000


class ExportError(CrawlerError):
    """Raised by :func:`crawler.export.write_export` (``crawler export``): unknown format,
    pyarrow missing for parquet, output folder missing or not writable."""

    exit_code = 2


@contextmanager
def _target(out: str | Path, binary: bool) -> Iterator[IO[Any]]:
    if str(out) == "-":
        if binary:
            raise ExportError("parquet cannot be written to standard output: give --out FILE")
        yield sys.stdout
        return
    path = Path(out)
    if not path.parent.exists():
        raise ExportError(f"cannot write {path}: folder {path.parent} does not exist")
    part = path.with_name(path.name + ".part")
    try:
        handle = part.open("wb") if binary else part.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror}") from exc
    try:
        with handle:
            yield handle
        os.replace(part, path)
    finally:
        if part.exists():
            part.unlink()


def _jsonl(rows: Iterable[SearchResult], handle: IO[str]) -> int:
    n = 0
    for row in rows:
        handle.write(json.dumps(row.record(), ensure_ascii=False) + "\n")
        n += 1
    return n


def _csv(rows: Iterable[SearchResult], handle: IO[str]) -> int:
    writer = csv.DictWriter(handle, fieldnames=list(RESULT_FIELDS))
    writer.writeheader()
    n = 0
    for row in rows:
        record = row.record()
        for key in _LIST_FIELDS:
            record[key] = json.dumps(record[key], ensure_ascii=False)
        writer.writerow(record)
        n += 1
    return n


def parquet_schema() -> Any:
    import pyarrow as pa

    link = pa.list_(pa.struct([("title", pa.string()), ("url", pa.string())]))
    types = {"id": pa.int64(), "copies": pa.int32(), "read_also": link, "related": link}
    types |= {k: pa.list_(pa.string()) for k in ("authors", "tags", "sites")}
    return pa.schema([(k, types.get(k, pa.string())) for k in RESULT_FIELDS])


def _parquet(rows: Iterable[SearchResult], handle: IO[bytes]) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ExportError('parquet export needs pyarrow: pip install "arabic-news-crawler[parquet]"') from exc
    schema = parquet_schema()
    n = 0
    with pq.ParquetWriter(handle, schema, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row.record())
            if len(batch) >= PARQUET_ROWS:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
                batch = []
        if batch or n == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            n += len(batch)
    return n


def write_export(rows: Iterable[SearchResult], out: str | Path, fmt: str) -> int:
    """Write *rows* to *out* (a path, or ``-`` for standard output) in *fmt*; returns
    the number of rows written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:
            raise ExportError('parquet export needs pyarrow: pip install "arabic-news-crawler[parquet]"') from exc
        with _target(out, binary=True) as handle:
            return _parquet(rows, handle)
    with _target(out, binary=False) as handle:
        return _jsonl(rows, handle) if fmt == "jsonl" else _csv(rows, handle)
