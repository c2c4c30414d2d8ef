"""Stored text is text: the guard every stored field passes through.

What a page puts in a title, a byline or a link must come out as plain text or an
http(s) URL, so that a later web page can show it escaped and a terminal can print it
without being driven by it. :func:`safe_text` removes tag-like markup (the content of
``<script>``, ``<style>`` and the like goes with it; other tags give way to their
text), also when the markup arrives entity-escaped (``&lt;script&gt;``); removes C0/C1
control characters and ANSI escape sequences; keeps everything else as written:
Arabic letters, tashkeel, ZWNJ, Arabic punctuation, ``<`` and ``>`` used as
comparison signs («5 < 7»). :func:`safe_url` keeps only absolute http(s) URLs.
:func:`sanitize_article` applies both to every field of an
:class:`~crawler.items.Article` and says which fields it changed.

Why our own code: HTML sanitizers (nh3, bleach, lxml_html_clean) produce *HTML*
(``<`` comes back as ``&lt;``), while the fields are plain text that the display form
(:func:`crawler.text.arabic.display`) and search read; and what counts as a tag here
follows the HTML tokenizer (``<`` then a letter, ``/``, ``!`` or ``?``), which keeps
prose comparisons that an HTML parser would also treat as text.

The extractor runs :func:`sanitize_article` on what it returns, and the Clean pipeline
runs it again as the last guard before storage, counting what it still had to clean.
"""

from __future__ import annotations

import html
import re
from dataclasses import fields, replace
from typing import Any
from urllib.parse import urlsplit

from crawler.items import Article
from crawler.text.arabic import display

__all__ = ["TAG_LIKE_RE", "URL_FIELDS", "printable", "safe_text", "safe_url", "sanitize_article"]

# Elements whose content is code or markup, never article text: dropped with their content.
_RAW_ELEMENTS = "script|style|template|noscript|iframe|object|embed|applet|svg|math|xmp|noembed|noframes"
_RAW_BLOCK_RE = re.compile(rf"<({_RAW_ELEMENTS})\b[^<>]*>.*?(?:</\1\s*>|(?=\n\n)|\Z)", re.IGNORECASE | re.DOTALL)
# An unclosed one runs to the end of its paragraph. A lone closing tag of those (its
# opening was cut off) is an ordinary tag below.
_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
# Tags as the HTML tokenizer sees them: "<" then a letter (start tag), "/" + letter (end
# tag), "!" (declaration, CDATA) or "?" (processing instruction), up to the next ">".
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^<>]*>|<[!?][^<>]*>|</[^<>A-Za-z][^<>]*>")
# What would still open a tag: "<" followed by a letter, "/", "!" or "?".
TAG_LIKE_RE = re.compile(r"<[A-Za-z/!?]")
# Inline elements join their text to the neighbours («<b>سوريا</b>ن» stays one word);
# every other tag stands for a break between words.
_INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "dfn",
        "em",
        "font",
        "i",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
        "wbr",
    ]
)
# Element names of HTML (current and obsolete), SVG and MathML that pages use: a "tag" with
# another name and no attribute is text in angle brackets (Korean and English pages write
# titles of works so), kept as text. Custom elements (a "-" in the name) are markup.
_ELEMENT_NAMES = """
    address applet area article aside audio base basefont bgsound big blink blockquote body br button canvas
    caption center col colgroup datalist dd del details dialog dir div dl dt embed fieldset figcaption figure
    footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe image img input ins isindex
    keygen label legend li link listing main map marquee math menu menuitem meta meter multicol nav nobr noembed
    noframes noscript object ol optgroup option output p param picture plaintext pre progress rb rp rt rtc ruby
    script search section select slot source spacer strike style summary svg table tbody td template textarea
    tfoot th thead title tr track ul video xmp animate animatemotion animatetransform circle clippath defs desc
    ellipse feimage filter foreignobject g line lineargradient marker mask mi mn mo ms mtext path pattern polygon
    polyline radialgradient rect set stop symbol text textpath tspan use view xml"""
_ELEMENTS = _INLINE | frozenset(_ELEMENT_NAMES.split())
# An "&" that is itself escaped, any number of times (&amp;amp;lt; -> &lt;): collapsed in
# one linear pass, so that one unescape decodes what was escaped several times over.
_ESCAPED_AMP_RE = re.compile(r"&(?:amp;?|#0*38;?|#x0*26;?)+", re.IGNORECASE)
_ENTITY_RE = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);?", re.IGNORECASE)
# ANSI / ECMA-48 sequences: CSI (ESC [ or the C1 byte 0x9b) with parameters, OSC and the
# other string commands (ESC ] ... BEL or ST, removed with their payload when terminated),
# and two-character escapes. A lone C1 control is removed as a control character below.
_ANSI_RE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]?"
)
# C0 and C1 controls and DEL, lone surrogates (not encodable, the database refuses them)
# and the two non-characters U+FFFE/U+FFFF. Tab, line feed and carriage return are
# whitespace that the display form tidies, so they become spaces / stay.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_MAX_ROUNDS = 4

