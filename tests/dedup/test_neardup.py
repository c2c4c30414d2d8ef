"""Near-duplicate index on SQLite and PostgreSQL: copies, stories, persistence, concurrency."""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
import random

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from crawler.db.engine import connect
from crawler.db.models import ArticleRow
from crawler.dedup.neardup import NearDuplicateConfigError, NearDuplicateIndex
from crawler.text.arabic import fold

from .arabic_text import article, body, sentence
from .conftest import insert_article

TRAILER = "\n\nالمصدر: صحيفة المثال\n\nكلمات دلالية: فی الرياض\n\nإقرأ أيضاً:\n\nعنوان خبر آخر عن الطقس"


def store(
    engine: Engine, index: NearDuplicateIndex, url: str, text: str, site: str = "site-a"
) -> tuple[int, object]:
    """What the store step does, in one transaction."""
    folded = fold(text)
    sig = index.signature(folded)
    with engine.begin() as conn:
        match = index.lookup(conn, sig, folded_body=folded)
        article_id = insert_article(conn, url, text, site)
        index.link(conn, article_id, match)
        if match.kind != "copy":
            index.add(conn, article_id, sig, folded_body=folded)
    return article_id, match


def links(engine: Engine, article_id: int) -> tuple[int | None, str | None]:
    t = ArticleRow.__table__
    with engine.connect() as conn:
        row = conn.execute(select(t.c.duplicate_of_id, t.c.story_id).where(t.c.id == article_id)).one()
    return row[0], row[1]


def test_republished_copy_with_trailer_points_to_the_first_seen_copy(engine: Engine) -> None:
    index = NearDuplicateIndex()
    original = body(article(1))
    first, m1 = store(engine, index, "https://a.example/1", original)
    assert m1.kind is None
    copy_id, m2 = store(engine, index, "https://b.example/9", original + TRAILER, site="site-b")
    assert m2.kind == "copy" and m2.article_id == first
    assert links(engine, copy_id) == (first, str(first))
    assert links(engine, first) == (None, str(first))  # the original joins the story too


def test_trimmed_copy_and_copy_of_a_copy_resolve_to_the_original(engine: Engine) -> None:
    index = NearDuplicateIndex()
    sents = article(2)
    first, _ = store(engine, index, "https://a.example/2", body(sents))
    second, m2 = store(engine, index, "https://b.example/2", body(sents) + TRAILER)
    assert m2.kind == "copy" and m2.article_id == first
    # An aggregator that dropped the last paragraph: contained in the original.
    third, m3 = store(engine, index, "https://c.example/2", body(sents[:9]))
    assert m3.kind == "copy" and m3.article_id == first
    assert links(engine, third)[0] == first


def test_same_story_rewritten_shares_a_story_id_but_is_not_a_copy(engine: Engine) -> None:
    index = NearDuplicateIndex()
    sents = article(3)
    first, _ = store(engine, index, "https://a.example/3", body(sents))
    rnd = random.Random(33)
    rewritten = sents[:6] + [sentence(rnd) for _ in range(6)]
    second, match = store(engine, index, "https://b.example/3", body(rewritten))
    assert match.kind == "story", match
    assert index.story_threshold <= match.similarity < index.copy_threshold
    assert links(engine, second) == (None, str(first))
    assert links(engine, first) == (None, str(first))


def test_different_articles_and_tiny_bodies_do_not_match(engine: Engine) -> None:
    index = NearDuplicateIndex()
    store(engine, index, "https://a.example/4", body(article(4)))
    _, other = store(engine, index, "https://a.example/5", body(article(5)))
    assert other.kind is None
    _, tiny = store(engine, index, "https://a.example/6", "خبر عاجل")
    _, tiny_again = store(engine, index, "https://a.example/7", "خبر عاجل")
    assert tiny.kind is None and tiny_again.kind is None  # exact hashes handle these


def test_spelling_variants_are_the_same_copy(engine: Engine) -> None:
    index = NearDuplicateIndex()
    text = body(article(6))
    first, _ = store(engine, index, "https://a.example/8", text)
    variant = text.replace("ي ", "ى ").replace("ة", "ه").replace("أ", "ا").replace("ك", "ک")
    _, match = store(engine, index, "https://b.example/8", variant)
    assert match.kind == "copy" and match.article_id == first and match.similarity == 1.0


def test_the_index_survives_a_new_engine_like_the_next_cron_run(db_url: str) -> None:
    index = NearDuplicateIndex()
    first_run = connect(db_url)
    first, _ = store(first_run, index, "https://a.example/9", body(article(9)))
    first_run.dispose()
    next_run = connect(db_url)
    _, match = store(next_run, NearDuplicateIndex(), "https://b.example/9", body(article(9)) + TRAILER)
    next_run.dispose()
    assert match.kind == "copy" and match.article_id == first


def test_other_parameters_than_the_stored_index_are_refused(engine: Engine) -> None:
    store(engine, NearDuplicateIndex(), "https://a.example/10", body(article(10)))
    with engine.begin() as conn, pytest.raises(NearDuplicateConfigError, match="rebuild the index"):
        other = NearDuplicateIndex(bands=16)
        other.lookup(conn, other.signature("نص"), folded_body="نص")


def test_invalid_parameters_are_refused_with_a_clear_message() -> None:
    with pytest.raises(NearDuplicateConfigError, match="story_threshold <= copy_threshold"):
        NearDuplicateIndex(copy_threshold=0.3, story_threshold=0.5)
    with pytest.raises(NearDuplicateConfigError, match="bands \\* rows"):
        NearDuplicateIndex(bands=100, rows=2, num_perm=128)


def test_a_second_connection_sees_what_the_first_committed(engine: Engine) -> None:
    index = NearDuplicateIndex()
    text = body(article(11))
    folded = fold(text)
    with engine.connect() as reader:
        before = index.similar(reader, index.signature(folded), folded_body=folded)
        reader.rollback()
        first, _ = store(engine, index, "https://a.example/11", text)
        after = index.similar(reader, index.signature(folded), folded_body=folded)
    assert before == [] and [c.article_id for c in after] == [first]


def _store_in_process(db_url: str, url: str, text: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    engine = connect(db_url)
    index = NearDuplicateIndex()
    folded = fold(text)
    sig = index.signature(folded)
    barrier.wait()
    with engine.begin() as conn:
        match = index.lookup(conn, sig, folded_body=folded)
        article_id = insert_article(conn, url, text)
        index.link(conn, article_id, match)
        if match.kind != "copy":
            index.add(conn, article_id, sig, folded_body=folded)
    engine.dispose()


def test_two_processes_storing_one_story_at_once_keep_one_original(db_url: str) -> None:
    connect(db_url).dispose()  # schema in place before the race
    text = body(article(12))
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [
        ctx.Process(
            target=_store_in_process, args=(db_url, f"https://{name}.example/12", text + extra, barrier)
        )
        for name, extra in (("a", ""), ("b", TRAILER))
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    engine = connect(db_url)
    t = ArticleRow.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.id, t.c.duplicate_of_id).order_by(t.c.id)).all()
    engine.dispose()
    assert len(rows) == 2
    originals = [r for r in rows if r[1] is None]
    copies = [r for r in rows if r[1] is not None]
    assert len(originals) == 1 and len(copies) == 1 and copies[0][1] == originals[0][0]
