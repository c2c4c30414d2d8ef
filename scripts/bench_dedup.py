"""Benchmark of the deduplication path (issue 4), on the shared corpus; no network.

    python scripts/bench_dedup.py                       # every section, SQLite
    python scripts/bench_dedup.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    python scripts/bench_dedup.py --sections speed,growth --growth-max 1000000

Sections: ``pairs`` (index vs brute-force exact Jaccard, precision/recall at each
threshold), ``perturb`` (variants built at run time must be found; same-topic different
articles must not be merged), ``speed`` (articles/s through the whole path, peak
memory), ``growth`` (look-up time and memory from 10k to 1M stored signatures),
``minhash`` (our numpy MinHash vs datasketch). The corpus path defaults to
``$CRAWLER_SHARED_DIR/corpus/saudinewsnet-2015-07`` or the ``shared/`` folder found
beside the repository. Nothing from the corpus is written outside a temporary folder.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _dedup_bench import corpus, growth, pairs, perturb, speed

from crawler.dedup.neardup import NearDuplicateIndex

SECTIONS = ("minhash", "pairs", "perturb", "speed", "growth")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=None, help="folder of the corpus zips")
    parser.add_argument("--postgres", default=None, help="also run pairs/perturb/speed on this PostgreSQL server")
    parser.add_argument("--sections", default=",".join(SECTIONS), help=f"comma-separated subset of {SECTIONS}")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N corpus articles (0: all)")
    parser.add_argument("--perturb-sample", type=int, default=2000, help="articles to perturb")
    parser.add_argument("--growth-max", type=int, default=1_000_000, help="largest index size for growth")
    args = parser.parse_args()
    wanted = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = set(wanted) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {SECTIONS}")

    folder = args.corpus or corpus.default_corpus_dir()
    articles = corpus.load(folder, limit=args.limit)
    print(f"corpus: {len(articles)} articles with distinct canonical URLs from {folder}")
    index = NearDuplicateIndex()
    print(
        f"index: copy_threshold={index.copy_threshold} story_threshold={index.story_threshold} "
        f"containment_threshold={index.containment_threshold} num_perm={index.shingler.num_perm} "
        f"bands={index.bands} rows={index.rows} shingle_words={index.shingler.k}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-dedup-") as tmp:
        targets = [("sqlite", f"sqlite:///{tmp}/bench.db", f"sqlite:///{tmp}/speed-{{}}.db")]
        if args.postgres:
            targets.append(("postgresql", args.postgres, args.postgres))
        if "minhash" in wanted:
            pairs.compare_minhash(articles)
        for name, url, speed_url in targets:
            with corpus.fresh_database(url) as engine:
                if "pairs" in wanted or "perturb" in wanted:
                    ids = pairs.build(engine, index, articles)
                    if "pairs" in wanted:
                        pairs.report(engine, index, articles, ids, label=name)
                    if "perturb" in wanted:
                        perturb.report(engine, index, articles, ids, sample=args.perturb_sample, label=name)
            if "speed" in wanted:
                with (
                    corpus.fresh_database(speed_url.format("path")) as engine,
                    corpus.fresh_database(speed_url.format("base")) as baseline,
                ):
                    speed.report(engine, baseline, articles, label=name)
        if "growth" in wanted:
            growth.report(f"sqlite:///{tmp}/growth.db", articles, maximum=args.growth_max, label="sqlite")
            if args.postgres:
                growth.report(args.postgres, articles, maximum=args.growth_max, label="postgresql")


if __name__ == "__main__":
    main()
