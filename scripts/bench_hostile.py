#!/usr/bin/env python
"""``crawler crawl`` against the hostile local site (issue 8): does it end by itself, fast, small,
with every good article stored and every hostile resource counted with its reason?

Serves :class:`crawler.demo.hostile_site.HostileSite` on 127.0.0.1 (40 good Arabic
articles beside a never-ending response, a slow first byte, a calendar trap, gzip bombs, a
50 MB page, a 60 MB sitemap, a PDF and a PNG as text/html, hostile redirects, a reset
connection, 500 dead links...), writes a sites file whose only change from the defaults is
``download_delay = 0``, and runs ``crawler crawl`` on it as a subprocess into a fresh SQLite
database, sampling the memory of its process tree from /proc. Prints:

* wall seconds, exit code and run status;
* peak memory of the process tree (PSS sum, and RSS sum as an upper bound);
* good articles stored intact / 40, forbidden content stored, other URLs stored;
* the longest reactor stall and the longest callback (with its URL), from the run's stats;
* one line per hostile resource with the reason(s) it was counted under.

    .venv/bin/python scripts/bench_hostile.py
    .venv/bin/python scripts/bench_hostile.py --keep /tmp/hostile   # keep the db and the log
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.demo.hostile_site import (  # noqa: E402
    BIG_LISTING,
    BIG_LISTING_LINKS,
    GOOD_COUNT,
    HOSTILE,
    SPECIAL_GOOD,
    HostileSite,
    check_crawl,
)
from crawler.procmem import TreeSampler  # noqa: E402

MIB = 1024 * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="Folder for the database and the crawl log (default: temporary).")
    parser.add_argument("--kill-after", type=float, default=900, help="Kill the crawl after this many seconds.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name, HostileSite() as site:
        tmp = args.keep or Path(tmp_name)
        tmp.mkdir(parents=True, exist_ok=True)
        db = tmp / "hostile.db"
        db.unlink(missing_ok=True)
        db_url = f"sqlite:///{db}"
        sites_file = tmp / "sites.toml"
        sites_file.write_text(site.sites_toml(), encoding="utf-8")
        log = tmp / "crawl.log"
        cmd = [sys.executable, "-m", "crawler", "crawl", "--sites", str(sites_file), "--db", db_url]
        cmd += ["--log-file", str(log), "--log-level", "INFO", "hostile"]
        print(f"site {site.base}/ ; {' '.join(cmd[1:])}", flush=True)
        start = time.perf_counter()
        with open(tmp / "crawl.out", "wb") as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ), cwd=tmp)
            with TreeSampler(proc.pid, interval=0.1) as sampler:
                try:
                    code = proc.wait(timeout=args.kill_after)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    code = proc.wait()
                    print(f"KILLED after {args.kill_after:.0f} s: the crawl did not end by itself")
        wall = time.perf_counter() - start
        check = check_crawl(site, db_url, log.read_text(encoding="utf-8", errors="replace"))
    stats = check.run.get("stats") or {}
    print(f"wall seconds            {wall:.1f}")
    print(f"exit code               {code} (run status {check.run.get('status')}, {check.run.get('finish_reason')})")
    peak = sampler.result
    print(f"peak memory (PSS sum)   {peak.peak_pss / MIB:.0f} MiB (RSS sum {peak.peak_rss / MIB:.0f} MiB)")
    print(f"good articles stored    {len(check.good_stored)} / {GOOD_COUNT}")
    for i, why in sorted(check.good_damaged.items()):
        print(f"  article {i} ({SPECIAL_GOOD.get(i, 'plain')}): {why}")
    print(f"forbidden stored        {len(check.forbidden)}")
    for line in check.forbidden:
        print(f"  {line}")
    print(f"other URLs stored       {len(check.unexpected)}")
    for url in check.unexpected:
        print(f"  {url}")
    stall = stats.get("crawler/reactor/max_stall_seconds")
    callback = stats.get("crawler/reactor/max_callback_seconds")
    print(f"longest reactor stall   {stall if stall is not None else 'not measured'} s")
    print(f"longest callback        {callback if callback is not None else 'not measured'} s"
          f" ({stats.get('crawler/reactor/max_callback_url', '-')})")  # fmt: skip
    listings = stats.get("crawler/requests/listing", 0)  # home + 3 calendar pages + the big one
    state = "requested" if listings >= 5 else "NOT REQUESTED"
    print(f"big listing             {BIG_LISTING} ({BIG_LISTING_LINKS:,} links): {state}; links read in a thread")
    print("hostile resources:")
    for path, what in HOSTILE.items():
        reasons = ", ".join(check.reasons.get(path, [])) or "NOT REPORTED"
        print(f"  {path:<26} {reasons:<48} ({what})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
