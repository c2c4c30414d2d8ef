"""Arabic trailer and boilerplate blocks: found in the DOM, turned into fields, removed.

A block starts at a *marker*: an element whose text begins with a lexicon phrase
(«اقرأ أيضاً», «مقالات مشابهة», «كلمات دلالية:», «المصدر:», «شارك»...), matched on the
folded form. Either the marker element carries its content inline («اقرأ أيضاً: <a>..</a>»)
or it is a heading whose following siblings are link-dense lists. Blocks are found
wherever they stand: between paragraphs, at the end, inside or outside the article
container. Their links become ``read_also`` / ``related`` items, their text ``tags`` /
``source``; then they are removed so that no body extractor sees them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from crawler.extract.lexicon import BOILERPLATE_CLASS_RE, EMBED_CLASS_RE, Marker, match_marker, original_rest
from crawler.extract.page import absolute_http_url
from crawler.items import Link
from crawler.text.arabic import display, fold

__all__ = ["Trailers", "add_link", "clean_source", "separate", "split_tags"]

_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "title", "meta", "option"})
_CONTAINERS = frozenset({"body", "html", "article", "main", "section"})
_HEADING_MAX = 60  # a marker heading is short: «اقرأ أيضاً» plus a little decoration
_INLINE_MAX = 400  # an inline block («اقرأ أيضاً: <a>title</a>») is one short line
_MAX_SIBLINGS = 40
_TEASER_EXTRA = 40  # text beside a teaser's link: a date, a time, a section name
_TAG_SPLIT_RE = re.compile(r"\s*(?:[،,;؛|#]|\s-\s|\s–\s)\s*")
_PAREN_RE = re.compile(r"^[\s(\[«\"']+|[\s)\]»\"'.]+$")


@dataclass
class Trailers:
    """What the boilerplate blocks of a page carried."""

    source: str | None = None
    tags: list[str] = field(default_factory=list)
    read_also: list[Link] = field(default_factory=list)
    related: list[Link] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    removed_text: set[str] = field(default_factory=set)  # folded lines taken out of the page


def _text(el: Any) -> str:
    try:
        return " ".join(el.text_content().split())
    except ValueError:
        return ""


def _link_text_len(el: Any) -> int:
    """Characters of link text in *el*; an image link counts its alt text (story cards link
    the picture and print the title beside it)."""
    return sum(len(_text(a) or _link_title(a)) for a in el.iter("a"))


def _link_title(a: Any) -> str:
    title = _text(a)
    if not title:
        for img in a.iter("img"):
            title = " ".join((img.get("alt") or img.get("title") or "").split())
            if title:
                break
    return display(title or " ".join((a.get("title") or "").split()))


def add_link(items: list[Link], title: str, url: str) -> None:
    """Append {title, url}, merging duplicates (same URL, or same title without URL)."""
    title = display(title)
    for item in items:
        if (url and item["url"] == url) or (fold(item["title"]) == fold(title) and title):
            if not item["title"] and title:
                item["title"] = title
            if not item["url"] and url:
                item["url"] = url
            return
    if title or url:
        items.append({"title": title, "url": url})


def clean_source(text: str) -> str | None:
    text = _PAREN_RE.sub("", display(text)).strip()
    return text[:200] or None


def split_tags(text: str) -> list[str]:
    tags = [_PAREN_RE.sub("", t).strip().lstrip("#").strip() for t in _TAG_SPLIT_RE.split(display(text))]
    return [t for t in tags if t and len(t) <= 60]


def _is_content_sibling(sib: Any, kind: str, first: bool) -> bool:
    """Does *sib*, following a marker heading, belong to the marker's block?"""
    txt = _text(sib)
    if not txt:
        return True  # images, icons, empty wrappers
    marker = match_marker(txt)
    if marker is not None and marker.kind not in ("drop", "byline"):
        return False  # the next block
    if kind == "drop":
        # share icons, "فيسبوك", an ad's empty slot: only short bits, never a heading or paragraph
        return len(txt) <= 30 and sib.tag not in ("h1", "h2", "h3", "h4", "h5", "h6", "p")
    links = _link_text_len(sib)
    if links >= 0.5 * len(txt):
        return True
    if links and len(txt) - links <= _TEASER_EXTRA:
        return True  # a short title link beside its date or section: one teaser of a list
    return kind in ("tags", "source", "read_also") and first and len(txt) <= 150


