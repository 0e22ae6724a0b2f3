"""Figures, not assertions: time to open a resident's home at 5 and 5,000 entries, and its weight.

Run with `make bench`. Prints median milliseconds over repeated requests through the test client
(on SQLite in a temporary folder, or DATABASE_URL if set) and gzip sizes of the page and its assets.
"""

from __future__ import annotations

import gzip
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from alembic import command
from sqlmodel import Session

from webapp import create_app
from webapp.auth import services as accounts
from webapp.cli import alembic_config
from webapp.db import engine
from webapp.models import Entry, EntryKind, Role, utcnow
from webapp.signup import consent

sys.path.insert(0, str(Path.cwd()))
from tests.factories import pair_client

RUNS = 30


def make_resident(app, name: str, advisor, entries: int):
    with app.app_context(), Session(engine(), expire_on_commit=False) as session:
        resident = accounts.create_user(
            session,
            username=name,
            display_name=name,
            role=Role.RESIDENT,
            secret="4827",
            locale="ar",
            advisor_id=advisor.id,
        )
        resident.consent_version = consent.VERSION  # as a sign-up leaves them
        now = utcnow()
        session.add_all(
            Entry(
                resident_id=resident.id,
                author_id=resident.id if n % 2 else advisor.id,
                kind=EntryKind.MESSAGE,
                body=f"رسالة رقم {n} " * 6,
                created_at=now,
                idempotency_key=uuid.uuid4().hex,
            )
            for n in range(entries)
        )
        session.commit()
        return resident


def signed_in(app, username: str):
    """A phone paired with the resident (a PIN works only there), signed in."""
    client = app.test_client()
    pair_client(app, client, username)
    assert client.post("/login", data={"pin": "4827"}).status_code == 303
    return client


def median_ms(client, path: str) -> float:
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        assert client.get(path).status_code == 200
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "SECRET_PEPPER": "bench",
            "WTF_CSRF_ENABLED": False,
            "ARGON2_MEMORY_KIB": 1024,
            "ARGON2_TIME_COST": 1,
        }
    )
    with app.app_context(), Session(engine(), expire_on_commit=False) as session:
        advisor = accounts.create_user(session, username="adv", display_name="Adv", role=Role.ADVISOR, secret="x" * 12)
    for entries in (5, 5000):
        name = f"resident{entries}"
        make_resident(app, name, advisor, entries)
        client = signed_in(app, name)
        print(
            f"resident home with {entries:>5} entries: median {median_ms(client, '/me/'):6.2f} ms over {RUNS} requests"
        )
    client = signed_in(app, "resident5000")
    html = client.get("/me/").data
    static = Path(app.static_folder)
    assets = {
        name: (static / name).read_bytes()
        for name in ("css/app.css", "vendor/htmx/htmx.min.js", "js/app.js", "vendor/lucide/sprite.svg")
    }
    total = gzip_size(html) + sum(gzip_size(data) for data in assets.values())
    print(f"resident home HTML: {len(html)} bytes, {gzip_size(html)} gzip")
    for name, data in assets.items():
        print(f"  {name}: {len(data)} bytes, {gzip_size(data)} gzip")
    print(f"total, gzip: {total} bytes")
    app.extensions["db_engine"].dispose()


if __name__ == "__main__":
    main()
