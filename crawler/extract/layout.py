"""Layout tables: old portals lay out whole pages with <table>; body extractors then see cells.

trafilatura renders table cells as "| ... |" rows and merges the <br>-separated paragraphs of
a cell into one. A table whose cells hold long prose or other tables is page layout, not
data: its table/tr/td elements are turned into <div>s so the text is read as paragraphs.
"""

from __future__ import annotations

from typing import Any

__all__ = ["unwrap_layout_tables"]

_LONG_CELL = 200


def _is_layout(table: Any) -> bool:
    if table.find(".//table") is not None:
        return True
    return any(len(cell.text_content()) > _LONG_CELL for cell in table.iter("td", "th"))


def unwrap_layout_tables(tree: Any) -> None:
    """Rename the elements of layout tables to <div> (in place); data tables stay tables."""
    layout = [t for t in tree.iter("table") if _is_layout(t)]
    for table in layout:
        for el in table.iter("table", "tbody", "thead", "tfoot", "tr", "td", "th"):
            el.tag = "div"
            for attr in ("width", "valign", "align", "colspan", "rowspan"):
                el.attrib.pop(attr, None)
