"""Source-line linking: copies point to the crawled site their «المصدر:» line names."""

from __future__ import annotations

from crawler.dedup.sources import GroupMember, named_site, plan_relink

SITES = {
    "youm7": ["اليوم السابع", "youm7.com"],
    "yemen-today": ["قناة اليمن اليوم", "اليمن اليوم"],
    "aggregator": ["نبض"],
}


def test_named_site_matches_folded_aliases_and_whole_words() -> None:
    assert named_site("المصدر: اليوم السابع", SITES) == "youm7"
    assert named_site("المصدر : الیوم السابع.", SITES) == "youm7"  # Persian yeh, punctuation
    assert named_site("نقلاً عن قناة اليمن اليوم", SITES) == "yemen-today"
    assert named_site("Source: youm7.com", SITES) == "youm7"
    assert named_site("المصدر: اليوم", SITES) is None  # a shorter phrase is not the alias
    assert named_site("المصدر: وكالات", SITES) is None
    assert named_site(None, SITES) is None


def test_original_arriving_after_its_copy_becomes_the_original() -> None:
    copy = GroupMember(10, "aggregator", "المصدر: اليوم السابع", duplicate_of=None)
    other_copy = GroupMember(11, "aggregator", "المصدر: اليوم السابع", duplicate_of=10)
    incoming = GroupMember("new", "youm7", None, duplicate_of=10)
    plan = plan_relink(incoming, [copy, other_copy], SITES)
    assert plan is not None
    assert plan.original == "new"
    assert plan.repoint == {10: "new", 11: "new", "new": None}


def test_copy_arriving_after_a_wrong_first_copy_relinks_to_the_named_site() -> None:
    first_copy = GroupMember(20, "aggregator", "المصدر: قناة اليمن اليوم")
    original = GroupMember(21, "yemen-today", None, duplicate_of=20)
    incoming = GroupMember("new", "aggregator", "المصدر: قناة اليمن اليوم", duplicate_of=20)
    plan = plan_relink(incoming, [first_copy, original], SITES)
    assert plan is not None
    assert plan.original == 21
    assert plan.repoint == {20: 21, 21: None, "new": 21}


def test_the_first_seen_article_of_the_named_site_wins() -> None:
    copy = GroupMember(50, "aggregator", "المصدر: اليوم السابع")
    first = GroupMember(51, "youm7", None, duplicate_of=50)
    second = GroupMember(52, "youm7", None, duplicate_of=50)
    plan = plan_relink(GroupMember("new", "youm7", None, duplicate_of=50), [copy, first, second], SITES)
    assert plan is not None and plan.original == 51
    assert plan.repoint == {50: 51, 51: None, 52: 51, "new": 51}


def test_nothing_to_do_when_the_named_site_is_already_the_original_or_not_crawled() -> None:
    original = GroupMember(30, "youm7", None)
    copy = GroupMember(31, "aggregator", "المصدر: اليوم السابع", duplicate_of=30)
    incoming = GroupMember("new", "aggregator", "المصدر: اليوم السابع", duplicate_of=30)
    assert plan_relink(incoming, [original, copy], SITES) is None
    stranger = GroupMember(40, "aggregator", "المصدر: وكالة لا نزحف إليها")
    incoming = GroupMember("new", "aggregator", "المصدر: وكالة لا نزحف إليها", duplicate_of=40)
    assert plan_relink(incoming, [stranger], SITES) is None


def test_a_site_naming_itself_is_not_taken_for_the_original_of_others() -> None:
    own = GroupMember(60, "youm7", "المصدر: اليوم السابع")  # its own byline, not a copy's
    incoming = GroupMember("new", "aggregator", None, duplicate_of=60)
    assert plan_relink(incoming, [own], SITES) is None
