"""Which action may start from which state of a record, and where it leads: one table per kind of record.

The services take their conditional `UPDATE … WHERE` from the table (`where`), so a change checks the
state the row is in when it is written; the templates ask the same table what to offer (`allowed`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import SQLModel


@dataclass(frozen=True)
class Guard:
    """A condition besides the state, said once for the database and once for a row already read."""

    sql: Callable[[], ColumnElement[bool]]  # a function: a time in it is taken when the write runs
    holds: Callable[[Any], bool]


@dataclass(frozen=True)
class Move:
    sources: tuple[str, ...]  # the states the action may start from
    target: str | None = None  # the state it leads to; None: the state stays
    guards: tuple[Guard, ...] = ()


class Transitions:
    """The actions on one kind of record, and the states each may start from."""

    def __init__(self, model: type[SQLModel], moves: dict[str, Move]):
        self.model = model
        self.moves = moves

    def allowed(self, action: str, record) -> bool:
        """What a page offers: may `action` start from the state this copy of the record is in."""
        move = self.moves[action]
        return record.status in move.sources and all(guard.holds(record) for guard in move.guards)

    def where(self, action: str) -> tuple[ColumnElement[bool], ...]:
        """The same rule as conditions for `UPDATE … WHERE`, checked on the row as it is when the write runs."""
        move = self.moves[action]
        return (self.model.status.in_(move.sources), *(guard.sql() for guard in move.guards))

    def target(self, action: str) -> str | None:
        return self.moves[action].target
