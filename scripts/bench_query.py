#!/usr/bin/env python3
"""Benchmark of Arabic search: index build, size, query latency, recall, export memory.

Builds, at run time and without network, a database of distinct articles made from the
real SaudiNewsNet texts in ``shared/corpus/`` (sentences reordered and mixed between
articles, ~3% exact copies marked as duplicates), on SQLite (500,000 by default) and on
PostgreSQL (the first 100,000 of the same articles, in a database created for the run
and dropped after). Then prints:

- index build time (the queue of every article indexed by ``crawler.search.index.sync``)
  and database size;
- p50 / p95 of ``Database.search`` (first page of 20, newest first, duplicates folded,
  with snippets) for 50 one- to three-word queries typed the way users type them (no
  hamza, no tashkeel, with and without ال; a few quoted phrases), made from corpus titles;
- recall and precision of each query's full result set against the truth: a brute-force
  regex scan of the folded title and body of every generated article, written here from
  the documented semantics (docs/query.md), independently of the index code;
- whether SQLite and PostgreSQL return identical sets on the same 100,000 articles;
- export of every row to jsonl: time and peak memory of the exporting process.

    python scripts/bench_query.py            # full run (~30 min)
    python scripts/bench_query.py --small    # 20k SQLite / 5k PostgreSQL, a few minutes
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, insert, text  # noqa: E402

from crawler.db.models import ArticleRow  # noqa: E402
from crawler.search.terms import MIN_STEM, PREFIXES  # noqa: E402
from crawler.text.arabic import fold, strip_tashkeel  # noqa: E402


def shared_dir() -> Path:
    """CRAWLER_SHARED_DIR, else a ``shared/`` folder next to an ancestor of the repo, else /work/shared."""
    env = os.environ.get("CRAWLER_SHARED_DIR")
    if env:
        return Path(env)
    for parent in [REPO, *REPO.parents]:
        if (parent.parent / "shared" / "corpus").is_dir():
            return parent.parent / "shared"
    return Path("/work/shared")


# --------------------------------------------------------------------------- corpus


@dataclass
class Record:
    title: str
    sentences: list[str]
    source: str
    author: str
    date: datetime


_SENT_RE = re.compile(r"(?<=[.!؟?])\s+")


def load_corpus(folder: Path) -> list[Record]:
    records = []
    for path in sorted(glob.glob(str(folder / "*.zip"))):
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                for r in json.loads(zf.read(name)):
                    lines = [s.strip() for line in r["content"].split("\n") for s in _SENT_RE.split(line)]
                    sentences = [s for s in lines if len(s) > 2]
                    if not sentences or not r["title"].strip():
                        continue
                    when = datetime.fromisoformat(r["date_extracted"]).replace(tzinfo=UTC)
                    records.append(Record(r["title"].strip(), sentences, r["source"], r["author"] or "", when))
    return records


@dataclass
class Generated:
    id: int  # database id (1-based, in insertion order)
    row: dict
    title_f: str
    body_f: str


def generate(records: list[Record], i: int, seed: int) -> Generated:
    """Article number *i* (0-based), a pure function of (i, seed): the first len(records)
    are the corpus articles as they are; later rounds reorder sentences and mix in
    sentences of other articles; ~3% of later ones are exact copies of an earlier one."""
    m = len(records)
    rng = random.Random(f"{seed}:{i}")
    base = records[i % m]
    rnd = i // m
    dup_of = None
    if rnd > 0 and rng.random() < 0.03:
        j = i - rng.randint(1, min(i, 5000))
        orig = generate(records, j, seed)
        dup_of = orig.row["duplicate_of_id"] or orig.id
        row = dict(orig.row)
        row.update(
            canonical_url=f"https://copy{rnd}.example/{i}",
            url=f"https://copy{rnd}.example/{i}",
            site=f"copy-{rng.randint(1, 5)}",
            duplicate_of_id=dup_of,
        )
        return Generated(i + 1, row, orig.title_f, orig.body_f)
    sentences = list(base.sentences)
    if rnd > 0:
        rng.shuffle(sentences)
        for _ in range(rng.randint(1, 3)):
            other = records[rng.randrange(m)].sentences
            sentences.insert(rng.randint(0, len(sentences)), rng.choice(other))
    paragraphs, k = [], 0
    while k < len(sentences):
        step = rng.randint(1, 3)
        paragraphs.append(" ".join(sentences[k : k + step]))
        k += step
    body = "\n\n".join(paragraphs)
    published = base.date - timedelta(days=11 * rnd, hours=rng.randint(0, 23), minutes=rng.randint(0, 59))
    row = dict(
        canonical_url=f"https://{base.source}.example/{i}",
        url=f"https://{base.source}.example/{i}",
        site=base.source,
        title=base.title,
        body=body,
        lead=None,
        authors=[base.author] if base.author else [],
        published=published.isoformat(),
        published_at=published,
        tags=[],
        read_also=[],
        related=[],
        lang="ar",
        content_hash=hashlib.sha1(f"{i}:{body}".encode()).hexdigest(),
        duplicate_of_id=None,
        fetched_at=published + timedelta(hours=1),
        first_seen_at=published + timedelta(hours=1),
        version=1,
    )
    return Generated(i + 1, row, fold(base.title), fold(body))


# --------------------------------------------------------------------------- queries and truth

_WRITTEN_RE = re.compile("[\u0621-\u064a\u0640\u064b-\u065f\u0670]+")
_WORD_RE = re.compile(r"[^\W_]+")
_CLITIC = ("وال", "بال", "فال", "كال", "لل")


def typed(word: str, rng: random.Random) -> str:
    """The way a user types a word: no tashkeel, no hamza on alef, often no ال."""
    w = strip_tashkeel(word).translate(str.maketrans("أإآ", "ااا"))
    if w.startswith("ال") and len(w) > 4 and rng.random() < 0.5:
        w = w[2:]
    if w.endswith("ة") and rng.random() < 0.2:
        w = w[:-1] + "ه"
    return w


def make_queries(records: list[Record], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    df: Counter[str] = Counter()
    for r in records:
        df.update(set(_WORD_RE.findall(fold(r.title + " " + " ".join(r.sentences)))))
    total = len(records)

    def ok(word: str) -> bool:
        f = fold(word)
        return len(f) >= 3 and not f.startswith(_CLITIC) and 0.002 * total <= df[f] <= 0.15 * total

    singles, runs = [], []
    for r in records:
        toks = _WRITTEN_RE.findall(r.title)
        singles += [t for t in toks if ok(t)]
        for k in (2, 3):
            runs += [tuple(toks[j : j + k]) for j in range(len(toks) - k + 1) if all(ok(t) for t in toks[j : j + k])]
    rng.shuffle(singles)
    rng.shuffle(runs)
    queries: list[str] = []
    seen: set[str] = set()

    def add(q: str) -> None:
        if q not in seen:
            seen.add(q)
            queries.append(q)

    for w in singles:
        if len(queries) >= n * 2 // 5:
            break
        add(typed(w, rng))
    quoted = 0
    for run in runs:
        if len(queries) >= n:
            break
        q = " ".join(typed(w, rng) for w in run)
        if quoted < max(1, n // 12) and len(run) == 2:
            q, quoted = f'"{q}"', quoted + 1
        add(q)
    return queries


@dataclass
class Truth:
    """A query as the brute-force scan sees it: each clause a list of regexes (any field)."""

    text: str
    clauses: list[tuple[list[str], re.Pattern[str]]]  # (keys for a fast substring pre-check, regex)

    def matches(self, title_f: str, body_f: str) -> bool:
        for keys, regex in self.clauses:
            if not all(k in title_f or k in body_f for k in keys):
                return False
            if not (regex.search(title_f) or regex.search(body_f)):
                return False
        return True


_PFX = "|".join(sorted(PREFIXES, key=len, reverse=True))


def _key_regex(key: str) -> str:
    pfx = f"(?:{_PFX})?" if len(key) >= MIN_STEM else ""
    return f"(?<![^\\W_]){pfx}{re.escape(key)}(?![^\\W_])"


def truth_of(query: str) -> Truth:
    """The documented semantics, from scratch: words ANDed, "..." a phrase; each word
    folded, ال dropped when 3+ letters remain; it matches a text word equal to it or to
    one of the clitic prefixes followed by it (at least 2 letters left)."""
    clauses = []
    for phrase, bare in re.findall(r'"([^"]*)"|(\S+)', query):
        keys = _WORD_RE.findall(fold(phrase or bare))
        keys = [k[2:] if k.startswith("ال") and len(k) - 2 >= 3 else k for k in keys]
        if not keys:
            continue
        regex = r"[\W_]+".join(_key_regex(k) for k in keys)
        clauses.append((keys, re.compile(regex)))
    return Truth(query, clauses)


# --------------------------------------------------------------------------- databases


def load_articles(url: str, records: list[Record], count: int, seed: int, truths: list[Truth] | None) -> dict:
    """Insert *count* generated articles (schema by migrations); fill truth sets."""
    from crawler.db.engine import connect

    engine = connect(url)
    found: dict[str, set[int]] = {t.text: set() for t in truths or []}
    t0 = time.perf_counter()
    batch: list[dict] = []
    with engine.begin() as conn:
        for i in range(count):
            g = generate(records, i, seed)
            batch.append(g.row)
            for t in truths or []:
                if t.matches(g.title_f, g.body_f):
                    found[t.text].add(g.id)
            if len(batch) >= 2000:
                conn.execute(insert(ArticleRow), batch)
                batch = []
            if (i + 1) % 50_000 == 0:
                print(
                    f"  generated and stored {i + 1:,} articles ({time.perf_counter() - t0:.0f} s)",
                    flush=True,
                )
        if batch:
            conn.execute(insert(ArticleRow), batch)
    engine.dispose()
    return {"seconds": time.perf_counter() - t0, "truth": found}


def build_index(url: str) -> float:
    from crawler.db.engine import connect
    from crawler.search.index import sync

    engine = connect(url)
    t0 = time.perf_counter()
    n = sync(engine)
    elapsed = time.perf_counter() - t0
    engine.dispose()
    print(f"  indexed {n:,} articles in {elapsed:.1f} s ({n / elapsed:,.0f}/s)", flush=True)
    return elapsed


def sizes(url: str) -> dict[str, float]:
    mb = 1024 * 1024
    engine = create_engine(url)
    out: dict[str, float] = {}
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            path = engine.url.database or ""
            out["database_mb"] = os.path.getsize(path) / mb
            try:
                rows = conn.exec_driver_sql("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").all()
                search = sum(s for name, s in rows if name.startswith(("article_fts", "search_")))
                search += sum(s for name, s in rows if "search_index" in name)
                out["search_index_mb"] = search / mb
            except Exception:  # dbstat not compiled in
                pass
        else:
            out["database_mb"] = conn.execute(text("SELECT pg_database_size(current_database())")).scalar() / mb
            out["search_index_mb"] = conn.execute(text("SELECT pg_total_relation_size('search_index')")).scalar() / mb
    engine.dispose()
    return out


def time_queries(db, queries: list[str], runs: int = 3, **kwargs) -> dict:
    per_query = {}
    for q in queries:
        db.search(q, **kwargs)  # warm-up
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            db.search(q, **kwargs)
            times.append((time.perf_counter() - t0) * 1000)
        per_query[q] = statistics.median(times)
    values = sorted(per_query.values())
    p = statistics.quantiles(values, n=100, method="inclusive")
    slow = sorted(per_query.items(), key=lambda kv: -kv[1])[:3]
    return {"p50_ms": p[49], "p95_ms": p[94], "max_ms": values[-1], "slowest": slow}


def recall(db, queries: list[str], truth: dict[str, set[int]], limit_ids: int | None = None) -> dict:
    results: dict[str, set[int]] = {}
    recalls, precisions, missing, extra = [], [], 0, 0
    for q in queries:
        got = set(db.match_ids(q, include_duplicates=True))
        want = truth[q] if limit_ids is None else {i for i in truth[q] if i <= limit_ids}
        results[q] = got
        recalls.append(len(got & want) / len(want) if want else 1.0)
        precisions.append(len(got & want) / len(got) if got else 1.0)
        missing += len(want - got)
        extra += len(got - want)
    return {
        "recall_mean": statistics.mean(recalls),
        "recall_min": min(recalls),
        "precision_mean": statistics.mean(precisions),
        "missing": missing,
        "extra": extra,
        "matches_total": sum(len(v) for v in results.values()),
        "results": results,
    }


def measure_export(url: str, out: Path) -> dict:
    """Export every row (duplicates included) to jsonl in a fresh process; peak memory is
    the kernel's VmHWM (ru_maxrss would carry the parent's size across exec). The baseline
    is the same process's peak right before exporting."""
    code = (
        "import json, sys, time\n"
        "from crawler import Database\n"
        "db = Database(sys.argv[1])\n"
        "db.search('x', limit=1)\n"
        "def hwm():\n    return int([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])\n"
        "base = hwm()\n"
        "t0 = time.perf_counter()\n"
        "n = db.export(sys.argv[2], 'jsonl', include_duplicates=True)\n"
        "print(json.dumps({'rows': n, 'seconds': time.perf_counter() - t0, 'baseline_mb': base / 1024,"
        " 'peak_mb': hwm() / 1024}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, url, str(out)], capture_output=True, text=True, check=True, cwd=REPO
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["file_mb"] = out.stat().st_size / 1024 / 1024
    out.unlink()
    return result


# --------------------------------------------------------------------------- main


def pg_database(base_url: str) -> tuple[str, callable]:
    name = f"crawler_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base_url.rsplit("/", 1)[0] + "/" + name, drop


def run_backend(label: str, url: str, args, records, queries, truths) -> dict:
    from crawler import Database

    n = args.sqlite_n if label == "sqlite" else args.pg_n
    print(f"[{label}] generating and storing {n:,} articles", flush=True)
    loaded = load_articles(url, records, n, args.seed, truths)
    print(f"[{label}] building the search index", flush=True)
    out: dict = {"articles": n, "load_seconds": loaded["seconds"]}
    out["index_build_seconds"] = build_index(url)
    out.update(sizes(url))
    db = Database(url)
    print(f"[{label}] timing {len(queries)} queries", flush=True)
    out["newest"] = time_queries(db, queries)
    out["relevance"] = time_queries(db, queries, runs=1, order="relevance")
    since = (datetime(2015, 7, 31, tzinfo=UTC) - timedelta(days=120)).date().isoformat()
    out["filtered"] = time_queries(db, queries, runs=1, site=["sabq", "okaz", "alriyadh"], since=since)
    print(f"[{label}] recall against the brute-force truth", flush=True)
    out["recall"] = recall(db, queries, loaded["truth"])
    if label == "sqlite" and not args.skip_export:
        print(f"[{label}] exporting all rows to jsonl", flush=True)
        out["export"] = measure_export(url, Path(args.workdir) / "export.jsonl")
    db.close()
    return out


def compare_trigram(args, records, queries, truths) -> dict:
    """The alternative the issue names: FTS5 ``trigram`` over the folded title and body.

    Trigram MATCH finds substrings, so every candidate must then be checked against the word
    semantics (here with the same code the product uses for phrases); words under three
    letters cannot use the trigram index at all. Both indexes are built on the same
    articles, in the same file, and timed the same way (first page of 20, newest first,
    no snippets, duplicates included).
    """
    from crawler.search.index import sync
    from crawler.search.query import parse
    from crawler.search.terms import words

    n = args.compare_trigram
    path = Path(args.workdir) / "trigram.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    print(f"[trigram] {n:,} articles: our index vs FTS5 trigram", flush=True)
    loaded = load_articles(url, records, n, args.seed, truths)
    engine = create_engine(url)
    t0 = time.perf_counter()
    sync(engine)
    ours_build = time.perf_counter() - t0
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE VIRTUAL TABLE tri USING fts5(title, body, tokenize='trigram')")
    t0 = time.perf_counter()
    with engine.begin() as conn:
        rows = conn.execute(
            text("SELECT s.sort_key, a.title, a.body FROM articles a JOIN search_index s ON s.article_id = a.id")
        )
        batch = []
        for key, title, body in rows:
            batch.append((key, fold(title or ""), fold(body or "")))
            if len(batch) >= 2000:
                conn.exec_driver_sql("INSERT INTO tri (rowid, title, body) VALUES (?, ?, ?)", batch)
                batch = []
        if batch:
            conn.exec_driver_sql("INSERT INTO tri (rowid, title, body) VALUES (?, ?, ?)", batch)
    tri_build = time.perf_counter() - t0
    with engine.connect() as conn:
        sizes_mb = {
            name: size / 1024 / 1024
            for name, size in conn.exec_driver_sql(
                "SELECT CASE WHEN name LIKE 'tri%' THEN 'trigram' WHEN name LIKE 'article_fts%' "
                "OR name LIKE 'search_%' THEN 'ours' ELSE 'other' END, SUM(pgsize) FROM dbstat GROUP BY 1"
            )
        }

    def tri_page(conn, q: str) -> tuple[list[int], int]:
        query = parse(q)
        keys = [k for clause in query.clauses for item in clause for k in item.keys]
        indexable = [k for k in keys if len(k) >= 3]
        expr = " AND ".join(f'"{k}"' for k in indexable)
        sql = "SELECT rowid, title, body FROM tri " + ("WHERE tri MATCH :q " if expr else "") + "ORDER BY rowid DESC"
        found, checked = [], 0
        for key, title, body in conn.execute(text(sql), {"q": expr}):
            checked += 1
            if query.matches(words(title), words(body)):
                found.append(key)
                if len(found) == 20:
                    break
        return found, checked

    from crawler import Database

    db = Database(url)
    ours_t, tri_t, checked_total, same = [], [], 0, 0
    with engine.connect() as conn:
        for q in queries:
            db.search(q, include_duplicates=True, snippets=False)
            t0 = time.perf_counter()
            mine = db.search(q, include_duplicates=True, snippets=False)
            ours_t.append((time.perf_counter() - t0) * 1000)
            tri_page(conn, q)
            t0 = time.perf_counter()
            keys, checked = tri_page(conn, q)
            tri_t.append((time.perf_counter() - t0) * 1000)
            checked_total += checked
            ids = {k % 1_000_000_000 for k in keys}
            same += ids == {r.id for r in mine}
    db.close()
    engine.dispose()

    def pct(values: list[float], p: int) -> float:
        return statistics.quantiles(sorted(values), n=100, method="inclusive")[p - 1]

    return {
        "articles": n,
        "ours_build_s": ours_build,
        "trigram_build_s": tri_build,
        "ours_mb": sizes_mb.get("ours", 0.0),
        "trigram_mb": sizes_mb.get("trigram", 0.0),
        "ours_p50_ms": pct(ours_t, 50),
        "ours_p95_ms": pct(ours_t, 95),
        "trigram_p50_ms": pct(tri_t, 50),
        "trigram_p95_ms": pct(tri_t, 95),
        "trigram_rows_checked_per_query": checked_total / len(queries),
        "same_first_page": f"{same}/{len(queries)}",
        "load_s": loaded["seconds"],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--small", action="store_true", help="20,000 SQLite / 5,000 PostgreSQL articles")
    ap.add_argument("--sqlite-n", type=int, default=500_000)
    ap.add_argument("--pg-n", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--workdir", default="/tmp/crawler-bench-query")
    ap.add_argument(
        "--pg-url",
        default=os.environ.get("CRAWLER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        help="server to create a temporary benchmark database on",
    )
    ap.add_argument("--skip-pg", action="store_true")
    ap.add_argument("--skip-export", action="store_true")
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument(
        "--compare-trigram",
        type=int,
        default=0,
        metavar="N",
        help="also build N articles with both our index and an FTS5 trigram index, and compare",
    )
    ap.add_argument("--only-trigram", action="store_true", help="run the trigram comparison alone")
    args = ap.parse_args()
    if args.small:
        args.sqlite_n, args.pg_n = 20_000, 5_000
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    corpus = shared_dir() / "corpus" / "saudinewsnet-2015-07"
    records = load_corpus(corpus)
    queries = make_queries(records, args.queries, args.seed)
    truths = [truth_of(q) for q in queries]
    print(f"{len(records):,} corpus articles; {len(queries)} queries: " + " | ".join(queries), flush=True)

    report: dict = {"queries": queries}
    if args.compare_trigram:
        report["trigram"] = compare_trigram(args, records, queries, truths)
        if args.only_trigram:
            print_report(report)
            return 0
    db_path = work / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    report["sqlite"] = run_backend("sqlite", f"sqlite:///{db_path}", args, records, queries, truths)
    if not args.skip_pg:
        url, drop = pg_database(args.pg_url)
        try:
            report["postgresql"] = run_backend("postgresql", url, args, records, queries, truths)
        finally:
            drop()
        lite = report["sqlite"]["recall"]["results"]
        pg = report["postgresql"]["recall"]["results"]
        same = [q for q in queries if {i for i in lite[q] if i <= args.pg_n} == pg[q]]
        report["identical_sets"] = f"{len(same)}/{len(queries)}"
    print_report(report)
    if args.json:
        for key in ("sqlite", "postgresql"):
            if key in report:
                report[key]["recall"].pop("results", None)
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    return 0


def print_report(r: dict) -> None:
    print("\n=== bench_query ===")
    for key in ("sqlite", "postgresql"):
        if key not in r:
            continue
        b = r[key]
        rc = b["recall"]
        print(f"{key}: {b['articles']:,} articles")
        print(f"  load {b['load_seconds']:.0f} s; index build {b['index_build_seconds']:.1f} s")
        print(
            f"  database {b['database_mb']:,.0f} MB"
            + (f" (search index {b['search_index_mb']:,.0f} MB)" if "search_index_mb" in b else "")
        )
        for mode in ("newest", "relevance", "filtered"):
            t = b[mode]
            print(f"  {mode:9s} p50 {t['p50_ms']:6.1f} ms  p95 {t['p95_ms']:6.1f} ms  max {t['max_ms']:6.1f} ms")
        print(f"  slowest (newest): {[(q, round(ms, 1)) for q, ms in b['newest']['slowest']]}")
        print(
            f"  recall mean {rc['recall_mean']:.4f} min {rc['recall_min']:.4f}; precision mean "
            f"{rc['precision_mean']:.4f}; missing {rc['missing']}, extra {rc['extra']} "
            f"of {rc['matches_total']:,} matches"
        )
        if "export" in b:
            e = b["export"]
            print(
                f"  export jsonl: {e['rows']:,} rows in {e['seconds']:.1f} s, {e['file_mb']:,.0f} MB file, "
                f"peak RSS {e['peak_mb']:.0f} MB (baseline before export {e['baseline_mb']:.0f} MB)"
            )
    if "trigram" in r:
        t = r["trigram"]
        print(
            f"our index vs FTS5 trigram on {t['articles']:,} articles: build {t['ours_build_s']:.0f} s vs "
            f"{t['trigram_build_s']:.0f} s; size {t['ours_mb']:,.0f} MB vs {t['trigram_mb']:,.0f} MB; "
            f"first page p50 {t['ours_p50_ms']:.1f} vs {t['trigram_p50_ms']:.1f} ms, p95 {t['ours_p95_ms']:.1f} vs "
            f"{t['trigram_p95_ms']:.1f} ms; trigram rows checked per query {t['trigram_rows_checked_per_query']:,.0f}; "
            f"same first page {t['same_first_page']}"
        )
    if "identical_sets" in r:
        print(f"identical result sets SQLite vs PostgreSQL on the same articles: {r['identical_sets']}")


if __name__ == "__main__":
    raise SystemExit(main())
