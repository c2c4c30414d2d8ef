"""Which encoding a page is really in.

Scrapy trusts the HTTP header, then ``<meta>``, and mis-decodes windows-1256 pages
whose header says utf-8 or iso-8859-1, or that declare nothing. The bytes decide here:
valid UTF-8 with non-ASCII text is UTF-8; otherwise a single-byte declaration is kept
only when it yields Arabic letters as well as windows-1256 does, else windows-1256 is
chosen when it reads as Arabic; charset-normalizer is the last resort.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from crawler.text.arabic import arabic_ratio

__all__ = ["declared_meta_charset", "detect_encoding", "header_charset"]

_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([^;\s\"']+)", re.I)
_META_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_SAMPLE = 64 * 1024


def _norm(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def header_charset(content_type: str) -> str | None:
    """The charset named by a Content-Type header value (``text/html; charset="utf-8"``), as written."""
    m = _CHARSET_RE.search(content_type)
    return m.group(1) if m else None


def declared_meta_charset(body: bytes) -> str | None:
    """The charset named by a ``<meta>`` tag in the first 4 KiB, normalised, if any."""
    m = _META_RE.search(body[:4096])
    return _norm(m.group(1).decode("ascii", "ignore")) if m else None


def _is_utf8(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte sequence cut by the sample's end is still UTF-8.
        return exc.start >= len(sample) - 3
    return True


def _arabic_score(sample: bytes, encoding: str) -> float:
    try:
        text = sample.decode(encoding, errors="strict")
    except (UnicodeDecodeError, LookupError):
        return -1.0
    return arabic_ratio(text)


def detect_encoding(body: bytes, *, header: str | None = None, forced: str | None = None) -> str:
    """The encoding to decode *body* with (a codecs name such as 'utf-8' or 'cp1256')."""
    if forced:
        return _norm(forced) or forced
    sample = body[:_SAMPLE]
    if not any(b > 0x7F for b in sample[:_SAMPLE]):
        return _norm(header) or declared_meta_charset(body) or "utf-8"
    if _is_utf8(sample):
        return "utf-8"
    declared = [e for e in (_norm(header), declared_meta_charset(body)) if e and e != "utf-8"]
    cp1256 = _arabic_score(sample, "cp1256")
    for enc in declared:
        if _arabic_score(sample, enc) >= max(cp1256, 0.3):
            return enc
    if cp1256 >= 0.3:
        return "cp1256"
    if declared:
        return declared[0]
    best = charset_normalizer.from_bytes(sample).best()
    return best.encoding if best is not None else "utf-8"
