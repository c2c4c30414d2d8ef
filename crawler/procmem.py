"""Memory and CPU of a process tree, read from Linux ``/proc`` (no third-party dependency).

Used by ``scripts/bench.py`` (peak memory of a crawl and its extraction workers) and by
tests that bound a crawl's memory. The tree is found by scanning ``/proc/*/stat`` for
parent ids (``/proc/PID/task/TID/children`` is not available on every kernel).

Two sums are kept because they answer different questions:

* **PSS** (proportional set size) splits every shared page between the processes that
  map it, so the sum over a tree is the memory the tree really uses: forked workers
  that share their parent's pages copy-on-write are not counted twice.
* **RSS** counts shared pages in full in every process: the sum over a tree is an
  upper bound (what ``top`` would suggest when adding up its lines).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "MemorySample",
    "TreeSampler",
    "anon_rss_bytes",
    "descendants",
    "parse_cpu_ticks",
    "parse_ppid",
    "parse_rollup",
    "read_memory",
    "tune_malloc",
]

PROC = Path("/proc")


def anon_rss_bytes(status: Path = PROC / "self" / "status") -> int | None:
    """This process's anonymous resident memory (``RssAnon``: heap, stacks, private maps) in
    bytes, or None where the kernel does not say (not Linux, or before 4.5).

    Unlike the RSS, it leaves out file pages mapped in (``RssFile``: a memory-mapped
    database, shared libraries), which are the OS page cache and can be dropped at any
    time: it is the memory that can run the machine out of memory.
    """
    try:
        text = status.read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) * 1024
    return None


def parse_ppid(stat_text: str) -> int | None:
    """The parent pid from the text of ``/proc/PID/stat`` (the command may hold spaces and parens)."""
    _, _, rest = stat_text.rpartition(")")
    parts = rest.split()
    if len(parts) < 2:
        return None
    try:
        return int(parts[1])
    except ValueError:
        return None


def parse_rollup(text: str) -> tuple[int, int]:
    """(RSS, PSS) in bytes from the text of ``/proc/PID/smaps_rollup`` (or ``smaps``: summed)."""
    rss = pss = 0
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key not in ("Rss", "Pss"):
            continue
        fields = value.split()
        if not fields:
            continue
        kib = int(fields[0])
        if key == "Rss":
            rss += kib * 1024
        else:
            pss += kib * 1024
    return rss, pss


def parse_cpu_ticks(stat_text: str) -> int:
    """User + system CPU time of a process in clock ticks, from the text of ``/proc/PID/stat``."""
    _, _, rest = stat_text.rpartition(")")
    parts = rest.split()
    # After the command: state(0) ppid(1) ... utime(11) stime(12).
    try:
        return int(parts[11]) + int(parts[12])
    except (IndexError, ValueError):
        return 0


def _stats(proc: Path) -> dict[int, str]:
    texts: dict[int, str] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            texts[int(entry.name)] = (entry / "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
    return texts


def _tree(root: int, texts: dict[int, str]) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, text in texts.items():
        ppid = parse_ppid(text)
        if ppid is not None:
            children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in texts:
            found.append(pid)
            todo.extend(children.get(pid, ()))
    return found


#: glibc's ``mallopt`` parameter numbers (malloc.h).
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD_BYTES = 1 << 20
_malloc_tuned = False


def tune_malloc() -> bool:
    """Serve every allocation of 1 MiB or more by its own ``mmap``, returned on ``free``.

    glibc raises its mmap threshold each time a large block is freed (up to 32 MiB), after
    which the large, short-lived NumPy arrays of the near-duplicate signatures (made in the
    store's threads) come from per-thread heaps that keep the freed memory: measured on a
    500-article crawl (scripts/bench.py), the crawl process peaked at about 240 MiB PSS
    against 160 MiB with the threshold fixed. Calling ``mallopt`` fixes the threshold (and
    switches the dynamic adjustment off), the same as ``MALLOC_MMAP_THRESHOLD_`` in the
    environment, but from inside the process. A no-op (False) off glibc.
    """
    global _malloc_tuned
    if _malloc_tuned:
        return True
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        _malloc_tuned = bool(libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_BYTES))
    except (OSError, AttributeError):  # not glibc (macOS, musl without the symbol...)
        return False
    return _malloc_tuned


def descendants(root: int, proc: Path = PROC) -> list[int]:
    """*root* and every live process below it (empty when *root* is gone)."""
    return _tree(root, _stats(proc))


def read_memory(pid: int, proc: Path = PROC) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; (0, 0) when it is gone."""
    for name in ("smaps_rollup", "smaps"):
        try:
            return parse_rollup((proc / str(pid) / name).read_text())
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            return 0, 0
    return 0, 0


@dataclass
class MemorySample:
    """Peaks seen by a :class:`TreeSampler` (bytes, and the largest number of processes)."""

    peak_pss: int = 0
    peak_rss: int = 0
    peak_processes: int = 0
    samples: int = 0
    series: list[tuple[float, int]] = field(default_factory=list)  # (seconds since start, PSS sum)
    cpu_ticks: dict[int, int] = field(default_factory=dict)  # last CPU ticks seen per pid

    @property
    def cpu_seconds(self) -> float:
        """CPU seconds of every process seen in the tree (up to its last sample)."""
        return sum(self.cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")


class TreeSampler:
    """Samples the memory of the process tree under *pid* every *interval* seconds, in a thread.

    Use as a context manager around the wait for the process; read :attr:`result` after.
    """

    def __init__(self, pid: int, interval: float = 0.1, proc: Path = PROC) -> None:
        self.pid = pid
        self.interval = interval
        self.proc = proc
        self.result = MemorySample()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-sampler", daemon=True)
        self._start = 0.0

    def sample_once(self) -> None:
        texts = _stats(self.proc)
        pids = _tree(self.pid, texts)
        rss = pss = 0
        for pid in pids:
            self.result.cpu_ticks[pid] = parse_cpu_ticks(texts[pid])
            r, p = read_memory(pid, self.proc)
            rss += r
            pss += p
        res = self.result
        res.samples += 1
        res.peak_rss = max(res.peak_rss, rss)
        res.peak_pss = max(res.peak_pss, pss)
        res.peak_processes = max(res.peak_processes, len(pids))
        res.series.append((time.monotonic() - self._start, pss))

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample_once()
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._start = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def self_check() -> bool:
    """True when this system exposes what the sampler needs."""
    return (PROC / str(os.getpid()) / "stat").exists()
