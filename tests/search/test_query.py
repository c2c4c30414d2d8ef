"""The query language (crawler.search.query)."""

from __future__ import annotations

import pytest

from crawler.search.query import MAX_ITEMS, QuerySyntaxError, parse
from crawler.search.sql import fts5_expression, tsquery_expression


def keys(query: str) -> list[list[tuple[str, ...]]]:
    return [[item.keys for item in clause] for clause in parse(query).clauses]


def test_words_are_anded_and_or_binds_tighter() -> None:
    assert keys("غزة OR رفح معبر") == [[("غزه",), ("رفح",)], [("معبر",)]]


def test_phrases_and_hyphenated_words_keep_their_order() -> None:
    assert keys('"ولي العهد"') == [[("ولي", "عهد")]]
    assert keys("covid-19") == [[("covid", "19")]]
    assert parse('"ولي العهد"').needs_check
    assert not parse("ولي العهد").needs_check


def test_exclusions() -> None:
    q = parse('رفح -معبر -"وقف اطلاق"')
    assert [i.keys for i in q.excluded] == [("معبر",), ("وقف", "اطلاق")]


def test_lowercase_or_is_a_word() -> None:
    assert keys("gold or silver") == [[("gold",)], [("or",)], [("silver",)]]


def test_punctuation_only_items_are_ignored() -> None:
    assert keys("رفح ، - ؟") == [[("رفح",)]]


def test_too_many_items() -> None:
    with pytest.raises(QuerySyntaxError, match="too long"):
        parse(" ".join(f"w{i}" for i in range(MAX_ITEMS + 1)))


def test_backend_expressions_quote_every_key() -> None:
    q = parse('غزة OR "ولي العهد" -معبر')
    assert fts5_expression(q) == '(("غزه" OR ("ولي" AND "عهد"))) NOT ("معبر")'
    assert tsquery_expression(q) == "('غزه' | ('ولي' & 'عهد')) & !'معبر'"


def test_a_negated_phrase_is_left_to_the_check() -> None:
    q = parse('رفح -"وقف اطلاق"')
    assert fts5_expression(q) == '("رفح")'
    assert q.needs_check
