"""Main text: trafilatura on the pre-cleaned tree, then a paragraph-level boilerplate pass.

trafilatura finds the article container and its paragraphs well, but keeps Arabic
trailer lines that are plain text (no DOM block to remove): «المصدر: واس», a lone
«اقرأ أيضاً» heading followed by titles, share prompts, bylines. Those are taken out
here, line by line, and what they carry goes to the trailer fields.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

import trafilatura

from crawler.extract.arabic_dates import parse_arabic_date
from crawler.extract.boilerplate import Trailers, add_link, clean_source, looks_like_names, split_tags
from crawler.extract.lexicon import Marker, match_marker, original_rest
from crawler.text.arabic import display, fold

__all__ = ["extract_paragraphs", "filter_paragraphs"]

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

_INLINE_SOURCE_RE = re.compile(r"\(\s*(?:المصدر|مصدر الخبر|المصادر)\s*[:：]\s*([^()]{1,80})\)\s*[.。]?\s*$")
_ITEM_MAX = 200
_REFERENCE_TIME = datetime(2000, 1, 1, tzinfo=UTC)
_COPYRIGHT_RE = re.compile(r"^\s*(?:©|\(c\)\s|copyright\b|جميع الحقوق محفوظة|حقوق النشر)", re.IGNORECASE)
_MIN_FAST_SHARE = 0.25  # measured on aeb + fundus: below this, fast mode missed the article
_MIN_FAST_CHARS = 500  # a linked title, not a paragraph
_MENU_LINES = 10  # fast mode returned a menu: many lines...
_MENU_MEDIAN_CHARS = 20  # ...most of them a few words long (measured: articles have a median of 30+)
_ARABIC_SENTENCE_END = (".", "!", "؟", "?", "…", ":", "»", '"')


def _trafilatura_text(tree: Any, url: str | None, fast: bool) -> str:
    try:
        # include_comments stays on (the default): trafilatura then takes the comment
        # section out of the tree before it reads the article; with it off, the comment
        # section's heading and prompts («Join our commenting forum») end up in the text.
        doc = trafilatura.bare_extraction(tree, url=url, fast=fast, with_metadata=False, include_tables=True)
    except Exception:  # trafilatura raises assorted errors on odd trees; a page never crashes us
        return ""
    return (getattr(doc, "text", None) or "") if doc is not None else ""


def _paragraph_text_length(tree: Any) -> int:
    return sum(len(p.text_content()) for p in tree.iter("p"))


def _looks_like_menu(text: str) -> bool:
    """Navigation links, one per line («Subscribe», «Sign In», «Politics»...), not an article."""
    lengths = sorted(len(line) for line in text.split("\n") if line.strip())
    return len(lengths) >= _MENU_LINES and lengths[len(lengths) // 2] < _MENU_MEDIAN_CHARS


def extract_paragraphs(tree: Any, url: str | None) -> list[str]:
    """Paragraphs (and sub-headings) of the main text, as trafilatura finds them.

    trafilatura's fast mode (no readability/jusText comparison) is as good on most pages
    and half the time; when it returns a small share of the page's paragraph text it
    missed the article (or read a menu), and the full mode with its fallbacks runs.
    """
    text = _trafilatura_text(tree, url, fast=True)
    if (
        len(text) < _MIN_FAST_SHARE * _paragraph_text_length(tree)
        or len(text) < _MIN_FAST_CHARS
        or _looks_like_menu(text)
    ):
        text = _trafilatura_text(tree, url, fast=False) or text
    return [p for p in (display(line) for line in text.split("\n")) if p]


def _is_item_line(para: str) -> bool:
    return len(para) <= _ITEM_MAX and not para.endswith(_ARABIC_SENTENCE_END[:4])


def filter_paragraphs(paragraphs: list[str], out: Trailers) -> list[str]:
    """Drop boilerplate lines, moving what they carry into *out*; keep the rest in order."""
    body: list[str] = []
    mode: str | None = None  # inside a text-only read-also / related list
    known_titles = {fold(i["title"]) for i in out.read_also + out.related if i["title"]}
    for para in paragraphs:
        folded = fold(para)
        if folded in known_titles or folded in out.removed_text:
            continue
        marker = match_marker(para)
        if marker is not None and _take_marker_line(para, marker, out):
            mode = marker.kind if marker.kind in ("read_also", "related") and not marker.rest else None
            continue
        if mode is not None:
            if _is_item_line(para):
                add_link(out.read_also if mode == "read_also" else out.related, para.lstrip("•-*▪● "), "")
                continue
            mode = None
        if _is_dateline(para) or (len(para) <= 200 and _COPYRIGHT_RE.match(para)):
            continue
        m = _INLINE_SOURCE_RE.search(para)
        if m:
            out.source = out.source or clean_source(m.group(1))
            para = para[: m.start()].rstrip()
            if not para:
                continue
        body.append(para)
    return body


def _is_dateline(para: str) -> bool:
    """A short line that is only a date (and time): the page's dateline, not article text."""
    if len(para) > 60 or len(para.split()) > 9 or any(c in para for c in ".،؟!"):
        return False
    # Any reference time will do: only whether the line parses as a date matters here.
    return parse_arabic_date(para, _REFERENCE_TIME) is not None


def _take_marker_line(para: str, marker: Marker, out: Trailers) -> bool:
    """Handle a paragraph that starts with a marker; False when it is body text after all."""
    rest = original_rest(para, marker)
    kind = marker.kind
    if kind == "source":
        if len(para) > 150:
            return False
        out.source = out.source or clean_source(rest)
    elif kind == "tags":
        if len(para) > 300:
            return False
        out.tags.extend(t for t in split_tags(rest) if t not in out.tags)
    elif kind in ("read_also", "related"):
        if len(rest) > _ITEM_MAX:
            return False
        if rest:
            add_link(out.read_also if kind == "read_also" else out.related, rest, "")
    elif kind == "byline":
        if len(para) > 100 or not looks_like_names(rest):
            return False
        if rest:
            out.bylines.append(display(rest))
    elif len(para) > 160:  # drop: share / follow / subscribe / credit prompts
        return False
    return True
