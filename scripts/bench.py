#!/usr/bin/env python
"""Throughput and memory of ``crawler crawl`` against plain trafilatura, on one local site, same run.

Serves a generated Arabic news site of N articles on port 80 of a loopback address
(127.x.y.z: trafilatura's URL filter rejects URLs with a port; project layouts, bodies
from the shared corpus at run time; feed, sitemaps and listings so discovery is
exercised), then, ``--rounds`` times (the machine is shared: medians are reported, and
the ratios round by round), crawls it:

1. with ``crawler crawl`` (a subprocess, as a user runs it) into a fresh SQLite database
   (schema created first, as on every cron run but the very first), politeness lifted
   by the per-site keys (``download_delay = 0``, ``concurrency``, ``autothrottle = false``);
2. with ``--postgres URL``: the same into a fresh PostgreSQL database created on that
   server (and dropped afterwards);
3. with trafilatura's own command line: the site's sitemap listed (``--sitemap --list``),
   then those URLs fetched and extracted into files (``-i FILE -o DIR``), its download
   sleep set to 0 and its loopback guard off so it may fetch 127.x.y.z.

For each it prints articles stored, wall seconds, articles/second, peak memory of the
whole process tree (PSS sum and RSS sum, sampled from /proc, children included), CPU
seconds of the tree, and for the crawler the CPU seconds by phase from the run's stats.

    .venv/bin/python scripts/bench.py                      # 500 articles, SQLite + trafilatura, 3 rounds
    .venv/bin/python scripts/bench.py --articles 5000 --rounds 1
    .venv/bin/python scripts/bench.py --workers 0          # extraction inline, for comparison
    .venv/bin/python scripts/bench.py --profile prof.txt --skip-baseline --rounds 1   # py-spy, top lines
    .venv/bin/python scripts/bench.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from benchlib import Outcome, loopback_server, postgres_database, run_measured, run_trafilatura  # noqa: E402

from crawler.demo.generate import build_site, corpus_articles, find_shared_dir, sites_toml  # noqa: E402

MIB = 1024 * 1024
PHASES = ("download", "extract", "clean", "dedup", "store")


def crawl_env(workers: int | None) -> dict[str, str]:
    env = dict(os.environ)
    if workers is not None:
        env["CRAWLER_EXTRACT_WORKERS"] = str(workers)
    return env


def run_crawler(name: str, db_url: str, sites_file: Path, urls: tuple[str, ...], args: argparse.Namespace,
                tmp: Path) -> Outcome:  # fmt: skip
    from crawler.db.engine import connect
    from crawler.db.repository import Repository
    from crawler.dedup.urls import canonicalize

    log = tmp / f"{name.replace('/', '-')}.log"
    cmd = [sys.executable, "-m", "crawler", "crawl", "--sites", str(sites_file), "--db", db_url, "bench"]
    if args.profile:  # py-spy samples every process of the tree; figures are then not comparable
        spy = str(Path(sys.executable).with_name("py-spy"))
        cmd = [
            spy,
            "record",
            "--gil",
            "--format",
            "raw",
            "--subprocesses",
            "--rate",
            "200",
            "-o",
            str(args.profile),
            "--",
            *cmd,
        ]
    # The schema is created first, as on every cron run but the very first: the crawl
    # itself then finds the database at the newest revision.
    connect(db_url).dispose()
    code, wall, sampler = run_measured(cmd, crawl_env(args.workers), tmp, log)
    engine = connect(db_url)
    repo = Repository(engine)
    stored = repo.count_articles()
    known = repo.known_urls(canonicalize(u) for u in urls)
    runs = repo.list_runs(limit=1)
    stats = repo.run_stats(runs[0]["id"]) if runs else {}
    engine.dispose()
    res = sampler.result
    out = Outcome(name, stored, wall, res.peak_pss, res.peak_rss, res.cpu_seconds, res.peak_processes)
    out.phases = cpu_phases(stats)
    if code != 0:
        out.notes.append(f"exit code {code}: see {log}")
    if len(known) != len(urls) or stored != len(urls):
        out.notes.append(f"stored {stored} rows, {len(known)} of the {len(urls)} article URLs")
    for key, value in sorted(stats.items()):
        if key.startswith(("crawler/dropped/", "crawler/failed/", "crawler/skipped/")):
            out.notes.append(f"{key} {value}")
    return out


def cpu_phases(stats: dict[str, Any]) -> dict[str, float]:
    """CPU seconds by phase from the ``crawler/cpu/*`` stats of a run (empty when not recorded)."""
    phases = {p: float(stats[f"crawler/cpu/{p}"]) for p in PHASES if f"crawler/cpu/{p}" in stats}
    for key in ("main_process", "workers"):
        if f"crawler/cpu/{key}" in stats:
            phases[key] = float(stats[f"crawler/cpu/{key}"])
    return phases


def _line(o: Outcome) -> str:
    return (
        f"{o.name:<20}{o.stored:>7}{o.wall:>8.1f}{o.rate:>8.1f}{o.peak_pss / MIB:>9.0f}"
        f"{o.peak_rss / MIB:>9.0f}{o.cpu:>7.1f}{o.processes:>6}"
    )


def median_outcome(runs: list[Outcome]) -> Outcome:
    """The run with the median rate (the lower middle one for an even count)."""
    return sorted(runs, key=lambda o: o.rate)[(len(runs) - 1) // 2]


def ratios(rounds: list[dict[str, Outcome]], top: str, base: str) -> list[float]:
    """*top*'s rate over *base*'s, round by round (the machine's load changes between rounds)."""
    return [r[top].rate / r[base].rate for r in rounds if top in r and base in r and r[base].rate]


def report(rounds: list[dict[str, Outcome]], args: argparse.Namespace) -> dict[str, Any]:
    workers = os.environ.get("CRAWLER_EXTRACT_WORKERS", args.workers)
    print(f"\nsite: {args.articles} articles; workers {workers if workers is not None else 'default'}")
    head = f"{'crawler':<20}{'stored':>7}{'wall s':>8}{'art/s':>8}{'PSS MiB':>9}{'RSS MiB':>9}{'CPU s':>7}{'procs':>6}"
    print(head + "   (PSS/RSS: peak sum over the process tree)")
    print("-" * len(head))
    names = list(dict.fromkeys(name for r in rounds for name in r))
    medians: dict[str, Outcome] = {}
    for name in names:
        runs = [r[name] for r in rounds if name in r]
        medians[name] = median_outcome(runs)
        print(_line(medians[name]) + (f"   median of {len(runs)}: " + ", ".join(f"{o.rate:.1f}" for o in runs)
                                      if len(runs) > 1 else ""))  # fmt: skip
    for name, o in medians.items():
        if o.phases:
            print(f"{name} CPU by phase (s): " + ", ".join(f"{k} {v:.1f}" for k, v in o.phases.items()))
        for note in o.notes:
            print(f"{name}: {note}")
    summary: dict[str, Any] = {"medians": {k: v.__dict__ | {"rate": v.rate} for k, v in medians.items()}}
    for top, base, label in (
        ("crawler/sqlite", "trafilatura CLI", "crawler/sqlite vs trafilatura"),
        ("crawler/postgresql", "crawler/sqlite", "crawler/postgresql vs crawler/sqlite"),
    ):
        values = ratios(rounds, top, base)
        if values:
            med = sorted(values)[(len(values) - 1) // 2]
            each = f" (rounds: {', '.join(f'{v:.2f}' for v in values)})" if len(values) > 1 else ""
            print(f"ratio {label}: {med:.2f}x articles/second{each}")
            summary[label] = med
    return summary


def run_round(k: int, base: str, site_urls: tuple[str, ...], sites_file: Path, args: argparse.Namespace,
              tmp: Path) -> dict[str, Outcome]:  # fmt: skip
    """One crawl of the site by each crawler, in a folder of its own."""
    folder = tmp / f"round-{k}"
    folder.mkdir()
    out: dict[str, Outcome] = {}
    if not args.skip_sqlite:
        out["crawler/sqlite"] = run_crawler("crawler/sqlite", f"sqlite:///{folder / 'bench.db'}", sites_file,
                                            site_urls, args, folder)  # fmt: skip
        print(f"round {k}: crawler/sqlite {out['crawler/sqlite'].rate:.1f} art/s", flush=True)
    if args.postgres:
        with postgres_database(args.postgres) as pg_url:
            out["crawler/postgresql"] = run_crawler("crawler/postgresql", pg_url, sites_file, site_urls, args, folder)
        print(f"round {k}: crawler/postgresql {out['crawler/postgresql'].rate:.1f} art/s", flush=True)
    if not args.skip_baseline:
        out["trafilatura CLI"] = run_trafilatura(base, folder)
        print(f"round {k}: trafilatura {out['trafilatura CLI'].rate:.1f} art/s", flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=500, help="articles on the site (default 500)")
    parser.add_argument("--postgres", metavar="URL", help="also crawl into a fresh database on this server")
    parser.add_argument("--workers", type=int, default=None, help="CRAWLER_EXTRACT_WORKERS for the crawl")
    parser.add_argument("--rounds", type=int, default=3, help="crawls of the site by each crawler (default 3)")
    parser.add_argument("--concurrency", type=int, default=16, help="the site's `concurrency` key (default 16)")
    parser.add_argument("--autothrottle", action="store_true", help="leave AutoThrottle on for the crawl")
    parser.add_argument("--skip-baseline", action="store_true", help="do not run trafilatura")
    parser.add_argument("--skip-sqlite", action="store_true", help="do not run the SQLite crawl")
    parser.add_argument("--shared", type=Path, default=None, help="shared data folder (default: found)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, databases)")
    parser.add_argument("--profile", type=Path, default=None,
                        help="run the crawl under py-spy, write raw stacks here and print the top lines")  # fmt: skip
    args = parser.parse_args()

    shared = args.shared or find_shared_dir(ROOT, os.environ.get("CRAWLER_SHARED_DIR"))
    articles = corpus_articles(shared / "corpus", args.articles)
    routes: dict[str, Any] = {}
    rounds: list[dict[str, Outcome]] = []
    tmp = Path(tempfile.mkdtemp(prefix="crawler-bench-"))
    with loopback_server(routes) as server:
        site = build_site(server.base_url, articles)
        routes.update(site.routes)
        sites_file = tmp / "sites.toml"
        max_pages = 3 * len(site.article_urls) + 100  # feed, sitemap and listing links overlap
        sites_file.write_text(sites_toml("bench", server.base_url, concurrency=args.concurrency, max_pages=max_pages,
                                         autothrottle=args.autothrottle), encoding="utf-8")  # fmt: skip
        print(f"site at {server.base_url}/ with {len(site.article_urls)} articles; work folder {tmp}", flush=True)
        for k in range(1, args.rounds + 1):
            rounds.append(run_round(k, server.base_url, site.article_urls, sites_file, args, tmp))
    summary = report(rounds, args)
    if args.profile and args.profile.exists():
        from pyspy_top import render

        print("\nprofile (py-spy, every process of the crawl):")
        print(render(args.profile.read_text(encoding="utf-8", errors="replace"), 25))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2, default=str))
    if not args.keep:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
