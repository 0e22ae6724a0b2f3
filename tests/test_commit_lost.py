"""A connection lost at COMMIT: what was stored is answered as sent, what was not as an error.

On PostgreSQL the connection really is cut: the app talks to the database through a small proxy that,
once armed, closes both ends at the COMMIT of the transaction that adds an entry, either after the
server has answered it (the row is stored, the app never hears so) or before the server gets it (the
server rolls back). On SQLite, which has no connection to lose, the driver's commit fails the same two
ways: after a real commit, or instead of it.
"""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url

from webapp.models import Barrier, CheckIn, Entry

from .conftest import AuthActions, make_app, page_text
from .factories import make_accounts, rows

ADDS_AN_ENTRY = b"INSERT INTO entries"


class PostgresCommitCut:
    """A TCP proxy in front of PostgreSQL that cuts one connection at its COMMIT."""

    def __init__(self, url: str):
        target = make_url(url)
        self.target = (target.host or "127.0.0.1", target.port or 5432)
        self.listener = socket.create_server(("127.0.0.1", 0))
        # No TLS, so the proxy can see where a COMMIT is.
        self.url = target.set(
            host="127.0.0.1",
            port=self.listener.getsockname()[1],
            query={**target.query, "sslmode": "disable", "gssencmode": "disable"},
        ).render_as_string(hide_password=False)
        self.stored: bool | None = None
        self.happened = threading.Event()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def arm(self, *, stored: bool) -> None:
        self.stored = stored

    def close(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                app_side, _address = self.listener.accept()
            except OSError:
                return
            link = _Link(app_side, socket.create_connection(self.target))
            threading.Thread(target=self._to_server, args=(link,), daemon=True).start()
            threading.Thread(target=self._to_app, args=(link,), daemon=True).start()

    def _to_server(self, link: _Link) -> None:
        while data := link.receive(link.app_side):
            if self.stored is not None and ADDS_AN_ENTRY in data:
                link.adds_an_entry = True
            if link.adds_an_entry and b"COMMIT\x00" in data:  # psycopg commits with a simple query
                with self.lock:
                    stored, self.stored = self.stored, None
                if stored is False:  # the server never gets the COMMIT, and rolls back when the line drops
                    link.cut()
                    self.happened.set()
                    return
                link.adds_an_entry = False
                link.cut_at_answer = stored is True
            if not link.send(link.server_side, data):
                return

    def _to_app(self, link: _Link) -> None:
        while data := link.receive(link.server_side):
            if link.cut_at_answer:  # the server has committed and says so; the app never hears it
                link.cut()
                self.happened.set()
                return
            if not link.send(link.app_side, data):
                return


class _Link:
    def __init__(self, app_side: socket.socket, server_side: socket.socket):
        self.app_side, self.server_side = app_side, server_side
        self.adds_an_entry = False
        self.cut_at_answer = False

    @staticmethod
    def receive(sock: socket.socket) -> bytes:
        try:
            return sock.recv(65536)
        except OSError:
            return b""

    def send(self, sock: socket.socket, data: bytes) -> bool:
        try:
            sock.sendall(data)
            return True
        except OSError:
            self.cut()
            return False

    def cut(self) -> None:
        for sock in (self.app_side, self.server_side):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


class SqliteCommitCut:
    """The driver's commit fails once, for the transaction that adds an entry: after committing, or
    instead of it."""

    def __init__(self, app, monkeypatch):
        engine = app.extensions["db_engine"]
        self.stored: bool | None = None
        self.happened = threading.Event()
        self.adding: set[int] = set()  # connections whose open transaction adds an entry
        event.listen(engine, "before_cursor_execute", self._note)
        real_commit = engine.dialect.do_commit

        def do_commit(connection):
            raw = id(getattr(connection, "dbapi_connection", connection))
            if self.stored is None or raw not in self.adding:
                return real_commit(connection)
            stored, self.stored = self.stored, None
            self.adding.discard(raw)
            if stored:
                real_commit(connection)
            self.happened.set()
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(engine.dialect, "do_commit", do_commit)

    def _note(self, _conn, cursor, statement, *_args):
        if self.stored is not None and statement.startswith(ADDS_AN_ENTRY.decode()):
            self.adding.add(id(cursor.connection))

    def arm(self, *, stored: bool) -> None:
        self.stored = stored

    def close(self) -> None:
        pass


@pytest.fixture
def lost(database_url, monkeypatch):
    """An app, with resident1 signed in on their phone, whose next COMMIT of an entry is cut."""
    if database_url.startswith("sqlite"):
        app = make_app(database_url)
        cut = SqliteCommitCut(app, monkeypatch)
    else:
        cut = PostgresCommitCut(database_url)
        app = make_app(cut.url)
    accounts = make_accounts(app)
    phone = AuthActions(app).client_for("resident1")
    yield app, cut, phone, accounts.resident1.id
    app.extensions["db_engine"].dispose()
    cut.close()


def stored_entries(app, body: str) -> list[Entry]:
    return rows(app, Entry, Entry.body == body)


def test_a_message_stored_before_the_connection_was_lost_at_commit_is_answered_as_sent(lost):
    app, cut, phone, resident_id = lost
    path, form = f"/residents/{resident_id}/entries", {"body": "Jeg kommer i morgen", "idempotency_key": "c" * 32}
    cut.arm(stored=True)

    sent = phone.post(path, data=form)

    assert cut.happened.is_set()
    (entry,) = stored_entries(app, "Jeg kommer i morgen")
    assert sent.status_code == 303
    assert sent.headers["Location"].endswith(f"#entry-{entry.id}")
    assert "Sent" in page_text(phone.get(sent.headers["Location"]))
    assert phone.post(path, data=form).status_code == 303  # typed again: still one message
    assert len(stored_entries(app, "Jeg kommer i morgen")) == 1


def test_a_message_sent_with_htmx_and_stored_before_the_connection_was_lost_gets_the_sent_fragment(lost):
    app, cut, phone, resident_id = lost
    cut.arm(stored=True)

    sent = phone.post(
        f"/residents/{resident_id}/entries",
        headers={"HX-Request": "true"},
        data={"body": "Tak for i dag", "idempotency_key": "d" * 32},
    )

    assert cut.happened.is_set()
    assert sent.status_code == 200
    assert "Tak for i dag" in page_text(sent) and "Sent" in page_text(sent)
    assert len(stored_entries(app, "Tak for i dag")) == 1


def test_a_message_not_stored_when_the_connection_was_lost_at_commit_is_answered_with_an_error(lost):
    app, cut, phone, resident_id = lost
    path, form = f"/residents/{resident_id}/entries", {"body": "Jeg kommer i morgen", "idempotency_key": "e" * 32}
    cut.arm(stored=False)

    failed = phone.post(path, data=form)

    assert cut.happened.is_set()
    # A lost connection is the database away, for this request: 503, to be sent again (errors.py).
    assert (failed.status_code, failed.headers["Retry-After"]) == (503, "30")
    assert "Sammen is not available just now" in page_text(failed)
    assert "Sent" not in page_text(failed)
    assert stored_entries(app, "Jeg kommer i morgen") == []
    assert phone.post(path, data=form).status_code == 303  # sent again, it is stored once
    assert len(stored_entries(app, "Jeg kommer i morgen")) == 1


@pytest.mark.parametrize(
    ("what", "form", "model"),
    [
        ("checkins", {"mood": "4"}, CheckIn),
        ("barriers", {"key": "digital"}, Barrier),
    ],
)
def test_a_record_stored_before_the_connection_was_lost_at_commit_is_answered_as_added(lost, what, form, model):
    app, cut, phone, resident_id = lost
    form = {**form, "idempotency_key": "f" * 32}
    cut.arm(stored=True)

    added = phone.post(f"/residents/{resident_id}/{what}", data=form)

    assert cut.happened.is_set()
    assert added.status_code == 303
    assert phone.post(f"/residents/{resident_id}/{what}", data=form).status_code == 303
    assert len(rows(app, model)) == 1


@pytest.mark.parametrize(
    ("what", "form", "model"),
    [
        ("checkins", {"mood": "4"}, CheckIn),
        ("barriers", {"key": "digital"}, Barrier),
    ],
)
def test_a_record_not_stored_when_the_connection_was_lost_at_commit_is_answered_with_an_error(lost, what, form, model):
    app, cut, phone, resident_id = lost
    cut.arm(stored=False)

    failed = phone.post(f"/residents/{resident_id}/{what}", data={**form, "idempotency_key": "f" * 32})

    assert cut.happened.is_set()
    assert failed.status_code == 503
    assert rows(app, model) == []
