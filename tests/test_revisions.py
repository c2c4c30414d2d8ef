"""Knowing a database is at the newest schema without loading Alembic; unsure means "run Alembic"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from crawler.db import engine as engine_module
from crawler.db.engine import MIGRATIONS_DIR, connect, make_engine
from crawler.db.revisions import is_at_head, script_heads

VERSIONS = MIGRATIONS_DIR / "versions"


def _script(folder: Path, name: str, revision: str, down: str) -> None:
    (folder / name).write_text(f'revision: str = "{revision}"\ndown_revision = {down}\n\ndef upgrade(): ...\n')


def test_heads_are_the_revisions_nobody_builds_on(tmp_path: Path) -> None:
    _script(tmp_path, "0001_a.py", "0001", "None")
    _script(tmp_path, "0002_b.py", "0002", '"0001"')
    _script(tmp_path, "0003_c.py", "0003", '"0001"')
    assert script_heads(tmp_path) == {"0002", "0003"}
    _script(tmp_path, "0004_merge.py", "0004", '("0002", "0003")')
    assert script_heads(tmp_path) == {"0004"}


def test_an_edited_script_is_read_again(tmp_path: Path) -> None:
    _script(tmp_path, "0001_a.py", "0001", "None")
    assert script_heads(tmp_path) == {"0001"}
    _script(tmp_path, "0001_a.py", "0001b", "None")  # same file, new content: not the cached answer
    assert script_heads(tmp_path) == {"0001b"}


def test_heads_are_read_safely_from_many_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    expected = script_heads(VERSIONS)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: script_heads(VERSIONS), range(64)))
    assert all(r == expected for r in results)


def test_a_fresh_database_is_not_at_head_and_an_upgraded_one_is(db_url: str) -> None:
    engine_module._upgraded.clear()
    fresh = make_engine(db_url)
    if fresh.dialect.name == "sqlite":  # the PostgreSQL test database may already hold the schema
        assert not is_at_head(fresh, VERSIONS)
    fresh.dispose()
    upgraded = connect(db_url)
    assert is_at_head(upgraded, VERSIONS)
    assert not is_at_head(upgraded, VERSIONS.parent)  # no scripts there: unsure, so False
    upgraded.dispose()


def test_an_upgraded_database_opens_without_importing_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'news.db'}"
    connect(url).dispose()
    code = (
        "import sys\n"
        "from crawler.db.engine import connect\n"
        f"connect({url!r}).dispose()\n"
        "print('alembic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
