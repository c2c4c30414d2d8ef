"""Source-line linking: a copy whose «المصدر:» line names a site we crawl points to that
site's article, even when the copy was stored first.

Pure logic: the store step gives the group of stored rows (an original and its copies,
from the near-duplicate match) and the incoming article; :func:`plan_relink` says which
rows to re-point. Names are compared in folded form (:func:`crawler.text.arabic.fold`),
so «اليوم السابع», «اليوم السابع.» and «الیوم السابع» agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crawler.text.arabic import fold

__all__ = ["GroupMember", "Relink", "named_site", "plan_relink"]

# Labels that introduce the attribution, removed before matching: المصدر: / نقلاً عن / source:
_LABEL_RE = re.compile(
    r"^\s*(?:المصدر|مصدر|المصادر|نقلا عن|نقلا من|عن|via|source)\s*[:：\-–]?\s*", re.IGNORECASE
)


@dataclass(frozen=True)
class GroupMember:
    """A stored (or incoming, ``article_id=None``) article of one copy group."""

    article_id: int | None
    site: str | None
    source: str | None  # the article's attribution line, if any
    duplicate_of_id: int | None = None


@dataclass(frozen=True)
class Relink:
    """The original of the group and the new ``duplicate_of_id`` of every row that changes.

    ``original_id`` is None when the original is the incoming article (not stored yet):
    the caller inserts it, then points ``repoint`` rows at its new id.
    """

    original_id: int | None
    repoint: dict[int, int | None]  # article_id -> new duplicate_of_id (None: it becomes the original)
    incoming_duplicate_of: int | None


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

    *group* is the stored original and its copies (``duplicate_of_id`` set on copies).
    Returns None when no source line names a site of the group (or of the incoming
    article), or when that site's article is already the original.
    """
    everyone = [*group, incoming]
    named = {named_site(m.source, sites) for m in everyone if m.source}
    named.discard(None)
    originals = [m for m in everyone if m.site in named and named_site(m.source, sites) != m.site]
    if not originals:
        return None
    original = next((m for m in originals if m.article_id is None), None) or min(
        (m for m in originals if m.article_id is not None), key=lambda m: m.article_id or 0
    )
    current_root = next((m.article_id for m in group if m.duplicate_of_id is None), None)
    if original.article_id is not None and original.article_id == current_root:
        return None
    target = original.article_id
    repoint: dict[int, int | None] = {}
    for m in group:
        if m.article_id is None:
            continue
        wanted = None if m is original else target
        if m.duplicate_of_id != wanted or (m is not original and target is None):
            repoint[m.article_id] = wanted
    return Relink(original.article_id, repoint, None if incoming is original else target)


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text))
