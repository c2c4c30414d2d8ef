"""The query, show, export and stats commands as a user runs them, and their docs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from crawler import Database
from crawler.cli import main
from search.search_articles import store

REPO = Path(__file__).resolve().parents[2]
COMMANDS = ("query", "show", "export", "stats")


@pytest.fixture
def db_file(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'news.db'}"
    with Database(url) as db:
        store(db)
    return url


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args))


def test_query_table_shows_titles_snippets_and_copies(db_file: str) -> None:
    result = run("query", "حكومة", "--db", db_file, "--bidi", "terminal")
    assert result.exit_code == 0, result.output
    assert "3 stories" not in result.output and "2 stories" in result.output
    assert "الحكومة تعلن خطة جديدة" in result.output
    assert "+1" in result.output  # story 1 has one copy


def test_query_reorder_mode_prints_shaped_visual_text(db_file: str) -> None:
    result = run("query", "نواب", "--db", db_file, "--bidi", "reorder")
    assert result.exit_code == 0, result.output
    assert "نواب" not in result.output  # logical order is gone...
    assert "\ufe8f\ufe8d\ufeee\ufee7" in result.output  # ...replaced by shaped glyphs, right to left


def test_query_json_and_csv(db_file: str) -> None:
    rows = json.loads(run("query", "اسرائيل", "--db", db_file, "--format", "json").output)
    assert [r["id"] for r in rows] == [2]
    assert "<mark>إسرائيل</mark>" in rows[0]["snippet"]
    csv_out = run("query", "--db", db_file, "--format", "csv", "--limit", "2").output.splitlines()
    assert csv_out[0].startswith("url,canonical_url,") and len(csv_out) >= 3


def test_query_paging_says_when_there_is_more(db_file: str) -> None:
    result = run("query", "--db", db_file, "--limit", "2", "--bidi", "terminal")
    assert "more: --offset 2" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", '"حكومة'], "unbalanced quote"),
        (["query", "؟؟"], "no searchable word"),
        (["query", "x", "--since", "soonish-ish"], "--since"),
        (["show", "12345"], "no stored article"),
        (["export", "--out", "/nonexistent/dir/x.jsonl"], "does not exist"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(db_file: str, args: list[str], message: str) -> None:
    result = run(*args, "--db", db_file)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_show_prints_the_article_its_copies_and_json(db_file: str) -> None:
    table = run("show", "1", "--db", db_file, "--bidi", "terminal").output
    assert "وزير الإسكان" in table and "copies of this story" in table and "delta" in table
    data = json.loads(run("show", "https://delta.example/news/4", "--db", db_file, "--format", "json").output)
    assert data["id"] == 4 and data["duplicate_of"] == "https://alpha.example/news/1"
    assert [c["id"] for c in data["copies_list"]] == [1]


def test_export_and_stats(db_file: str, tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    result = run("export", "--db", db_file, "--out", str(out), "--include-duplicates")
    assert result.exit_code == 0 and "wrote 6 rows" in result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 6
    stats = json.loads(run("stats", "--db", db_file, "--format", "json").output)
    alpha = next(s for s in stats["sites"] if s["site"] == "alpha")
    assert alpha == {**alpha, "articles": 2, "duplicate_share": 0.0, "with_date": 1.0, "with_authors": 1.0}
    delta = next(s for s in stats["sites"] if s["site"] == "delta")
    assert delta["duplicate_share"] == 1.0
    assert {d["day"] for d in stats["per_day"]} >= {"2025-07-01", "2025-07-10"}


def _options(name: str) -> list[str]:
    command = main.commands[name]
    return [opt for p in command.params if isinstance(p, click.Option) for opt in p.opts if opt.startswith("--")]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_is_in_help_and_in_the_docs(name: str) -> None:
    help_text = run(name, "--help").output
    docs = (REPO / "docs" / "query.md").read_text(encoding="utf-8")
    section = docs.split(f"## crawler {name}", 1)[1].split("\n## ", 1)[0]
    for option in _options(name):
        assert option in help_text, (name, option)
        assert re.search(rf"(?<![\w-]){re.escape(option)}\b", section), (
            f"docs/query.md, crawler {name}: {option} missing"
        )


def test_readme_names_every_command_and_links_the_docs() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"crawler {name}" in readme, name
    assert "docs/query.md" in readme
