"""A short passage of an article around the first match, with the matched words marked.

Matching is done on folded words (the index's semantics), but the passage is cut from
the text as stored, tashkeel and all, so the user reads what the page said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.search.terms import word_matches, words

__all__ = ["Snippet", "make_snippet"]

# A word as written: letters/digits with the Arabic marks fold() drops (tashkeel,
# tatweel, zero-width joiners) kept inside it.
_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c\u200d"
_WRITTEN_WORD_RE = re.compile(f"(?:[^\\W_]|[{_MARKS}])+")
_PARAGRAPH_RE = re.compile(r"\n\s*\n|\n")

BEFORE_WORDS = 10
MAX_WORDS = 36


@dataclass
class Snippet:
    """Plain passage text plus the (start, end) character spans of matched words."""

    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)

    def marked(self, start: str = "<mark>", end: str = "</mark>") -> str:
        out: list[str] = []
        last = 0
        for a, b in self.spans:
            out += [self.text[last:a], start, self.text[a:b], end]
            last = b
        out.append(self.text[last:])
        return "".join(out)


def _is_match(written: str, keys: set[str]) -> bool:
    return any(word_matches(k, w) for w in words(written) for k in keys)


def _hits(tokens: list[re.Match[str]], folded: list[str], keys: set[str]) -> list[int]:
    """Indices of the written tokens that match. When folding the paragraph kept one
    word per written token (the usual case) the indices line up; otherwise each token
    is folded on its own."""
    if not keys:
        return []
    if len(folded) == len(tokens):
        return [i for i, w in enumerate(folded) if any(word_matches(k, w) for k in keys)]
    return [i for i, m in enumerate(tokens) if _is_match(m.group(), keys)]


def _passage(paragraph: str, folded: list[str], keys: set[str]) -> Snippet:
    tokens = list(_WRITTEN_WORD_RE.finditer(paragraph))
    if not tokens:
        return Snippet(paragraph.strip()[:240])
    hits = _hits(tokens, folded, keys)
    first = hits[0] if hits else 0
    lo = max(0, first - BEFORE_WORDS)
    hi = min(len(tokens), lo + MAX_WORDS)
    start = tokens[lo].start() if lo > 0 else 0
    end = tokens[hi - 1].end() if hi < len(tokens) else len(paragraph)
    prefix = "… " if lo > 0 else ""
    suffix = " …" if hi < len(tokens) else ""
    raw = paragraph[start:end]
    shift = len(prefix) - start - (len(raw) - len(raw.lstrip()))
    spans = [(tokens[i].start() + shift, tokens[i].end() + shift) for i in hits if lo <= i < hi]
    return Snippet(prefix + raw.strip() + suffix, spans)


def make_snippet(text: str | None, keys: set[str]) -> Snippet | None:
    """The passage of *text* around the first paragraph that matches one of *keys*
    (the beginning of the text when none does)."""
    if not text or not text.strip():
        return None
    paragraphs = [p for p in _PARAGRAPH_RE.split(text) if p.strip()]
    for paragraph in paragraphs if keys else ():
        folded = words(paragraph)
        if any(word_matches(k, w) for w in folded for k in keys):
            return _passage(paragraph, folded, keys)
    return _passage(paragraphs[0], [], set())
