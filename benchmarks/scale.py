"""The app at national scale, beside a Flask "hello" app served the same way, and beside the app as it was
on a main of before (BASELINE): `make bench-scale`.

1. Builds the data set on PostgreSQL with SQL (benchmarks/scale_data.py): 10^5 residents, 2,000 advisors
   (about 50 residents each, one with 120), 10^7 entries over two years of every kind in proportion, with
   words in four languages, records in proportion, one resident with 25,000 entries, and 10^7 audit events
   (30 file openings per advisor per working day). `SCALE=0.01` gives a set a hundred times smaller. The
   database is TEST_DATABASE_URL, or `webapp_bench_scale` on the local server, made afresh; REUSE=1 keeps
   one built before at the same scale (the build takes most of the time at SCALE=1).
2. Takes BASELINE's code (a git ref; `BASELINE=` for none) with `git archive`, and for it and the working
   tree in turn: signs everyone in and opens each page once in-process (benchmarks/scale_probe.py: status,
   statements, transactions), then serves it with gunicorn (2 sync workers).
3. Drives hello, the baseline and the working tree in turn with wrk on 127.0.0.1 (4 connections), for
   ROUNDS rounds of SECONDS seconds, so all three see the same machine; reads the app's CPU time per request
   from the workers' own counters, which is steadier than req/s on a shared machine.
4. Prints for each page: the ratio to hello (min and median of the rounds), p95, CPU per request and
   statements, baseline beside working tree; then a national estimate from the CPU per request.
5. Does the same on SQLite, the embedded default, with a community house's data set (SQLITE_RESIDENTS).

Figures, not assertions: nothing here fails on a slow machine.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, func, select, text
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

from .scale_data import Scale, build_postgres, build_sqlite_scale
from .serving import free_port, wait_until_listening

ROOT = Path(__file__).resolve().parent.parent
SECRET = {"SECRET_KEY": "bench-scale", "SECRET_PEPPER": "bench-scale"}
PASSWORD = "bench-pass-2026"
PIN = "4827"
ROUNDS = int(os.environ.get("ROUNDS", 3))
SECONDS = int(os.environ.get("SECONDS", 5))
CONNECTIONS = 4
# Today's main before issue 22 made the poll and the pages cheaper; any git ref, or empty for none.
BASELINE = os.environ.get("BASELINE", "cdf5824")
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"
PROBE = Path(__file__).resolve().parent / "scale_probe.py"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# The national estimate: residents in the whole country, the share online at the busiest hour, how often an open
# page polls, and how often an online resident opens a page.
RESIDENTS_NATIONALLY = 230_000
ONLINE_AT_PEAK = 0.03
POLL_EVERY_SECONDS = 10
PAGE_EVERY_SECONDS = 60
# A box runs at most this share of its two cores at the peak, leaving room for bursts.
BOX_CORES, BOX_BUSY = 2, 0.6


def log(message: str = "") -> None:
    print(message, flush=True)


# --- The database -------------------------------------------------------------------------


def postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/webapp_bench_scale"
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = 'webapp_bench_scale'")).first():
            connection.execute(text("CREATE DATABASE webapp_bench_scale"))
    admin.dispose()
    return url


def built_before(url: str, scale: Scale) -> bool:
    """REUSE=1 and the database holds this scale's people, migrated to the newest version (new indexes)."""
    if os.environ.get("REUSE") != "1":
        return False
    db = create_engine(url)
    try:
        with db.connect() as connection:
            people = connection.execute(select(func.count()).select_from(User.__table__)).scalar()
    except Exception:  # noqa: BLE001 (no tables yet: it was never built)
        return False
    finally:
        db.dispose()
    if people < scale.advisors + scale.residents:
        return False
    command.upgrade(alembic_config(url), "head")
    return True


def empty(url: str) -> None:
    if url.startswith("sqlite"):
        Path(make_url(url).database).unlink(missing_ok=True)
        return
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    admin.dispose()


def build(url: str, scale: Scale) -> None:
    empty(url)
    command.upgrade(alembic_config(url), "head")
    started = time.perf_counter()
    db = create_engine(url)
    with db.begin() as connection:
        (build_postgres if url.startswith("postgresql") else build_sqlite_scale)(connection, scale)
    log(f"  data written in {time.perf_counter() - started:.0f} s")
    app = bench_app(url)
    with app.app_context():
        rebuilt = activity.rebuild(Session(engine()))
    if url.startswith("postgresql"):
        with db.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with db.begin() as connection:
            connection.execute(text("ANALYZE"))
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


