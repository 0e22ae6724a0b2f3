"""The import contracts in pyproject.toml (checked by `lint-imports` in `make lint`) know every view module.

import-linter's wildcards stand for whole module names, so `webapp.**.views` finds `views.py` files but not
`goal_views.py`: those are named one by one, and a new one left out would be under no contract.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def contracts(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, dict]:
    settings = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["importlinter"]
    return {contract["id"]: contract for contract in settings["contracts"]}


def view_modules(package: Path = ROOT / "webapp") -> set[str]:
    return {
        ".".join(path.relative_to(package.parent).with_suffix("").parts)
        for path in package.rglob("*.py")
        if path.stem == "views" or path.stem.endswith("_views")
    }


def matches(expression: str, module: str) -> bool:
    """import-linter's module expressions: `*` is one module name, `**` one or more."""
    pattern = re.escape(expression).replace(r"\*\*", r"[^.]+(?:\.[^.]+)*").replace(r"\*", r"[^.]+")
    return re.fullmatch(pattern, module) is not None


def uncovered(expressions: list[str], modules: set[str]) -> set[str]:
    return {module for module in modules if not any(matches(expression, module) for expression in expressions)}


def test_view_modules_are_found():
    assert {
        "webapp.advisor.views",
        "webapp.auth.second_factor.views",
        "webapp.records.goal_views",
        "webapp.auth.pairing_views",
        "webapp.coordinator.erasure_views",
    } <= view_modules()


def test_every_view_module_is_protected_from_imports():
    assert uncovered(contracts()["views-alone"]["protected_modules"], view_modules()) == set()


def test_every_view_module_may_call_the_page_builders():
    assert uncovered(contracts()["pages-for-views"]["allowed_importers"], view_modules()) == set()


def test_the_contracts_name_no_view_module_that_is_gone():
    named = contracts()["views-alone"]["protected_modules"] + contracts()["pages-for-views"]["allowed_importers"]
    assert {expression for expression in named if not any(matches(expression, m) for m in view_modules())} == set()


def test_module_expressions_match_as_import_linter_does():
    assert matches("webapp.**.views", "webapp.auth.second_factor.views")
    assert matches("webapp.**.views", "webapp.records.views")
    assert not matches("webapp.**.views", "webapp.records.goal_views")
    assert not matches("webapp.*.views", "webapp.auth.second_factor.views")
