"""Is a database already at the newest schema revision? Answered without importing Alembic.

Importing Alembic pulls in Mako and Pygments: about 11 MiB and 0.3 s in every crawl
process (a cron job starts one every few minutes), only to learn that nothing is to be
done. :func:`is_at_head` reads the revision ids from the migration files with ``ast``
and compares them with the ``alembic_version`` table; whenever it is unsure (a file it
cannot read, no table yet, other revisions) it answers False and the caller runs
Alembic as before.
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

__all__ = ["is_at_head", "script_heads"]

# CPython 3.11 keeps the AST constructor's recursion depth per interpreter, not per thread:
# two threads in ast.parse at once can fail with "SystemError: AST constructor recursion
# depth mismatch" (seen on CI: a crawl's store thread and a test connecting at the same
# time). Parses are serialised, and the answer is cached until a script file changes.
_parse_lock = threading.Lock()
_heads_cache: dict[tuple[tuple[str, int, int], ...], set[str]] = {}


def _assigned(tree: ast.Module, name: str) -> object:
    for node in tree.body:
        target = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and target.id == name:
            return ast.literal_eval(value)
    raise ValueError(f"no {name} assignment")


def script_heads(versions_dir: Path) -> set[str]:
    """The head revision ids of the migration scripts in *versions_dir* (ValueError if unreadable)."""
    paths = sorted(versions_dir.glob("*.py"))
    key = tuple((str(p), (st := p.stat()).st_mtime_ns, st.st_size) for p in paths)
    with _parse_lock:
        if key not in _heads_cache:
            _heads_cache[key] = _parse_heads(versions_dir, paths)
        return set(_heads_cache[key])


def _parse_heads(versions_dir: Path, paths: list[Path]) -> set[str]:
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        revision = _assigned(tree, "revision")
        down = _assigned(tree, "down_revision")
        if not isinstance(revision, str):
            raise ValueError(f"{path.name}: revision is not a string")
        revisions.add(revision)
        if isinstance(down, str):
            parents.add(down)
        elif isinstance(down, tuple | list):
            parents.update(str(d) for d in down)
        elif down is not None:
            raise ValueError(f"{path.name}: unexpected down_revision {down!r}")
    if not revisions:
        raise ValueError(f"no migration scripts in {versions_dir}")
    return revisions - parents


def is_at_head(engine: Engine, versions_dir: Path) -> bool:
    """True when the database's ``alembic_version`` holds exactly the scripts' heads."""
    try:
        heads = script_heads(versions_dir)
    except (OSError, SyntaxError, ValueError, SystemError):  # unsure: the caller runs Alembic
        return False
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        current = {str(v) for v in conn.execute(text("SELECT version_num FROM alembic_version")).scalars()}
    return current == heads
