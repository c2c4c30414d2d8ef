"""Spreading sites over N hosts: a pure, stable assignment of each site to one shard.

``crawler crawl --shard i/N`` crawls the sites of shard *i*; N hosts running shards
1/N ... N/N against one database crawl every site exactly once. The assignment is
rendezvous (highest-random-weight) hashing of the site name: it depends only on the
name and N (not on the order of the sites file, the other sites, the host or the Python
process), and when N grows to N+1 only about 1/(N+1) of the sites move. With few sites
the shares are uneven (10 sites over 2 shards is often 6/4); the per-site locks of
``crawler crawl`` keep a site to one runner at a time if the shares change while runs
overlap.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from crawler.exceptions import ConfigError

__all__ = ["parse_shard", "shard_of", "shard_sites"]


def _weight(name: str, shard: int) -> int:
    digest = hashlib.blake2b(f"{shard}\x00{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def shard_of(name: str, n: int) -> int:
    """The shard (1..n) that site *name* belongs to."""
    if n < 1:
        raise ValueError(f"number of shards must be at least 1, got {n}")
    return max(range(1, n + 1), key=lambda shard: _weight(name, shard))


def shard_sites(sites: Iterable[str], i: int, n: int) -> list[str]:
    """The names among *sites* that shard *i* of *n* (1-based) crawls, in their given order."""
    if not 1 <= i <= n:
        raise ValueError(f"shard {i}/{n}: expected 1 <= i <= N")
    return [name for name in sites if shard_of(name, n) == i]


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/5"`` -> (2, 5); a one-line ConfigError otherwise."""
    left, sep, right = text.strip().partition("/")
    if not sep or not left.strip().isdigit() or not right.strip().isdigit():
        raise ConfigError(f"--shard {text!r}: expected I/N, e.g. 1/3")
    i, n = int(left), int(right)
    if n < 1 or not 1 <= i <= n:
        raise ConfigError(f"--shard {text!r}: I must be between 1 and N, e.g. 2/3")
    return i, n
