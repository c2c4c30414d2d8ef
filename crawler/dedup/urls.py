"""Canonical URLs: one spelling per article, applied before a request is made.

``canonicalize()`` runs on every discovered link, so it is written for speed (a few
microseconds per URL) with :mod:`urllib.parse` rather than w3lib's
``canonicalize_url``, which keeps ``utm_*``/``fbclid`` and knows nothing of AMP
variants or of legacy windows-1256 percent-escapes (``%C7%E1`` for «ال»), which
Arabic sites from before UTF-8 still put in links and feeds.

What it does, in order:

- scheme and host lower-cased, IDN hosts to punycode, user info and the default port
  dropped, fragment dropped; AMP cache and viewer URLs (``*.cdn.ampproject.org/c/s/``,
  ``google.com/amp/s/``) unwrapped to the publisher's URL;
- host twins folded when the site says so (``www.``/``m.``/``amp.`` spellings of one
  site, see :func:`crawler.dedup.canonical.make_twins`); an ``amp.`` host otherwise becomes ``www.`` (or the
  parent host when it is itself a sub-domain);
- percent-escapes normalised: unreserved characters decoded, the rest upper-case hex,
  raw non-ASCII characters encoded as UTF-8, and byte runs that are not UTF-8 read as
  windows-1256 and re-encoded as UTF-8;
- AMP path forms dropped (an ``amp`` path segment anywhere, ``.amp`` / ``.amp.html``);
- query: tracking parameters dropped (``utm_*``, ``fbclid``, ``gclid``, ``mc_*``,
  ``ref``..., share-channel tags such as ``source=twitter``), AMP switches dropped
  (``amp``, ``amp=1``, ``outputType=amp``), every other parameter kept (``NewsID=123``,
  ``p=45``) and sorted by name, stably.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

if TYPE_CHECKING:
    import tldextract


__all__ = ["InvalidURLError", "Twins", "canonicalize", "registrable_domain"]

#: host -> (scheme, host) that every spelling of the site is folded to.
Twins = Mapping[str, tuple[str, str]]


class InvalidURLError(ValueError):
    """Raised by :func:`canonicalize` for a link that is not an http(s) URL with a host."""


DEFAULT_PORTS = {"http": 80, "https": 443}
TWIN_PREFIXES = ("www.", "m.", "mobile.", "amp.", "ar.m.")

_TRACKING_RE = re.compile(
    r"utm_\w*|mc_\w+|fbclid|gclid|gclsrc|dclid|gbraid|wbraid|msclkid|yclid|twclid|ttclid|igshid|igsh"
    r"|li_fat_id|_ga|_gl|_hsenc|_hsmi|hsctatracking|mkt_tok|oly_enc_id|oly_anon_id|vero_id|rb_clickid"
    r"|s_cid|cmpid|ncid|ocid|icid|spm|__twitter_impression|fb_action_ids|fb_action_types|fb_ref"
    r"|fb_source|action_object_map|action_type_map|action_ref_map|ref|ref_src|ref_url|referrer|referer"
    r"|share|shared|usqp|amp_js_v|amp_gsa|amp_r|amp_tf|aoh|__amp_source_origin",
    re.IGNORECASE,
)
# Parameters that only say *where a link was shared*, dropped when their value is a
# channel name: ?source=twitter, ?from=rss, ?via=whatsapp. Other values are kept
# (?source=12 may select content).
_CHANNEL_KEYS = frozenset({"source", "src", "from", "via", "origin", "medium", "channel", "sharesource"})
_CHANNEL_VALUES = frozenset(
    [
        "rss",
        "feed",
        "feeds",
        "twitter",
        "x",
        "tw",
        "facebook",
        "fb",
        "whatsapp",
        "wa",
        "telegram",
        "tg",
        "email",
        "mail",
        "share",
        "social",
        "push",
        "newsletter",
        "google",
        "googlenews",
        "gnews",
        "news_google",
        "app",
        "android",
        "ios",
        "iphone",
        "linkedin",
        "copy",
        "copylink",
        "sharebar",
        "snapchat",
        "instagram",
        "tiktok",
        "youtube",
        "messenger",
        "viber",
        "sms",
        "amp",
        "homepage",
        "hp",
    ]
)
_AMP_SWITCH_KEYS = frozenset({"outputtype", "output", "format", "view", "type"})
_AMP_FLAG_VALUES = frozenset({"", "1", "true", "yes", "on"})

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_QUERY_SAFE = "/:@!$'()*,;?-._~"  # not & = + #, which structure the query
_ESCAPE_RE = re.compile(r"%([0-9A-Fa-f]{2})")
_AMP_SUFFIX_RE = re.compile(r"\.amp(?=\.html?$|$)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    """tldextract, loaded on first use: it imports requests and builds its suffix tries
    (~7 MiB in every crawl process), and most crawls never need it (see :func:`same_site`)."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def canonicalize(url: str, *, twins: Twins | None = None, drop_params: Collection[str] = ()) -> str:
    """Return the canonical spelling of *url*; :class:`InvalidURLError` when it is no http(s) URL.

    *twins* (from :func:`make_twins`) folds a site's host spellings onto one;
    *drop_params* names extra per-site tracking parameters (compared case-insensitively).
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise InvalidURLError(f"not a valid URL: {url!r} ({exc})") from None
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if scheme not in DEFAULT_PORTS or not host:
        raise InvalidURLError(f"not an http(s) URL with a host: {url!r}")
    unwrapped = _unwrap_amp_cache(host, parts.path, parts.query)
    if unwrapped is not None:
        return canonicalize(unwrapped, twins=twins, drop_params=drop_params)
    scheme, host = _fold_host(scheme, ascii_host(host, url), twins)
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    path = _normalize_path(parts.path)
    query = _normalize_query(parts.query, drop_params)
    return f"{scheme}://{netloc}{path}?{query}" if query else f"{scheme}://{netloc}{path}"


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str:
    """``news.bbc.co.uk`` -> ``bbc.co.uk`` (bundled public-suffix list, no network); IPs unchanged."""
    host = host.lower().rstrip(".")
    ext = _extractor().extract_str(host)
    return ext.top_domain_under_public_suffix or host


# --- helpers -----------------------------------------------------------------------------


def ascii_host(host: str, url: str) -> str:
    host = host.rstrip(".")
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidURLError(f"invalid host name in {url!r}: {exc}") from None


def strip_prefix(host: str, prefixes: Collection[str]) -> str:
    for prefix in sorted(prefixes, key=len, reverse=True):
        if host.startswith(prefix) and host.count(".") > prefix.count("."):
            return host[len(prefix) :]
    return host


def _fold_host(scheme: str, host: str, twins: Twins | None) -> tuple[str, str]:
    if twins and host in twins:
        return twins[host]
    if host.startswith("amp."):
        rest = host[4:]
        host = f"www.{rest}" if registrable_domain(rest) == rest and "." in rest else rest
        if twins and host in twins:
            return twins[host]
    return scheme, host


def _unwrap_amp_cache(host: str, path: str, query: str) -> str | None:
    """``https://www-x-com.cdn.ampproject.org/c/s/www.x.com/a`` -> ``https://www.x.com/a``."""
    if host.endswith(".cdn.ampproject.org") or host == "cdn.ampproject.org":
        match = re.match(r"/[a-z]/(s/)?(.+)", path)
    elif path.startswith("/amp/") and "google." in host.lower() and registrable_domain(host).startswith("google."):
        match = re.match(r"/amp/(s/)?(.+)", path)
    else:
        return None
    if not match:
        return None
    target = ("https://" if match.group(1) else "http://") + match.group(2)
    return f"{target}?{query}" if query else target


