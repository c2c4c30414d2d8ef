"""Scale-out benchmark: workers sharing one site through Redis, shards sharing hosts.

Runs against the real PostgreSQL and Redis of this machine (a throw-away database and
a Redis key prefix of its own, both removed at the end) and generated local sites on
127.0.0.1; no network. Scenarios (``--scenarios``, default all):

* ``polite``: 2 and 4 workers crawl one site of N articles whose limits are on
  (``--delay``, ``--concurrency``): every article stored once, no article page fetched
  twice, the most requests started in any 1 s window and the most answered at once
  against the site's limits, the crawl finishes;
* ``throughput``: 1, 2 and 4 workers with the site's limits lifted, ``--repeats`` rounds
  interleaved; articles per second and the ratio to 1 worker in the same run, and where
  the CPU went (workers, the local site, everything else on the machine) next to the
  CPU cost of extraction alone;
* ``latency``: 1, 2 and 4 workers held back by the site's answer time (200 ms, 2
  requests at once per worker) rather than by CPU;
* ``kill``: 2 workers, one killed with ``kill -9`` at 40 % and restarted: nothing lost,
  nothing stored twice, how many pages were fetched again;
* ``shard``: ``crawler crawl --shard 1/2`` and ``--shard 2/2`` at once over 10 sites:
  each site crawled once.

Usage::

    .venv/bin/python scripts/bench_scale.py                    # everything, N=2000
    .venv/bin/python scripts/bench_scale.py --scenarios throughput --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench_scale_support import (
    Runner,
    article_checks,
    clear_prefix,
    cpu_split,
    empty_tables,
    finish,
    frontier_left,
    machine_busy,
    scalar,
    scratch_database,
    serve,
    wait_ready,
)

from crawler.demo.bulk_site import bulk_site

# --- scenarios --------------------------------------------------------------------------------


def crawl_once(args: argparse.Namespace, run: Runner, workers: int, *, delay: float, concurrency: int,
               latency: float = 0.0, kill_at: float | None = None) -> dict[str, Any]:  # fmt: skip
    """Start *workers* (and wait until they are up), seed the queue, time the crawl from
    there until every article is stored, then stop the workers with SIGTERM."""
    empty_tables(run.db)
    clear_prefix(run.prefix)
    db_name = run.db.rsplit("/", 1)[1]
    with serve("bulk", args.articles, latency) as (server, log, paths):
        sites = run.sites_file([("bulk", server.base_url)], delay, concurrency)
        lease = 5.0 if kill_at is not None else 60.0
        launched = time.time()
        procs = [run.worker(sites, "bulk", i, lease) for i in range(workers)]
        wait_ready(run, [f"worker-{i}.log" for i in range(workers)])
        startup = time.time() - launched
        run.enqueue(sites, "bulk")
        load = os.getloadavg()[0]
        (busy0, total0), t0 = machine_busy(), time.time()
        cpu0 = cpu_split({p.pid for p in procs}, db_name)
        at_kill: tuple[int, int] = (0, 0)
        if kill_at is not None:
            run.wait_stored(int(args.articles * kill_at), procs)
            os.kill(procs[0].pid, signal.SIGKILL)
            procs[0].wait()
            at_kill = frontier_left(run.prefix, "bulk")
            procs[0] = run.worker(sites, "bulk", workers, lease)
        t_done = run.wait_stored(args.articles, procs)
        cpu1 = cpu_split({p.pid for p in procs}, db_name)
        busy1, total1 = machine_busy()
        while frontier_left(run.prefix, "bulk") != (0, 0) and time.time() - t_done < 120:
            time.sleep(0.2)  # the rest of the frontier (hub pages) drains: the crawl is complete
        drained = time.time() - t_done
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        codes = finish(procs)
        seconds = t_done - t0
        result = {
            "workers": workers, "exit_codes": codes, "startup_s": round(startup, 1), "seconds": round(seconds, 2),
            "articles_per_s": round(args.articles / seconds, 1), "load_before": round(load, 2),
            "frontier_drained_s_after": round(drained, 2),
            "cpu_s": {k: round(cpu1[k] - cpu0[k], 2) for k in cpu0},
            "machine_busy_share": round((busy1 - busy0) / max(total1 - total0, 1e-9), 2),
            "max_starts_in_1s": log.max_in_window(1.0), "max_in_flight": log.max_in_flight,
            "mean_request_rate": round(len(log.hits) / max(log.hits[-1].at - log.hits[0].at, 1e-9), 1),
            "frontier_left": frontier_left(run.prefix, "bulk"),
            **article_checks(run.db, server.base_url, log, paths),
        }  # fmt: skip
        if kill_at is not None:
            result["queued_leased_at_kill"] = at_kill
            result["cpu_s"] = None  # the killed worker's CPU time went with it
        return result


def extraction_cost(n: int = 200) -> float:
    """CPU ms to extract one generated article page, in this process."""
    from crawler.extract import extract

    base = "http://127.0.0.1:9"
    routes, paths = bulk_site(base, n)
    bodies = [(base + p, routes[p].body.decode()) for p in paths]  # type: ignore[union-attr]
    extract(bodies[0][1], bodies[0][0])
    start = time.process_time()
    for url, html in bodies:
        extract(html, url)
    return (time.process_time() - start) * 1000 / len(bodies)


def scenario_polite(args: argparse.Namespace, run: Runner) -> list[dict[str, Any]]:
    limit = {"delay": args.delay, "concurrency": args.concurrency}
    out = []
    for workers in (2, 4):
        r = crawl_once(args, run, workers, delay=args.delay, concurrency=args.concurrency, latency=args.latency)
        r["limit"] = {**limit, "max_starts_in_1s": int(1 / args.delay) + 1 if args.delay else None}
        out.append(r)
        report(f"polite, {workers} workers", r)
    return out


def scenario_throughput(args: argparse.Namespace, run: Runner) -> dict[str, Any]:
    rounds: dict[int, list[dict[str, Any]]] = {1: [], 2: [], 4: []}
    for _ in range(args.repeats):
        for workers in (1, 2, 4):
            r = crawl_once(args, run, workers, delay=0, concurrency=64)
            rounds[workers].append(r)
            report(f"throughput, {workers} worker(s)", r)
    best = {w: max(r["articles_per_s"] for r in rs) for w, rs in rounds.items()}
    ms = extraction_cost()
    cpu_per_article = {
        w: {k: round(min(r["cpu_s"][k] for r in rs) * 1000 / args.articles, 2) for k in rs[0]["cpu_s"]}
        for w, rs in rounds.items()
    }
    summary = {
        "articles_per_s_best": best,
        "ratio_to_1_worker": {w: round(best[w] / best[1], 2) for w in best},
        "ratio_to_1_worker_per_round": [
            {w: round(rounds[w][i]["articles_per_s"] / rounds[1][i]["articles_per_s"], 2) for w in rounds}
            for i in range(args.repeats)
        ],
        "extract_cpu_ms_per_article": round(ms, 1),
        "cpu_ms_per_article": cpu_per_article,
        "rounds": rounds,
    }
    print(json.dumps({k: v for k, v in summary.items() if k != "rounds"}, indent=1), flush=True)
    return summary


def scenario_latency(args: argparse.Namespace, run: Runner) -> dict[str, Any]:
    """Workers limited by the site's answer time, not by CPU: 2 requests at once per worker,
    200 ms per answer, site limits lifted. Shows what the shared frontier adds or costs
    when each worker waits on the network, as crawlers of real sites mostly do."""
    n, run.extra_env = args.articles, {"CRAWLER_WORKER_CONCURRENCY": "2"}
    args.articles = args.latency_articles
    try:
        rounds = {}
        for workers in (1, 2, 4):
            rounds[workers] = crawl_once(args, run, workers, delay=0, concurrency=64, latency=0.2)
            report(f"latency-bound, {workers} worker(s)", rounds[workers])
    finally:
        args.articles, run.extra_env = n, {}
    ratios = {w: round(r["articles_per_s"] / rounds[1]["articles_per_s"], 2) for w, r in rounds.items()}
    print(f"latency-bound ratio to 1 worker: {ratios}", flush=True)
    return {"ratio_to_1_worker": ratios, "rounds": rounds}


def scenario_kill(args: argparse.Namespace, run: Runner) -> dict[str, Any]:
    r = crawl_once(args, run, 2, delay=0, concurrency=16, kill_at=0.4)
    report("kill -9 one of 2 workers at 40 %, restart it", r)
    return r


def scenario_shard(args: argparse.Namespace, run: Runner) -> dict[str, Any]:
    empty_tables(run.db)
    n = 50
    with ExitStack() as stack:
        sites = [(f"site-{i}", *stack.enter_context(serve(f"site-{i}", n))) for i in range(10)]
        sites_file = run.sites_file([(name, server.base_url) for name, server, _, _ in sites], 0, 8)
        procs = [run.crawler("crawl", "--sites", str(sites_file), "--db", run.db, "--shard", f"{i}/2",
                             log=f"shard-{i}.log") for i in (1, 2)]  # fmt: skip
        outputs = [p.communicate(timeout=600)[0] for p in procs]
        per_site = {}
        for name, _server, log, paths in sites:
            counts = log.counts()
            runs = scalar(run.db, f"SELECT count(*) FROM runs WHERE sites = '{name}'")
            stored = scalar(run.db, f"SELECT count(*) FROM articles WHERE site = '{name}'")
            per_site[name] = {"runs": runs, "stored": stored, "feed_fetches": counts["/rss.xml"],
                              "max_article_fetches": max(counts[p] for p in paths)}  # fmt: skip
    shares = [[ln.split(":")[0] for ln in out.splitlines() if ln.startswith("site-")] for out in outputs]
    result = {"exit_codes": [p.returncode for p in procs], "shares": shares, "per_site": per_site,
              "each_site_crawled_once": all(v["runs"] == 1 and v["feed_fetches"] == 1 and v["stored"] == n
                                            and v["max_article_fetches"] == 1 for v in per_site.values())}  # fmt: skip
    print(f"shard: shares {shares}, each site crawled once: {result['each_site_crawled_once']}", flush=True)
    return result


def report(title: str, r: dict[str, Any]) -> None:
    keys = ("startup_s", "seconds", "articles_per_s", "stored", "lost", "versions", "article_pages_fetched_twice",
            "max_starts_in_1s", "mean_request_rate", "max_in_flight", "cpu_s", "machine_busy_share", "load_before",
            "queued_leased_at_kill", "frontier_left", "exit_codes")  # fmt: skip
    print(f"{title}: " + ", ".join(f"{k} {r[k]}" for k in keys if k in r), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--scenarios", default="polite,throughput,latency,kill,shard")
    parser.add_argument("--latency-articles", type=int, default=400, help="site size of the latency-bound runs")
    parser.add_argument("--repeats", type=int, default=2, help="throughput rounds (1, 2, 4 workers each)")
    parser.add_argument("--delay", type=float, default=0.04, help="the polite site's download_delay")
    parser.add_argument("--concurrency", type=int, default=4, help="the polite site's concurrency")
    parser.add_argument("--latency", type=float, default=0.15, help="the polite site's answer time (s)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench_scale"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    scenarios = {"polite": scenario_polite, "throughput": scenario_throughput, "latency": scenario_latency,
                 "kill": scenario_kill, "shard": scenario_shard}  # fmt: skip
    results: dict[str, Any] = {"articles": args.articles, "cores": os.cpu_count()}
    with scratch_database() as db:
        run = Runner(args.workdir, db)
        try:
            for name in args.scenarios.split(","):
                results[name] = scenarios[name](args, run)
        finally:
            clear_prefix(run.prefix)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
