"""Source-line linking: a copy whose «المصدر:» line names a site we crawl points to that
site's article, even when the copy was stored first.

Pure logic: the store step gives the group (an original and its copies, from the exact
or near-duplicate match) and the incoming article; :func:`plan_relink` says which
articles to re-point. Names are compared in folded form (:func:`crawler.text.arabic.fold`),
so «اليوم السابع», «اليوم السابع.» and «الیوم السابع» agree.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from crawler.text.arabic import fold

__all__ = ["GroupMember", "Relink", "named_site", "plan_relink"]

# Labels that introduce the attribution, removed before matching: المصدر: / نقلاً عن / source:
_LABEL_RE = re.compile(r"^\s*(?:المصدر|مصدر|المصادر|نقلا عن|نقلا من|عن|via|source)\s*[:：\-–]?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class GroupMember:
    """An article of one copy group: the stored original, its copies, or the incoming one.

    ``ref`` is any hashable id the caller uses (a stored id, or a batch position for an
    article not inserted yet); ``duplicate_of`` is the ref of its original, if any.
    """

    ref: Hashable
    site: str | None
    source: str | None  # the article's attribution line, if any
    duplicate_of: Hashable | None = None


@dataclass(frozen=True)
class Relink:
    """The group's new original, and the new ``duplicate_of`` of every member that changes
    (None for the original itself)."""

    original: Hashable
    repoint: dict[Hashable, Hashable | None]


def named_site(source: str | None, sites: Mapping[str, Sequence[str]]) -> str | None:
    """The site whose name or alias the attribution line names, or None.

    *sites* maps a site name to its display names and aliases, e.g.
    ``{"youm7": ["اليوم السابع", "youm7.com"]}``. The longest matching alias wins
    («اليوم السابع» over «اليوم»); an alias must match whole words.
    """
    if not source:
        return None
    text = f" {_words(_LABEL_RE.sub('', fold(source)))} "
    best: tuple[int, str] | None = None
    for site, aliases in sites.items():
        for alias in (site, *aliases):
            words = _words(fold(alias))
            if words and f" {words} " in text and (best is None or len(words) > best[0]):
                best = (len(words), site)
    return best[1] if best else None


def plan_relink(
    incoming: GroupMember, group: Sequence[GroupMember], sites: Mapping[str, Sequence[str]]
) -> Relink | None:
    """Re-point a copy group at the article of the site its source lines name.

    *group* is the stored original and its copies; *incoming* is the article being
    stored, given as the copy it was found to be (``duplicate_of`` = the group's
    original). Returns None when no source line names the site of a member, or when
    that member is already the original. When several members are articles of the
    named site, the first seen (the lowest ref, the incoming one last) wins.
    """
    everyone = [*group, incoming]
    named = {named_site(m.source, sites) for m in everyone if m.source}
    named.discard(None)
    candidates = [m for m in everyone if m.site in named and named_site(m.source, sites) != m.site]
    if not candidates:
        return None
    original = candidates[0]
    if original.duplicate_of is None and original is not incoming:
        return None
    repoint: dict[Hashable, Hashable | None] = {}
    for m in everyone:
        wanted = None if m is original else original.ref
        if m.duplicate_of != wanted:
            repoint[m.ref] = wanted
    return Relink(original.ref, repoint)


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text))
