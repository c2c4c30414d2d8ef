"""What a response body is, whatever its Content-Type says (issue 8).

Servers send PDFs and images as ``text/html`` and HTML as ``application/octet-stream``.
Scrapy's own sniffing (``responsetypes.from_body``) only looks for a literal ``<html>``,
so a page starting ``<html lang="ar">`` sent as octet-stream stays a binary response;
the few lines here look at the first bytes the way a browser does: magic numbers of
common binary formats, NUL bytes or many control characters (a stray form feed in a
real page must not make it binary, as Scrapy's ``binary_is_text`` would), then a
leading HTML tag after a BOM, blanks and comments.
"""

from __future__ import annotations

import re

__all__ = ["binary_kind", "looks_like_html"]

_MAGIC = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"RIFF", "RIFF media (WebP, WAV, AVI)"),
    (b"PK\x03\x04", "ZIP archive (or Office document)"),
    (b"\x1f\x8b", "gzip file"),
    (b"\xd0\xcf\x11\xe0", "Office document"),
    (b"ID3", "MP3 audio"),
    (b"\x00\x00\x00", "MP4 or other binary media"),
    (b"OggS", "Ogg media"),
    (b"\x7fELF", "executable"),
)
_SNIFF_BYTES = 1024
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c")
_HTML_START_RE = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*|<\?xml[^>]*>\s*)*"
    rb"<(?:!doctype\s+html|html|head|body|meta|title|link|script|style|div|p|article|main|header|h1|table)[\s>/]",
    re.I | re.S,
)


def binary_kind(body: bytes) -> str | None:
    """What binary format *body* is ("PDF", "PNG image", "binary data"...), or None when it is text."""
    head = body[:_SNIFF_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text (its NUL bytes are no sign of binary)
        return None
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    controls = sum(1 for b in head if b < 32 and b not in _TEXT_CONTROLS)
    if b"\x00" in head or controls > len(head) // 20:
        return "binary data"
    return None


def looks_like_html(body: bytes) -> bool:
    """True when *body* is text that starts like an HTML document."""
    head = body[:_SNIFF_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    return binary_kind(body) is None and bool(_HTML_START_RE.match(head))
