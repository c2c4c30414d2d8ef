"""The store step's deduplication on SQLite and PostgreSQL: copies, stories, source-line
linking, versions and re-indexing, batches, and two processes storing at once."""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.synchronize
import random
from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from sqlalchemy import func, select, update

from crawler.api import Database
from crawler.db import store
from crawler.db.engine import connect
from crawler.db.models import ArticleRow, NearDupSignature
from crawler.db.repository import Dedup, Repository
from crawler.dedup.neardup import Entry, NearDuplicateConfigError, NearDuplicateIndex
from crawler.items import Article
from crawler.pipelines import StorePipeline

from .arabic_text import article, body, sentence

TRAILER = "\n\nالمصدر: صحيفة المثال\n\nكلمات دلالية: فی الرياض\n\nإقرأ أيضاً:\n\nعنوان خبر آخر عن الطقس"
SITES = {"publisher": ("موقع الأخبار التجريبي",), "aggregator": ()}


def item(url: str, text: str, site: str = "site-a", source: str | None = None) -> Article:
    return Article(url=url, canonical_url=url, site=site, title="عنوان", body=text, source=source,
                   fetched_at=datetime.now(UTC).isoformat())  # fmt: skip


def shown(db_url: str) -> list[str]:
    """URLs `crawler query` lists (copies folded into their original)."""
    with Database(db_url) as db:
        return [a.url for a in db.search(limit=None)]


def links(repo: Repository, url: str) -> tuple[str | None, str | None]:
    stored = repo.get_article(url)
    assert stored is not None
    return stored.duplicate_of, stored.story_id


def test_republished_copy_with_trailer_points_to_the_original(db_url: str) -> None:
    repo = Repository(connect(db_url))
    original = body(article(1))
    [first] = repo.store_articles([item("https://a.example/1", original)])
    [copy] = repo.store_articles([item("https://b.example/9", original + TRAILER, site="site-b")])
    assert first.status == "new" and copy.status == "duplicate"
    assert copy.duplicate_of == "https://a.example/1"
    assert links(repo, "https://b.example/9") == ("https://a.example/1", copy.story_id)
    assert links(repo, "https://a.example/1") == (None, copy.story_id)  # the original joins the story
    assert shown(db_url) == ["https://a.example/1"]


def test_trimmed_copy_and_copy_of_a_copy_resolve_to_the_first_seen(db_url: str) -> None:
    repo = Repository(connect(db_url))
    sents = article(2)
    repo.store_articles([item("https://a.example/2", body(sents))])
    repo.store_articles([item("https://b.example/2", body(sents) + TRAILER)])
    [trimmed] = repo.store_articles([item("https://c.example/2", body(sents[:9]))])  # last paragraph dropped
    assert trimmed.status == "duplicate" and trimmed.duplicate_of == "https://a.example/2"


def test_same_story_rewritten_shares_a_story_id_but_is_not_a_copy(db_url: str) -> None:
    repo = Repository(connect(db_url))
    sents = article(3)
    repo.store_articles([item("https://a.example/3", body(sents))])
    rnd = random.Random(33)
    [second] = repo.store_articles([item("https://b.example/3", body(sents[:6] + [sentence(rnd) for _ in range(6)]))])
    assert second.status == "new" and second.duplicate_of is None
    assert second.story_id is not None
    assert links(repo, "https://a.example/3") == (None, second.story_id)
    assert len(shown(db_url)) == 2  # both shown: a story is not a copy


def test_different_articles_and_tiny_bodies_stay_apart(db_url: str) -> None:
    repo = Repository(connect(db_url))
    outcomes = repo.store_articles(
        [item("https://a.example/4", body(article(4))), item("https://a.example/5", body(article(5))),
         item("https://a.example/6", "خبر عاجل"), item("https://a.example/7", "خبر عاجل آخر")]
    )  # fmt: skip
    assert [o.status for o in outcomes] == ["new"] * 4
    assert all(o.story_id is None for o in outcomes)