def _climb(el: Any, folded: str) -> Any:
    """The outermost ancestor whose text is still only the marker's text."""
    while True:
        parent = el.getparent()
        if parent is None or parent.tag in ("body", "html", "article", "main"):
            return el
        if fold(_text(parent)) != folded:
            return el
        el = parent


def _heading_block(head: Any, kind: str) -> list[Any]:
    """The heading and the link lists that follow it (climbing two levels when none follow)."""
    for _ in range(3):
        block = [head]
        for sib in head.itersiblings():
            if not isinstance(sib.tag, str):
                continue
            if len(block) > _MAX_SIBLINGS or not _is_content_sibling(sib, kind, len(block) == 1):
                break
            block.append(sib)
        if len(block) > 1 and any(_text(b) for b in block[1:]):
            return block
        parent = head.getparent()
        if parent is None or parent.tag in ("body", "html", "article", "main"):
            return block
        # Climb only into a wrapper that holds nothing but this block (link-dense).
        ptxt = _text(parent)
        if len(ptxt) > 3000 or _link_text_len(parent) < 0.5 * (len(ptxt) - len(_text(head))):
            return block
        head = parent
    return [head]


def _links_of(block: list[Any], base: str | None) -> list[tuple[str, str]]:
    out = []
    for el in block:
        anchors = [el] if el.tag == "a" else list(el.iter("a"))
        for a in anchors:
            url = absolute_http_url(a.get("href"), base) or ""
            title = _link_title(a)
            marker = match_marker(title)
            if marker is not None and marker.kind in ("read_also", "related"):
                title = original_rest(title, marker)  # <a>اقرأ أيضاً: العنوان</a>
            if url or title:
                out.append((title, url))
    return out


def _record(kind: str, marker: Marker, head_text: str, block: list[Any], base: str | None, out: Trailers) -> None:
    rest = original_rest(head_text, marker)
    links = _links_of(block, base)
    if kind == "source":
        out.source = out.source or clean_source(rest or " ".join(_text(b) for b in block[1:]))
    elif kind == "tags":
        tags = [t.lstrip("#").strip() for t, _ in links if t.lstrip("#").strip()]
        tags = tags or split_tags(rest or " ، ".join(_text(b) for b in block[1:]))
        for tag in tags:
            if tag not in out.tags:
                out.tags.append(tag)
    elif kind in ("read_also", "related"):
        items = out.read_also if kind == "read_also" else out.related
        if links:
            for title, url in links:
                add_link(items, title, url)
        elif rest:
            add_link(items, rest, "")
        else:
            for b in block[1:]:
                for line in b.itertext():
                    if line.strip():
                        add_link(items, line, "")
    elif kind == "byline" and rest:
        out.bylines.append(display(rest))


def _remove(el: Any, out: Trailers) -> None:
    parent = el.getparent()
    if parent is None:
        return
    txt = _text(el)
    if txt:
        out.removed_text.add(fold(txt))
    el.drop_tree()  # keeps the tail text in place
    if parent.tag in ("p", "li", "span", "strong", "b", "em") and not _text(parent):
        gp = parent.getparent()
        if gp is not None:
            parent.drop_tree()


def _drop_line(el: Any) -> Any:
    """A credit/caption/prompt label: the short line around it goes too (at most two levels up)."""
    head = el
    for _ in range(2):
        parent = head.getparent()
        if parent is None or parent.tag in _CONTAINERS or len(_text(parent)) > 160:
            break
        if any(True for _ in parent.iter("h1", "h2", "h3", "p")) and parent.tag != "p":
            break
        head = parent
    return head


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "title"})


