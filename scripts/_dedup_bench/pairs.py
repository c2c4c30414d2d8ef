"""Index vs brute-force exact Jaccard over the same shingles; our MinHash vs datasketch."""

from __future__ import annotations

import copy
import re
import time

import numpy as np
import scipy.sparse as sp
from sqlalchemy.engine import Engine

from crawler.dedup.minhash import Shingler
from crawler.dedup.neardup import NearDuplicateIndex
from crawler.text.arabic import fold

from .corpus import BenchArticle, insert_article

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def build(engine: Engine, index: NearDuplicateIndex, articles: list[BenchArticle], batch: int = 200) -> list[int]:
    """Store every article and index every one of them (copies too), so that each stored
    pair can be compared with brute force; returns the article ids in corpus order."""
    ids: list[int] = []
    started = time.perf_counter()
    for start in range(0, len(articles), batch):
        chunk = articles[start : start + batch]
        with engine.begin() as conn:
            new_ids = [insert_article(conn, a) for a in chunk]
            index.add_stored(conn, [(i, index.fingerprint(a.body)) for i, a in zip(new_ids, chunk, strict=True)])
            ids.extend(new_ids)
    print(f"  indexed {len(ids)} articles in {time.perf_counter() - started:.1f} s")
    return ids


def brute_force(shingles: list[np.ndarray]) -> dict[tuple[int, int], float]:
    """Exact Jaccard of every pair of articles sharing a shingle, for pairs with J >= 0.2."""
    sizes = np.array([len(s) for s in shingles])
    values = np.concatenate([s for s in shingles if len(s)]) if sizes.sum() else np.empty(0, np.uint64)
    _, column = np.unique(values, return_inverse=True)
    rows = np.repeat(np.arange(len(shingles)), sizes)
    matrix = sp.csr_matrix((np.ones(len(values), np.int32), (rows, column)), shape=(len(shingles), column.max() + 1))
    transposed = matrix.T.tocsr()
    out: dict[tuple[int, int], float] = {}
    for start in range(0, len(shingles), 2000):
        inter = (matrix[start : start + 2000] @ transposed).tocoo()
        r, c, v = inter.row + start, inter.col, inter.data
        keep = r < c
        r, c, v = r[keep], c[keep], v[keep]
        jac = v / (sizes[r] + sizes[c] - v)
        for a, b, j in zip(r[jac >= 0.2].tolist(), c[jac >= 0.2].tolist(), jac[jac >= 0.2].tolist(), strict=True):
            out[(a, b)] = j
    return out


def report(engine: Engine, index: NearDuplicateIndex, articles: list[BenchArticle], ids: list[int], label: str) -> None:
    print(f"\n== pairs [{label}]: near-duplicate index vs brute-force exact Jaccard (same 3-word shingles)")
    folded = [fold(a.body) for a in articles]
    started = time.perf_counter()
    truth = brute_force([index.shingler.shingles(f) for f in folded])
    print(f"  brute force: {len(truth)} pairs with J >= 0.2 in {time.perf_counter() - started:.1f} s")
    position = {article_id: i for i, article_id in enumerate(ids)}
    estimate_only = copy.copy(index)
    estimate_only.exact = False
    for name, idx in (("exact check (default)", index), ("signature estimate only", estimate_only)):
        found: dict[tuple[int, int], float] = {}
        copies_by_containment = 0
        with engine.connect() as conn:
            for i, a in enumerate(articles):
                for cand in idx.similar(conn, idx.fingerprint(a.body), exclude_id=ids[i]):
                    j = position[cand.article_id]  # type: ignore[index]
                    found[(min(i, j), max(i, j))] = cand.jaccard
                    if idx.is_copy(cand) and cand.jaccard < idx.copy_threshold:
                        copies_by_containment += 1
        print(f"  {name}:")
        print("    threshold  truth pairs  found  precision  recall")
        for t in THRESHOLDS:
            want = {p for p, j in truth.items() if j >= t}
            got = {p for p, j in found.items() if j >= t}
            hit = len(want & got)
            precision = hit / len(got) if got else 1.0
            recall = hit / len(want) if want else 1.0
            mark = "  <- copy_threshold" if abs(t - idx.copy_threshold) < 1e-9 else ""
            mark += "  <- story_threshold" if abs(t - idx.story_threshold) < 1e-9 else ""
            print(f"    J >= {t:.1f}   {len(want):11d}  {len(got):5d}  {precision:9.4f}  {recall:6.4f}{mark}")
        print(
            f"    (plus {copies_by_containment // 2 or copies_by_containment} lookups that found a copy by containment)"
        )


def compare_minhash(articles: list[BenchArticle], sample: int = 3000) -> None:
    """Speed and estimate error of our MinHash and datasketch's, on the same shingles."""
    from datasketch import MinHash

    print("\n== minhash: our numpy MinHash vs datasketch (same permutations count, 3-word shingles)")
    shingler = Shingler(num_perm=NearDuplicateIndex().shingler.num_perm)
    folded = [fold(a.body) for a in articles[:sample]]
    words = [re.findall(r"\w+", f) for f in folded]  # the same tokens as ours
    started = time.perf_counter()
    ours = [shingler.signature(f) for f in folded]
    t_ours = time.perf_counter() - started
    started = time.perf_counter()
    theirs = []
    for w in words:
        m = MinHash(num_perm=shingler.num_perm, seed=1)
        m.update_batch([" ".join(w[i : i + 3]).encode() for i in range(len(w) - 2)])
        theirs.append(m)
    t_theirs = time.perf_counter() - started
    print(
        f"  ours: {t_ours / len(folded) * 1e6:.0f} us/article; datasketch update_batch: "
        f"{t_theirs / len(folded) * 1e6:.0f} us/article; ratio {t_theirs / t_ours:.1f}x"
    )
    shingles = [shingler.shingles(f) for f in folded]
    errors_ours, errors_theirs = [], []
    truth = brute_force(shingles)
    for (a, b), j in truth.items():
        errors_ours.append(ours[a].jaccard(ours[b]) - j)
        errors_theirs.append(theirs[a].jaccard(theirs[b]) - j)
    if errors_ours:
        print(
            f"  estimate error over {len(truth)} pairs with J >= 0.2: ours mean {np.mean(errors_ours):+.4f} "
            f"sd {np.std(errors_ours):.4f}; datasketch mean {np.mean(errors_theirs):+.4f} "
            f"sd {np.std(errors_theirs):.4f}"
            f" (theory at J=0.5: sd {np.sqrt(0.25 / shingler.num_perm):.4f})"
        )
