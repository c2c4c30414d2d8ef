"""Shared helpers for the extraction tests: the page generator on sys.path, fixture pages."""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PAGES = HERE / "fixtures" / "pages"
sys.path.insert(0, str(HERE))


def fixture_names() -> list[str]:
    return sorted(p.stem for p in PAGES.glob("*.json"))


@cache
def load_fixture(name: str) -> tuple[bytes, dict[str, Any]]:
    meta = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    return (PAGES / f"{name}.html").read_bytes(), meta
