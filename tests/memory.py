"""Peak resident memory of a piece of work, for tests that bound it and for scripts/fuzz.py.

Python's tracemalloc does not see what libxml2 allocates, so the kernel's peak RSS
(``VmHWM``) is read instead, reset first through ``/proc/self/clear_refs`` (Linux).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _kb(field: str) -> int:
    for line in _STATUS.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in {_STATUS}")


def reset_peak() -> bool:
    """Reset the peak RSS to the current RSS; False where the kernel does not allow it."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mb() -> float:
    """Peak resident memory of this process since the last :func:`reset_peak`, in MB."""
    return _kb("VmHWM") / 1024


def rss_mb() -> float:
    return _kb("VmRSS") / 1024


def peak_growth_mb(work: Callable[[], T]) -> tuple[T, float]:
    """(result of *work*, how far its peak RSS rose above the RSS before it, in MB)."""
    # Without a reset, a rise above the old peak is all that can be seen.
    before = rss_mb() if reset_peak() else peak_rss_mb()
    result = work()
    return result, max(0.0, peak_rss_mb() - before)
