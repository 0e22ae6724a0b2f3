"""CHANGELOG.md is read before an upgrade: every migration is named in it, and its newest section is this version."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parent.parent
CHANGELOG = (TOP / "CHANGELOG.md").read_text(encoding="utf-8")
REVISIONS = sorted(path.name.split("_", 1)[0] for path in (TOP / "migrations" / "versions").glob("[0-9]*.py"))


@pytest.mark.parametrize("revision", REVISIONS)
def test_every_migration_is_named_in_the_changelog(revision):
    assert re.search(rf"Migrations: [^\n]*`{revision}`|`{revision}` \(", CHANGELOG)


def test_the_newest_section_is_this_version():
    version = tomllib.loads((TOP / "pyproject.toml").read_text())["project"]["version"]
    newest = re.search(r"^## (\S+)", CHANGELOG, re.M).group(1)
    assert newest == version


def test_each_release_says_what_to_do_before_upgrading_when_it_migrates():
    sections = re.split(r"^## ", CHANGELOG, flags=re.M)[1:]
    for section in sections:
        if "Migrations:" in section and not section.startswith("2026-11-24"):
            assert "Before upgrading" in section, section.splitlines()[0]
