"""Loaders and metrics for scripts/evaluate.py (kept apart so the script stays readable)."""

from __future__ import annotations

import gzip
import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import trafilatura

from crawler.extract import extract
from crawler.text.arabic import fold

_TOKEN_RE = re.compile(r"\w+")


class DataMissing(Exception):
    """A dataset folder is not where the evaluation expects it."""


@dataclass
class Case:
    name: str
    html: bytes
    url: str | None
    truth: dict[str, Any]
    fetched_at: datetime | None = None
    encoding: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def shared_dir(root: Path) -> Path:
    env = os.environ.get("CRAWLER_SHARED_DIR")
    if env:
        return Path(env)
    for parent in [root, *root.parents]:
        if (parent / "shared" / "eval").is_dir():
            return parent / "shared"
    return Path("/work/shared")


# ----------------------------------------------------------------------------- extractors


def run_ours(case: Case) -> dict[str, Any]:
    return extract(case.html, case.url, fetched_at=case.fetched_at, encoding=case.encoding).to_dict()


def run_trafilatura(case: Case) -> dict[str, Any]:
    """Plain trafilatura 2.3 with its metadata: what a user of the library alone would get."""
    doc = trafilatura.bare_extraction(case.html, url=case.url, with_metadata=True)
    d = doc.as_dict() if doc is not None else {}
    return {
        "title": d.get("title"),
        "body": d.get("text"),
        "published": d.get("date"),
        "authors": [a.strip() for a in (d.get("author") or "").split(";") if a.strip()],
        "tags": list(d.get("tags") or []),
        "source": None,
        "read_also": [],
        "related": [],
        "lang": d.get("language"),
    }


# ----------------------------------------------------------------------------- metrics


def shingle_prf(truth: str, pred: str, n: int = 4) -> tuple[float, float, float]:
    """aeb's definition: normalised TP/FP/FN over counted 4-token shingles (tokens are \\w+)."""

    def shingles(text: str) -> Counter[tuple[str, ...]]:
        tokens = _TOKEN_RE.findall(_nfc(text))
        return Counter(
            tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
        )

    t, p = shingles(truth), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def _nfc(text: str | None) -> str:
    """Compare text, not Unicode normal forms: some ground truth is NFD, our output is NFC."""
    return unicodedata.normalize("NFC", text or "")


def bow_f1(truth: str, pred: str, normalise: Any = str.lower) -> float:
    t = Counter(_TOKEN_RE.findall(normalise(_nfc(truth))))
    p = Counter(_TOKEN_RE.findall(normalise(_nfc(pred))))
    if not t and not p:
        return 1.0
    tp = sum((t & p).values())
    if not tp:
        return 0.0
    precision, recall = tp / sum(p.values()), tp / sum(t.values())
    return 2 * precision * recall / (precision + recall)


def fold_spaces(text: str | None) -> str:
    """Title comparison form: soft hyphens gone, every Unicode space (zero-width too) one ASCII space."""
    text = _nfc(text).replace("\u00ad", "")
    for invisible in "\u200b\u200c\u200d\u2060\ufeff":  # zero-width spaces count as spaces
        text = text.replace(invisible, " ")
    text = "".join(" " if unicodedata.category(c) in ("Zs", "Zl", "Zp", "Cc") else c for c in text)
    return " ".join(text.split())


def aggregate(rows: list[dict[str, float]]) -> dict[str, float]:
    """Mean of every metric (None values skipped); aeb's P/R are combined into F1 as upstream does."""
    out: dict[str, float] = {}
    keys = {k for r in rows for k in r}
    for key in sorted(keys):
        values = [r[key] for r in rows if r.get(key) is not None]
        if key.startswith("_"):
            continue
        if key.startswith("count_"):
            out[key.removeprefix("count_")] = float(sum(values))
        else:
            out[key] = sum(values) / len(values) if values else float("nan")
    if "_aeb_p" in keys:
        precision = [r["_aeb_p"] for r in rows if r.get("_aeb_p") is not None]
        recall = [r["_aeb_r"] for r in rows if r.get("_aeb_r") is not None]
        p = sum(precision) / len(precision) if precision else 0.0
        r = sum(recall) / len(recall) if recall else 0.0
        out["body_precision"], out["body_recall"] = p, r
        out["body_f1"] = 2 * p * r / (p + r) if p + r else 0.0
    return out


# ----------------------------------------------------------------------------- aeb


def aeb_cases(shared: Path, step: int = 1) -> Iterator[Case]:
    folder = shared / "eval" / "aeb"
    if not (folder / "ground-truth.json").is_file():
        raise DataMissing(f"no aeb data in {folder} (set CRAWLER_SHARED_DIR)")
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    for i, key in enumerate(sorted(truth)):
        if i % step:
            continue
        html = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
        yield Case(key, html, truth[key].get("url"), {"body": truth[key].get("articleBody", "")})


