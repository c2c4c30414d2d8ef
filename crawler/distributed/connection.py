"""The Redis client of the distributed crawl, with one-line errors."""

from __future__ import annotations

from redis import Redis
from redis.exceptions import RedisError

from crawler.exceptions import FrontierError

__all__ = ["connect_redis", "redact_redis"]


def redact_redis(url: str) -> str:
    """The URL with any password hidden."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"


def connect_redis(url: str) -> Redis:
    """A client for *url* that answered PING; FrontierError when it does not."""
    try:
        server = Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=30)
        server.ping()
    except ValueError as exc:
        raise FrontierError(f"invalid Redis URL {redact_redis(url)!r}: {exc}") from None
    except RedisError as exc:
        raise FrontierError(f"cannot connect to Redis at {redact_redis(url)}: {exc}") from None
    return server
