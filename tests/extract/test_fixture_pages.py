"""Every project-written Arabic page, one assertion per field (web-poet / Fundus style)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

import pytest
from extract_fixtures import fixture_names, load_fixture

from crawler.extract import extract
from crawler.text.arabic import fold

FIELDS = (
    "title",
    "body",
    "authors",
    "published",
    "modified",
    "tags",
    "source",
    "read_also",
    "related",
    "lang",
)


@cache
def extracted(name: str) -> dict[str, Any]:
    html, meta = load_fixture(name)
    fetched = datetime.fromisoformat(meta["fetched_at"])
    return extract(html, meta["url"], fetched_at=fetched, encoding=meta["http_encoding"]).to_dict()


def _links(items: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(fold(i["title"]), i["url"]) for i in items]


def test_there_are_enough_pages_and_layouts() -> None:
    names = fixture_names()
    assert len(names) >= 60
    assert len({n.rsplit("-", 1)[0] for n in names}) >= 10


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("name", fixture_names())
def test_field(name: str, field: str) -> None:
    expected = load_fixture(name)[1]["article"][field]
    got = extracted(name)[field]
    if field in ("read_also", "related"):
        assert _links(got) == _links(expected)
    elif field == "tags":
        assert [fold(t) for t in got] == [fold(t) for t in expected]
    elif field == "body":
        assert got is not None
        for paragraph in expected.split("\n\n"):
            assert fold(paragraph) in fold(got), paragraph
        assert got.count("\n\n") == expected.count("\n\n")
    else:
        assert got == expected


@pytest.mark.parametrize("name", fixture_names())
def test_no_boilerplate_in_body(name: str) -> None:
    body = fold(extracted(name)["body"] or "")
    leaked = [s for s in load_fixture(name)[1]["boilerplate"] if fold(s) in body]
    assert leaked == []


@pytest.mark.parametrize("name", fixture_names())
def test_urls_are_absolute_http(name: str) -> None:
    out = extracted(name)
    for item in out["read_also"] + out["related"]:
        assert item["url"] == "" or item["url"].startswith(("http://", "https://"))
    for key in ("canonical_url", "image"):
        assert out[key] is None or out[key].startswith(("http://", "https://"))
