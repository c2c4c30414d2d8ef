"""Search words: how text becomes index terms and how a query word matches them.

The word-matching semantics, shared by both database backends, the phrase checker
and the benchmark's brute-force truth:

1. Text is folded with :func:`crawler.text.arabic.fold` (hamza/alef forms, ta marbuta,
   alef maqsura, tashkeel, tatweel, Persian letters, digits, case) and cut into
   *words*: maximal runs of letters and digits (Unicode ``L*``/``N*``).
2. A document word ``w`` has the *forms* ``w`` itself and ``w`` without each attached
   clitic prefix of :data:`PREFIXES` it starts with (conjunction و/ف, preposition ب/ل,
   the article ال and their combinations وال، بال، فال، كال، لل، وبال، ولل...), as
   long as at least :data:`MIN_STEM` letters remain.
3. A query word ``q`` has one *key*: ``q`` itself, or ``q`` without a leading ال when
   at least :data:`MIN_QUERY_STEM` letters remain (so «الحكومة» searches like
   «حكومة», while «الله» stays whole).
4. ``q`` matches ``w`` when ``key(q)`` is one of ``forms(w)``: «حكومة» finds «حكومة»,
   «الحكومة», «وحكومة», «بالحكومة», «للحكومة»; it does not find «حكومات» or
   «حكومته» (no suffix stripping).

Why our own code: light stemmers in libraries (Lucene's Arabic analyzer, ISRI in
NLTK) strip suffixes too and are not available identically inside SQLite and
PostgreSQL; indexing the forms ourselves gives both backends the same terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain

from crawler.text.arabic import fold

__all__ = [
    "MAX_WORD",
    "MIN_QUERY_STEM",
    "MIN_STEM",
    "PREFIXES",
    "field_terms",
    "forms",
    "query_key",
    "words",
]

WORD_RE = re.compile(r"[^\W_]+")

# Folded prefixes, longest first (fold() has already turned أ/إ/آ into ا).
_CONJ = ("", "و", "ف")
_PREP = ("", "ب", "ل", "ك")
_ART = ("", "ال")


def _prefixes() -> tuple[str, ...]:
    out: set[str] = set()
    for conj in _CONJ:
        for prep in _PREP:
            for art in _ART:
                if prep == "ك" and not art:
                    continue  # a bare ك ("like") is too often a root letter: كتاب، كبير
                core = "لل" if prep == "ل" and art else prep + art
                if conj + core:
                    out.add(conj + core)
    return tuple(sorted(out, key=lambda p: (-len(p), p)))


PREFIXES: tuple[str, ...] = _prefixes()
_PREFIX_SET = frozenset(PREFIXES)
_LONGEST_PREFIX = max(map(len, PREFIXES))
MIN_STEM = 2
"""Letters that must remain after a document word's prefix is removed."""
MIN_QUERY_STEM = 3
"""Letters that must remain after a query word's ال is removed."""
MAX_WORD = 64
"""Longer words (URLs glued to text, garbage) are not indexed and cannot be searched."""


def words(text: str | None) -> list[str]:
    """The folded words of *text*, in order."""
    if not text:
        return []
    return WORD_RE.findall(fold(text))


@lru_cache(maxsize=500_000)
def forms(word: str) -> frozenset[str]:
    """Every form under which the folded document *word* can be found (cached: news
    vocabulary repeats, and this runs for every word of every indexed article)."""
    out = {word}
    for n in range(1, min(_LONGEST_PREFIX, len(word) - MIN_STEM) + 1):
        if word[:n] in _PREFIX_SET:
            out.add(word[n:])
    return frozenset(out)


def query_key(word: str) -> str:
    """The key a folded query *word* is looked up by (its leading ال removed)."""
    if word.startswith("ال") and len(word) - 2 >= MIN_QUERY_STEM:
        return word[2:]
    return word


def field_terms(folded_words: Iterable[str]) -> list[str]:
    """The distinct index terms of one field (title or body), roughly in text order.

    Term frequency is deliberately not kept: both backends index presence only,
    which keeps the index small and identical on SQLite and PostgreSQL.
    """
    unique = [w for w in dict.fromkeys(folded_words) if len(w) <= MAX_WORD]
    return list(dict.fromkeys(chain.from_iterable(map(forms, unique))))


def word_matches(key: str, word: str) -> bool:
    """True when a document *word* has the query *key* among its forms."""
    if len(word) > MAX_WORD:
        return False
    if word == key:
        return True
    if len(key) < MIN_STEM:
        return False
    prefix_len = len(word) - len(key)
    return prefix_len > 0 and word.endswith(key) and word[:prefix_len] in _PREFIX_SET
