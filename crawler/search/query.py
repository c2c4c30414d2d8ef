"""The query language of ``crawler query``: parsed once, then turned into SQL per backend.

Syntax (documented in ``docs/query.md``):

- words are ANDed: ``رفح معبر`` finds articles with both words;
- ``"..."`` is a phrase: its words must follow each other (punctuation between
  them is ignored);
- ``OR`` (capitals) between two items makes them alternatives and binds tighter
  than AND: ``غزة OR رفح معبر`` = (غزة or رفح) and معبر;
- ``-word`` or ``-"a phrase"`` excludes articles that contain it;
- a word that folds into several words (``covid-19``, ``أ.ف.ب``) is a phrase.

Every word goes through :func:`crawler.search.terms.words` and
:func:`crawler.search.terms.query_key`, exactly as indexed text does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.exceptions import CrawlerError
from crawler.search.terms import query_key, word_matches, words

__all__ = ["MAX_ITEMS", "Item", "Query", "QuerySyntaxError", "parse"]

MAX_ITEMS = 32
_TOKEN_RE = re.compile(r'\s*(-?)(?:"([^"]*)"|([^\s"]+))')


class QuerySyntaxError(CrawlerError):
    """Raised by :func:`crawler.search.query.parse` (hence by ``crawler query``,
    ``crawler export`` and ``Database.search``) when the search text cannot be used:
    empty, an unbalanced quote, no searchable word, only exclusions, a dangling OR."""

    exit_code = 2


@dataclass(frozen=True)
class Item:
    """One searchable unit: a single word (one key) or a phrase (several keys)."""

    keys: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.keys) > 1


@dataclass(frozen=True)
class Query:
    """A parsed query: every clause must match (each clause is an OR of items), and
    no excluded item may match."""

    text: str
    clauses: tuple[tuple[Item, ...], ...]
    excluded: tuple[Item, ...] = field(default=())

    @property
    def needs_check(self) -> bool:
        """True when the index alone cannot decide (phrases): rows are re-checked."""
        items = [i for clause in self.clauses for i in clause] + list(self.excluded)
        return any(i.is_phrase for i in items)

    @property
    def keys(self) -> set[str]:
        """Every positive key, for highlighting."""
        return {k for clause in self.clauses for item in clause for k in item.keys}

    def matches(self, title_words: list[str], body_words: list[str]) -> bool:
        """Decide on the folded words of one article, with the index's semantics."""
        fields = (title_words, body_words)
        if any(_item_in(item, fields) for item in self.excluded):
            return False
        return all(any(_item_in(item, fields) for item in clause) for clause in self.clauses)


def _item_in(item: Item, fields: tuple[list[str], ...]) -> bool:
    keys = item.keys
    n = len(keys)
    for seq in fields:
        for i in range(len(seq) - n + 1):
            if all(word_matches(keys[j], seq[i + j]) for j in range(n)):
                return True
    return False


def _item(raw: str) -> Item | None:
    keys = tuple(query_key(w) for w in words(raw))
    return Item(keys) if keys else None


def parse(text: str | None) -> Query:
    """Parse the user's search *text*; a :class:`QuerySyntaxError` with a one-line
    message for anything that cannot be searched."""
    if text is None or not text.strip():
        raise QuerySyntaxError("empty query: give at least one word to search for")
    if text.count('"') % 2:
        raise QuerySyntaxError('unbalanced quote in query: close the phrase with " or remove the quote')
    clauses: list[list[Item]] = []
    excluded: list[Item] = []
    pending_or = False
    for match in _TOKEN_RE.finditer(text):
        negate, phrase, bare = match.group(1), match.group(2), match.group(3)
        if phrase is None and bare == "OR" and not negate:
            if not clauses or pending_or:
                raise QuerySyntaxError("OR needs a word or phrase on each side")
            pending_or = True
            continue
        item = _item(phrase if phrase is not None else bare)
        if item is None:
            continue  # punctuation, diacritics or symbols alone
        if negate:
            if pending_or:
                raise QuerySyntaxError("an excluded item (-word) cannot be part of an OR")
            excluded.append(item)
        elif pending_or:
            clauses[-1].append(item)
            pending_or = False
        else:
            clauses.append([item])
    if pending_or:
        raise QuerySyntaxError("OR needs a word or phrase on each side")
    if not clauses and not excluded:
        raise QuerySyntaxError("query has no searchable word (only punctuation, diacritics or symbols)")
    if not clauses:
        raise QuerySyntaxError("query only excludes words: add at least one word to search for")
    if sum(len(c) for c in clauses) + len(excluded) > MAX_ITEMS:
        raise QuerySyntaxError(f"query is too long: at most {MAX_ITEMS} words or phrases")
    return Query(text, tuple(tuple(c) for c in clauses), tuple(excluded))
