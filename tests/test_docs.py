"""Every setting, command and option a user can reach is documented (sqlite-utils style)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from crawler.cli import main

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = README + "".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "docs").glob("*.md")))


def _settings() -> list[str]:
    text = (REPO / "crawler" / "settings.py").read_text(encoding="utf-8")
    return sorted(set(re.findall(r"\b(CRAWLER_[A-Z0-9_]+)\b", text)) - {"CRAWLER_COMMAND"})


def _commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(main)
    found: list[tuple[str, click.Command]] = []

    def walk(group: click.Group, prefix: str) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None
            if isinstance(command, click.Group):
                walk(command, f"{prefix}{name} ")
            else:
                found.append((prefix + name, command))

    walk(main, "")
    return found


@pytest.mark.parametrize("name", _settings())
def test_every_setting_is_in_the_readme(name: str) -> None:
    assert f"`{name}`" in README, f"{name} is read by crawler/settings.py but not documented in README.md"


@pytest.mark.parametrize(("name", "command"), _commands(), ids=[n for n, _ in _commands()])
def test_every_command_is_in_the_readme_and_every_option_documented(name: str, command: click.Command) -> None:
    assert f"crawler {name}" in README, f"crawler {name} is missing from README.md"
    for param in command.params:
        if not isinstance(param, click.Option) or param.hidden:
            continue
        long_opts = [o for o in param.opts if o.startswith("--")]
        assert any(re.search(rf"(?<![\w-]){re.escape(o)}\b", DOCS) for o in long_opts), (
            f"crawler {name} {long_opts}: not in README.md or docs/"
        )
        assert param.help, f"crawler {name} {long_opts}: no --help text"
