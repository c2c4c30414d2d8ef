"""JSON serializer for requests stored in Redis (a ``SCHEDULER_SERIALIZER`` module).

scrapy-redis pickles requests by default. Pickle lets anyone who can write to the Redis
server run code in every worker, and its payloads cannot be read with ``redis-cli``; the
project's requests only carry plain values (plus bytes headers/bodies and the
:class:`~crawler.discover.Entry` of feed and sitemap links), so JSON with two tags does.

Tags: ``{"$b": base64}`` for bytes, ``{"$d": [[key, value], ...]}`` for a dict whose keys
are not all plain strings, ``{"$entry": {...}}`` for an Entry. Anything else in a request
(e.g. an object put in ``meta``) is refused with a TypeError naming it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict
from typing import Any

from crawler.discover import Entry

__all__ = ["dumps", "loads"]

_TAGS = ("$b", "$d", "$entry")


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode("ascii")}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and k not in _TAGS for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {"$d": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, Entry):
        return {"$entry": asdict(value)}
    raise TypeError(f"cannot store a {type(value).__name__} in the Redis request queue: {value!r:.80}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, inner), *_ = value.items()
            if tag == "$b":
                return base64.b64decode(inner)
            if tag == "$d":
                return {_decode(k): _decode(v) for k, v in inner}
            if tag == "$entry":
                return Entry(**inner)
        return {k: _decode(v) for k, v in value.items()}
    return value


def dumps(obj: dict[str, Any]) -> bytes:
    """A request dict (``Request.to_dict()``) as compact UTF-8 JSON."""
    return json.dumps(_encode(obj), ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def loads(data: bytes | str) -> dict[str, Any]:
    """The request dict back from :func:`dumps`."""
    result = _decode(json.loads(data))
    if not isinstance(result, dict):
        raise ValueError("not a serialized request")
    return result