def _normalize_path(path: str) -> str:
    if not path:
        return "/"
    path = _requote(path, _PATH_SAFE)
    if "/." in path:
        path = _remove_dot_segments(path)
    if "amp" in path or "AMP" in path:
        path = _drop_amp_path(path)
    return path or "/"


def _drop_amp_path(path: str) -> str:
    segments = path.split("/")
    kept = [s for s in segments if s.lower() != "amp"]
    if len(kept) != len(segments):
        if segments[-1].lower() == "amp" and kept[-1] == "" and len(kept) > 1:
            kept.pop()  # "/news/1/amp" -> "/news/1", while "/news/1/amp/" keeps its slash
        path = "/".join(kept) if len(kept) > 1 else "/"
    return _AMP_SUFFIX_RE.sub("", path)


def _remove_dot_segments(path: str) -> str:
    out: list[str] = []
    for segment in path.split("/")[1:]:
        if segment == "..":
            if out:
                out.pop()
        elif segment != ".":
            out.append(segment)
    last = path.rsplit("/", 1)[-1]
    trailing = "/" if last in (".", "..") else ""
    return "/" + "/".join(out) + trailing


def _normalize_query(query: str, drop_params: Collection[str]) -> str:
    if not query:
        return ""
    extra = {p.lower() for p in drop_params} if drop_params else ()
    pairs: list[tuple[str, str]] = []
    for field in query.split("&"):
        if not field:
            continue
        key, eq, value = field.partition("=")
        key = _requote_form(key)
        if not key or _drop_param(key, value, extra):
            continue
        pairs.append((key, _requote_form(value) if eq else ""))
    pairs.sort(key=lambda kv: kv[0])
    return "&".join(f"{k}={v}" if v else k for k, v in pairs)


def _drop_param(key: str, raw_value: str, extra: Collection[str]) -> bool:
    if _TRACKING_RE.fullmatch(key):
        return True
    lower = key.lower()
    if lower in extra:
        return True
    value = raw_value.lower()
    if lower in _CHANNEL_KEYS and value in _CHANNEL_VALUES:
        return True
    return (lower == "amp" and value in _AMP_FLAG_VALUES) or (lower in _AMP_SWITCH_KEYS and value == "amp")


def _requote_form(text: str) -> str:
    # In a query, "+" and "%20" both mean a space: spell it "+" always.
    if "+" in text:
        text = text.replace("+", "%20")
    return _requote(text, _QUERY_SAFE).replace("%20", "+")


def _requote(text: str, safe: str) -> str:
    """Percent-encode *text* canonically (see the module docstring)."""
    if "%" not in text:
        return quote(text, safe=safe)
    out: list[str] = []
    pending = bytearray()
    pos = 0
    for match in _ESCAPE_RE.finditer(text):
        literal = text[pos : match.start()]
        if literal:
            _flush(pending, out, safe)
            out.append(quote(literal, safe=safe))
        byte = int(match.group(1), 16)
        if byte >= 0x80:
            pending.append(byte)
        else:
            _flush(pending, out, safe)
            char = chr(byte)
            out.append(char if char in _UNRESERVED else f"%{byte:02X}")
        pos = match.end()
    _flush(pending, out, safe)
    out.append(quote(text[pos:], safe=safe))
    return "".join(out)


def _flush(pending: bytearray, out: list[str], safe: str) -> None:
    if not pending:
        return
    raw = bytes(pending)
    pending.clear()
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        # Not UTF-8: legacy Arabic pages percent-encode windows-1256 bytes.
        decoded = raw.decode("cp1256", errors="replace")
    out.append(quote(decoded, safe=safe))
