"""PostgreSQL advisory locks: one per site, held on a dedicated connection for a whole run.

Session-level locks (``pg_try_advisory_lock``) belong to the connection: they are released
when it closes, including when the process dies (the server sees the socket close), so a
killed run leaves no stale lock. Runs on several hosts sharing the database exclude each
other. The two-key form keeps our keys in a namespace of their own.

This talks to psycopg directly rather than through SQLAlchemy: importing SQLAlchemy and
building an engine costs about half a second here, and a run that finds its site locked
must answer (exit code 75) well within a second. The URL is the same SQLAlchemy URL the
rest of the project uses.
"""

from __future__ import annotations

import zlib
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from crawler.exceptions import DatabaseError

__all__ = ["NAMESPACE", "AdvisoryLocks", "conninfo", "site_key"]

#: First key of every lock this project takes ("CRWL" as a signed 32-bit number).
NAMESPACE = int.from_bytes(b"CRWL", "big", signed=True)


def site_key(site: str) -> int:
    """A stable signed 32-bit key for *site* (CRC-32 of its name; a collision only serialises two sites)."""
    return int.from_bytes(zlib.crc32(site.encode("utf-8")).to_bytes(4, "big"), "big", signed=True)


def conninfo(db_url: str) -> dict[str, Any]:
    """psycopg connection arguments from a ``postgresql[+driver]://user:pw@host:port/db?opt=v`` URL."""
    parts = urlsplit(db_url)
    args: dict[str, Any] = {}
    if parts.hostname:
        args["host"] = parts.hostname
    if parts.port:
        args["port"] = parts.port
    if parts.username:
        args["user"] = unquote(parts.username)
    if parts.password:
        args["password"] = unquote(parts.password)
    if parts.path.strip("/"):
        args["dbname"] = unquote(parts.path.lstrip("/"))
    args.update(parse_qsl(parts.query))  # e.g. sslmode=require, host=/var/run/postgresql
    args.setdefault("connect_timeout", 10)
    return args


def _redacted(db_url: str) -> str:
    parts = urlsplit(db_url)
    if parts.password:
        return db_url.replace(f":{parts.password}@", ":***@", 1)
    return db_url


class AdvisoryLocks:
    """Advisory locks of sites on one connection of their own; :meth:`close` releases them all."""

    def __init__(self, db_url: str) -> None:
        import psycopg

        try:
            self._conn = psycopg.connect(autocommit=True, **conninfo(db_url))
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()
            raise DatabaseError(
                f"cannot connect to database {_redacted(db_url)}: {first[0] if first else type(exc).__name__}"
            ) from exc

    def try_lock(self, site: str) -> bool:
        row = self._conn.execute("SELECT pg_try_advisory_lock(%s, %s)", (NAMESPACE, site_key(site))).fetchone()
        return bool(row and row[0])

    def close(self) -> None:
        self._conn.close()  # ends the session: the server drops every lock it held
