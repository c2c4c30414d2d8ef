"""The project's exceptions. Each one is a user-facing failure with a one-line message."""

from __future__ import annotations


class CrawlerError(Exception):
    """Base class: a failure the CLI reports as one line (exit code 2 for configuration,
    1 for run-time failures) instead of a traceback."""

    exit_code = 1


class ConfigError(CrawlerError):
    """Raised by :mod:`crawler.sites` (bad sites file) and :mod:`crawler.settings`
    (bad environment value): the message names the file, the site and the key."""

    exit_code = 2


class DatabaseError(CrawlerError):
    """Raised by :mod:`crawler.db.engine` when the database URL is invalid or the server
    does not answer, and by the repository when a migration is missing."""

    exit_code = 1


class FetchError(CrawlerError):
    """Raised by ``crawler fetch`` when the URL could not be fetched or is not an article page."""

    exit_code = 1


class LockHeldError(CrawlerError):
    """Raised by :mod:`crawler.locks` when another run of the same site holds its lock."""

    exit_code = 75


class FrontierError(CrawlerError):
    """Raised by :mod:`crawler.distributed` when the Redis server that holds the shared
    request queue is unreachable or the URL is invalid (``crawler worker``, ``crawler enqueue``)."""

    exit_code = 1
