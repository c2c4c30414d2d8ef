"""The near-duplicate index itself: fingerprints, signatures, the batch look-up, and the
parameters it refuses."""

from __future__ import annotations

import pickle
import random
import re
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.engine import Engine

from crawler.db import neardup as sql
from crawler.db.engine import SQLITE_LOOKUP_MMAP_BYTES, connect
from crawler.dedup.minhash import Shingler, Signature, jaccard, word_hashes
from crawler.dedup.neardup import Entry, NearDuplicateConfigError, NearDuplicateIndex, New
from crawler.text.arabic import fold

from .arabic_text import article, body
from .conftest import insert_article


@pytest.fixture
def engine(db_url: str) -> Engine:
    return connect(db_url)


def test_words_are_found_like_a_word_regex_and_hashed_by_content() -> None:
    text = fold("قال الوزير: «الخطة تبدأ في 2025-07-21»، وأضاف أن_الكلفة ١٢٪ فقط! test-case")
    hashes = word_hashes(text)
    words = re.findall(r"\w+", text)
    assert len(hashes) == len(words)
    by_word = dict(zip(words, hashes.tolist(), strict=True))
    assert len(set(by_word.values())) == len(by_word)  # different words, different hashes
    assert word_hashes(fold("الخطة")).tolist() == [by_word["الخطه"]]
    assert word_hashes(" ، ").tolist() == []


def test_minhash_estimates_jaccard_of_the_shingle_sets() -> None:
    shingler = Shingler(num_perm=256)
    a = fold(body(article(1)))
    b = fold(body(article(1)[:8] + article(2)[:4]))
    exact, _ = jaccard(shingler.shingles(a), shingler.shingles(b))
    estimate = shingler.signature(a).jaccard(shingler.signature(b))
    assert 0.3 < exact < 0.9
    assert abs(estimate - exact) < 0.1  # 3 standard errors at 256 permutations
    assert shingler.signature(a).jaccard(shingler.signature(a)) == 1.0


def test_fingerprint_is_stable_picklable_and_empty_for_tiny_bodies() -> None:
    index = NearDuplicateIndex()
    fp = index.fingerprint(body(article(3)))
    again = pickle.loads(pickle.dumps(index)).fingerprint(body(article(3)))
    assert fp.keys == again.keys and np.array_equal(fp.signature.values, again.signature.values)
    assert len(fp.keys) == index.bands + 1  # bands + the opening-words key
    tiny = index.fingerprint("خبر")
    assert tiny.keys == () and tiny.signature.size == 0 and tiny.content_hash is not None
    assert index.fingerprint(None).content_hash is None


def test_a_batch_sees_its_own_earlier_articles(engine: Engine) -> None:
    index = NearDuplicateIndex()
    text = body(article(4))
    prints = [index.fingerprint(t) for t in (text, body(article(5)), text + "\n\nالمصدر: وكالة")]
    with engine.begin() as conn:
        lookup = index.batch(conn)
        lookup.prefetch(prints)
        assert lookup.match(0).kind is None
        lookup.add(0, canonical_url="https://a.example/4")
        assert lookup.match(1).kind is None
        match = lookup.match(2)
    assert match.kind == "copy" and match.target == New(0) and match.target_url == "https://a.example/4"
    assert match.story_members == (New(0),)


def test_similar_is_read_only_and_sees_committed_articles(engine: Engine) -> None:
    index = NearDuplicateIndex()
    fp = index.fingerprint(body(article(6)))
    with engine.connect() as reader:
        assert index.similar(reader, fp) == []
        reader.rollback()
        with engine.begin() as writer:
            article_id = insert_article(writer, "https://a.example/6", body(article(6)))
            index.add_stored(writer, [(article_id, fp)])
        [candidate] = index.similar(reader, fp)
    assert candidate.article_id == article_id and candidate.jaccard == 1.0 and candidate.exact


def test_invalid_parameters_are_refused_with_a_clear_message() -> None:
    with pytest.raises(NearDuplicateConfigError, match="story_threshold <= copy_threshold"):
        NearDuplicateIndex(copy_threshold=0.3, story_threshold=0.5)
    with pytest.raises(NearDuplicateConfigError, match="bands \\* rows"):
        NearDuplicateIndex(bands=100, rows=2, num_perm=128)
    with pytest.raises(NearDuplicateConfigError, match=">= 0"):
        NearDuplicateIndex(min_shared_shingles=-1)


