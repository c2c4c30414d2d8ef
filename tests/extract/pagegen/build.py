"""Build the fixture pages: `cd tests/extract && python -m pagegen.build` rewrites fixtures/pages/."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pagegen import layouts_a, layouts_b, layouts_c
from pagegen.common import Built, Spec, e, noise, tz
from pagegen.stories import HEADLINES, PERSIAN_HEADLINES, PERSIAN_STORIES, STORIES

PAGES_PER_LAYOUT = 6
OUT = Path(__file__).resolve().parent.parent / "fixtures" / "pages"

# name -> (builder, host, UTC offset of the site, stories)
LAYOUTS: dict[str, tuple[Callable[[Spec], Built], str, int, list[dict[str, Any]]]] = {
    "jazeera": (layouts_a.jazeera, "jazeera.example", 3, STORIES),
    "youm7": (layouts_a.youm7, "youm7.example", 2, STORIES),
    "hespress": (layouts_a.hespress, "hespress.example", 1, STORIES),
    "bbc": (layouts_a.bbc, "bbc-arabic.example", 0, STORIES),
    "skynews": (layouts_a.skynews, "skynews-arabia.example", 4, STORIES),
    "gulf": (layouts_a.gulf, "gulf-daily.example", 3, STORIES),
    "maghreb": (layouts_b.maghreb, "echorouk.example", 1, STORIES),
    "levant": (layouts_b.levant, "annahar.example", 2, STORIES),
    "aggregator": (layouts_b.aggregator, "akhbar-agg.example", 3, STORIES),
    "oldportal": (layouts_b.oldportal, "bawaba.example", 2, STORIES),
    "persian": (layouts_b.persian, "khabar-fa.example", 3, PERSIAN_STORIES),
    "wordpress": (layouts_b.wordpress, "nile.example", 2, STORIES),
    "iraqi": (layouts_c.iraqi, "almirbad.example", 3, STORIES),
    "moroccan": (layouts_c.moroccan, "rabat-today.example", 1, STORIES),
}
SOURCES = ["واس", "قناة اليمن اليوم", "وكالة الأنباء الرسمية", "رويترز", "صحيفة الشرق", "وكالة فرانس برس"]


def make_spec(layout: str, index: int, story: dict[str, Any], host: str, offset: int, rng: random.Random) -> Spec:
    persian = layout == "persian"
    pool = PERSIAN_HEADLINES if persian else HEADLINES
    picks = rng.sample(pool, k=min(len(pool), 4 if persian else 14))
    link = lambda t: (t, f"https://{host}/news/{rng.randint(10000, 99999)}")  # noqa: E731
    published = datetime(
        2025,
        1 + rng.randrange(12),
        1 + rng.randrange(28),
        rng.randrange(24),
        rng.randrange(60),
        tzinfo=tz(offset),
    )
    fetched = published + timedelta(hours=10 + rng.randrange(30))
    return Spec(
        layout=layout,
        index=index,
        story=story,
        url=f"https://{host}/news/{2025}/{index + 1}/{rng.randint(100000, 999999)}",
        published=published,
        fetched_at=fetched,
        read_also=[link(t) for t in picks[:3]] if not persian else [link(t) for t in picks[:2]],
        related=[link(t) for t in picks[3:9]] if not persian else [],
        most_read=[link(t) for t in picks[9:14]] if not persian else [],
        source=SOURCES[(index + len(layout)) % len(SOURCES)],
        modified=published + timedelta(hours=1 + index) if index % 2 else None,
    )


def _add_noise(built: Built, spec: Spec) -> None:
    """Put an embedded tweet, captioned photo, ad slot or video box after one body paragraph."""
    paragraphs = [p for p in spec.paragraphs if not p.startswith("## ")]
    anchor = e(paragraphs[1 + spec.index % max(1, len(paragraphs) - 2)])
    at = built.html.find(anchor)
    close = built.html.find("</p>", at)
    if at < 0 or close < 0:
        return
    block, strings = noise(spec.index % 4)
    built.html = built.html[: close + 4] + block + built.html[close + 4 :]
    built.boilerplate.extend(strings)


def build_all(
    stories_for: Callable[[str, list[dict[str, Any]]], list[dict[str, Any]]] | None = None,
    per_layout: int = PAGES_PER_LAYOUT,
    seed: int = 7,
) -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    """(name, html bytes, meta) for every page; *stories_for* may swap in other stories."""
    rng = random.Random(seed)
    for n, (name, (builder, host, offset, stories)) in enumerate(LAYOUTS.items()):
        chosen = stories_for(name, stories) if stories_for else stories
        for i in range(per_layout):
            story = chosen[(n + i * 5) % len(chosen)]
            spec = make_spec(name, i, story, host, offset, rng)
            built = builder(spec)
            if name not in ("oldportal", "persian", "iraqi", "moroccan"):
                _add_noise(built, spec)
            data = built.html.encode(built.encoding, errors="xmlcharrefreplace")
            meta = {
                "url": spec.url,
                "fetched_at": spec.fetched_at.isoformat(),
                "http_encoding": built.http_encoding,
                "file_encoding": built.encoding,
                "layout": name,
                "article": built.expected,
                "boilerplate": built.boilerplate,
            }
            yield f"{name}-{i + 1:02d}", data, meta


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*"):
        old.unlink()
    count = 0
    for name, data, meta in build_all():
        (OUT / f"{name}.html").write_bytes(data)
        (OUT / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        count += 1
    print(f"wrote {count} pages to {OUT}")


if __name__ == "__main__":
    main()