# --- Who is signed in, and what they open -------------------------------------------------


def people(scale: Scale) -> dict[str, tuple[str, str, str]]:
    """who: (kind, username, secret). The typical resident is also advisor 2's, as is the one with the long history."""
    return {
        "advisor1": ("staff", "adv1", PASSWORD),
        "advisor2": ("staff", "adv2", PASSWORD),
        "coordinator": ("staff", "coordinator", PASSWORD),
        "partner": ("staff", "partner", PASSWORD),
        "typical": ("resident", f"res{typical_resident(scale) - scale.advisors}", PIN),
        "long": ("resident", f"res{scale.long_resident - scale.advisors}", PIN),
    }


def typical_resident(scale: Scale) -> int:
    return scale.long_resident + scale.advisors - 1


def prepare_people(url: str, scale: Scale) -> None:
    """The secrets of those signed in, and a coordinator and a partner (kept when REUSE=1)."""
    app = bench_app(url)
    with app.app_context(), Session(engine()) as session:
        for _kind, username, secret in people(scale).values():
            user = accounts.find_user(session, username)
            if user is None:
                role = Role.COORDINATOR if username == "coordinator" else Role.PARTNER
                accounts.create_user(
                    session, username=username, display_name=username.title(), role=role, secret=secret
                )
                continue
            user.secret_hash = hash_secret(secret)
            session.add(user)
        session.commit()
        typical = session.get(User, typical_resident(scale))
        assert typical.advisor_id == 2 and session.get(User, scale.long_resident).advisor_id == 2


def pages(scale: Scale) -> list[tuple[str, str, str, int, dict]]:
    """(label, who is signed in, path, expected status, headers). The pages that may not answer at all on the
    baseline come last (see scale_probe.py)."""
    typical, long_one = typical_resident(scale), scale.long_resident
    far_ahead = 2**31 - 1  # "after" the newest entry: nothing new
    poll = {"HX-Request": "true"}
    month = Period.month_of(utcnow().date()).shifted(-2).code
    return [
        ("poll, nothing new", "typical", f"/residents/{typical}/updates?after={far_ahead}", 204, poll),
        (
            f"poll, nothing new, {scale.long_history:,} entries",
            "long",
            f"/residents/{long_one}/updates?after={far_ahead}",
            204,
            poll,
        ),
        ("resident home", "typical", "/me/", 200, {}),
        ("caseload, ~50 residents", "advisor2", "/advisor/", 200, {}),
        (f"caseload, {scale.big_caseload} residents", "advisor1", "/advisor/", 200, {}),
        ("advisor's resident page", "advisor2", f"/advisor/residents/{long_one}", 200, {}),
        ("partnership, all areas, a quarter", "partner", "/partner/", 200, {}),
        ("partnership, one area, a month", "partner", f"/partner/?area=1&period={month}", 200, {}),
        ("audit log, a resident", "coordinator", f"/coordinator/audit?person=res{typical - scale.advisors}", 200, {}),
        ("audit log, an advisor", "coordinator", "/coordinator/audit?person=adv2", 200, {}),
        ("coordinator page", "coordinator", "/coordinator/", 200, {}),
    ]


# --- The code to compare ------------------------------------------------------------------


@dataclass
class Version:
    name: str
    tree: Path
    cookies: dict[str, str] = field(default_factory=dict)
    probed: dict[str, dict] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(self.tree)}


def versions() -> list[Version]:
    found = []
    if BASELINE:
        found.append(Version(f"main {BASELINE}", baseline_tree(BASELINE)))
    found.append(Version("this tree", ROOT))
    return found


def baseline_tree(ref: str) -> Path:
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{ref}^{{commit}}"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    tree = ROOT / "build" / "bench-baseline" / commit
    if not (tree / "webapp").exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webapp", "translate", "compile"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        check=True,
        capture_output=True,
    )
    return tree


