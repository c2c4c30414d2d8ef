"""Where a visible date stands: the article's own dateline, or the date of something else.

A news page shows many dates: its own dateline, and those of the teasers in related,
most-read and latest-news lists, of the next/previous article, of reader comments. Only
the first is the article's. Structure tells them apart better than wording does:

- a date inside a link, a list item, an ``<aside>``/``<nav>``/``<footer>``, or beside a
  link of headline length is a teaser's;
- a date inside a *repeated item* (an element with a sibling of the same tag and class
  that has its own link and its own date: the cards of a list) is a teaser's;
- an unlabelled date that stands after the article's last paragraph belongs to what
  follows the article (related lists, comments, next article); a labelled one
  («نشر في: ...») may stand there.

These rules need no phrase list, so they hold for sites whose list headings we have never
seen. No date is better than a wrong one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["BodySpan", "in_link_or_teaser", "in_repeated_item"]

_CONTAINERS = frozenset(["body", "html", "article", "main"])
_TEASER_TAGS = frozenset(["li", "aside", "footer", "nav", "tr"])
_HEADLINE_LINK_CHARS = 30
_ITEM_TEXT_MAX = 400
_KEY_CHARS = 25


def in_link_or_teaser(el: Any) -> bool:
    """Inside a link or a list item, or beside a link of headline length (a teaser)."""
    for depth, anc in enumerate(el.iterancestors()):
        if anc.tag == "a":
            return True
        if depth < 3:
            for a in anc.iter("a"):
                if len(" ".join(a.text_content().split())) > _HEADLINE_LINK_CHARS:
                    return True
        if anc.tag in _TEASER_TAGS:
            return True
        if depth > 8:
            break
    return False


def _signature(el: Any) -> tuple[str, str]:
    return el.tag, " ".join(sorted((el.get("class") or "").split()))


def in_repeated_item(el: Any, is_date: Callable[[str], bool]) -> bool:
    """Inside one card of a list: an ancestor (up to 4 levels) has a sibling of the same tag
    and class that holds a link and a date of its own."""
    for depth, anc in enumerate(el.iterancestors()):
        if depth >= 4 or anc.tag in _CONTAINERS:
            return False
        sig = _signature(anc)
        for sib in (*anc.itersiblings(preceding=True), *anc.itersiblings()):
            if not isinstance(sib.tag, str) or _signature(sib) != sig:
                continue
            if sib.find(".//a[@href]") is None and sib.tag != "a":
                continue
            text = " ".join(sib.text_content().split())
            if text and len(text) <= _ITEM_TEXT_MAX and is_date(text):
                return True
    return False


def _key(text: str) -> str:
    return " ".join(text.split())[:_KEY_CHARS]


def _starts(el: Any, key: str) -> bool:
    """*el* starts the paragraph whose first characters are *key*."""
    own = _key(el.text or "")
    if own and own == key[: len(own)] and len(own) >= min(len(key), 10):
        return True
    return el.tag == "p" and _key(el.text_content()) == key


class BodySpan:
    """Document positions of a tree's elements and of the article's last paragraph."""

    def __init__(self, tree: Any, paragraphs: list[str]) -> None:
        self.order: dict[Any, int] = {}
        self.end: int | None = None
        last = _key(paragraphs[-1]) if paragraphs else ""
        for i, el in enumerate(tree.iter()):
            self.order[el] = i
            if len(last) >= 10 and isinstance(el.tag, str) and _starts(el, last):
                self.end = i

    def after_body(self, el: Any) -> bool:
        """True when *el* starts after the article's last paragraph (False when unknown)."""
        if self.end is None:
            return False
        pos = self.order.get(el)
        if pos is None:
            return False
        # elements inside the last paragraph's element come after it in document order
        return pos > self.end and not any(self.order.get(a) == self.end for a in el.iterancestors())
