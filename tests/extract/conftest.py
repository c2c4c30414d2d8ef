"""Puts tests/extract on sys.path so the tests (and scripts/evaluate.py) can import `pagegen`."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
