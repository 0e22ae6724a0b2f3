"""How many wrong PINs are checked when 11 wrong and 1 right arrive at the same moment.

Runs ROUNDS rounds on a fresh SQLite database each, with the production hash cost, and prints
the wrong PINs checked per round and whether the right one got in. `make bench-lockout`.
"""
from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

from tests.conftest import make_app, migrate  # noqa: E402
from tests.factories import RESIDENT_PIN, make_accounts, rows  # noqa: E402
from webapp.models import AuditEvent  # noqa: E402

ROUNDS, TRIES = 10, 12


def one_round(path: Path) -> tuple[int, bool]:
    url = f"sqlite:///{path}"
    migrate(url)
    app = make_app(url, ARGON2_MEMORY_KIB=19456, ARGON2_TIME_COST=2)
    make_accounts(app)
    clients = [app.test_client() for _ in range(TRIES)]
    try:
        from tests.factories import pair_client
    except ImportError:  # before pairing existed: username and PIN from anywhere
        pair_client = None
    for client in clients:
        if pair_client:
            pair_client(app, client, "resident1")
    start = threading.Barrier(TRIES)
    results = [None] * TRIES

    def send(n):
        pin = RESIDENT_PIN if n == TRIES // 2 else "9999"
        start.wait()
        results[n] = clients[n].post("/login", data={"username": "resident1", "pin": pin}).status_code

    threads = [threading.Thread(target=send, args=(n,)) for n in range(TRIES)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    events = sorted(rows(app, AuditEvent), key=lambda e: e.id)
    success = next((e.id for e in events if e.action == "sign_in"), None)
    # Wrong PINs checked before the lock, or before the right PIN got in.
    wrong = sum(1 for e in events if e.action == "sign_in_failed" and (success is None or e.id < success))
    app.extensions["db_engine"].dispose()
    return wrong, 303 in results


def main() -> None:
    outcomes = []
    with tempfile.TemporaryDirectory() as folder:
        for n in range(ROUNDS):
            outcomes.append(one_round(Path(folder) / f"round{n}.sqlite3"))
    wrong = [w for w, _ in outcomes]
    print(f"{TRIES} parallel tries (11 wrong, 1 right), {ROUNDS} rounds, SQLite, argon2id m=19456 t=2")
    print(f"  wrong PINs checked before the lock or the right PIN: min {min(wrong)}, max {max(wrong)}: {wrong}")
    print(f"  right PIN got in: {sum(ok for _, ok in outcomes)} of {ROUNDS} rounds")


if __name__ == "__main__":
    main()
