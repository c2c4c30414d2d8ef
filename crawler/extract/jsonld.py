"""JSON-LD, read with size and depth limits.

A page's JSON-LD may be huge or absurdly nested (a 1 MB nested blob must neither raise
RecursionError nor lose the article item beside it). ``json`` recurses per level, so
anything nested deeper than :data:`MAX_DEPTH` is replaced by ``null`` before decoding,
and every walk over the result is bounded too.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["MAX_DEPTH", "article_items", "first_text", "parse_jsonld", "types_of"]

MAX_DEPTH = 40
_MAX_OBJECTS = 200
_ARTICLE_TYPES = frozenset(
    t.lower()
    for t in [
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "AskPublicNewsArticle",
        "BlogPosting",
        "SocialMediaPosting",
        "LiveBlogPosting",
        "Report",
        "ScholarlyArticle",
        "TechArticle",
        "SatiricalArticle",
        "VideoObject",
        "WebPage",
    ]
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _prune_depth(raw: str, limit: int = MAX_DEPTH) -> str:
    """Replace every array/object opened deeper than *limit* by ``null``. Linear time."""
    out: list[str] = []
    depth = 0
    skip_from = -1  # depth at which skipping started, -1 when not skipping
    in_string = escaped = False
    start = 0
    for i, ch in enumerate(raw):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit and skip_from < 0:
                out.append(raw[start:i])
                out.append("null")
                skip_from = depth
        elif ch in "]}":
            if skip_from == depth:
                skip_from = -1
                start = i + 1
            depth -= 1
    if skip_from < 0:
        out.append(raw[start:])
    return "".join(out)


def _loads(raw: str) -> Any:
    raw = raw.strip()
    if raw.startswith("<!--"):
        raw = raw[4:]
    if raw.endswith("-->"):
        raw = raw[:-3]
    raw = _CONTROL_RE.sub(" ", raw.strip().rstrip(";"))
    try:
        return json.loads(raw)
    except RecursionError:
        pass
    except ValueError:
        return None
    try:
        return json.loads(_prune_depth(raw))
    except (ValueError, RecursionError):
        return None


def _flatten(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    """Collect the objects of a JSON-LD document: top level, lists and @graph members."""
    if depth > 4 or len(out) >= _MAX_OBJECTS:
        return
    if isinstance(data, list):
        for item in data[:_MAX_OBJECTS]:
            _flatten(item, out, depth + 1)
    elif isinstance(data, dict):
        out.append(data)
        graph = data.get("@graph")
        if isinstance(graph, (list, dict)):
            _flatten(graph, out, depth + 1)
        main = data.get("mainEntity")
        if isinstance(main, dict) and types_of(main) & _ARTICLE_TYPES:
            _flatten(main, out, depth + 1)


def parse_jsonld(raw: str) -> list[dict[str, Any]]:
    """Objects of one ``<script type="application/ld+json">``; [] when it does not decode."""
    out: list[dict[str, Any]] = []
    _flatten(_loads(raw), out)
    return out


def types_of(item: dict[str, Any]) -> set[str]:
    value = item.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.lower().rsplit("/", 1)[-1] for v in values if isinstance(v, str)}


def article_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Article-like objects, the most specific first (NewsArticle before WebPage)."""
    ranked = []
    for item in items:
        types = types_of(item) & _ARTICLE_TYPES
        if not types:
            continue
        generic = types <= {"webpage", "videoobject"}
        ranked.append((generic, -len(item), item))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in ranked]


def first_text(value: Any, keys: tuple[str, ...] = ("name", "@value", "text")) -> str | None:
    """A string out of a JSON-LD value that may be a string, a list or an object."""
    for _ in range(4):
        if isinstance(value, str):
            return value.strip() or None
        if isinstance(value, list) and value:
            value = value[0]
        elif isinstance(value, dict):
            value = next((value[k] for k in keys if k in value), None)
        else:
            return None
    return None
