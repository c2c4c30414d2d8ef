"""Terminal tables for ``crawler query``, ``crawler show`` and ``crawler stats`` (rich),
with Arabic laid out by :mod:`crawler.search.bidi`.

Stored values are printed literally: every cell is a :class:`rich.text.Text` (a plain
string would be read as rich markup, so a stored ``[link=...]`` or ``[bold red]`` would
act), and control characters and terminal escapes are removed first
(:func:`crawler.safety.printable`; rows stored before that guard may hold them)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from crawler.safety import printable
from crawler.search.bidi import display_lines, is_rtl, visual
from crawler.search.results import SearchResult

__all__ = ["key_value_table", "records_table", "results_table"]

HIGHLIGHT = "bold yellow"
_FIXED = {"id": 7, "date": 10, "site": 14, "copies": 7}


def _cell(text: str, width: int, mode: str, *, max_lines: int, style: str = "", marks: Iterable[str] = ()) -> Text:
    text = printable(text)
    lines = display_lines(text, width, mode, max_lines)
    cell = Text("\n".join(lines), style=style, justify="right" if is_rtl(text) else "left", no_wrap=True)
    words = [visual(w) if mode == "reorder" and is_rtl(w) else w for w in marks]
    if words:
        cell.highlight_words(words, HIGHLIGHT)
    return cell


def _date(result: SearchResult) -> str:
    return (result.published or result.fetched_at or "")[:10]


def results_table(results: Sequence[SearchResult], console: Console, mode: str, *, title: str) -> Table:
    """One row per result: id, date, site, title with its snippet under it, copies."""
    text_width = max(console.width - sum(_FIXED.values()) - 16, 24)
    table = Table(title=title, show_lines=True, expand=False)
    table.add_column("id", justify="right", width=_FIXED["id"], no_wrap=True)
    table.add_column("date", width=_FIXED["date"], no_wrap=True)
    table.add_column("site", width=_FIXED["site"], overflow="ellipsis", no_wrap=True)
    table.add_column("title / snippet", width=text_width, no_wrap=True)
    table.add_column("copies", justify="right", width=_FIXED["copies"], no_wrap=True)
    for r in results:
        parts: list[Text] = [_cell(r.title or r.url, text_width, mode, max_lines=2, style="bold")]
        if r.snippet is not None:
            marked = [r.snippet.text[a:b] for a, b in r.snippet.spans]
            parts.append(_cell(r.snippet.text, text_width, mode, max_lines=3, style="dim", marks=marked))
        copies = f"+{r.copies}" if r.copies else ""
        table.add_row(Text(str(r.id)), Text(printable(_date(r))), Text(printable(r.site or "")), Group(*parts), copies)
    return table


def key_value_table(pairs: Sequence[tuple[str, Any]], console: Console, mode: str, *, title: str = "") -> Table:
    """Two columns, field and value (long values wrapped, Arabic laid out)."""
    width = max(console.width - 24, 30)
    table = Table(title=title or None, show_header=False, show_lines=False)
    table.add_column("field", style="cyan", no_wrap=True)
    table.add_column("value", width=width, no_wrap=True)
    for key, value in pairs:
        if value in (None, "", []):
            continue
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        paragraphs = [p for p in text.split("\n\n") if p.strip()] or [text]
        rendered = [_cell(p, width, mode, max_lines=10_000) for p in paragraphs]
        table.add_row(Text(key), Group(*[item for p in rendered for item in (p, Text(""))][:-1]))
    return table


_LABELS = {
    "duplicate_share": "dups",
    "with_date": "dated",
    "with_authors": "authors",
    "with_tags": "tags",
    "last_fetched": "last fetch",
    "started_at": "started",
    "body_chars": "chars",
}


def records_table(
    records: Sequence[dict[str, Any]], columns: Sequence[str], console: Console, mode: str, *, title: str = ""
) -> Table:
    """A plain table of *records* (stats, copies, versions); Arabic cells laid out."""
    table = Table(title=title or None)
    for column in columns:
        label = _LABELS.get(column, column)
        table.add_column(label, no_wrap=True, min_width=len(label))
    for record in records:
        cells = []
        for column in columns:
            text = _short(record.get(column))
            cells.append(_cell(text, 40, mode, max_lines=1) if is_rtl(text) else Text(printable(text)))
        table.add_row(*cells)
    return table


def _short(value: Any) -> str:
    """A cell value: shares as percentages, timestamps to the minute."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.0%}"
    text = str(value)
    if _TIMESTAMP_RE.match(text):
        return text[:16].replace("T", " ")
    return text


_TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
