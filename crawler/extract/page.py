"""Parse a page once and share it: decoded text, lxml tree, <meta> values, JSON-LD items.

Everything else in :mod:`crawler.extract` reads a :class:`Page`; nothing parses the
HTML a second time (trafilatura is handed a copy of the tree).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from crawler.extract.encoding import decode_html
from crawler.extract.jsonld import article_items, parse_jsonld
from crawler.safety import safe_url

__all__ = ["Page", "absolute_http_url", "parse_page"]

# libxml2 stops at 256 levels (2048 with huge_tree) and drops what is deeper. Pages
# past that are flattened first: container tags beyond this depth are removed.
_MAX_DEPTH = 1000
_TEXT_TAGS = frozenset(["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "a", "strong", "b", "em", "i"])
_TEXT_SLACK = 32
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)\b[^>]*?(/?)>")
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_SCRIPT_TEXT_LIMIT = 2_000_000  # characters of one JSON-LD script
_JSONLD_PAGE_LIMIT = 4_000_000  # characters of all JSON-LD scripts of a page
_JSONLD_MAX_SCRIPTS = 100


@dataclass
class Page:
    """One parsed page: what every extraction step reads."""

    text: str
    tree: Any  # lxml.html.HtmlElement (the <html> root)
    url: str = ""
    meta: dict[str, list[str]] = field(default_factory=dict)
    jsonld: list[dict[str, Any]] = field(default_factory=list)  # every JSON-LD object found
    articles: list[dict[str, Any]] = field(default_factory=list)  # the Article-like ones

    def meta_first(self, *names: str) -> str | None:
        """First non-empty <meta> content among *names* (name, property or itemprop, any case)."""
        for name in names:
            for value in self.meta.get(name.lower(), ()):
                if value:
                    return value
        return None

    def meta_all(self, name: str) -> list[str]:
        return [v for v in self.meta.get(name.lower(), ()) if v]

    def absolute(self, href: str | None) -> str | None:
        return absolute_http_url(href, self.url)


def absolute_http_url(href: str | None, base: str | None) -> str | None:
    """*href* made absolute against *base*; None unless the result is http(s)."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base or "", href)
    except ValueError:
        return None
    return safe_url(url)


def _parser() -> lxml_html.HTMLParser:
    # No network, no entity expansion from files (HTML parser never loads DTDs);
    # huge_tree lifts libxml2's text-node size limit and the depth limit to 2048.
    return lxml_html.HTMLParser(
        huge_tree=True, remove_comments=True, remove_pis=True, no_network=True, collect_ids=False
    )


def _flatten_deep(text: str, limit: int = _MAX_DEPTH) -> str:
    """Drop start and end tags nested deeper than *limit*, keeping all text.

    Only used when libxml2 reported "Excessive depth": it then silently loses the
    innermost content, which is where the text of such pages usually is.
    """
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (tag, kept)
    kept = 0  # kept tags in the stack: the depth of the flattened page
    pos = 0
    for m in _TAG_RE.finditer(text):
        closing, tag, selfclose = m.group(1), m.group(2).lower(), m.group(3)
        keep = True
        if tag in _VOID or selfclose:
            pass
        elif not closing:
            # Paragraph-level tags are kept a little deeper than containers: they carry the
            # text's structure (paragraphs, headings), which the extractor needs.
            keep = kept < limit or (tag in _TEXT_TAGS and kept < limit + _TEXT_SLACK)
            stack.append((tag, keep))
            kept += keep
        else:
            keep = True
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == tag:
                    keep = stack[i][1]
                    kept -= sum(k for _, k in stack[i:])
                    del stack[i:]
                    break
        out.append(text[pos : m.start()])
        out.append(m.group(0) if keep else " ")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _parse_tree(text: str) -> Any | None:
    parser = _parser()
    try:
        tree = lxml_html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError, TypeError):
        return None
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        try:
            tree = lxml_html.document_fromstring(_flatten_deep(text), parser=_parser())
        except (etree.ParserError, ValueError, TypeError):
            return None
    return tree


def _collect_meta(tree: Any) -> dict[str, list[str]]:
    meta: dict[str, list[str]] = {}
    for node in tree.iter("meta"):
        content = node.get("content")
        if content is None:
            continue
        content = " ".join(content.split())
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = node.get(attr)
            if key:
                meta.setdefault(key.strip().lower(), []).append(content)
    return meta


def _collect_jsonld(tree: Any) -> list[dict[str, Any]]:
    """JSON-LD objects of the page, read within size limits: one script past
    :data:`_SCRIPT_TEXT_LIMIT` characters is skipped (cut, it would not decode anyway),
    and the page's scripts together are read up to :data:`_JSONLD_PAGE_LIMIT` characters
    and :data:`_JSONLD_MAX_SCRIPTS` scripts (the article's own is among the first)."""
    found: list[dict[str, Any]] = []
    budget, scripts = _JSONLD_PAGE_LIMIT, 0
    for node in tree.iter("script"):
        if (node.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = node.text or ""
        scripts += 1
        if len(raw) > min(_SCRIPT_TEXT_LIMIT, budget) or scripts > _JSONLD_MAX_SCRIPTS:
            continue
        budget -= len(raw)
        found.extend(parse_jsonld(raw))
    return found


_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _looks_binary(data: bytes) -> bool:
    """Images, archives, PDFs: many control bytes in the first 4 KB (UTF-16 pages have a BOM)."""
    head = data[:4096]
    if not head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    controls = sum(head.count(b) for b in _BINARY_BYTES)
    return controls > len(head) * 0.05


def parse_page(html: bytes | str, url: str | None = None, encoding: str | None = None) -> Page | None:
    """Decode and parse *html*; None when there is nothing that parses as a document."""
    if isinstance(html, bytes) and _looks_binary(html):
        return None
    text = decode_html(html, encoding) if isinstance(html, bytes) else html
    # NUL and other C0 controls make libxml2 stop or raise; they are never text. Nor are
    # lone surrogates (only a str can hold them): they make the text unencodable.
    if _CONTROL_RE.search(text):
        text = _CONTROL_RE.sub("", text)
    # Nor written as character references (&#27;): lxml decodes them into the tree, where
    # they make the next lxml call that sets a text raise (found by the fuzzer).
    if "&#" in text:
        text = _CONTROL_REF_RE.sub(" ", text)
    if not text.strip():
        return None
    tree = _parse_tree(text)
    if tree is None:
        return None
    jsonld = _collect_jsonld(tree)
    return Page(
        text=text,
        tree=tree,
        url=url or "",
        meta=_collect_meta(tree),
        jsonld=jsonld,
        articles=article_items(jsonld),
    )


_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# &#N; / &#xN; for the same C0 controls (not tab, line feed, carriage return).
_CONTROL_REF_RE = re.compile(
    r"&#(?:0*(?:[0-8]|1[124-9]|2[0-9]|3[01])(?![0-9])|[xX]0*(?:[0-8bcefBCEF]|1[0-9a-fA-F])(?![0-9a-fA-F]));?"
)