def test_spelling_variants_are_an_exact_copy(db_url: str) -> None:
    repo = Repository(connect(db_url))
    text = body(article(6))
    variant = text.replace("ي ", "ى ").replace("ة", "ه").replace("أ", "ا").replace("ك", "ک")
    first, copy = repo.store_articles([item("https://a.example/8", text), item("https://b.example/8", variant)])
    assert copy.status == "duplicate" and copy.duplicate_of == "https://a.example/8"
    assert first.story_id == copy.story_id is not None


def test_copies_inside_one_batch_find_each_other(db_url: str) -> None:
    repo = Repository(connect(db_url))
    sents = article(7)
    outcomes = repo.store_articles(
        [item("https://a.example/7", body(sents)), item("https://x.example/1", body(article(70))),
         item("https://b.example/7", body(sents) + TRAILER), item("https://c.example/7", body(sents[:9]))]
    )  # fmt: skip
    assert [o.status for o in outcomes] == ["new", "new", "duplicate", "duplicate"]
    assert {o.duplicate_of for o in outcomes[2:]} == {"https://a.example/7"}
    assert outcomes[0].story_id == outcomes[2].story_id == outcomes[3].story_id
    assert links(repo, "https://c.example/7")[0] == "https://a.example/7"


def test_copy_stored_first_is_relinked_to_the_site_its_source_line_names(db_url: str) -> None:
    repo = Repository(connect(db_url), Dedup(sites=SITES))
    text = body(article(8))
    source = "المصدر: موقع الأخبار التجريبي"
    [agg] = repo.store_articles([item("https://agg.example/8", text + TRAILER, "aggregator", source)])
    assert agg.status == "new"
    [pub] = repo.store_articles([item("https://pub.example/8", text, "publisher")])
    assert pub.status == "new" and pub.duplicate_of is None
    assert links(repo, "https://agg.example/8")[0] == "https://pub.example/8"
    # A later copy of the same story joins the publisher's article, not the aggregator's.
    [late] = repo.store_articles([item("https://other.example/8", text + "\n\nتابعونا", "aggregator", source)])
    assert late.duplicate_of == "https://pub.example/8"
    assert shown(db_url) == ["https://pub.example/8"]


def test_relinking_inside_one_batch(db_url: str) -> None:
    repo = Repository(connect(db_url), Dedup(sites=SITES))
    text = body(article(9))
    outcomes = repo.store_articles(
        [item("https://agg.example/9", text, "aggregator", "المصدر: موقع الأخبار التجريبي"),
         item("https://pub.example/9", text, "publisher")]
    )  # fmt: skip
    assert [o.status for o in outcomes] == ["duplicate", "new"]  # the outcomes tell the final links
    assert outcomes[0].duplicate_of == "https://pub.example/9"
    assert links(repo, "https://agg.example/9")[0] == "https://pub.example/9"
    assert links(repo, "https://pub.example/9")[0] is None


def test_an_updated_article_keeps_its_old_version_and_is_reindexed(db_url: str) -> None:
    repo = Repository(connect(db_url))
    old, new = body(article(10)), body(article(11))
    [first] = repo.store_articles([item("https://a.example/10", old)])
    [again] = repo.store_articles([item("https://a.example/10", old)])
    assert again.status == "unchanged"
    [update] = repo.store_articles([item("https://a.example/10", new)])
    assert update.status == "updated" and update.article_id == first.article_id
    assert [v["version"] for v in repo.versions(first.article_id)] == [1]
    # The index follows the new body: a copy of the new text is found, of the old one not.
    copy_new, copy_old = repo.store_articles(
        [item("https://b.example/11", new + TRAILER), item("https://b.example/10", old + TRAILER)]
    )
    assert copy_new.duplicate_of == "https://a.example/10"
    assert copy_old.status == "new"
    with repo.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(NearDupSignature)).scalar_one() == 2


def test_the_index_survives_a_new_engine_like_the_next_cron_run(db_url: str) -> None:
    text = body(article(12))
    first_run = Repository(connect(db_url))
    first_run.store_articles([item("https://a.example/12", text)])
    first_run.engine.dispose()
    [copy] = Repository(connect(db_url)).store_articles([item("https://b.example/12", text + TRAILER)])
    assert copy.duplicate_of == "https://a.example/12"