def score_aeb(case: Case, out: dict[str, Any]) -> dict[str, float]:
    tp, fp, fn = shingle_prf(case.truth["body"], out.get("body") or "")
    row: dict[str, float] = {}
    if tp + fp > 0:
        row["_aeb_p"] = 1.0 if fp == fn == 0 else tp / (tp + fp)
    if tp + fn > 0:
        row["_aeb_r"] = 1.0 if fp == fn == 0 else tp / (tp + fn)
    return row


# ----------------------------------------------------------------------------- fundus


def fundus_cases(shared: Path, step: int = 1) -> Iterator[Case]:
    folder = shared / "eval" / "fundus"
    index_file = folder / "html_to_expected_index.json"
    if not index_file.is_file():
        raise DataMissing(f"no fundus data in {folder} (set CRAWLER_SHARED_DIR)")
    index = json.loads(index_file.read_text(encoding="utf-8"))
    for i, name in enumerate(sorted(index)):
        if i % step:
            continue
        entry = index[name]
        expected = json.loads((folder / "test_data" / entry["expected_file"]).read_text(encoding="utf-8"))
        truth = expected[entry["version_key"]]
        html = gzip.decompress((folder / "test_data" / name).read_bytes())
        yield Case(name, html, entry.get("url"), truth)


def _fundus_body(truth: dict[str, Any]) -> str:
    body = truth.get("body") or {}
    parts = list(body.get("summary") or [])
    for sec in body.get("sections") or []:
        parts.extend(sec.get("headline") or [])
        parts.extend(sec.get("paragraphs") or [])
    return "\n".join(parts)


def score_fundus(case: Case, out: dict[str, Any]) -> dict[str, float]:
    t = case.truth
    row: dict[str, float] = {}
    if t.get("title"):
        row["title_exact"] = float(fold_spaces(t["title"]) == fold_spaces(out.get("title")))
    if t.get("publishing_date"):
        row["published_same_day"] = float((out.get("published") or "")[:10] == t["publishing_date"][:10])
    if "authors" in t:
        row["authors_exact"] = float(
            sorted(fold_spaces(a) for a in t["authors"])
            == sorted(fold_spaces(a) for a in out.get("authors") or [])
        )
    if t.get("body"):
        row["body_f1"] = bow_f1(_fundus_body(t), out.get("body") or "")
    return row


# ----------------------------------------------------------------------------- own Arabic pages


def own_cases(root: Path, shared: Path, corpus_pages: int) -> Iterator[Case]:
    folder = root / "tests" / "extract" / "fixtures" / "pages"
    files = sorted(folder.glob("*.json"))
    if not files:
        raise DataMissing(f"no fixture pages in {folder}")
    for meta_file in files:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        html = meta_file.with_suffix(".html").read_bytes()
        yield _own_case(meta_file.stem, html, meta)
    if corpus_pages > 0:
        import sys

        sys.path.insert(0, str(root / "tests" / "extract"))
        from pagegen.corpus import corpus_pages as build

        for name, html, meta in build(shared, corpus_pages):
            yield _own_case(name, html, meta)


def _own_case(name: str, html: bytes, meta: dict[str, Any]) -> Case:
    fetched = datetime.fromisoformat(meta["fetched_at"]) if meta.get("fetched_at") else None
    return Case(name, html, meta.get("url"), meta, fetched, meta.get("http_encoding"))


def _links(items: list[dict[str, str]] | None) -> list[tuple[str, str]]:
    return sorted((fold(i.get("title") or ""), i.get("url") or "") for i in items or [])


def score_own(case: Case, out: dict[str, Any]) -> dict[str, float]:
    exp = case.truth["article"]
    body = out.get("body") or ""
    fbody = fold(body)
    paragraphs = [p for p in (exp.get("body") or "").split("\n\n") if p]
    row: dict[str, float] = {
        "body_f1": bow_f1(exp.get("body") or "", body, fold),
        "no_boilerplate": float(not any(fold(s) in fbody for s in case.truth.get("boilerplate", []))),
        "all_paragraphs": float(all(fold(p) in fbody for p in paragraphs)),
        "title_exact": float(fold_spaces(exp.get("title")) == fold_spaces(out.get("title"))),
        "source": float(fold(exp.get("source") or "") == fold(out.get("source") or "")),
        "tags": float(sorted(map(fold, exp.get("tags") or [])) == sorted(map(fold, out.get("tags") or []))),
        "read_also": float(_links(exp.get("read_also")) == _links(out.get("read_also"))),
        "related": float(_links(exp.get("related")) == _links(out.get("related"))),
        "authors": float(
            list(map(fold, exp.get("authors") or [])) == list(map(fold, out.get("authors") or []))
        ),
        "published": float((exp.get("published") or None) == (out.get("published") or None)),
        "lang": float(exp.get("lang") == out.get("lang")),
    }
    if not exp.get("published"):
        row["count_wrong_date_where_none"] = float(bool(out.get("published")))
    return row
