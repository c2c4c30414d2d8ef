"""Sharding sites over hosts: every site to exactly one shard, the same on every host."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.exceptions import ConfigError
from crawler.sharding import parse_shard, shard_of, shard_sites

NAMES = [f"site-{i}" for i in range(40)] + ["aljazeera", "bbc-arabic", "hespress", "alarabiya"]


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
def test_every_site_falls_to_exactly_one_shard(n: int) -> None:
    shares = [shard_sites(NAMES, i, n) for i in range(1, n + 1)]
    assert sorted(name for share in shares for name in share) == sorted(NAMES)


def test_the_share_of_a_site_does_not_depend_on_the_other_sites_or_their_order() -> None:
    full = {name: shard_of(name, 3) for name in NAMES}
    reordered = list(reversed(NAMES[5:]))
    for i in (1, 2, 3):
        assert set(shard_sites(reordered, i, 3)) == {n for n in reordered if full[n] == i}


def test_the_share_is_the_same_in_another_process() -> None:
    # Python's str hash is salted per process: the assignment must not depend on it.
    code = "from crawler.sharding import shard_sites; print(shard_sites([f'site-{i}' for i in range(40)], 2, 3))"
    runs = set()
    for seed in ("1", "2"):
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": seed}
        )
        runs.add(proc.stdout)
    assert runs == {f"{shard_sites(NAMES[:40], 2, 3)}\n"}


def test_adding_a_host_moves_sites_only_to_the_new_host() -> None:
    for name in NAMES:
        before, after = shard_of(name, 4), shard_of(name, 5)
        assert after in (before, 5)
    moved = sum(shard_of(name, 4) != shard_of(name, 5) for name in NAMES)
    assert 0 < moved < len(NAMES) / 2


def test_shares_are_roughly_even_over_many_sites() -> None:
    many = [f"news-{i}" for i in range(1000)]
    sizes = [len(shard_sites(many, i, 4)) for i in range(1, 5)]
    assert min(sizes) > 200, sizes


@pytest.mark.parametrize("text", ["0/2", "3/2", "1/0", "1-2", "a/b", "", "2"])
def test_a_bad_shard_is_refused_with_the_expected_form(text: str) -> None:
    with pytest.raises(ConfigError, match="--shard"):
        parse_shard(text)


def test_parse_shard_reads_i_of_n() -> None:
    assert parse_shard(" 2/5 ") == (2, 5)


def test_crawl_with_a_bad_shard_is_a_usage_error(sites_file: object, sqlite_url: str) -> None:
    result = CliRunner().invoke(main, ["crawl", "--sites", str(sites_file), "--db", sqlite_url, "--shard", "3/2"])
    assert result.exit_code == 2
    assert "--shard '3/2': I must be between 1 and N" in result.output
