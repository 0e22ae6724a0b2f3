"""The limits on wrong tries under load, with the production hash cost. `make bench-lockout`.

1. A resident's phone: 11 wrong PINs and the right one at the same moment, ROUNDS rounds on a fresh
   SQLite database each: the wrong PINs checked before the lock or the right PIN, and whether it got in.
2. A staff account: the same with passwords: the wrong ones checked before the wait or the right one,
   and whether the right one got in at once or after the wait (it must never need staff).
3. The staff form: how long a wrong password takes to be refused for a name with an account (fresh, and
   waiting after 10 wrong tries) and for a name without one. The answers must not tell them apart.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

from tests.conftest import make_app, migrate
from tests.factories import RESIDENT_PIN, STAFF_PASSWORD, make_accounts, pair_client, rows, set_values
from webapp.models import AuditEvent, User, utcnow

ROUNDS, TRIES, TIMED = 10, 12, 40
PRODUCTION_HASH = {"ARGON2_MEMORY_KIB": 19456, "ARGON2_TIME_COST": 2}


def fresh_app(path: Path, **overrides):
    url = f"sqlite:///{path}"
    migrate(url)
    app = make_app(url, **PRODUCTION_HASH, **overrides)
    make_accounts(app)
    return app


def at_once(send) -> list[int]:
    start = threading.Barrier(TRIES)
    results = [0] * TRIES

    def worker(n):
        start.wait()
        results[n] = send(n)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(TRIES)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return results


def wrong_checked_before_success(app) -> int:
    """Wrong secrets checked before the right one's try. Refused tries leave a row too, marked: not
    checked (the account was locked or waiting), or right but refused (a lock came in meanwhile)."""
    events = sorted(rows(app, AuditEvent), key=lambda e: e.id)
    success = next((e.id for e in events if e.action == "sign_in"), None)
    return sum(
        1
        for e in events
        if e.action == "sign_in_failed"
        and not (e.detail or {}).keys() & {"unchecked", "locked"}
        and (success is None or e.id < success)
    )


def resident_round(path: Path) -> tuple[int, bool]:
    app = fresh_app(path)
    phones = [app.test_client() for _ in range(TRIES)]
    for phone in phones:
        pair_client(app, phone, "resident1")
    results = at_once(
        lambda n: phones[n].post("/login", data={"pin": RESIDENT_PIN if n == TRIES // 2 else "9999"}).status_code
    )
    wrong = wrong_checked_before_success(app)
    app.extensions["db_engine"].dispose()
    return wrong, 303 in results


def staff_round(path: Path) -> tuple[int, str]:
    app = fresh_app(path)
    computers = [app.test_client() for _ in range(TRIES)]
    right = TRIES // 2

    def send(n):
        password = STAFF_PASSWORD if n == right else "not-the-password"
        return computers[n].post("/login/staff", data={"username": "advisor1", "password": password}).status_code

    results = at_once(send)
    wrong = wrong_checked_before_success(app)
    outcome = "at once"
    if results[right] != 303:
        (advisor,) = rows(app, User, User.username == "advisor1")
        time.sleep(max(0.0, (advisor.locked_until - utcnow()).total_seconds()) + 0.05)
        outcome = "after the wait" if send(right) == 303 else "never"
    app.extensions["db_engine"].dispose()
    return wrong, outcome


def timing(path: Path) -> dict[str, list[float]]:
    app = fresh_app(path, ADDRESS_FAILED_LOGIN_LIMIT=10**9)
    client = app.test_client()
    advisor = User.username == "advisor1"

    def refused(name: str) -> float:
        start = time.perf_counter()
        response = client.post("/login/staff", data={"username": name, "password": "not-the-password"})
        elapsed = time.perf_counter() - start
        assert response.status_code == 422
        return elapsed

    times: dict[str, list[float]] = {"known, fresh": [], "known, after 10 wrong": [], "unknown": []}
    cases = list(times) * TIMED
    random.Random(1).shuffle(cases)
    for name in ("advisor1", "nobody") * 3:  # warm up
        refused(name)
    for case in cases:
        set_values(app, User, advisor, failed_logins=0, lock_count=0, locked_until=None, unlock_by_staff=False)
        if case == "known, after 10 wrong":
            for _ in range(10):
                refused("advisor1")
        times[case].append(refused(f"nobody{random.randrange(10**6)}" if case == "unknown" else "advisor1"))
    app.extensions["db_engine"].dispose()
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        residents = [resident_round(Path(folder) / f"resident{n}.sqlite3") for n in range(ROUNDS)]
        staff = [staff_round(Path(folder) / f"staff{n}.sqlite3") for n in range(ROUNDS)]
        times = timing(Path(folder) / "timing.sqlite3")
    print(f"{TRIES} parallel tries (11 wrong, 1 right), {ROUNDS} rounds, SQLite, argon2id m=19456 t=2")
    wrong = [w for w, _ in residents]
    print(
        f"  resident: wrong PINs checked before the lock or the right PIN: min {min(wrong)}, max {max(wrong)}: {wrong}"
    )
    print(f"  resident: right PIN got in: {sum(ok for _, ok in residents)} of {ROUNDS} rounds")
    wrong = [w for w, _ in staff]
    print(
        "  staff: wrong passwords checked before the wait or the right one: "
        f"min {min(wrong)}, max {max(wrong)}: {wrong}"
    )
    outcomes = [o for _, o in staff]
    print(
        "  staff: right password got in "
        + ", ".join(f"{kind}: {outcomes.count(kind)}" for kind in ("at once", "after the wait", "never"))
    )
    print(f"The staff form refusing a wrong password, {TIMED} tries each, interleaved; median / mean ms")
    for case, values in times.items():
        print(f"  {case:22} {statistics.median(values) * 1000:7.2f} / {statistics.mean(values) * 1000:7.2f}")


if __name__ == "__main__":
    main()
