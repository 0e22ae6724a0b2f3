"""docs/privacy.md says what the code does: its table of who sees what agrees with the access rules the
matrix tests every route against, each sentence of the consent names a test, and every test it names exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from webapp import create_app
from webapp.signup import consent

from .conftest import TEST_CONFIG
from .test_access_matrix import ACCESS, ACTORS, expected

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "privacy.md").read_text()

# Each row of the table, and the routes that give that access (any one allowing it is a "yes").
ROW_ROUTES = {
    "Timeline, messages and voice messages": ("timeline.home", "timeline.voice_file"),
    "Check-ins, barriers, goals, appointments and situations": ("records.overview", "records.barrier_list"),
    '"My data" (profile, consents, phones, sign-ins)': ("resident.my_data",),
    "A copy of all their data (export)": ("export.mine", "export.for_resident"),
    "Name and sign-in card, to make a new QR code": ("signup.card",),
    "Name, username and advisor, on the coordinator's overview": ("coordinator.overview",),
    "The audit log (sign-ins, pairings, openings)": ("coordinator.audit_log",),
    "Delete the resident": ("coordinator.erase_form",),
    "Counts of residents per housing area and period, each of 5 or more (the partnership page)": (
        "partner.overview",
        "partner.csv_download",
    ),
}
COLUMNS = [
    "the resident",
    "their advisor",
    "another advisor",
    "volunteer",
    "coordinator",
    "another resident",
    "partner",
]


def table() -> dict[str, dict[str, bool]]:
    block = DOC.split("<!-- who-sees-what")[1].split("<!-- /who-sees-what -->")[0]
    found = {}
    for line in block.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != len(COLUMNS) + 1 or cells[0] in ("What", "---"):
            continue
        found[cells[0]] = {actor: cell.startswith("yes") for actor, cell in zip(COLUMNS, cells[1:], strict=True)}
    return found


def test_the_table_has_a_row_for_each_kind_of_access_and_a_column_for_each_person():
    assert set(table()) == set(ROW_ROUTES)
    assert set(COLUMNS) == set(ACTORS) - {"anonymous"}


def sees_this_residents(endpoint: str, actor: str) -> bool:
    """Whether the actor reaches resident1's data through the route. A route of the resident's own
    (/me/...) names nobody: another resident who opens it sees their own data, not resident1's."""
    if ACCESS[endpoint] == "role:resident" and actor != "the resident":
        return False
    return expected(ACCESS[endpoint], actor) == "allow"


@pytest.mark.parametrize("row", list(ROW_ROUTES))
def test_who_sees_what_agrees_with_the_access_matrix(row):
    for actor in COLUMNS:
        allowed = any(sees_this_residents(endpoint, actor) for endpoint in ROW_ROUTES[row])
        assert table()[row][actor] == allowed, (row, actor)


def test_every_route_of_the_table_exists():
    app = create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"})
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {endpoint for routes in ROW_ROUTES.values() for endpoint in routes} <= endpoints


def stored_tables() -> set[str]:
    """The tables named in the first column of "What is stored, field by field"."""
    section = DOC.split("## What is stored, field by field")[1].split("\n## ")[0]
    return {
        name
        for line in section.splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`(\w+)`", line.split("|")[1])
    }


def tables_of_residents() -> set[str]:
    """Every table with rows about one resident: those with a resident_id."""
    from sqlmodel import SQLModel

    import webapp.models  # noqa: F401  (every table on the metadata)

    return {table.name for table in SQLModel.metadata.tables.values() if "resident_id" in table.columns}


def test_every_table_that_holds_a_residents_rows_is_in_the_table_of_what_is_stored():
    assert tables_of_residents() - stored_tables() == set()


def test_every_table_that_holds_a_residents_rows_is_erased_with_the_resident():
    from webapp.auth import erasure

    # Erasure deletes goals after their steps, and phones after the sign-ins made on them, on their own.
    erased = {model.__tablename__ for model in erasure.OWNED_BY_RESIDENT} | {"goals", "trusted_devices"}
    assert tables_of_residents() - erased == set()
    assert {"resident_situations", "follow_ups", "answer_times"} <= tables_of_residents()


def named_tests() -> set[str]:
    return set(re.findall(r"tests/(test_\w+\.py)::(test_\w+)", DOC))


def defined_tests(file_name: str) -> set[str]:
    tree = ast.parse((ROOT / "tests" / file_name).read_text())
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_every_test_the_document_names_exists():
    missing = [
        f"{file}::{name}"
        for file, name in named_tests()
        if not (ROOT / "tests" / file).exists() or name not in defined_tests(file)
    ]
    assert named_tests() and missing == []


def consent_sentences() -> list[str]:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"})
    with app.test_request_context(headers={"Accept-Language": "en"}):
        texts = [text for _heading, text in consent.paragraphs()]
    return [sentence for text in texts for sentence in re.split(r"(?<=[.!?])\s+", text)]


def test_each_sentence_of_the_consent_names_the_tests_that_hold_it():
    section = DOC.split("## The consent, sentence by sentence")[1].split("\n## ")[0]
    lines = {line for line in section.splitlines() if line.startswith("- ")}
    for sentence in consent_sentences():
        line = next((line for line in lines if sentence in line), None)
        assert line is not None, f"not in docs/privacy.md: {sentence}"
        assert re.search(r"tests/test_\w+\.py::test_\w+", line), f"no test named for: {sentence}"
