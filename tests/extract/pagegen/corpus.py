"""Test pages built at run time from real article text in ../shared/corpus (never committed).

The same layouts as the committed fixtures, with bodies and titles of real Saudi news
articles (SaudiNewsNet, July 2015), so that the evaluation also sees real prose.
"""

from __future__ import annotations

import json
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crawler.extract.lexicon import match_marker
from crawler.text.arabic import display
from pagegen.build import LAYOUTS, build_all
from pagegen.stories import STORIES


def _usable(record: dict[str, Any]) -> dict[str, Any] | None:
    # display(): the corpus keeps bidi marks that a page's reader never sees.
    title = display(str(record.get("title") or ""))
    paragraphs = [display(p) for p in str(record.get("content") or "").split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if not (15 <= len(title) <= 150) or not 3 <= len(paragraphs) <= 12:
        return None
    if any(len(p) < 40 or len(p) > 1500 or match_marker(p) for p in paragraphs):
        return None  # short lines or boilerplate-looking lines: not a clean body to test with
    return {"title": title, "paragraphs": paragraphs}


def load_stories(shared: Path, count: int, seed: int = 11) -> list[dict[str, Any]]:
    folder = shared / "corpus" / "saudinewsnet-2015-07"
    zips = sorted(folder.glob("*.zip"))
    if not zips:
        return []
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    for zpath in zips[:2]:
        with zipfile.ZipFile(zpath) as zf:
            for name in zf.namelist():
                records.extend(json.loads(zf.read(name)))
    rng.shuffle(records)
    stories = []
    for record in records:
        story = _usable(record)
        if story is None:
            continue
        template = STORIES[len(stories) % len(STORIES)]
        story.update(section=template["section"], tags=template["tags"], authors=[])
        stories.append(story)
        if len(stories) >= count:
            break
    return stories


def corpus_pages(shared: Path, count: int) -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    """About *count* pages: the Arabic layouts filled with corpus stories."""
    arabic_layouts = [n for n in LAYOUTS if n != "persian"]
    per_layout = max(1, -(-count // len(arabic_layouts)))
    stories = load_stories(shared, per_layout * len(arabic_layouts))
    if not stories:
        return
    for name, data, meta in build_all(
        lambda layout, own: stories if layout != "persian" else own, per_layout=per_layout, seed=23
    ):
        if meta["layout"] != "persian":
            yield f"corpus-{name}", data, meta
