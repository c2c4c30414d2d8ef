"""Canonical URLs: one spelling per article, applied before a request is made.

First cut: tracking parameters, fragments, default ports and AMP paths. The
deduplication issue extends this (windows-1256 escapes, www/m twins, more AMP forms).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

_TRACKING_RE = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|yclid|igshid|_ga|ref_src)$", re.I)


def canonicalize(url: str) -> str:
    """Return the canonical spelling of *url* (scheme and host lower-cased, no tracking)."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_RE.match(k)]
    query = [(k, v) for k, v in query if not (k.lower() == "amp" and v in ("", "1"))]
    path = re.sub(r"/amp/?$", "/", parts.path) if parts.path.endswith(("/amp", "/amp/")) else parts.path
    rebuilt = urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)
