"""Reading a process tree's memory and CPU from /proc, as the benchmark and the memory
tests do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler import procmem

pytestmark = pytest.mark.skipif(not procmem.self_check(), reason="needs Linux /proc")

ROLLUP = """55d0c0a4d000-7ffc3a1f6000 ---p 00000000 00:00 0                          [rollup]
Rss:               51200 kB
Pss:               20480 kB
Pss_Anon:          10240 kB
Shared_Clean:      30720 kB
"""


def test_the_parent_pid_is_read_past_a_command_with_spaces_and_parens() -> None:
    assert procmem.parse_ppid("4242 (python (worker) 2) S 17 4242 17 0 -1") == 17
    assert procmem.parse_ppid("garbage") is None


def test_rss_and_pss_are_read_in_bytes() -> None:
    assert procmem.parse_rollup(ROLLUP) == (51200 * 1024, 20480 * 1024)
    assert procmem.parse_rollup("") == (0, 0)


def test_cpu_ticks_are_user_plus_system() -> None:
    stat = "99 (a b) R 1 99 99 0 -1 4194304 10 0 0 0 250 50 0 0 20 0 1 0 1000 0 0"
    assert procmem.parse_cpu_ticks(stat) == 300


def _fake_proc(root: Path, table: dict[int, tuple[int, int]]) -> Path:
    for pid, (ppid, pss_kib) in table.items():
        d = root / str(pid)
        d.mkdir()
        (d / "stat").write_text(f"{pid} (py thon) S {ppid} 1 1 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 1 0 0")
        (d / "smaps_rollup").write_text(f"Rss: {2 * pss_kib} kB\nPss: {pss_kib} kB\n")
    return root


def test_the_tree_holds_children_and_grandchildren_only(tmp_path: Path) -> None:
    proc = _fake_proc(tmp_path, {10: (1, 100), 11: (10, 50), 12: (11, 25), 20: (1, 999)})
    assert sorted(procmem.descendants(10, proc)) == [10, 11, 12]
    sampler = procmem.TreeSampler(10, proc=proc)
    sampler.sample_once()
    assert sampler.result.peak_pss == 175 * 1024
    assert sampler.result.peak_rss == 350 * 1024
    assert sampler.result.peak_processes == 3
    assert sampler.result.cpu_ticks == {10: 10, 11: 10, 12: 10}


def test_a_real_child_that_allocates_is_seen_in_the_peak() -> None:
    code = (
        "import sys, time; b = bytearray(64 * 1024 * 1024); "
        "sys.stdout.write('ok\\n'); sys.stdout.flush(); time.sleep(30)"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline() == "ok\n"
        parent = procmem.TreeSampler(os.getpid())
        parent.sample_once()
        assert child.pid in procmem.descendants(os.getpid())
        assert parent.result.peak_pss >= 64 * 1024 * 1024
        assert parent.result.peak_rss >= parent.result.peak_pss
    finally:
        child.kill()
        child.wait()


def test_tune_malloc_fixes_the_mmap_threshold_on_glibc() -> None:
    import platform

    from crawler.procmem import tune_malloc

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("mallopt is glibc's")
    assert tune_malloc() is True
    assert tune_malloc() is True  # idempotent


_MAPPED_PROBE = """
import mmap, os, sys
from crawler import procmem
size, path = 64 << 20, sys.argv[1]
before, rss_before = procmem.anon_rss_bytes(), procmem.read_memory(os.getpid())[0]
with open(path, "rb") as f, mmap.mmap(f.fileno(), size, access=mmap.ACCESS_READ) as mapped:
    assert sum(mapped[i] for i in range(0, size, 4096)) == size // 4096  # every page touched
    rss_mapped, anon_mapped = procmem.read_memory(os.getpid())[0], procmem.anon_rss_bytes()
block = bytearray(size)  # this process's own memory, every page written
block[::4096] = b"\x02" * (size // 4096)
print(before, rss_before, rss_mapped, anon_mapped, procmem.anon_rss_bytes())
"""


def test_anonymous_memory_leaves_mapped_file_pages_out(tmp_path: Path) -> None:
    # In a fresh process: in the test process, memory freed by earlier tests may already be
    # resident, and a new 64 MiB block would not grow RssAnon.
    size = 64 << 20
    path = tmp_path / "mapped.bin"
    path.write_bytes(b"\x01" * size)
    out = subprocess.run(
        [sys.executable, "-c", _MAPPED_PROBE, str(path)], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    before, rss_before, rss_mapped, anon_mapped, grown = (int(v) for v in out.split())
    assert before > 0
    assert rss_mapped - rss_before > size * 3 // 4  # the RSS counts the mapped file...
    assert anon_mapped - before < size // 4  # ...RssAnon does not
    assert grown - before > size * 3 // 4  # but it counts the process's own memory


def test_anonymous_memory_is_none_where_the_kernel_does_not_say(tmp_path: Path) -> None:
    status = tmp_path / "status"
    status.write_text("Name:\tpython\nVmRSS:\t  2048 kB\n")
    assert procmem.anon_rss_bytes(status) is None
    status.write_text("VmRSS:\t  2048 kB\nRssAnon:\t  1024 kB\nRssFile:\t  1024 kB\n")
    assert procmem.anon_rss_bytes(status) == 1024 * 1024
    assert procmem.anon_rss_bytes(tmp_path / "missing") is None
