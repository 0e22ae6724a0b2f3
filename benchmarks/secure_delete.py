"""Figures, not assertions: what SQLite's `secure_delete` (webapp/db.py) costs on a typical write path.

Run with `.venv/bin/python -m benchmarks.secure_delete`. In one run, on fresh SQLite files in a temporary
folder, with the pragma on (as the app runs) and off, alternating: an advisor posts 1,000 messages to a
resident through the app, then the resident is erased with those messages. Prints the total and per-message time.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from pathlib import Path

from alembic import command
from sqlalchemy import event
from sqlmodel import Session

from webapp import create_app
from webapp.auth import erasure
from webapp.auth import services as accounts
from webapp.cli import alembic_config
from webapp.db import engine
from webapp.models import Role

MESSAGES = 1000
ROUNDS = 3


def fresh_app(folder: Path, secure_delete: bool):
    path = folder / f"{uuid.uuid4().hex}.sqlite3"
    url = f"sqlite:///{path}"
    command.upgrade(alembic_config(url), "head")
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "SECRET_PEPPER": "bench",
            "WTF_CSRF_ENABLED": False,
            "ARGON2_MEMORY_KIB": 1024,
            "ARGON2_TIME_COST": 1,
            "AUDIO_DIR": str(folder / "audio"),
            "STAFF_SECOND_FACTOR": False,
        }
    )
    if not secure_delete:

        @event.listens_for(app.extensions["db_engine"], "connect")
        def off(dbapi_connection, _record):  # after the app's own listener, which turns it on
            dbapi_connection.execute("PRAGMA secure_delete=OFF")

    return app


def one_round(folder: Path, secure_delete: bool) -> tuple[float, float]:
    app = fresh_app(folder, secure_delete)
    with app.app_context(), Session(engine(), expire_on_commit=False) as session:
        advisor = accounts.create_user(session, username="adv", display_name="Adv", role=Role.ADVISOR, secret="x" * 12)
        resident = accounts.create_user(
            session, username="res", display_name="Res", role=Role.RESIDENT, secret="4827", advisor_id=advisor.id
        )
        on = session.connection().exec_driver_sql("PRAGMA secure_delete").scalar()
        assert on == int(secure_delete), on
    client = app.test_client()
    assert client.post("/login/staff", data={"username": "adv", "password": "x" * 12}).status_code == 303
    start = time.perf_counter()
    for n in range(MESSAGES):
        response = client.post(
            f"/residents/{resident.id}/entries",
            data={"body": f"Besked nummer {n}: " + "hej med dig " * 8, "idempotency_key": uuid.uuid4().hex},
        )
        assert response.status_code == 303
    posting = time.perf_counter() - start
    with app.app_context(), Session(engine(), expire_on_commit=False) as session:
        start = time.perf_counter()
        erasure.erase_resident(session, resident=session.get(type(resident), resident.id), actor=None)
        erasing = time.perf_counter() - start
    app.extensions["db_engine"].dispose()
    return posting, erasing


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    timings: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for _ in range(ROUNDS):
        for secure_delete in (False, True):
            timings[secure_delete].append(one_round(folder, secure_delete))
    for secure_delete, runs in timings.items():
        posting = statistics.median(run[0] for run in runs)
        erasing = statistics.median(run[1] for run in runs)
        print(
            f"secure_delete {'ON ' if secure_delete else 'OFF'}: {MESSAGES} messages posted in {posting:6.2f} s "
            f"({posting / MESSAGES * 1000:5.2f} ms each), resident with them erased in {erasing * 1000:6.1f} ms "
            f"(median of {ROUNDS})"
        )


if __name__ == "__main__":
    main()
