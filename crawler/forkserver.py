"""Imported by the extraction pool's forkserver, last (``set_forkserver_preload``): makes the
forkserver's memory what each extraction worker would otherwise build for itself, then
freezes it, so that the workers forked from it share those pages instead of copying them.

1. One small page is extracted and fingerprinted: the modules, compiled patterns and
   tables that the first page loads lazily (NumPy's random generators for the MinHash
   permutations, the fold table, the extractor's caches) are then made once, here.
2. ``gc.freeze()``: the objects made so far move to a permanent generation that the
   garbage collector never walks. A collection writes to the header of every object it
   walks, which in a forked worker copies the page holding it: without the freeze each
   worker ends up with a private copy of most of the forkserver's heap after its first
   collections (the documented use of ``gc.freeze`` before ``fork``).

Never imported by the crawl process.
"""

from __future__ import annotations

import contextlib
import gc

from crawler import workers

_PAGE = """<!doctype html><html lang="ar"><head><meta charset="utf-8"><title>خبر تجريبي</title></head>
<body><article><h1>خبر تجريبي</h1><p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></article></body></html>"""
_PARAGRAPH = "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في المدينة بسعة مئتي سرير لخدمة السكان في المنطقة."


def warm_up() -> None:
    """Extract and fingerprint one page; errors are ignored (the workers would meet them again)."""
    page = _PAGE.format(paragraph=_PARAGRAPH)
    with contextlib.suppress(Exception):  # only a warm-up
        workers.run_page(workers.extract_page, page, "http://warm-up.invalid/1", None, "utf-8")


warm_up()
gc.collect()
gc.freeze()
