"""The project's own Arabic fixture pages: names, bytes and expected output."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"


def fixture_names() -> list[str]:
    return sorted(p.stem for p in PAGES.glob("*.json"))


@cache
def load_fixture(name: str) -> tuple[bytes, dict[str, Any]]:
    meta = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    return (PAGES / f"{name}.html").read_bytes(), meta
