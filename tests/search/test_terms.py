"""The word-matching rules shared by both backends (crawler.search.terms)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.search.terms import MAX_WORD, PREFIXES, field_terms, forms, query_key, word_matches, words


@pytest.mark.parametrize("written", ["الحكومة", "وحكومة", "بالحكومة", "للحكومة", "والحكومة", "فبالحكومة", "كالحكومة"])
def test_a_bare_word_finds_it_behind_every_clitic_prefix(written: str) -> None:
    assert any(word_matches(query_key("حكومة".replace("ة", "ه")), w) for w in words(written))


@pytest.mark.parametrize("written", ["حكومات", "حكومتنا", "الحكوميه", "كحكومة"])
def test_suffixes_and_a_bare_kaf_do_not_match(written: str) -> None:
    assert not any(word_matches("حكومه", w) for w in words(written))


def test_short_stems_are_protected() -> None:
    assert query_key("الله") == "الله"  # would be «له»
    assert query_key("الحكومه") == "حكومه"
    assert forms("ال") == {"ال"}
    assert "له" in forms("الله")  # a document word keeps 2-letter stems


def test_words_fold_spelling_variants_together() -> None:
    assert words("إسرائيلُ") == words("اسرائيل")
    assert words("مستشفى ٢٠٢٥") == ["مستشفي", "2025"]
    assert words("الطاقـــة الشمسیة") == ["الطاقه", "الشمسيه"]
    assert words("COVID-19") == ["covid", "19"]


def test_field_terms_are_distinct_and_skip_overlong_words() -> None:
    terms = field_terms(words("الحكومة والحكومة حكومة " + "ب" * (MAX_WORD + 1)))
    assert sorted(terms) == sorted({"الحكومه", "والحكومه", "حكومه"})


def test_prefix_list_has_the_combinations_the_issue_names() -> None:
    for prefix in ["و", "ب", "ل", "ف", "ال", "وال", "بال", "فال", "لل", "كال"]:
        assert prefix in PREFIXES
    assert "ك" not in PREFIXES


arabic_word = st.text(alphabet="ابتثجحخدذرسشصضطظعغفقكلمنهويةىأإآؤئ", min_size=1, max_size=10)


@given(arabic_word, st.sampled_from(["", *PREFIXES]))
def test_word_matches_agrees_with_forms(stem: str, prefix: str) -> None:
    (word,) = words(prefix + stem)
    (key,) = words(stem)
    assert word_matches(key, word) == (key in forms(word))
