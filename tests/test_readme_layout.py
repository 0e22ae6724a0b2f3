"""The README's "Where things live" table stays true: every behaviour the README describes has a row, and every
path in it exists, so a newcomer who follows it finds the code."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text under a heading, up to the next heading of any level."""
    start = README.index(title + "\n") + len(title) + 1
    following = re.search(r"^#{2,3} ", README[start:], re.M)
    return README[start : start + following.start()] if following else README[start:]


def behaviours() -> list[str]:
    """The bold names the bullets of "How the community house uses it" start with ("**Pairing.**")."""
    names = re.findall(r"^- \*\*(.+?)\*\*", section("## How the community house uses it"), re.M)
    return [name.rstrip(".").strip('"“”').rstrip(".") for name in names]


def rows() -> list[tuple[str, str]]:
    """The table's rows as (behaviour, path)."""
    found = re.findall(r"^\| (.+?) \| `([^`]+)` \|$", section("### Where things live"), re.M)
    return [(behaviour.strip('"“”'), path) for behaviour, path in found]


def test_the_readme_names_its_behaviours_and_the_table_has_rows():
    assert len(behaviours()) >= 15
    assert len(rows()) >= len(behaviours())


def test_every_behaviour_the_readme_describes_has_a_row():
    named = [behaviour for behaviour, _path in rows()]
    missing = [name for name in behaviours() if not any(row.startswith(name) for row in named)]
    assert missing == []


def test_every_path_in_the_table_exists():
    missing = [path for _behaviour, path in rows() if not (ROOT / path).exists()]
    assert missing == []
