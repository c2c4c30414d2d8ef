"""Per-site locks: another process holding a site's lock makes a run exit 75 at once; a killed holder
leaves no stale lock (flock on SQLite, advisory locks on PostgreSQL)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.db.advisory import conninfo, site_key
from crawler.exceptions import DatabaseError, LockHeldError
from crawler.locks import SiteLocks, lock_dir_for

HOLDER = """
import sys, time
from crawler.locks import SiteLocks
locks = SiteLocks(sys.argv[1], sys.argv[2].split(","), sys.argv[3] or None).acquire()
print("held", ",".join(locks.held), flush=True)
time.sleep(300)
"""


class Holder:
    """A separate process holding the locks of some sites until it is killed."""

    def __init__(self, db: str, sites: list[str], lock_dir: str = "") -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, db, ",".join(sites), lock_dir], stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line.startswith("held"), line

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no cleanup code runs
        self.proc.wait(timeout=30)


@pytest.fixture
def holder(db_url: str) -> Iterator[Holder]:
    h = Holder(db_url, ["alpha"])
    yield h
    if h.proc.poll() is None:
        h.kill()


def test_a_locked_site_raises_exit_75_and_a_killed_holder_leaves_no_lock(db_url: str, holder: Holder) -> None:
    with pytest.raises(LockHeldError) as info:
        SiteLocks(db_url, ["alpha"]).acquire()
    assert info.value.exit_code == 75
    assert "alpha" in str(info.value)
    holder.kill()
    with SiteLocks(db_url, ["alpha"]) as locks:
        assert locks.held == ["alpha"]


def test_other_sites_stay_free(db_url: str, holder: Holder) -> None:
    with SiteLocks(db_url, ["beta", "alpha", "gamma"]) as locks:
        assert locks.held == ["beta", "gamma"]
        assert locks.busy == ["alpha"]


def test_locks_are_released_on_exit(db_url: str) -> None:
    with SiteLocks(db_url, ["delta"]) as locks:
        assert locks.held == ["delta"]
    h = Holder(db_url, ["delta"])  # another process gets it right after
    h.kill()


def test_sqlite_lock_files_sit_next_to_the_database_unless_told(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/data/news.db"
    assert lock_dir_for(url) == tmp_path / "data" / "news.db.locks"
    assert lock_dir_for(url, tmp_path / "locks") == tmp_path / "locks"
    with SiteLocks(url, ["alpha"], str(tmp_path / "locks")):
        assert (tmp_path / "locks" / "alpha.lock").exists()


def test_two_databases_do_not_share_locks(tmp_path: Path) -> None:
    h = Holder(f"sqlite:///{tmp_path}/one.db", ["alpha"])
    try:
        with SiteLocks(f"sqlite:///{tmp_path}/two.db", ["alpha"]) as locks:
            assert locks.held == ["alpha"]
    finally:
        h.kill()


def test_postgres_url_to_connection_arguments() -> None:
    args = conninfo("postgresql+psycopg://us%40er:p%2Fw@db.example:6432/news?sslmode=require")
    assert args == {
        "host": "db.example", "port": 6432, "user": "us@er", "password": "p/w", "dbname": "news",
        "sslmode": "require", "connect_timeout": 10,
    }  # fmt: skip
    assert site_key("alpha") == site_key("alpha") != site_key("beta")
    assert -(2**31) <= site_key("a-very-long-site-name") < 2**31


def test_an_unreachable_postgres_is_a_one_line_database_error() -> None:
    with pytest.raises(DatabaseError, match=re.escape("cannot connect to database postgresql://u:***@127.0.0.1:1/x")):
        SiteLocks("postgresql://u:secret@127.0.0.1:1/x", ["alpha"]).acquire()
