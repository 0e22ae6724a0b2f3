"""The app at national scale, beside a Flask "hello" app served the same way: `make bench-scale`.

1. Builds the data set on PostgreSQL with SQL (benchmarks/scale_data.py): 10^5 residents, 2,000
   advisors (about 50 residents each, one with 120), 10^7 entries over two years, records in
   proportion, one resident with 25,000 entries. `SCALE=0.01` gives a set a hundred times smaller.
   The database is TEST_DATABASE_URL, or `webapp_bench_scale` on the local server, made afresh.
2. Serves the app and the hello app with gunicorn (2 sync workers each) and drives them in turn with
   wrk on 127.0.0.1 for 3 rounds, alternating targets, so both see the same machine.
3. Prints req/s, p50, p95, p99 and the ratio to hello for each page, and each page's statement count.
4. Then the embedded case: the caseload of 120 residents with 1,000 entries each on SQLite.

Figures, not assertions: nothing here fails on a slow machine.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from webapp import create_app
from webapp.auth import services as accounts
from webapp.cli import alembic_config
from webapp.db import engine
from webapp.models import Role, User, utcnow
from webapp.outcomes import figures
from webapp.outcomes.periods import Period
from webapp.passwords import hash_secret
from webapp.timeline import activity

from .scale_data import Scale, build_postgres, build_sqlite
from .serving import free_port, wait_until_listening

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the test suite's helpers: pairing a phone, counting statements
from tests.factories import counted_queries, pair_client  # noqa: E402

SECRET = {"SECRET_KEY": "bench-scale", "SECRET_PEPPER": "bench-scale"}
PASSWORD = "bench-pass-2026"
PIN = "4827"
ROUNDS = int(os.environ.get("ROUNDS", 3))
SECONDS = int(os.environ.get("SECONDS", 10))
CONNECTIONS = 8
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"


def log(message: str) -> None:
    print(message, flush=True)


# --- The database -------------------------------------------------------------------------


def fresh_postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        admin.dispose()
        return url
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/webapp_bench_scale"
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS webapp_bench_scale WITH (FORCE)"))
        connection.execute(text("CREATE DATABASE webapp_bench_scale"))
    admin.dispose()
    return url


def build(url: str, scale: Scale) -> None:
    command.upgrade(alembic_config(url), "head")
    started = time.perf_counter()
    db = create_engine(url)
    with db.begin() as connection:
        build_postgres(connection, scale)
    log(f"  data written in {time.perf_counter() - started:.0f} s")
    app = bench_app(url)
    with app.app_context():
        rebuilt = activity.rebuild(Session(engine()))
    with db.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    db.dispose()
    log(f"  caseload summary for {rebuilt:,} residents; ready after {time.perf_counter() - started:.0f} s")
    counting = time.perf_counter()
    with app.app_context():
        periods = figures.count_periods(Session(engine()), now=utcnow())
    log(
        f"  the partnership's figures: {len(periods)} periods counted in {time.perf_counter() - counting:.0f} s "
        f"(`flask partnership count`, run each night)"
    )


def bench_app(url: str):
    return create_app({"DATABASE_URL": url, **SECRET, "WTF_CSRF_ENABLED": False, "STAFF_SECOND_FACTOR": False})


# --- Who is signed in ---------------------------------------------------------------------


def set_secrets(app, usernames_and_secrets: dict[str, str]) -> None:
    with app.app_context(), Session(engine()) as session:
        for username, secret in usernames_and_secrets.items():
            user = accounts.find_user(session, username)
            user.secret_hash = hash_secret(secret)
            session.add(user)
        session.commit()


def staff_client(app, username: str):
    client = app.test_client()
    response = client.post("/login/staff", data={"username": username, "password": PASSWORD})
    assert response.status_code == 303, response.status_code
    return client


def resident_client(app, username: str):
    client = app.test_client()
    pair_client(app, client, username)
    assert client.post("/login", data={"pin": PIN}).status_code == 303
    return client


def cookie_header(app, client) -> str:
    names = ("session", app.config["DEVICE_COOKIE_NAME"])
    return "; ".join(f"{name}={cookie.value}" for name in names if (cookie := client.get_cookie(name)))


# --- Serving and load ---------------------------------------------------------------------


@contextmanager
def gunicorn(target: str, env: dict[str, str]):
    port = free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            target,
        ],
        env={**os.environ, **env},
        cwd=ROOT,
    )
    try:
        wait_until_listening(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def wrk(url: str, headers: dict[str, str]) -> dict:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", str(WRK_SCRIPT), url]
    for name, value in headers.items():
        args[1:1] = ["-H", f"{name}: {value}"]
    output = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    found = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", output)
    requests, micros, p50, p95, p99, errors = (int(part) for part in found.groups())
    if errors:
        raise SystemExit(f"{url}: {errors} requests answered with an error\n{output}")
    return {"rps": requests / (micros / 1e6), "p50": p50 / 1000, "p95": p95 / 1000, "p99": p99 / 1000}


def median_of(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


# --- The run ------------------------------------------------------------------------------


def pages(scale: Scale, residents: dict[str, int]) -> list[tuple[str, str, str, int]]:
    """(label, who is signed in, path, expected status)."""
    typical, long_one = residents["typical"], residents["long"]
    far_ahead = 2**31 - 1  # "after" the newest entry: nothing new
    return [
        ("resident home", "typical", "/me/", 200),
        ("poll, typical resident, nothing new", "typical", f"/residents/{typical}/updates?after={far_ahead}", 204),
        (
            f"poll, resident with {scale.long_history:,} entries",
            "long",
            f"/residents/{long_one}/updates?after={far_ahead}",
            204,
        ),
        ("caseload, ~50 residents", "advisor2", "/advisor/", 200),
        (f"caseload, {scale.big_caseload} residents", "advisor1", "/advisor/", 200),
        ("advisor's resident page", "advisor2", f"/advisor/residents/{long_one}", 200),
        ("partnership page, all areas, last quarter", "partner", "/partner/", 200),
        (
            "partnership page, one area, a month",
            "partner",
            f"/partner/?area=1&period={Period.month_of(utcnow().date()).shifted(-2).code}",
            200,
        ),
    ]


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk (make bench-scale installs it)")
    scale = Scale.national(float(os.environ.get("SCALE", "1")))
    url = fresh_postgres_url()
    log(
        f"Building {scale.residents:,} residents, {scale.advisors:,} advisors, {scale.entries:,} entries "
        f"on {make_url(url).render_as_string(hide_password=True)}"
    )
    build(url, scale)

    app = bench_app(url)
    typical = scale.long_resident + scale.advisors - 1  # also advisor 2's
    set_secrets(
        app,
        {
            "adv1": PASSWORD,
            "adv2": PASSWORD,
            f"res{typical - scale.advisors}": PIN,
            f"res{scale.long_resident - scale.advisors}": PIN,
        },
    )
    with app.app_context(), Session(engine()) as session:
        accounts.create_user(
            session, username="partner", display_name="Partnerskab", role=Role.PARTNER, secret=PASSWORD
        )
    clients = {
        "advisor1": staff_client(app, "adv1"),
        "advisor2": staff_client(app, "adv2"),
        "partner": staff_client(app, "partner"),
        "typical": resident_client(app, f"res{typical - scale.advisors}"),
        "long": resident_client(app, f"res{scale.long_resident - scale.advisors}"),
    }
    with app.app_context(), Session(engine()) as session:
        assert session.get(User, typical).advisor_id == 2 and session.get(User, scale.long_resident).advisor_id == 2
    plan = pages(scale, {"typical": typical, "long": scale.long_resident})

    counts = {}
    for label, who, path, status in plan:
        headers = {"HX-Request": "true"} if "/updates" in path else {}
        with counted_queries(app) as statements:
            response = clients[who].get(path, headers=headers)
        assert response.status_code == status, (label, response.status_code)
        counts[label] = len(statements)

    env = {"DATABASE_URL": url, **SECRET, "STAFF_SECOND_FACTOR": "off"}  # staff in wrk sign in with a password
    results: dict[str, list[dict]] = {label: [] for label, *_rest in plan}
    hello_runs: dict[str, list[dict]] = {label: [] for label, *_rest in plan}
    with gunicorn("webapp:create_app()", env) as app_url, gunicorn("benchmarks.hello:app", {}) as hello_url:
        cookies = {who: cookie_header(app, client) for who, client in clients.items()}
        for round_number in range(1, ROUNDS + 1):
            log(f"Round {round_number} of {ROUNDS}")
            for label, who, path, _status in plan:
                hello_runs[label].append(wrk(hello_url + "/", {}))
                headers = {"Cookie": cookies[who], **({"HX-Request": "true"} if "/updates" in path else {})}
                results[label].append(wrk(app_url + path, headers))

    log("")
    log(
        f"gunicorn -w 2 (sync), wrk -t2 -c{CONNECTIONS} {SECONDS} s, median of {ROUNDS} rounds; "
        f"hello served by the same gunicorn in the same rounds"
    )
    log("| page | req/s | hello req/s | of hello | p50 | p95 | p99 | statements |")
    log("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, *_rest in plan:
        mine, hello = median_of(results[label]), median_of(hello_runs[label])
        log(
            f"| {label} | {mine['rps']:,.0f} | {hello['rps']:,.0f} | {mine['rps'] / hello['rps']:.1%} | "
            f"{mine['p50']:.1f} ms | {mine['p95']:.1f} ms | {mine['p99']:.1f} ms | {counts[label]} |"
        )
    one_at_a_time(clients, [entry for entry in plan if entry[1] == "partner"])
    sqlite_caseload()


def one_at_a_time(clients: dict, plan: list, runs: int = 40) -> None:
    """How long one request takes when nobody else is asking: the partnership page is opened by a few people."""
    log("")
    for label, who, path, status in plan:
        timings = []
        for _ in range(runs + 5):
            started = time.perf_counter()
            assert clients[who].get(path).status_code == status
            timings.append((time.perf_counter() - started) * 1000)
        timings = sorted(timings[5:])
        log(
            f"{label}, one request at a time (test client): p50 {statistics.median(timings):.1f} ms, "
            f"p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms over {runs} requests"
        )


def sqlite_caseload(residents: int = 120, entries_each: int = 1000, runs: int = 50) -> None:
    """The embedded default a community house may run: `make run`'s SQLite, 120 residents."""
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'scale.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    app = bench_app(url)
    with app.app_context(), Session(engine()) as session:
        advisor = accounts.create_user(
            session, username="adv1", display_name="Rådgiver", role="advisor", secret=PASSWORD
        )
        with session.begin():
            build_sqlite(session.connection(), residents=residents, entries_each=entries_each, advisor_id=advisor.id)
        activity.rebuild(session)
    client = staff_client(app, "adv1")
    timings = []
    for _ in range(runs + 5):
        started = time.perf_counter()
        assert client.get("/advisor/").status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    timings = sorted(timings[5:])
    with counted_queries(app) as statements:
        client.get("/advisor/")
    log("")
    log(
        f"SQLite, caseload of {residents} residents with {entries_each:,} entries each: p50 "
        f"{statistics.median(timings):.1f} ms, p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms over {runs} "
        f"requests, {len(statements)} statements"
    )
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
