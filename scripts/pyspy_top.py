#!/usr/bin/env python
"""Top lines of a py-spy profile in ``--format raw`` (collapsed stacks), by own and total time.

    py-spy record --format raw --subprocesses -o prof.txt -- crawler crawl ...
    .venv/bin/python scripts/pyspy_top.py prof.txt [--top 20]

Frames are grouped by function and file (line numbers dropped); idle frames (waiting in
``select``/``epoll``/``wait``/``sleep``/``acquire``) are counted apart so the table shows
where CPU goes. With ``--subprocesses`` each process is a root frame ("process N: ...").
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_LINE_RE = re.compile(r":\d+\)$")
_IDLE = ("select (", "poll (", "epoll", "wait (", "_wait (", "sleep (", "acquire (", "get (queue", "recv_bytes")


def frame_key(frame: str) -> str:
    """``func (path/to/mod.py:12)`` -> ``func (mod.py)``."""
    frame = _LINE_RE.sub(")", frame.strip())
    name, _, where = frame.partition(" (")
    return f"{name} ({where.rsplit('/', 1)[-1]}" if where else name


def summarise(raw: str) -> tuple[Counter[str], Counter[str], int, int]:
    """(own samples, total samples, all samples, idle samples) per frame key."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = idle = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [frame_key(f) for f in stack.split(";") if f and not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        samples += count
        if any(marker in frames[-1] for marker in _IDLE):
            idle += count
            continue
        own[frames[-1]] += count
        for key in set(frames):
            total[key] += count
    return own, total, samples, idle


def render(raw: str, top: int = 20) -> str:
    own, total, samples, idle = summarise(raw)
    busy = max(1, samples - idle)
    lines = [f"samples {samples}, idle {idle} ({100 * idle / max(1, samples):.0f}%), busy {busy}"]
    lines.append(f"{'own %':>6} {'total %':>7}  function (own time, % of busy samples)")
    for key, count in own.most_common(top):
        lines.append(f"{100 * count / busy:6.1f} {100 * total[key] / busy:7.1f}  {key}")
    lines.append(f"{'total %':>14}  function (inclusive time)")
    for key, count in total.most_common(top):
        lines.append(f"{100 * count / busy:14.1f}  {key}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    print(render(args.profile.read_text(encoding="utf-8", errors="replace"), args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
