"""Arabic in a terminal: line breaking, trimming and right-to-left display.

Terminals differ. Some lay out right-to-left text themselves (the Unicode bidi
algorithm, line by line): VTE-based ones such as GNOME Terminal (VTE 0.57.3 and later,
on by default), Konsole, mlterm, mintty and macOS Terminal. Most others (xterm, kitty,
Alacritty, Windows Terminal, the VS Code terminal, iTerm2 by default, tmux on its own)
print characters left to right in the order they come, so Arabic shows backwards and,
often, unjoined. Hence three modes:

- ``terminal``: print the text in logical order and let the terminal lay it out; each
  Arabic cell ends with RLM+LRM so a neutral table border between two Arabic cells is
  not pulled into their run (which would swap the cells);
- ``reorder``: shape (arabic-reshaper) and reorder (python-bidi) each line ourselves;
- ``auto``: ``terminal`` when output is not a terminal (pipes and files always get
  logical text) or the terminal is known to do bidi, else ``reorder``.

Lines are broken and trimmed in *logical* order before any reordering, so the first
line holds the start of the sentence and a trimmed title loses its end («…» shows on the
left, where a right-to-left reader expects it). Rich's own wrapping and ellipsis work on
the visual string and would cut the beginning of reordered Arabic text: do not use them
for these cells.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.cells import cell_len

from crawler.text.arabic import arabic_ratio

__all__ = ["BIDI_MODES", "display_lines", "is_rtl", "resolve_mode", "wrap"]

BIDI_MODES = ("auto", "terminal", "reorder")
_RLM, _LRM = "\u200f", "\u200e"
ELLIPSIS = "…"
_BIDI_TERMINALS = {"mintty", "Apple_Terminal"}
_VTE_BIDI = 5703  # VTE 0.57.3


def resolve_mode(mode: str, *, isatty: bool, hints: Mapping[str, str]) -> str:
    """``terminal`` or ``reorder`` for *mode* (see the module docstring); *hints* are the
    terminal's own environment variables (VTE_VERSION, KONSOLE_VERSION, TERM_PROGRAM...)."""
    if mode in ("terminal", "reorder"):
        return mode
    if not isatty:
        return "terminal"
    vte = hints.get("VTE_VERSION", "")
    if vte.isdigit() and int(vte) >= _VTE_BIDI:
        return "terminal"
    if hints.get("KONSOLE_VERSION") or hints.get("MLTERM") or hints.get("TERM", "").startswith("mlterm"):
        return "terminal"
    if hints.get("TERM_PROGRAM") in _BIDI_TERMINALS:
        return "terminal"
    return "reorder"


def is_rtl(text: str) -> bool:
    return arabic_ratio(text) >= 0.3


def wrap(text: str, width: int, max_lines: int | None = None) -> list[str]:
    """Break *text* into lines of at most *width* cells, in logical order, at spaces;
    past *max_lines* the last line ends with «…»."""
    width = max(width, 4)
    lines: list[str] = []
    current = ""
    for word in text.split():
        while cell_len(word) > width:  # a word longer than the line: hard cut
            if current:
                lines.append(current)
                current = ""
            lines.append(word[: width - 1] + "-")
            word = word[width - 1 :]
        candidate = f"{current} {word}" if current else word
        if cell_len(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and cell_len(last + " " + ELLIPSIS) > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines[-1] = f"{last} {ELLIPSIS}" if last else ELLIPSIS
    return lines


def visual(line: str) -> str:
    """One logical line, shaped and in display (left-to-right cell) order."""
    import arabic_reshaper
    from bidi import get_display

    return str(get_display(arabic_reshaper.reshape(line), base_dir="R" if is_rtl(line) else "L"))


def display_lines(text: str, width: int, mode: str, max_lines: int | None = None) -> list[str]:
    """*text* ready for a table cell of *width* cells: wrapped, trimmed and, for Arabic,
    laid out for the *mode* (``terminal`` or ``reorder``)."""
    lines = wrap(text, width, max_lines)
    if not is_rtl(text):
        return lines
    if mode == "reorder":
        return [visual(line) for line in lines]
    return [line + _RLM + _LRM for line in lines]
