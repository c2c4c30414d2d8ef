"""The sites file: TOML, one ``[sites.NAME]`` table per site, validated into SiteConfig.

Every mistake is reported as one line naming the file, the site and the key, e.g.::

    sites.toml: site 'hespress': key 'article_pattern': invalid regex: unterminated character set

Recognised keys are those of :class:`SiteConfig`; anything else is an error (a typo
in a key must not be silently ignored by a cron job for months).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.exceptions import ConfigError

__all__ = ["SiteConfig", "load_sites", "parse_sites", "site_for_url"]

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


@dataclass(frozen=True)
class SiteConfig:
    """One site of the sites file. Only ``name`` and one of start_urls/feeds/sitemaps are required."""

    name: str
    start_urls: tuple[str, ...] = ()  # home and section pages (listing pages)
    feeds: tuple[str, ...] = ()  # RSS / Atom
    sitemaps: tuple[str, ...] = ()  # sitemap index, sitemap or Google News sitemap
    allowed_domains: tuple[str, ...] = ()  # default: the hosts of the URLs above
    article_pattern: re.Pattern[str] | None = None  # regex searched in the URL path (+query)
    schedule: str | None = None  # cron expression for `crawler schedule`
    download_delay: float | None = None  # seconds between requests to the site
    concurrency: int | None = None  # parallel requests to the site
    encoding: str | None = None  # force this page encoding (legacy windows-1256 sites)
    languages: tuple[str, ...] = ("ar",)  # keep articles in these languages; [] keeps all
    aliases: tuple[str, ...] = ()  # names the site goes by in other sites' «المصدر:» lines
    max_pages: int | None = None  # pages per run (None: the global default)
    listing_depth: int | None = None  # how many pagination/listing hops to follow
    same_site_hosts: tuple[str, ...] = field(default=())  # www./m. twins folded into one host

    @property
    def hosts(self) -> tuple[str, ...]:
        """The hosts this site's articles may live on."""
        if self.allowed_domains:
            return self.allowed_domains
        found: list[str] = []
        for url in (*self.start_urls, *self.feeds, *self.sitemaps):
            host = (urlsplit(url).hostname or "").lower()
            if host and host not in found:
                found.append(host)
        return tuple(found)

    def is_article_url(self, url: str) -> bool | None:
        """True/False by ``article_pattern``; None when the site has no pattern."""
        if self.article_pattern is None:
            return None
        parts = urlsplit(url)
        target = parts.path + ("?" + parts.query if parts.query else "")
        return bool(self.article_pattern.search(target))


_LIST_KEYS = {"start_urls", "feeds", "sitemaps", "allowed_domains", "languages", "aliases", "same_site_hosts"}
_URL_LIST_KEYS = {"start_urls", "feeds", "sitemaps"}
_KNOWN = {f.name for f in fields(SiteConfig)} - {"name"}


def _fail(source: str, site: str | None, key: str | None, message: str) -> ConfigError:
    where = source
    if site is not None:
        where += f": site {site!r}"
    if key is not None:
        where += f": key {key!r}"
    return ConfigError(f"{where}: {message}")


def _check_url(source: str, site: str, key: str, url: Any) -> str:
    if not isinstance(url, str):
        raise _fail(source, site, key, f"expected a URL string, got {url!r}")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _fail(source, site, key, f"not an http(s) URL: {url!r}")
    return url.strip()


def _check_cron(source: str, site: str, expr: Any) -> str:
    from croniter import croniter

    if not isinstance(expr, str) or not croniter.is_valid(expr):
        raise _fail(source, site, "schedule", f"invalid cron expression {expr!r} (e.g. '*/30 * * * *')")
    return expr


def _parse_site(source: str, name: str, table: Any) -> SiteConfig:
    if not _NAME_RE.match(name):
        raise _fail(source, name, None, "site names use letters, digits, '.', '_' and '-' only")
    if not isinstance(table, dict):
        raise _fail(source, name, None, "expected a table of keys")
    values: dict[str, Any] = {"name": name}
    for key, value in table.items():
        if key not in _KNOWN:
            raise _fail(source, name, key, f"unknown key (known keys: {', '.join(sorted(_KNOWN))})")
        if key in _LIST_KEYS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise _fail(source, name, key, "expected a list of strings")
            if key in _URL_LIST_KEYS:
                value = [_check_url(source, name, key, v) for v in value]
            else:
                value = [v.strip().lower() if key != "aliases" else v.strip() for v in value]
            values[key] = tuple(value)
        elif key == "article_pattern":
            if not isinstance(value, str):
                raise _fail(source, name, key, "expected a regex string")
            try:
                values[key] = re.compile(value)
            except re.error as exc:
                raise _fail(source, name, key, f"invalid regex: {exc}") from None
        elif key == "schedule":
            values[key] = _check_cron(source, name, value)
        elif key == "download_delay":
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise _fail(source, name, key, "expected a number of seconds >= 0")
            values[key] = float(value)
        elif key in ("concurrency", "max_pages", "listing_depth"):
            if not isinstance(value, int) or isinstance(value, bool) or value < (0 if key == "listing_depth" else 1):
                raise _fail(source, name, key, "expected a positive whole number")
            values[key] = value
        elif key == "encoding":
            import codecs

            try:
                values[key] = codecs.lookup(str(value)).name
            except LookupError:
                raise _fail(source, name, key, f"unknown encoding {value!r}") from None
    if not (values.get("start_urls") or values.get("feeds") or values.get("sitemaps")):
        raise _fail(source, name, None, "needs at least one of start_urls, feeds or sitemaps")
    return SiteConfig(**values)


def parse_sites(text: str, source: str = "<sites>") -> dict[str, SiteConfig]:
    """Parse the TOML text of a sites file into {name: SiteConfig}."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(source, None, None, f"invalid TOML: {exc}") from None
    unknown = set(data) - {"sites"}
    if unknown:
        raise _fail(source, None, sorted(unknown)[0], "unknown top-level key (sites go in [sites.NAME] tables)")
    sites = data.get("sites")
    if not isinstance(sites, dict) or not sites:
        raise _fail(source, None, None, "no sites defined: add a [sites.NAME] table")
    return {name: _parse_site(source, name, table) for name, table in sites.items()}


def load_sites(path: str | Path | None) -> dict[str, SiteConfig]:
    """Load and validate the sites file at *path* (a clear ConfigError when missing)."""
    if not path:
        raise ConfigError("no sites file: pass --sites FILE or set CRAWLER_SITES (see examples/sites.toml)")
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{p}: sites file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: cannot read sites file: {exc}") from None
    return parse_sites(text, str(p))


def site_for_url(sites: dict[str, SiteConfig], url: str) -> SiteConfig | None:
    """The configured site whose hosts cover *url* (suffix match on the host), if any."""
    host = (urlsplit(url).hostname or "").lower()
    for site in sites.values():
        for allowed in site.hosts:
            if host == allowed or host.endswith("." + allowed):
                return site
    return None
