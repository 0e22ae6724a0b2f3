"""Figures, not assertions: "Download my data" for a resident with 25,000 entries beside one with 50.

Run with `make bench-export`. Builds both residents (entries of every kind, with records and voice messages,
inserted in bulk) on SQLite in a temporary folder, or on DATABASE_URL if set. Then each export runs in a
fresh process of its own: the resident downloads the ZIP through the test client, read chunk by chunk into
a file as a phone would, once for the time and the growth of the process's largest resident set
(ru_maxrss) over a warm-up with the smallest export, once under tracemalloc for the peak of Python's
allocations during the export alone.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

from alembic import command
from sqlmodel import Session

from webapp import create_app
from webapp.auth import services as accounts
from webapp.cli import alembic_config
from webapp.db import engine
from webapp.models import Role
from webapp.signup import consent
from webapp.storage import audio_store, key_for

from .hello import app as hello
from .scale import PIN, resident_client

sys.path.insert(0, str(Path.cwd()))
from tests.export_data import fill_history
from tests.factories import audio_bytes

SIZES = (50, 5_000, 25_000)


def make_app(url: str, audio_dir: str):
    return create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "SECRET_PEPPER": "bench",
            "AUDIO_DIR": audio_dir,
            "WTF_CSRF_ENABLED": False,
            "ARGON2_MEMORY_KIB": 1024,
            "ARGON2_TIME_COST": 1,
        }
    )


def build(app) -> None:
    with app.app_context(), Session(engine(), expire_on_commit=False) as session:
        advisor = accounts.create_user(
            session, username="adv", display_name="Mette", role=Role.ADVISOR, secret="x" * 12
        )
        for entries in SIZES:
            resident = accounts.create_user(
                session,
                username=f"resident{entries}",
                display_name="فاطمة الحسن",
                role=Role.RESIDENT,
                secret=PIN,
                locale="ar",
                advisor_id=advisor.id,
            )
            resident.consent_version = consent.VERSION  # as a sign-up leaves them
            session.commit()
            key = key_for(resident.id, "bench.webm")
            audio_store().put(key, audio_bytes("voice.webm"))  # every voice entry plays this recording
            fill_history(
                session,
                resident=resident,
                advisor=advisor,
                entries=entries,
                records=max(10, entries // 50),
                audio_key=key,
            )


def download(client, target: Path) -> int:
    """The ZIP read as it arrives, into a file; returns its size."""
    response = client.post("/me/data/export", buffered=False)
    assert response.status_code == 200, response.status_code
    size = 0
    with target.open("wb") as out:
        for chunk in response.iter_encoded():
            out.write(chunk)
            size += len(chunk)
    response.close()
    return size


def measure(url: str, audio_dir: str, username: str) -> dict:
    """In a fresh process: the smallest export to warm up (imports, templates, connections), then the measured ones."""
    app = make_app(url, audio_dir)
    target = Path(tempfile.mkdtemp()) / "export.zip"
    download(resident_client(app, f"resident{SIZES[0]}"), target)
    client = resident_client(app, username)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    size = download(client, target)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    download(client, target)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        entries = len(json.loads(archive.read("data.json"))["entries"])
        files = len(archive.namelist())
    page_ms = median_ms(lambda: client.get("/me/data"))
    hello_ms = median_ms(lambda: hello.test_client().get("/"))
    app.extensions["db_engine"].dispose()
    return {
        "seconds": seconds,
        "bytes": size,
        "peak": peak,
        "maxrss_kib": after,
        "grown_kib": after - before,
        "entries": entries,
        "files": files,
        "page_ms": page_ms,
        "hello_ms": hello_ms,
    }


def median_ms(get, rounds: int = 21) -> float:
    """The "My data" page (or the hello app beside it, in the same process), opened `rounds` times."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        assert get().status_code == 200
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    audio_dir = str(folder / "audio")
    command.upgrade(alembic_config(url), "head")
    app = make_app(url, audio_dir)
    print(f"building residents with {', '.join(f'{n:,}' for n in SIZES)} entries on {url.split(':')[0]} …")
    build(app)
    app.extensions["db_engine"].dispose()
    print(
        f"{'entries':>8} {'in data.json':>12} {'files':>6} {'ZIP':>9} {'time':>8} {'tracemalloc peak':>17} "
        f"{'ru_maxrss growth':>17} {'ru_maxrss':>10} {'My data page':>13} {'hello':>8}"
    )
    for entries in SIZES:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.export", "measure", url, audio_dir, f"resident{entries}"],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{entries:>8,} {figures['entries']:>12,} {figures['files']:>6,} {figures['bytes'] / 2**20:>7.1f}MB "
            f"{figures['seconds']:>7.2f}s {figures['peak'] / 2**20:>15.2f}MB {figures['grown_kib'] / 1024:>15.1f}MB "
            f"{figures['maxrss_kib'] / 1024:>8.0f}MB {figures['page_ms']:>11.1f}ms {figures['hello_ms']:>6.2f}ms"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["measure"]:
        print(json.dumps(measure(*sys.argv[2:5])))
    else:
        main()
