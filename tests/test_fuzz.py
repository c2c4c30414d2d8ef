"""Bounded fuzzing of the extractor, the feed and sitemap parsers and the storage guard
(targets and properties: tests/fuzzing.py). Run longer by hand: ``python scripts/fuzz.py``.

``CRAWLER_TEST_FUZZ_SCALE`` (a test-only environment variable, default 1) multiplies the number of
examples; the whole file runs in well under a minute at 1 on a shared 2-core machine.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from fuzzing import TARGETS, Target
from hypothesis import HealthCheck, given, settings
from memory import peak_growth_mb

SCALE = float(os.environ.get("CRAWLER_TEST_FUZZ_SCALE", "1"))
# A safety net, not a measurement: one example may not grow the process by this much.
MEMORY_BOUND_MB = 500


def _run(target: Target) -> None:
    @settings(
        max_examples=max(1, int(target.ci_examples * SCALE)),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(target.strategy)
    def fuzz(example: Any) -> None:
        _, grew = peak_growth_mb(lambda: target.check(example))
        assert grew < MEMORY_BOUND_MB, f"{target.name}: one example grew memory by {grew:.0f} MB"

    fuzz()


@pytest.mark.timeout(240)  # the overall bound: a hang fails here instead of stalling CI
@pytest.mark.parametrize("name", list(TARGETS))
def test_fuzz(name: str) -> None:
    _run(TARGETS[name])
