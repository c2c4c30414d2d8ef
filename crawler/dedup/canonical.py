"""Which URL names a page: host twins of one site, same-site checks, and the choice
between a page's own ``rel=canonical`` / ``og:url`` and the fetched URL.

The spelling of any one URL is :func:`crawler.dedup.urls.canonicalize`'s job.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urljoin, urlsplit

from crawler.dedup.urls import (
    DEFAULT_PORTS,
    TWIN_PREFIXES,
    InvalidURLError,
    Twins,
    ascii_host,
    canonicalize,
    registrable_domain,
    strip_prefix,
)

__all__ = ["choose_canonical", "make_twins", "same_site", "site_twins"]


def make_twins(*origins: str, prefixes: Collection[str] = TWIN_PREFIXES) -> dict[str, tuple[str, str]]:
    """Twins mapping for sites served under several host spellings.

    ``make_twins("https://www.youm7.com")`` folds ``youm7.com``, ``m.youm7.com``,
    ``amp.youm7.com``... and ``http://`` onto ``https://www.youm7.com``. Pass every
    preferred origin of one site (or of several sites) at once.
    """
    twins: dict[str, tuple[str, str]] = {}
    for origin in origins:
        parts = urlsplit(origin if "://" in origin else f"https://{origin}")
        scheme, host = parts.scheme.lower(), ascii_host(parts.hostname or "", origin)
        if scheme not in DEFAULT_PORTS or not host:
            raise InvalidURLError(f"not an http(s) origin: {origin!r}")
        base = strip_prefix(host, prefixes)
        for spelling in (base, *(p + base for p in prefixes)):
            twins[spelling] = (scheme, host)
    return twins


def site_twins(main_url: str, hosts: Collection[str]) -> dict[str, tuple[str, str]]:
    """Twins of a site from its configuration: *hosts* (``same_site_hosts``, e.g.
    ``m.example.com``) and the main host are all folded onto the scheme and host of
    *main_url* (the site's first start URL, feed or sitemap)."""
    parts = urlsplit(main_url)
    scheme, main = parts.scheme.lower(), ascii_host(parts.hostname or "", main_url)
    if scheme not in DEFAULT_PORTS or not main:
        raise InvalidURLError(f"not an http(s) URL: {main_url!r}")
    return {ascii_host(h.lower(), main_url): (scheme, main) for h in (main, *hosts)}


def same_site(url_a: str, url_b: str, *, twins: Twins | None = None) -> bool:
    """True when both URLs are on one registrable domain or are twins of one site."""
    host_a = (urlsplit(url_a).hostname or "").rstrip(".")
    host_b = (urlsplit(url_b).hostname or "").rstrip(".")
    if not host_a or not host_b:
        return False
    if host_a == host_b or registrable_domain(host_a) == registrable_domain(host_b):
        return True
    if twins and host_a in twins and host_b in twins:
        return twins[host_a][1] == twins[host_b][1]
    return False


def choose_canonical(
    fetched_url: str,
    *,
    rel_canonical: str | None = None,
    og_url: str | None = None,
    twins: Twins | None = None,
    drop_params: Collection[str] = (),
) -> str:
    """The page's own canonical URL when it is trustworthy, else the fetched URL, canonicalised.

    ``rel=canonical`` is preferred to ``og:url``. A candidate is used only when it is
    an http(s) URL (relative ones are resolved against *fetched_url*) on the same site
    (:func:`same_site`), and not the site's home page while the fetched page is not
    (a common template bug that would merge every article into one).
    """
    fetched = canonicalize(fetched_url, twins=twins, drop_params=drop_params)
    fetched_is_home = urlsplit(fetched).path in ("", "/")
    for candidate in (rel_canonical, og_url):
        if not candidate or not candidate.strip():
            continue
        try:
            resolved = canonicalize(urljoin(fetched_url, candidate.strip()), twins=twins, drop_params=drop_params)
        except InvalidURLError:
            continue
        if not same_site(resolved, fetched, twins=twins):
            continue
        if urlsplit(resolved).path in ("", "/") and not urlsplit(resolved).query and not fetched_is_home:
            continue
        return resolved
    return fetched