def looks_like_names(rest: str, tag: str = "p") -> bool:
    """Could *rest* (after «كتب:», «تقرير:»...) be one to three names rather than a sentence?"""
    words = rest.split()
    return tag not in _HEADINGS and 0 < len(words) <= 12 and len(rest) <= 90 and not rest.endswith((".", "؟", "?"))


def _handle_marker(el: Any, marker: Marker, base: str | None, out: Trailers) -> list[Any] | None:
    full = _text(el)
    folded_full = fold(full)
    marker = match_marker(full) or marker  # the same phrase, with offsets into the full text
    inline = len(original_rest(full, marker)) > 1
    if not inline:
        if len(folded_full) > _HEADING_MAX:
            return None
        if marker.kind == "byline":
            return None
        head = _climb(el, folded_full)
        if marker.kind == "drop" and head.tail and head.tail.strip():
            return [_drop_line(head)]  # «التعليق على الصورة،» followed by the caption text
        block = _heading_block(head, marker.kind)
        _record(marker.kind, marker, full, block, base, out)
        return block
    if len(full) > _INLINE_MAX and _link_text_len(el) < 0.5 * len(full):
        return None
    if marker.kind in ("drop", "byline") and len(full) > 160:
        return None
    if marker.kind == "byline" and not looks_like_names(original_rest(full, marker), el.tag):
        return None  # «تقرير: الأمم المتحدة تحذر...» is a headline, not a byline
    if marker.kind == "read_also" and not any(True for _ in el.iter("a")) and len(full) > 200:
        return None
    head = _climb(el, folded_full)
    _record(marker.kind, marker, full, [head], base, out)
    return [head]


def _leading_text(el: Any) -> str:
    """The text an element starts with; past an empty first child such as an icon
    (`<h3><i class="fa-link"></i> اقرأ أيضا</h3>`)."""
    text = (el.text or "").strip()
    if text or len(el) == 0:
        return text
    first = el[0]
    # Only a leaf child (an icon, an empty span): never the text of a whole subtree.
    if isinstance(first.tag, str) and len(first) == 0 and not (first.text or "").strip():
        return (first.tail or "").strip()
    return ""


def _attached(el: Any, root: Any) -> bool:
    last = el
    for last in el.iterancestors():  # noqa: B007 - we want the outermost ancestor
        pass
    return last is root or el is root


def separate(tree: Any, base: str | None) -> Trailers:
    """Move the trailer/boilerplate blocks of *tree* (a working copy: it is modified) into fields."""
    out = Trailers()
    candidates = []
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS:
            continue
        text = _leading_text(el)
        if not text:
            continue
        marker = match_marker(text)
        if marker is not None:
            candidates.append((el, marker))
    for el, marker in candidates:
        if not _attached(el, tree):
            continue
        block = _handle_marker(el, marker, base, out)
        for b in block or ():
            _remove(b, out)
    if not out.tags:
        _tags_by_class(tree, out)
    _remove_embeds(tree, out)
    return out


def _remove_embeds(tree: Any, out: Trailers) -> None:
    """Embedded Instagram / TikTok / Facebook posts: the network's chrome, not the article's text."""
    found = [
        el
        for el in tree.iter("blockquote", "div", "figure", "section", "iframe")
        if EMBED_CLASS_RE.search(f"{el.get('class') or ''} {el.get('id') or ''}")
    ]
    for el in found:
        if _attached(el, tree):
            _remove(el, out)


def _tags_by_class(tree: Any, out: Trailers) -> None:
    """Tag lists without a label: a link list in a container whose class/id says tags/keywords."""
    for el in tree.iter("div", "ul", "section", "p", "nav"):
        cues = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not cues.strip() or not BOILERPLATE_CLASS_RE.search(cues):
            continue
        if not re.search(r"tag|keyword|topic|wusum|wasm|kalimat", cues, re.I):
            continue
        links = [_link_title(a) for a in el.iter("a")]
        links = [t for t in links if t and len(t) <= 50]
        txt = _text(el)
        if links and sum(map(len, links)) >= 0.6 * len(txt.replace(" ", "")) * 0.8:
            out.tags.extend(t for t in links if t not in out.tags)
            _remove(el, out)
            return