def probe(version: Version, url: str, scale: Scale, plan: list) -> None:
    job = {
        "config": {"DATABASE_URL": url, **SECRET, "WTF_CSRF_ENABLED": False, "STAFF_SECOND_FACTOR": False},
        "people": people(scale),
        "plan": plan,
    }
    answered = subprocess.run(
        [sys.executable, str(PROBE)],
        input=json.dumps(job),
        cwd=version.tree,
        env=version.env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = [json.loads(line) for line in answered.stdout.splitlines() if line.startswith("{")]
    if not lines or "cookies" not in lines[0]:
        raise SystemExit(f"{version.name}: could not sign in\n{answered.stderr[-3000:]}")
    version.cookies = lines[0]["cookies"]
    version.probed = {line["label"]: line for line in lines[1:]}
    for label, _who, _path, status, _headers in plan:
        seen = version.probed.setdefault(label, {"status": "not reached"})
        if seen["status"] != status:
            seen["refused"] = True
            log(f"  {version.name}: {label}: {seen['status']} (expected {status}); not driven with wrk")


# --- Serving and load ---------------------------------------------------------------------


@dataclass
class Served:
    url: str
    process: subprocess.Popen

    def cpu_seconds(self) -> float:
        """User and system time of the workers so far (the master only watches them)."""
        total = 0
        for child in _children(self.process.pid):
            try:
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / CLOCK_TICKS


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


@contextmanager
def gunicorn(target: str, *, cwd: Path, env: dict[str, str]):
    port = free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            *("-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", target),
        ],
        env=env,
        cwd=cwd,
    )
    try:
        wait_until_listening(port, seconds=60)
        yield Served(f"http://127.0.0.1:{port}", process)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def wrk(served: Served, path: str, headers: dict[str, str]) -> dict:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "10s", "-s", str(WRK_SCRIPT)]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    cpu_before = served.cpu_seconds()
    output = subprocess.run([*args, served.url + path], capture_output=True, text=True, check=True).stdout
    cpu = served.cpu_seconds() - cpu_before
    found = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", output)
    requests, micros, p50, p95, p99, errors = (int(part) for part in found.groups())
    return {
        "rps": requests / (micros / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "errors": errors,
        "cpu_ms": cpu * 1000 / requests if requests else float("nan"),
    }


# --- The run ------------------------------------------------------------------------------


def measure(database: str, url: str, scale: Scale) -> dict[str, dict[str, dict]]:
    """Every page, for every version, beside hello; prints the table; returns the figures by version and page."""
    plan = pages(scale)
    compared = versions()
    for version in compared:
        log(f"  {version.name}: signing in and opening each page once")
        probe(version, url, scale, plan)
    runs = {version.name: {label: [] for label, *_rest in plan} for version in compared}
    hello_runs = {label: [] for label, *_rest in plan}
    env = {"DATABASE_URL": url, **SECRET, "STAFF_SECOND_FACTOR": "off"}  # staff in wrk sign in with a password
    with ExitStack() as stack:
        hello = stack.enter_context(gunicorn("benchmarks.hello:app", cwd=ROOT, env=dict(os.environ)))
        served = {
            version.name: stack.enter_context(
                gunicorn("webapp:create_app()", cwd=version.tree, env={**version.env(), **env})
            )
            for version in compared
        }
        warm_up(hello, served, compared, plan)
        for round_number in range(1, ROUNDS + 1):
            log(f"  round {round_number} of {ROUNDS}")
            for label, who, path, _status, headers in plan:
                hello_runs[label].append(wrk(hello, "/", {}))
                for version in compared:
                    if version.probed[label].get("refused"):
                        continue
                    cookie = {"Cookie": version.cookies[who]}
                    runs[version.name][label].append(wrk(served[version.name], path, {**cookie, **headers}))
    report(database, plan, compared, runs, hello_runs)
    return {
        version.name: {label: figures_of(runs[version.name][label], hello_runs[label]) for label, *_r in plan}
        for version in compared
    }


def warm_up(hello: Served, served: dict[str, Served], compared: list[Version], plan: list) -> None:
    """A second of each page first, uncounted: every worker has loaded its code, templates and catalogs."""

    def briefly(url: str, headers: dict[str, str]) -> None:
        options = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
        subprocess.run(["wrk", "-t1", "-c2", "-d1s", *options, url], capture_output=True, check=True)

    briefly(hello.url + "/", {})
    for label, who, path, _status, headers in plan:
        for version in compared:
            if not version.probed[label].get("refused"):
                briefly(served[version.name].url + path, {"Cookie": version.cookies[who], **headers})


def figures_of(mine: list[dict], hello: list[dict]) -> dict:
    if not mine:
        return {}
    ratios = [run["rps"] / hello_run["rps"] for run, hello_run in zip(mine, hello, strict=False)]
    return {
        "ratio_min": min(ratios),
        "ratio_median": statistics.median(ratios),
        "p95": statistics.median(run["p95"] for run in mine),
        "cpu_ms": min(run["cpu_ms"] for run in mine),
        "errors": sum(run["errors"] for run in mine),
        "hello_cpu_ms": min(run["cpu_ms"] for run in hello),
    }


def report(database: str, plan: list, compared: list[Version], runs: dict, hello_runs: dict) -> None:
    log()
    log(
        f"{database}: gunicorn -w 2 (sync), wrk -t2 -c{CONNECTIONS} {SECONDS} s, {ROUNDS} rounds; hello served the "
        f"same way in the same rounds. Of hello: min / median of the rounds' req/s ratios. CPU: the app's workers' "
        f"user + system time per request (min of the rounds). Statements: SQL statements (transactions) in-process."
    )
    header = "| page | " + " | ".join(f"{version.name}: of hello | p95 | CPU/req | statements" for version in compared)
    log(header + " |")
    log("|---|" + "---:|---:|---:|---:|" * len(compared))
    hello_cpu = []
    for label, *_rest in plan:
        cells = []
        for version in compared:
            seen = version.probed[label]
            found = figures_of(runs[version.name][label], hello_runs[label])
            if seen.get("refused"):
                cells.append(f"no answer ({seen['status']}) | | | ")
                continue
            errors = f" ({found['errors']} errors)" if found["errors"] else ""
            cells.append(
                f"{found['ratio_min']:.1%} / {found['ratio_median']:.1%}{errors} | {found['p95']:.1f} ms | "
                f"{found['cpu_ms']:.2f} ms | {seen['statements']} ({seen['transactions']})"
            )
            hello_cpu.append(found["hello_cpu_ms"])
        log(f"| {label} | " + " | ".join(cells) + " |")
    hello_rps = statistics.median(run["rps"] for runs_of in hello_runs.values() for run in runs_of)
    log(f"hello: {hello_rps:,.0f} req/s (median), {min(hello_cpu):.2f} ms CPU per request")


def national_estimate(found: dict[str, dict[str, dict]]) -> None:
    """How many 2-core boxes the country needs at its busiest hour, from the CPU each request took here."""
    online = RESIDENTS_NATIONALLY * ONLINE_AT_PEAK
    polls, opened = online / POLL_EVERY_SECONDS, online / PAGE_EVERY_SECONDS
    log()
    log(
        f"National estimate: {RESIDENTS_NATIONALLY:,} residents, {ONLINE_AT_PEAK:.0%} online at the peak "
        f"({online:,.0f}), each polling every {POLL_EVERY_SECONDS} s while the page is in view ({polls:,.0f} polls/s) "
        f"and opening a page every {PAGE_EVERY_SECONDS} s ({opened:,.0f} pages/s, costed as the resident home); "
        f"boxes of {BOX_CORES} cores at most {BOX_BUSY:.0%} busy. The app's CPU only: PostgreSQL runs apart."
    )
    for name, by_page in found.items():
        poll, home = by_page["poll, nothing new"], by_page["resident home"]
        if not poll or not home:
            continue
        cores = (polls * poll["cpu_ms"] + opened * home["cpu_ms"]) / 1000
        boxes = cores / (BOX_CORES * BOX_BUSY)
        log(
            f"- {name}: poll {poll['cpu_ms']:.2f} ms, page {home['cpu_ms']:.2f} ms of CPU: {cores:.1f} cores busy, "
            f"{max(1, -(-boxes // 1)):.0f} boxes"
        )


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk (make bench-scale installs it)")
    scale = Scale.national(float(os.environ.get("SCALE", "1")))
    url = postgres_url()
    shown = make_url(url).render_as_string(hide_password=True)
    if built_before(url, scale):
        log(f"Using the data set built before on {shown} (REUSE=1)")
    else:
        log(
            f"Building {scale.residents:,} residents, {scale.advisors:,} advisors, {scale.entries:,} entries on {shown}"
        )
        build(url, scale)
    prepare_people(url, scale)
    found = measure("PostgreSQL", url, scale)
    national_estimate(found)

    residents = int(os.environ.get("SQLITE_RESIDENTS", 300))
    house = Scale(residents=residents, advisors=max(3, residents // 50), entries=residents * 500, long_history=5_000)
    folder = Path(tempfile.mkdtemp())
    sqlite_url = f"sqlite:///{folder / 'scale.sqlite3'}"
    log()
    log(
        f"SQLite (make run's embedded database), a community house: {house.residents:,} residents, "
        f"{house.advisors} advisors, {house.entries:,} entries"
    )
    build(sqlite_url, house)
    prepare_people(sqlite_url, house)
    measure("SQLite", sqlite_url, house)
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