def test_other_index_parameters_than_the_stored_ones_are_refused(db_url: str) -> None:
    Repository(connect(db_url)).store_articles([item("https://a.example/13", body(article(13)))])
    other = Repository(connect(db_url), Dedup(NearDuplicateIndex(bands=10)))
    with pytest.raises(NearDuplicateConfigError, match="rebuild the index"):
        other.store_articles([item("https://a.example/14", body(article(14)))])


def test_fingerprints_may_be_computed_beforehand_but_must_match_the_batch(db_url: str) -> None:
    repo = Repository(connect(db_url))
    batch = [item("https://a.example/15", body(article(15)))]
    [outcome] = repo.store_articles(batch, repo.fingerprints(batch))
    assert outcome.status == "new"
    with pytest.raises(ValueError, match="1 articles but 0 fingerprints"):
        repo.store_articles(batch, [])


def _store_in_process(db_url: str, url: str, text: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    repo = Repository(connect(db_url))
    batch = [item(url, text)]
    prints = repo.fingerprints(batch)
    barrier.wait()
    repo.store_articles(batch, prints)
    repo.engine.dispose()


def test_two_processes_storing_one_story_at_once_keep_one_original(db_url: str) -> None:
    connect(db_url).dispose()  # schema in place before the race
    text = body(article(16))
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [
        ctx.Process(target=_store_in_process, args=(db_url, f"https://{name}.example/16", text + extra, barrier))
        for name, extra in (("a", ""), ("b", TRAILER))
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    engine = connect(db_url)
    with engine.connect() as conn:
        rows = conn.execute(select(ArticleRow.id, ArticleRow.duplicate_of_id).order_by(ArticleRow.id)).all()
    engine.dispose()
    originals = [r for r in rows if r[1] is None]
    copies = [r for r in rows if r[1] is not None]
    assert len(originals) == 1 and len(copies) == 1 and copies[0][1] == originals[0][0]


def test_the_index_can_be_rebuilt_from_stored_articles(db_url: str) -> None:
    repo = Repository(connect(db_url))
    text = body(article(17))
    repo.store_articles([item("https://a.example/17", text), item("https://b.example/17", text + TRAILER)])
    with repo.engine.begin() as conn:  # an index from another version of the crawler
        conn.execute(NearDupSignature.__table__.delete())
        conn.exec_driver_sql("UPDATE near_dup_meta SET scheme = 'old-scheme'")
    fresh = Repository(connect(db_url))
    with pytest.raises(NearDuplicateConfigError, match="rebuild the index"):
        fresh.store_articles([item("https://c.example/17", text + "\n\nتابعونا")])
    assert fresh.rebuild_index() == 1  # the original; its copy stays a copy
    [copy] = fresh.store_articles([item("https://c.example/17", text + "\n\nتابعونا")])
    assert copy.duplicate_of == "https://a.example/17"


def test_a_changed_original_is_compared_by_its_new_body_even_after_being_cached(db_url: str) -> None:
    repo = Repository(connect(db_url))
    old, new = body(article(18)), body(article(19))
    repo.store_articles([item("https://a.example/18", old)])
    [copy] = repo.store_articles([item("https://b.example/18", old + TRAILER)])  # old body's shingles now cached
    assert copy.duplicate_of == "https://a.example/18"
    [update] = repo.store_articles([item("https://a.example/18", new)])
    assert update.status == "updated"
    late_old, late_new = repo.store_articles(
        [item("https://c.example/18", old + "\n\nتابعونا"), item("https://d.example/18", new + TRAILER)]
    )
    assert late_old.status == "new"  # the original's old body is no longer what it is compared by
    assert late_new.duplicate_of == "https://a.example/18"


# --- PostgreSQL: batches resolved without the index lock, verified before commit ----------


def _interleave(
    monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[], object], *, after_write: bool = False
) -> list[bool]:
    """Run *meanwhile* (another writer, committing) once, after the first batch decided
    (look-ups done, without the index lock) and before it writes (or, *after_write*, before
    it verifies); returns, per verification before commit, whether it passed.

    Callers store one article first: the first batch of a database records the index
    parameters, and a second writer would wait for that row of ours (in this one thread).
    """
    real_write, real_verify = store._Batch.write, store._Batch.verify
    passed: list[bool] = []
    pending = [meanwhile]

    def write(batch: store._Batch) -> list[store.StoreOutcome]:
        if pending and not after_write:
            pending.pop()()
        return real_write(batch)

    def verify(batch: store._Batch) -> None:
        if pending and after_write:
            pending.pop()()
        try:
            real_verify(batch)
        except store.StoreConflict:
            passed.append(False)
            raise
        passed.append(True)

    monkeypatch.setattr(store._Batch, "write", write)
    monkeypatch.setattr(store._Batch, "verify", verify)
    return passed


def test_a_copy_committed_by_another_writer_meanwhile_is_seen_at_commit(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, other = Repository(connect(postgres_url)), Repository(connect(postgres_url))
    repo.store_articles([item("https://z.example/1", body(article(30)))])
    text = body(article(21))
    # The other writer stores the story while this batch is between its look-ups and its commit.
    passed = _interleave(monkeypatch, lambda: other.store_articles([item("https://a.example/21", text)], None))
    [outcome] = repo.store_articles([item("https://b.example/21", text + TRAILER, site="site-b")])
    # Verifying the other writer's own batch ran inside ours and passed; ours conflicted once.
    assert passed == [True, False, True] and repo.retries == 1
    assert outcome.status == "duplicate" and outcome.duplicate_of == "https://a.example/21"
    assert links(repo, "https://b.example/21") == ("https://a.example/21", outcome.story_id)


def test_the_store_pipeline_counts_batches_stored_again(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """What docs/scaling.md tells operators to watch: ``crawler/store/retries``."""
    other = Repository(connect(postgres_url))
    other.store_articles([item("https://z.example/2", body(article(31)))])
    text = body(article(25))
    st = MemoryStatsCollector(SimpleNamespace(settings=Settings({"STATS_DUMP": False})))  # type: ignore[arg-type]
    pipeline = StorePipeline(st, postgres_url, batch_size=1, flush_seconds=60, dry_run=False, wait=True)  # type: ignore[arg-type]
    _interleave(monkeypatch, lambda: other.store_articles([item("https://a.example/25", text)], None))

    async def scenario() -> Article:
        await pipeline.open_spider()
        stored = await pipeline.process_item(item("https://b.example/25", text + TRAILER, site="site-b"))
        await pipeline.close_spider()
        return stored

    stored = asyncio.run(scenario())
    assert stored.duplicate_of == "https://a.example/25"
    assert st.get_value("crawler/store/batches") == 1 and st.get_value("crawler/store/retries") == 1


def test_the_same_body_committed_meanwhile_makes_this_one_its_copy(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, other = Repository(connect(postgres_url)), Repository(connect(postgres_url))
    repo.store_articles([item("https://z.example/1", body(article(30)))])
    text = body(article(22))
    _interleave(monkeypatch, lambda: other.store_articles([item("https://a.example/22", text)], None))
    [outcome] = repo.store_articles([item("https://b.example/22", text)])
    assert repo.retries == 1
    assert outcome.status == "duplicate" and outcome.duplicate_of == "https://a.example/22"


def test_the_same_body_committed_after_this_batch_inserted_its_row_is_seen_at_commit(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # This batch's original gets the lower id; the other writer's, committed first, a higher
    # one: looking up only the first original of a content hash would miss it. Two words:
    # no shingle, no index key, so only the content hash can tell.
    repo, other = Repository(connect(postgres_url)), Repository(connect(postgres_url))
    repo.store_articles([item("https://z.example/1", body(article(30)))])
    text = "خبر عاجل"
    passed = _interleave(
        monkeypatch, lambda: other.store_articles([item("https://a.example/28", text)], None), after_write=True
    )
    [outcome] = repo.store_articles([item("https://b.example/28", text)])
    assert passed == [True, False, True] and repo.retries == 1
    assert outcome.status == "duplicate" and outcome.duplicate_of == "https://a.example/28"
    assert repo.count_articles(include_duplicates=False) == 2  # z.example/1 and a.example/28


def test_a_story_member_committed_meanwhile_is_seen_at_commit(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, other = Repository(connect(postgres_url)), Repository(connect(postgres_url))
    sents = article(3)
    repo.store_articles([item("https://a.example/3", body(sents))])
    rnd = random.Random(33)
    rewrite_b = body(sents[:6] + [sentence(rnd) for _ in range(6)])
    rewrite_c = body(sents[:6] + [sentence(rnd) for _ in range(6)])
    passed = _interleave(monkeypatch, lambda: other.store_articles([item("https://c.example/3", rewrite_c)], None))
    [b] = repo.store_articles([item("https://b.example/3", rewrite_b)])
    assert passed == [True, False, True] and repo.retries == 1
    assert b.status == "new" and b.story_id is not None
    assert {links(repo, f"https://{s}.example/3") for s in "abc"} == {(None, b.story_id)}


def _relink_meanwhile(postgres_url: str, url: str, **values: object) -> Callable[[], None]:
    """Another writer changing the links of a stored row and committing."""

    def run() -> None:
        engine = connect(postgres_url)
        with engine.begin() as conn:
            conn.execute(update(ArticleRow).where(ArticleRow.canonical_url == url).values(**values))
        engine.dispose()

    return run


def test_a_story_given_meanwhile_to_a_row_this_batch_joins_is_kept(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = Repository(connect(postgres_url))
    sents = article(3)
    repo.store_articles([item("https://a.example/3", body(sents))])  # no story yet
    rnd = random.Random(33)
    passed = _interleave(monkeypatch, _relink_meanwhile(postgres_url, "https://a.example/3", story_id="elsewhere"))
    [b] = repo.store_articles([item("https://b.example/3", body(sents[:6] + [sentence(rnd) for _ in range(6)]))])
    assert passed == [False, True]  # this batch would have named the story after a.example/3
    assert b.story_id == "elsewhere" == links(repo, "https://a.example/3")[1]


def test_an_original_relinked_meanwhile_is_followed_by_its_new_copy(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = Repository(connect(postgres_url))
    text = body(article(26))
    [first] = repo.store_articles([item("https://first.example/26", body(article(27)))])
    repo.store_articles([item("https://a.example/26", text)])
    # Another writer makes a.example/26 a copy of first.example/26 (as source-line linking does).
    passed = _interleave(
        monkeypatch, _relink_meanwhile(postgres_url, "https://a.example/26", duplicate_of_id=first.article_id)
    )
    [copy] = repo.store_articles([item("https://b.example/26", text + TRAILER, site="site-b")])
    assert passed[0] is False and repo.retries == 1
    assert copy.status == "duplicate" and copy.duplicate_of == "https://first.example/26"  # the group's root


def test_unrelated_batches_of_two_writers_do_not_conflict(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, other = Repository(connect(postgres_url)), Repository(connect(postgres_url))
    repo.store_articles([item("https://z.example/1", body(article(30)))])
    _interleave(monkeypatch, lambda: other.store_articles([item("https://a.example/24", body(article(24)))], None))
    [outcome] = repo.store_articles([item("https://b.example/25", body(article(25)))])
    assert outcome.status == "new" and repo.retries == 0


def test_an_article_sharing_only_a_template_opening_does_not_make_the_batch_store_again(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages of one template (a bulletin's fixed opening, then its own news) share the opening's
    index key; one committed meanwhile fails the signature pre-filter, so it cannot change this
    batch's decision, and the batch is not stored again."""
    repo, other = Repository(connect(postgres_url)), Repository(connect(postgres_url))
    repo.store_articles([item("https://z.example/1", body(article(30)))])
    opening = " ".join(article(40, sentences=3))
    assert len(opening.split()) >= 24  # the words of the opening key
    mine, theirs = opening + "\n\n" + body(article(26, 16)), opening + "\n\n" + body(article(27, 16))
    index = repo.dedup.index
    [fp_mine, fp_theirs] = index.fingerprints([mine, theirs])
    assert set(fp_mine.keys) & set(fp_theirs.keys)  # they share the opening's key...
    assert index.estimate(fp_mine.signature, Entry(1, fp_theirs.signature, "")) is None  # ...and nothing else
    passed = _interleave(monkeypatch, lambda: other.store_articles([item("https://a.example/27", theirs)], None))
    [outcome] = repo.store_articles([item("https://b.example/26", mine)])
    assert passed == [True, True] and repo.retries == 0
    assert outcome.status == "new" and links(repo, "https://b.example/26") == (None, None)
