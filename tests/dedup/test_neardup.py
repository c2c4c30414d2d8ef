"""The near-duplicate index itself: fingerprints, signatures, the batch look-up, and the
parameters it refuses."""

from __future__ import annotations

import pickle
import re

import numpy as np
import pytest
from sqlalchemy.engine import Engine

from crawler.db.engine import connect
from crawler.dedup.minhash import Shingler, jaccard, word_hashes
from crawler.dedup.neardup import NearDuplicateConfigError, NearDuplicateIndex, New
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