@pytest.mark.parametrize("chunk", [None, 7])
def test_fingerprints_of_a_batch_equal_those_of_each_body(chunk: int | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if chunk is not None:  # signatures computed in many small chunks (memory bound) come out the same
        monkeypatch.setattr("crawler.dedup.minhash._CHUNK_SHINGLES", chunk)
    index = NearDuplicateIndex()
    bodies = [body(article(20)), "", None, "خبر", body(article(21)) + "\n\nالمصدر: وكالة", "a b c d"]
    together = index.fingerprints(bodies)
    for text, fp in zip(bodies, together, strict=True):
        alone = index.fingerprint(text)
        assert (fp.folded, fp.content_hash, fp.keys) == (alone.folded, alone.content_hash, alone.keys)
        assert fp.signature.size == alone.signature.size
        assert np.array_equal(fp.signature.values, alone.signature.values)
        assert np.array_equal(fp.shingles, index.shingles(fold(text or "")))


def test_the_batch_prefilter_agrees_with_the_estimate_of_each_pair() -> None:
    rng = np.random.default_rng(5)
    for index in (NearDuplicateIndex(), NearDuplicateIndex(copy_threshold=0.8, story_threshold=0.5, min_size_ratio=0)):
        num_perm = index.shingler.num_perm
        base = np.arange(num_perm, dtype=np.uint32)
        cases = [(int(e), int(a), int(b)) for e, a, b in rng.integers(0, [num_perm + 1, 400, 400], size=(3000, 3))]
        cases += [(num_perm, 0, 50), (10, 20, 100), (18, 20, 100), (40, 1, 1)]  # empty, edges of the size rules
        equal, mine, theirs = (np.array(c) for c in zip(*cases, strict=True))
        batch = index.prefilter(equal, mine, theirs)
        for (e, a, b), passed in zip(cases, batch.tolist(), strict=True):
            other = base.copy()
            other[e:] += 1000  # e equal values
            single = index.estimate(Signature(base, a), Entry(1, Signature(other, b), ""))
            assert passed == (single is not None), (e, a, b)
        assert 0 < batch.sum() < len(cases)  # both outcomes were tried


def test_only_candidates_that_pass_the_prefilter_have_their_article_rows_read(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = NearDuplicateIndex()
    original = body(article(21, sentences=30))
    opening = " ".join(original.split()[:30])
    rnd = random.Random(22)
    words = ("".join(rnd.choice("ابتثجحخدذرزسشصضطظعغفقكلمنهوي") for _ in range(6)) for _ in range(300))
    other = opening + "\n\n" + " ".join(words)  # shares the opening-words key only
    assert (
        index.estimate(index.fingerprint(other).signature, Entry(1, index.fingerprint(original).signature, "")) is None
    )
    with engine.begin() as conn:
        ids = [insert_article(conn, f"https://a.example/{n}", text) for n, text in enumerate((original, other))]
        index.add_stored(conn, list(zip(ids, index.fingerprints([original, other]), strict=True)))
    incoming = index.fingerprint(original + "\n\nالمصدر: وكالة الأنباء")
    assert set(incoming.keys) & set(index.fingerprint(other).keys)  # a key sharer, to be rejected
    read: list[set[int]] = []
    candidate_rows = sql.candidate_rows
    monkeypatch.setattr(
        sql, "candidate_rows", lambda conn, wanted: read.append(set(wanted)) or candidate_rows(conn, wanted)
    )
    with engine.connect() as conn:
        lookup = index.batch(conn, lock=False)
        lookup.prefetch([incoming])
        match = lookup.match(0)
    assert match.kind == "copy" and match.target == ids[0] and match.target_url == "https://a.example/0"
    assert read == [{ids[0]}]  # the article sharing a key but not the text was not read


def test_look_ups_read_a_sqlite_database_through_a_map_and_other_connections_do_not(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'news.db'}")
    index = NearDuplicateIndex()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA mmap_size").scalar() == 0
        index.batch(conn, lock=False).prefetch([index.fingerprint(body(article(23)))])
        assert conn.exec_driver_sql("PRAGMA mmap_size").scalar() == SQLITE_LOOKUP_MMAP_BYTES
    with engine.connect() as conn:  # the same pooled connection keeps its map
        assert conn.exec_driver_sql("PRAGMA mmap_size").scalar() == SQLITE_LOOKUP_MMAP_BYTES
    export = connect(f"sqlite:///{tmp_path / 'news.db'}")  # another engine, as an export or a query opens
    with export.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA mmap_size").scalar() == 0