URL_FIELDS = ("canonical_url", "image", "duplicate_of")
# Fields written by the crawler itself from its own values, never from page text.
_OWN_FIELDS = ("url", "content_hash", "story_id")


def _strip_tags(text: str) -> str:
    if "<" not in text:
        return text
    text = _COMMENT_RE.sub(" ", text)
    text = _RAW_BLOCK_RE.sub(" ", text)

    def tag(m: re.Match[str]) -> str:
        name = (m.group(2) or "").lower()
        if name and name not in _ELEMENTS and "-" not in name and "=" not in m.group(0):
            # «<The Palace: Tale of Jang Noksu>»: a title in angle brackets, not markup
            # (no element of that name, no attribute); kept, and defused in safe_text.
            return m.group(0)
        return "" if name in _INLINE else " "

    return _TAG_RE.sub(tag, text)


def _unescape(text: str) -> str:
    if "&" not in text or not _ENTITY_RE.search(text):
        return text
    return html.unescape(_ESCAPED_AMP_RE.sub("&", text))


def safe_text(text: str) -> str:
    """*text* without markup, control characters or terminal escapes; the rest as written.

    Markup is removed also when it is entity-escaped: ``&lt;script&gt;x&lt;/script&gt;``
    gives nothing, ``&lt;b&gt;bold&lt;/b&gt;`` gives ``bold``; other entities are
    decoded (``&amp;`` is ``&``). A ``<`` that would still open a tag afterwards (an
    unclosed ``<script`` at the end, or one glued together from pieces around a removed
    tag) gets a space after it, so that no HTML parser reads it as a tag. Idempotent.
    """
    if not text:
        return ""
    text = _ANSI_RE.sub("", text)
    text = _CONTROL_RE.sub(" ", text)
    for _ in range(_MAX_ROUNDS):  # each round strips tags, then decodes one level of escaping
        before = text
        text = _unescape(_strip_tags(text))
        if text == before:
            break
    text = _strip_tags(text)
    if "<" in text:
        text = TAG_LIKE_RE.sub(lambda m: "< " + m.group(0)[1:], text)
    # Decoding may have produced controls (&#27;, &#x9b;): remove them as above.
    if _ANSI_RE.search(text) or _CONTROL_RE.search(text):
        text = _CONTROL_RE.sub(" ", _ANSI_RE.sub("", text))
    return text


# Characters that never stand unescaped in a URL we keep: whitespace, controls, quotes
# and angle brackets (they end an attribute or open a tag where the URL is shown).
_URL_BAD_RE = re.compile(r"[\s\x00-\x1f\x7f-\x9f<>\"'`\\\ud800-\udfff]")


def safe_url(url: Any) -> str | None:
    """*url* if it is an absolute http(s) URL with a host and nothing that could break out
    of where it is shown; None otherwise (``javascript:``, ``data:``, ``file:``, relative)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or _URL_BAD_RE.search(url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return url


def _safe_field(value: str) -> str:
    """:func:`safe_text`, put back in display form when it changed something."""
    text = safe_text(value)
    return display(text) if text != value else text


def _links(items: Any) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        title = _safe_field(str(item.get("title") or ""))
        url = safe_url(item.get("url")) or ""
        if title or url:
            out.append({"title": title, "url": url})
    return out


def sanitize_article(article: Article) -> tuple[Article, list[str]]:
    """*article* with every text field through :func:`safe_text`, every URL through
    :func:`safe_url`; and the names of the fields that changed (for the stats).

    A changed text field is put back in display form (what markup left behind: spaces).
    """
    changes: dict[str, Any] = {}
    for f in fields(Article):
        name = f.name
        value = getattr(article, name)
        if name in _OWN_FIELDS or value is None:
            continue
        if name in URL_FIELDS:
            new: Any = safe_url(value)
        elif name in ("read_also", "related"):
            new = _links(value)
        elif isinstance(value, list):
            new = [t for t in (_safe_field(str(v)) for v in value) if t.strip()]
        else:
            new = _safe_field(str(value))
        if new != value:
            changes[name] = new
    if not changes:
        return article, []
    return replace(article, **changes), list(changes)


def printable(text: str) -> str:
    """*text* without control characters or terminal escapes, for printing to a terminal
    (rows stored before the guard existed may still hold them)."""
    if _ANSI_RE.search(text) or _CONTROL_RE.search(text):
        return _CONTROL_RE.sub(" ", _ANSI_RE.sub("", text))
    return text
