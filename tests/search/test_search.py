"""Searching stored articles, on SQLite and on the real PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, text

from crawler import Database
from crawler.db.models import ArticleRow
from crawler.search import FilterError, QuerySyntaxError
from search.search_articles import ARTICLES, ID, row


def ids(db: Database, query: str | None, **kw) -> list[int]:
    return [r.id for r in db.search(query, **kw)]


def found(db: Database, query: str | None, **kw) -> set[int]:
    """Every matching article, through a full page and through match_ids (which must agree)."""
    by_search = set(ids(db, query, include_duplicates=True, limit=None, **kw))
    assert set(db.match_ids(query, include_duplicates=True, **kw)) == by_search
    return by_search


# --- Arabic spelling variants -------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("حكومة", {"plain", "prefixes", "copy"}),  # الحكومة، وحكومة، بالحكومة
        ("الحكومه", {"plain", "prefixes", "copy"}),  # typed with ال and ه for ة
        ("حكومات", {"suffixes"}),  # a plural is another word
        ("اسرائيل", {"prefixes"}),  # typed without hamza
        ("مستشفي", {"prefixes"}),  # ي typed for ى
        ("الطاقة", {"persian"}),  # tatweel in الطاقـــة, and للطاقة
        ("شمسية", {"persian"}),  # Persian ی in الشمسیة
        ("في 2025", {"persian"}),  # Persian ی in فی, Eastern digits ٢٠٢٥
        ("الاسكان", {"plain", "copy"}),  # للإسكان and الإسكان
        ("Housing", {"english"}),  # Latin is case-folded
        ("covid-19", {"english"}),  # folds into a two-word phrase
    ],
)
def test_spelling_variants_match(db: Database, query: str, expected: set[str]) -> None:
    assert found(db, query) == {ID[name] for name in expected}


def test_definite_article_of_a_root_letter_word_is_not_stripped_from_short_words(db: Database) -> None:
    # «التزام» keeps matching itself even though it starts with ال.
    assert found(db, "التزام") == {ID["suffixes"]}


def test_and_or_not_and_phrases(db: Database) -> None:
    assert found(db, "حكومة نواب") == {ID["prefixes"]}
    assert found(db, "نواب OR طاقة") == {ID["prefixes"], ID["persian"]}
    assert found(db, "حكومة -نواب") == {ID["plain"], ID["copy"]}
    assert found(db, '"وزير الاسكان"') == {ID["plain"], ID["copy"]}
    assert found(db, '"الاسكان وزير"') == set()
    assert found(db, 'حكومة -"وزير الاسكان"') == {ID["prefixes"]}


# --- duplicates, order, paging ------------------------------------------------------


def test_duplicates_fold_into_one_story_with_copies_and_sites(db: Database) -> None:
    results = db.search("خطة الاسكان")
    assert [r.id for r in results] == [ID["plain"]]  # the original is shown, once
    assert results[0].copies == 1
    assert results[0].sites == ["alpha", "delta"]
    every = db.search("خطة الاسكان", include_duplicates=True)
    assert [r.id for r in every] == [ID["copy"], ID["plain"]]
    assert every[0].duplicate_of == "https://alpha.example/news/1"


def test_a_story_found_through_its_copy_is_shown_as_the_original(db: Database) -> None:
    # Only the copy is on site delta; the story is listed, represented by its original.
    results = db.search("حكومة", site="delta")
    assert [(r.id, r.sites) for r in results] == [(ID["plain"], ["alpha", "delta"])]


def test_newest_first_uses_published_then_fetched(db: Database) -> None:
    # The English article has no date: its fetch date (10 July) makes it the newest.
    # Story 1 takes the place of its newest article, the copy of 4 July.
    assert ids(db, None) == [ID["english"], ID["suffixes"], ID["plain"], ID["persian"], ID["prefixes"]]
    assert ids(db, None, include_duplicates=True) == [5, 6, 4, 3, 2, 1]


def test_limit_and_offset_page_through_stories(db: Database) -> None:
    everything = ids(db, None, limit=None)
    assert ids(db, None, limit=2) == everything[:2]
    assert ids(db, None, limit=2, offset=2) == everything[2:4]
    assert ids(db, None, limit=2, offset=10) == []
    assert ids(db, None, limit=0) == []


def test_relevance_ranks_a_title_match_above_a_newer_passing_mention(db: Database) -> None:
    filler = " ".join(["كلام عام عن أمور أخرى."] * 40)
    with db.engine.begin() as conn:
        conn.execute(
            insert(ArticleRow),
            [
                row(
                    {**ARTICLES[0], "site": "old", "title": "موسم الزراعة يبدأ", "body": "بدأ موسم الزراعة."},
                    7,
                ),
                row(
                    {
                        **ARTICLES[0],
                        "site": "new",
                        "title": "أخبار منوعة",
                        "body": filler + " وذكر الزراعة عرضا.",
                        "published_at": datetime(2025, 7, 9, tzinfo=UTC),
                    },
                    8,
                ),
            ],
        )
    assert ids(db, "زراعة") == [8, 7]
    ranked = db.search("زراعة", order="relevance")
    assert [r.id for r in ranked] == [7, 8]
    assert ranked[0].score > ranked[1].score > 0
    assert all(r.score is None for r in db.search("زراعة"))


# --- filters ------------------------------------------------------------------------


def test_filters(db: Database) -> None:
    assert found(db, None, site="beta") == {ID["prefixes"]}
    assert found(db, None, site=["beta", "gamma"]) == {ID["prefixes"], ID["persian"]}
    assert found(db, None, section="سياسه") == {ID["prefixes"], ID["suffixes"]}
    assert found(db, None, tag="اسكان") == {ID["plain"]}  # exact tag, folded
    assert found(db, None, tag="اسك") == set()  # tags match whole
    assert found(db, None, author="محمد") == {ID["plain"], ID["prefixes"], ID["suffixes"]}
    assert found(db, None, source="الانباء") == {ID["plain"]}
    assert found(db, None, lang="ar") == {1, 2, 3, 4, 6}  # ar-SA counts as ar
    assert found(db, None, lang="en") == {ID["english"]}
    assert found(db, "حكومة", since="2025-07-02", until="2025-07-03") == {ID["prefixes"]}
    assert found(db, None, until="2025-07-01") == {ID["plain"]}  # the whole day is included
    assert found(db, None, since=datetime(2025, 7, 6, 8, 0, tzinfo=UTC)) == {ID["suffixes"], ID["english"]}


# --- the index follows the table ----------------------------------------------------


def test_index_follows_inserts_updates_and_deletes(db: Database) -> None:
    assert found(db, "زلزال") == set()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE articles SET body = 'وقع زلزال قوي' WHERE id = :i"), {"i": ID["suffixes"]})
    assert found(db, "زلزال") == {ID["suffixes"]}
    assert found(db, "تحدث") == set()  # the old body is forgotten
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE articles SET published_at = :d WHERE id = :i"),
            {"d": datetime(2024, 1, 1), "i": ID["suffixes"]},
        )
    assert ids(db, None)[-1] == ID["suffixes"]  # re-sorted by its new date
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM articles WHERE id = :i"), {"i": ID["suffixes"]})
    assert found(db, "زلزال") == set()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM search_index")).scalar() == 5


# --- bad input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ('"حكومة', "unbalanced quote"),
        ("؟؟ ... !!", "no searchable word"),
        ("ًٌٍ", "no searchable word"),  # tashkeel alone
        ("-حكومة", "only excludes"),
        ("OR حكومة", "OR needs"),
        ("حكومة OR", "OR needs"),
    ],
)
def test_bad_queries_get_one_line_errors(db: Database, query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message) as info:
        db.search(query)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "query",
    ["'; DROP TABLE articles; --", 'حكومة" OR 1=1 --"', "x) NOT (y", "NEAR(a b)", "a* ^b :c", "'\\x' & !'y'"],
)
def test_query_text_never_reaches_sql_unbound(db: Database, query: str) -> None:
    db.search(query)  # no error, no effect
    assert len(found(db, None)) == 6


def test_bad_filter_values(db: Database) -> None:
    with pytest.raises(FilterError, match="cannot read the date"):
        db.search("حكومة", since="next blursday")
    with pytest.raises(FilterError, match="before --since"):
        db.search("حكومة", since="2025-07-05", until="2025-07-01")
    with pytest.raises(FilterError, match="unknown order"):
        db.search("حكومة", order="oldest")
    with pytest.raises(FilterError, match="invalid language"):
        db.search("حكومة", lang="'; --")
    with pytest.raises(FilterError, match="no letters"):
        db.search("حكومة", tag="؟")


def test_deleting_an_original_makes_its_copy_a_story_of_its_own(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM articles WHERE id = :i"), {"i": ID["plain"]})
    results = db.search("خطة الاسكان")
    assert [(r.id, r.copies, r.duplicate_of) for r in results] == [(ID["copy"], 0, None)]
