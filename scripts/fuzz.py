#!/usr/bin/env python3
"""Run the fuzzers of ``tests/test_fuzz.py`` for as long as asked; print figures.

The targets, strategies and properties are those of ``tests/fuzzing.py``: the extractor
(``crawler.extract.extract``), the feed and sitemap parsers (``crawler.discover``), the
storage guard (``crawler.safety`` and the Clean pipeline) and ``safe_text`` alone. Each
target runs in batches of fresh hypothesis runs (new random seed each) until its time is
up; a broken property stops the run with hypothesis's minimal failing example and exit
status 1.

Per target it prints: examples run, examples per second, the peak resident memory of the
process while the target ran (``VmHWM``, reset per example through /proc/self/clear_refs),
and the largest rise of memory one example caused; at the end, the errors ``extract()``
caught and logged (it never raises, but such a page loses its fields).

    python scripts/fuzz.py                          # every target, 60 s each
    python scripts/fuzz.py --seconds 300 extract    # the extractor for 5 minutes
    python scripts/fuzz.py --cost                   # what the guard costs per ordinary article

``--cost`` times :func:`crawler.safety.sanitize_article` (the guard the extractor and the
Clean pipeline each run once per article) on the bundled demo articles, which hold no
markup: the price every article pays.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fuzzing import CAUGHT, TARGETS, Target  # noqa: E402  (tests/ is put on the path just above)
from hypothesis import HealthCheck, given, settings  # noqa: E402
from memory import peak_growth_mb, peak_rss_mb  # noqa: E402

BATCH = {"extract": 50, "feed": 200, "sitemap": 200, "guard": 200, "safe_text": 500}


def run_target(target: Target, seconds: float) -> dict[str, Any]:
    """Fuzz *target* for about *seconds*; its figures. Raises on a broken property."""
    count = 0
    worst = peak = 0.0

    def check(example: Any) -> None:
        nonlocal count, worst, peak
        _, grew = peak_growth_mb(lambda: target.check(example))  # resets the peak first
        count += 1
        worst = max(worst, grew)
        peak = max(peak, peak_rss_mb())  # the peak of this example

    start = time.monotonic()
    while time.monotonic() - start < seconds:
        batch = settings(
            max_examples=BATCH.get(target.name, 100),
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )(given(target.strategy)(check))
        batch()
    elapsed = time.monotonic() - start
    return {
        "target": target.name,
        "examples": count,
        "seconds": elapsed,
        "per_second": count / elapsed if elapsed else 0.0,
        "peak_mb": peak,
        "worst_example_mb": worst,
    }


def guard_cost(repeat: int = 200) -> None:
    """Print the guard's time per ordinary article (demo articles, no markup in them)."""
    from crawler.demo.articles import ARTICLES
    from crawler.items import Article
    from crawler.safety import sanitize_article

    articles = [
        Article(
            url=f"https://a.example/news/{a.slug}",
            title=a.title,
            body="\n\n".join(a.paragraphs),
            authors=[a.author],
            section=a.section,
            tags=list(a.tags),
            read_also=[{"title": b.title, "url": f"https://a.example/news/{b.slug}"} for b in ARTICLES[:3]],
            image="https://a.example/img/1.jpg",
        )
        for a in ARTICLES
    ]
    chars = sum(len(a.body or "") for a in articles) / len(articles)
    start = time.perf_counter()
    for _ in range(repeat):
        for article in articles:
            sanitize_article(article)
    per_article = (time.perf_counter() - start) / (repeat * len(articles))
    print(f"guard: {per_article * 1e6:.1f} µs per article ({len(articles)} demo articles, {chars:.0f} body chars each)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", help=f"targets to run: {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--seconds", type=float, default=60.0, help="time per target (default 60)")
    parser.add_argument("--cost", action="store_true", help="print the guard's time per ordinary article and stop")
    args = parser.parse_args(argv)
    if args.cost:
        guard_cost()
        return 0
    logging.getLogger("crawler.extract.core").propagate = False  # counted instead (fuzzing.CAUGHT)
    names = args.targets or list(TARGETS)
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        parser.error(f"unknown target {unknown[0]!r}: choose among {', '.join(TARGETS)}")
    print(f"{'target':<10} {'examples':>9} {'seconds':>8} {'ex/s':>8} {'peak RSS MB':>12} {'worst ex. MB':>13}")
    overall_peak = 0.0
    for name in names:
        try:
            row = run_target(TARGETS[name], args.seconds)
        except Exception as exc:  # a broken property: hypothesis has printed the example
            print(f"{name}: FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
            for note in getattr(exc, "__notes__", []):  # hypothesis's minimal failing example
                print(note, file=sys.stderr)
            return 1
        overall_peak = max(overall_peak, row["peak_mb"])
        print(
            f"{row['target']:<10} {row['examples']:>9} {row['seconds']:>8.1f} {row['per_second']:>8.1f}"
            f" {row['peak_mb']:>12.0f} {row['worst_example_mb']:>13.1f}",
            flush=True,
        )
    print(f"no property broken; highest peak RSS {overall_peak:.0f} MB")
    if CAUGHT.count:
        print(f"errors extract() caught and logged (the page lost its fields): {CAUGHT.count}")
        for message, n in sorted(CAUGHT.messages.items(), key=lambda kv: -kv[1])[:10]:
            print(f"  {n:>6}  {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
