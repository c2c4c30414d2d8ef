"""Decode page bytes robustly: Arabic pages in windows-1256 exist, and HTTP headers lie.

Order: a byte-order mark; bytes that are valid UTF-8 (a windows-1256 page practically
never is); the declared encodings (the given one, then ``<meta charset>``), each only
when it is consistent with the bytes; finally detection by charset-normalizer.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

__all__ = ["decode_html"]

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Encodings servers and frameworks send by default, whatever the page is written in.
_GENERIC = frozenset({"latin-1", "iso8859-1", "cp1252", "ascii"})
_ARABIC_LETTER_RE = re.compile("[\u0621-\u064a]")
_DETECT_BYTES = 200_000


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'").lower()).name
    except LookupError:
        return None


def _meta_charset(data: bytes) -> str | None:
    m = _META_CHARSET_RE.search(data[:8192])
    return _codec(m.group(1).decode("ascii", "ignore")) if m else None


def _arabic_share(text: str) -> float:
    letters = sum(1 for c in text if c.isalpha())
    return len(_ARABIC_LETTER_RE.findall(text)) / letters if letters else 0.0


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _consistent(data: bytes, codec: str) -> str | None:
    """Decode with *codec* when the bytes agree with it."""
    text = _try(data, codec)
    if text is None:
        return None
    if codec in _GENERIC:
        # Latin decoders accept every byte: a windows-1256 page declared latin-1
        # decodes "fine" into accented gibberish. Arabic letters under cp1256 win.
        sample = data[:_DETECT_BYTES]
        arabic = _try(sample, "cp1256")
        if arabic is not None and _arabic_share(arabic) > 0.4:
            return data.decode("cp1256", "replace")
    return text


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text when the bytes are UTF-8, allowing a cut final character and rare bad bytes."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    if bad == 0:
        return text
    non_ascii = sum(1 for c in text if ord(c) > 127)
    # A few stray bytes in a long UTF-8 page; a windows-1256 page gives mostly U+FFFD.
    return text if bad <= max(3, non_ascii // 200) else None


def decode_html(data: bytes, encoding: str | None = None) -> str:
    """Decode *data*; *encoding* (e.g. from an HTTP header) is a hint, the bytes decide."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, "replace")
    if data.isascii():
        return data.decode("ascii")
    utf8 = _mostly_utf8(data)
    if utf8 is not None:
        return utf8
    given, meta = _codec(encoding), _meta_charset(data)
    order = [meta, given] if given in _GENERIC else [given, meta]
    for name in order:
        if name and name != "utf-8":
            decoded = _consistent(data, name)
            if decoded is not None:
                return decoded
    best = charset_normalizer.from_bytes(data[:_DETECT_BYTES]).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, "replace")
    return data.decode("utf-8", "replace")
