"""Refuse redirects a news crawler has no business following (issue 8).

Scrapy's RedirectMiddleware follows any http(s) ``Location`` and leaves the rest
(``file:``, ``ftp:``) as an unexplained 3xx error; the downloader's OffsiteMiddleware
catches other hosts only by their name, not a different port of the same host (an
internal service on 127.0.0.1:6379, say); loops are cut only after REDIRECT_MAX_TIMES
hops. This middleware sits just before RedirectMiddleware (a higher order number, so it
sees responses first) and refuses, with a counted reason (``crawler/skipped/<reason>``):

* ``redirect_scheme``: a target that is not http or https;
* ``redirect_offsite``: a host outside the site's hosts;
* ``redirect_port``: another port than the page's own (an upgrade from http to https on
  the default ports is allowed);
* ``redirect_loop``: a URL already visited in this chain of redirects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from w3lib.url import safe_url_string

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["RedirectGuardMiddleware", "RefusedRequest", "redirect_refusal"]

_REDIRECTS = (301, 302, 303, 307, 308)
_DEFAULT_PORTS = {"http": 80, "https": 443}


class RefusedRequest(IgnoreRequest):
    """A request refused by a bound; the spider counts it as ``crawler/skipped/<reason>``."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


def _port(parts: object) -> int | None:
    try:
        return parts.port or _DEFAULT_PORTS.get(parts.scheme)  # type: ignore[attr-defined]
    except ValueError:  # a port that is not a number
        return None


def redirect_refusal(source: str, target: str, chain: list[str], in_site: object) -> str | None:
    """The reason to refuse a redirect from *source* to *target*, or None to follow it.

    *chain* holds the URLs already visited by this request; *in_site* tells whether a URL
    belongs to the site (``NewsSpider._in_site``).
    """
    src, dst = urlsplit(source), urlsplit(target)
    if dst.scheme.lower() not in _DEFAULT_PORTS:
        return "redirect_scheme"
    if not dst.hostname or (callable(in_site) and not in_site(target)):
        return "redirect_offsite"
    dst_port = _port(dst)
    if dst_port != _port(src) and not (dst_port == _DEFAULT_PORTS[dst.scheme.lower()] and src.port is None):
        return "redirect_port"
    visited = {u.split("#", 1)[0] for u in (*chain, source)}
    if target.split("#", 1)[0] in visited:
        return "redirect_loop"
    return None


class RedirectGuardMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        """The same checks for a request made by a redirect this middleware did not see
        (a ``<meta http-equiv="refresh">`` page, followed by MetaRefreshMiddleware)."""
        chain = list(request.meta.get("redirect_urls", []))
        if not chain or request.meta.get("redirect_checked") == request.url:
            return
        spider = self.crawler.spider
        reason = redirect_refusal(chain[-1], request.url, chain[:-1], getattr(spider, "_in_site", None))
        if reason is not None:
            raise RefusedRequest(reason, f"{chain[-1]} redirects to {request.url}")

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in _REDIRECTS or b"Location" not in response.headers:
            return response
        if request.meta.get("dont_redirect") or request.meta.get("handle_httpstatus_all"):
            return response
        location = (response.headers.get(b"Location") or b"").decode("latin-1").strip()
        if location.startswith("//"):
            location = urlsplit(request.url).scheme + ":" + location
        target = urljoin(request.url, safe_url_string(location))
        spider = self.crawler.spider
        reason = redirect_refusal(
            request.url, target, list(request.meta.get("redirect_urls", [])), getattr(spider, "_in_site", None)
        )
        if reason is None:
            request.meta["redirect_checked"] = target  # process_request need not check it again
            return response
        raise RefusedRequest(reason, f"{request.url} redirects to {target}")
