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
    copy = GroupMember(10, "aggregator", "المصدر: اليوم السابع", duplicate_of_id=None)
    other_copy = GroupMember(11, "aggregator", "المصدر: اليوم السابع", duplicate_of_id=10)
    incoming = GroupMember(None, "youm7", None)
    plan = plan_relink(incoming, [copy, other_copy], SITES)
    assert plan is not None
    assert plan.original_id is None and plan.incoming_duplicate_of is None  # insert it as the original
    # then point both stored copies at the new row
    assert set(plan.repoint) == {10, 11}


def test_copy_arriving_after_a_wrong_first_copy_relinks_to_the_named_site() -> None:
    first_copy = GroupMember(20, "aggregator", "المصدر: قناة اليمن اليوم")
    original = GroupMember(21, "yemen-today", None, duplicate_of_id=20)
    incoming = GroupMember(None, "aggregator", "المصدر: قناة اليمن اليوم")
    plan = plan_relink(incoming, [first_copy, original], SITES)
    assert plan is not None
    assert plan.original_id == 21
    assert plan.repoint == {20: 21, 21: None}
    assert plan.incoming_duplicate_of == 21


def test_nothing_to_do_when_the_named_site_is_already_the_original_or_not_crawled() -> None:
    original = GroupMember(30, "youm7", None)
    copy = GroupMember(31, "aggregator", "المصدر: اليوم السابع", duplicate_of_id=30)
    assert (
        plan_relink(GroupMember(None, "aggregator", "المصدر: اليوم السابع"), [original, copy], SITES) is None
    )
    stranger = GroupMember(40, "aggregator", "المصدر: وكالة لا نزحف إليها")
    assert (
        plan_relink(GroupMember(None, "aggregator", "المصدر: وكالة لا نزحف إليها"), [stranger], SITES) is None
    )
