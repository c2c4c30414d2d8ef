"""Corpus loading and throw-away databases for the dedup benchmark."""

from __future__ import annotations

import json
import os
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.engine import Connection, Engine, make_url

from crawler.db.engine import connect, make_engine
from crawler.db.models import ArticleRow
from crawler.dedup.urls import InvalidURLError, canonicalize
from crawler.text.arabic import display

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class BenchArticle:
    url: str
    canonical: str
    site: str
    day: str
    title: str
    body: str  # display form


def shared_dir() -> Path:
    env = os.environ.get("CRAWLER_SHARED_DIR")
    if env:
        return Path(env)
    for parent in (REPO, *REPO.parents):
        if (parent / "shared").is_dir():
            return parent / "shared"
    return Path("/work/shared")


def default_corpus_dir() -> Path:
    return shared_dir() / "corpus" / "saudinewsnet-2015-07"


def load(folder: Path, *, limit: int = 0) -> list[BenchArticle]:
    """Corpus records sorted by extraction time; one per canonical URL (the first)."""
    zips = sorted(folder.glob("*.zip"))
    if not zips:
        raise SystemExit(f"no corpus zips in {folder}: set CRAWLER_SHARED_DIR or pass --corpus")
    records: list[dict[str, str]] = []
    for path in zips:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                records.extend(json.loads(zf.read(name)))
    records.sort(key=lambda r: r.get("date_extracted") or "")
    seen: set[str] = set()
    out: list[BenchArticle] = []
    for r in records:
        try:
            canonical = canonicalize(r["url"])
        except InvalidURLError:
            continue
        if canonical in seen:
            continue
        seen.add(canonical)
        out.append(
            BenchArticle(
                r["url"],
                canonical,
                r["source"],
                (r.get("date_extracted") or "")[:10],
                r.get("title") or "",
                display(r.get("content") or ""),
            )
        )
        if limit and len(out) >= limit:
            break
    return out


def insert_article(conn: Connection, a: BenchArticle, *, url: str | None = None, body: str | None = None) -> int:
    now = datetime.now(UTC)
    row = {
        "canonical_url": url or a.canonical,
        "url": url or a.url,
        "site": a.site,
        "title": a.title,
        "body": a.body if body is None else body,
        "authors": [],
        "tags": [],
        "read_also": [],
        "related": [],
        "fetched_at": now,
        "first_seen_at": now,
        "version": 1,
    }
    result = conn.execute(insert(ArticleRow.__table__).returning(ArticleRow.__table__.c.id), row)
    return int(result.scalar_one())


@contextmanager
def fresh_database(url: str) -> Iterator[Engine]:
    """An empty, migrated database: the SQLite file given, or a new PostgreSQL database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        engine = connect(url)
        try:
            yield engine
        finally:
            engine.dispose()
        return
    name = f"crawler_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = connect(parsed.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
