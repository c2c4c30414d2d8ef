#!/usr/bin/env python3
"""Score our extractor and plain trafilatura side by side, in one run, on three datasets.

    python scripts/evaluate.py                 # full table
    python scripts/evaluate.py --quick         # every 3rd aeb/fundus page (CI), all own pages
    python scripts/evaluate.py --check         # exit 1 when a score is below scripts/quality_floors.json
    python scripts/evaluate.py --json out.json # also write every figure as JSON

Datasets (read at run time, never copied into the repository):
  aeb     ../shared/eval/aeb     body precision/recall/F1 over 4-word shingles, as that benchmark defines them
  fundus  ../shared/eval/fundus  title exact (Unicode spaces and soft hyphens folded), published same day,
                                 authors exact, body bag-of-words F1 (summary + sub-headings + paragraphs)
  own     tests/extract/fixtures/pages (project-written Arabic pages with expected JSON beside each), plus
          pages built at run time from ../shared/corpus bodies in the same layouts (--corpus-pages N)
The shared folder is $CRAWLER_SHARED_DIR, else a `shared/` folder beside an ancestor of the repo,
else /work/shared.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import evalcore as ec  # noqa: E402  (scripts/evalcore.py: loaders and metrics)

FLOORS = ROOT / "scripts" / "quality_floors.json"


def _time(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def run_dataset(
    pages: Iterator[ec.Case], scorer: Callable[[ec.Case, dict[str, Any]], dict[str, float]]
) -> dict[str, Any]:
    """Extract every page with both extractors (alternating, same process) and average the scores."""
    rows: dict[str, list[dict[str, float]]] = {"ours": [], "trafilatura": []}
    seconds = {"ours": 0.0, "trafilatura": 0.0}
    count = 0
    for case in pages:
        count += 1
        for name, fn in (("ours", ec.run_ours), ("trafilatura", ec.run_trafilatura)):
            out, dt = _time(lambda fn=fn, case=case: fn(case))
            seconds[name] += dt
            rows[name].append(scorer(case, out))
    result: dict[str, Any] = {"pages": count}
    for name, scores in rows.items():
        result[name] = ec.aggregate(scores)
        result[name]["sec_per_page"] = seconds[name] / max(count, 1)
    return result


def print_table(results: dict[str, dict[str, Any]]) -> None:
    print(f"{'dataset':<8} {'metric':<26} {'ours':>9} {'trafilatura':>12}")
    print("-" * 58)
    for dataset, res in results.items():
        metrics = [k for k in res["ours"] if k != "sec_per_page"] + ["sec_per_page"]
        for metric in metrics:
            ours, theirs = res["ours"].get(metric), res["trafilatura"].get(metric)
            fmt = "{:>9.4f}" if metric == "sec_per_page" else "{:>9.3f}"
            o = fmt.format(ours) if ours is not None else f"{'-':>9}"
            t = fmt.format(theirs) if theirs is not None else f"{'-':>9}"
            print(f"{dataset:<8} {metric:<26} {o} {t:>12}")
        ratio = res["ours"]["sec_per_page"] / max(res["trafilatura"]["sec_per_page"], 1e-9)
        print(f"{dataset:<8} {'speed ratio (ours/traf.)':<26} {ratio:>9.2f}")
        print(f"{dataset:<8} {'pages':<26} {res['pages']:>9}")
        print("-" * 58)
    total = {
        n: sum(r[n]["sec_per_page"] * r["pages"] for r in results.values()) for n in ("ours", "trafilatura")
    }
    pages = sum(r["pages"] for r in results.values())
    if pages and total["trafilatura"]:
        ratio = total["ours"] / total["trafilatura"]
        print(
            f"speed: ours {total['ours'] / pages:.4f} s/page, trafilatura {total['trafilatura'] / pages:.4f} "
            f"s/page, ratio {ratio:.2f}x over {pages} pages"
        )


def check(results: dict[str, dict[str, Any]], floors: dict[str, Any]) -> list[str]:
    """Every floor that the run fell below, as one line each."""
    failures = []
    for key, floor in floors.items():
        if key.startswith("_"):
            continue
        dataset, metric = key.split(".", 1)
        res = results.get(dataset)
        if res is None:
            failures.append(f"{key}: dataset not evaluated")
            continue
        if metric == "speed_ratio_max":
            value = res["ours"]["sec_per_page"] / max(res["trafilatura"]["sec_per_page"], 1e-9)
            if value > floor:
                failures.append(f"{key}: {value:.2f} > {floor}")
            continue
        if metric.endswith("_vs_trafilatura"):
            base = metric.removesuffix("_vs_trafilatura")
            value = res["ours"][base] - res["trafilatura"][base]
        else:
            value = res["ours"].get(metric)
        if metric.startswith("wrong_date") or metric.endswith("_max"):
            if value is None or value > floor:
                failures.append(f"{key}: {value} > {floor}")
        elif value is None or value < floor:
            failures.append(f"{key}: {value if value is None else round(value, 4)} < {floor}")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="every 3rd aeb/fundus page (for CI)")
    parser.add_argument("--check", action="store_true", help=f"fail when below the floors in {FLOORS.name}")
    parser.add_argument("--floors", type=Path, default=FLOORS)
    parser.add_argument("--json", type=Path, help="write all figures to this JSON file")
    parser.add_argument("--only", choices=["aeb", "fundus", "own"], action="append")
    parser.add_argument(
        "--corpus-pages", type=int, default=60, help="own pages built from the corpus (0: none)"
    )
    parser.add_argument("--shared", type=Path, default=None, help="the shared data folder")
    args = parser.parse_args(argv)
    shared = args.shared or ec.shared_dir(ROOT)
    step = 3 if args.quick else 1
    datasets = args.only or ["aeb", "fundus", "own"]
    results: dict[str, dict[str, Any]] = {}
    try:
        if "aeb" in datasets:
            results["aeb"] = run_dataset(ec.aeb_cases(shared, step), ec.score_aeb)
        if "fundus" in datasets:
            results["fundus"] = run_dataset(ec.fundus_cases(shared, step), ec.score_fundus)
        if "own" in datasets:
            results["own"] = run_dataset(ec.own_cases(ROOT, shared, args.corpus_pages), ec.score_own)
    except ec.DataMissing as exc:
        print(f"evaluate.py: {exc}", file=sys.stderr)
        return 2
    print_table(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    if args.check:
        failures = check(results, json.loads(args.floors.read_text()))
        for line in failures:
            print(f"BELOW FLOOR {line}", file=sys.stderr)
        if failures:
            return 1
        print(f"all scores at or above the floors in {args.floors.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
