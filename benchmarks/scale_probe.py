"""One version of the app, opened in-process before the load runs: `make bench-scale` starts this for today's
main and for the working tree in turn, each with its own code on PYTHONPATH (so it imports no module of this
folder). It signs everyone in, opens each page once with the test client, and prints one JSON line for the
sign-ins (their cookies, for wrk) and one per page: status, SQL statements, transactions and time.

A page that takes longer than LIMIT_SECONDS ends the run (the page and those after it are marked as not
answered): the plan puts the pages that may not answer at the end. Memory is capped, so a page that would
take all of it fails here rather than on the machine.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time

LIMIT_SECONDS = 30
MEMORY_BYTES = 6 * 1024**3


def say(**fields) -> None:
    print(json.dumps(fields), flush=True)


def main() -> None:
    job = json.load(sys.stdin)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    from sqlalchemy import event

    from tests.factories import pair_client
    from webapp import create_app

    app = create_app(job["config"])
    clients = {}
    for who, (kind, username, secret) in job["people"].items():
        client = app.test_client()
        if kind == "resident":
            pair_client(app, client, username)
            answer = client.post("/login", data={"pin": secret})
        else:
            answer = client.post("/login/staff", data={"username": username, "password": secret})
        assert answer.status_code == 303, (who, answer.status_code)
        clients[who] = client
    names = ("session", app.config["DEVICE_COOKIE_NAME"])
    say(
        cookies={
            who: "; ".join(f"{name}={cookie.value}" for name in names if (cookie := client.get_cookie(name)))
            for who, client in clients.items()
        }
    )

    counts = {"statements": 0, "transactions": 0}

    def statement(_conn, _cursor, text, *_rest):
        if not text.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            counts["statements"] += 1

    def transaction(_conn):
        counts["transactions"] += 1

    # The app's engine, and the one it reads without a transaction where it has one (timeline/poll.py).
    for name in ("db_engine", "db_autocommit"):
        if name in app.extensions:
            event.listen(app.extensions[name], "before_cursor_execute", statement)
            event.listen(app.extensions[name], "begin", transaction)
    for label, who, path, _status, headers in job["plan"]:
        found = {}

        def fetch(who=who, path=path, headers=headers, found=found):
            try:
                found["status"] = clients[who].get(path, headers=headers).status_code
            except MemoryError:
                found["status"] = "out of memory"

        counts.update(statements=0, transactions=0)
        started = time.perf_counter()
        worker = threading.Thread(target=fetch, daemon=True)
        worker.start()
        worker.join(LIMIT_SECONDS)
        if worker.is_alive():
            say(label=label, status=f"no answer in {LIMIT_SECONDS} s")
            os._exit(0)
        say(label=label, ms=(time.perf_counter() - started) * 1000, **found, **counts)


if __name__ == "__main__":
    main()
