"""Plain functions that make what a test needs."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, update
from sqlmodel import Session, select

from webapp.auth import services as accounts
from webapp.db import engine
from webapp.models import HousingArea, Role, User, utcnow
from webapp.records import appointments, barriers, goals
from webapp.timeline import services as timeline

RESIDENT_PIN = "4827"
STAFF_PASSWORD = "a-long-staff-password"


@dataclass
class Accounts:
    coordinator: User
    advisor1: User
    advisor2: User
    volunteer1: User
    resident1: User  # advisor1
    resident2: User  # advisor1
    resident3: User  # advisor2


def make_user(session: Session, username: str, role: Role, *, advisor: User | None = None, locale: str = "en",
              secret: str | None = None, display_name: str | None = None) -> User:
    if secret is None:
        secret = RESIDENT_PIN if role == Role.RESIDENT else STAFF_PASSWORD
    return accounts.create_user(
        session,
        username=username,
        display_name=display_name or username.capitalize(),
        role=role,
        secret=secret,
        locale=locale,
        advisor_id=advisor.id if advisor else None,
    )


def make_accounts(app) -> Accounts:
    with app.app_context(), Session(engine(), expire_on_commit=False) as session:
        # Everyone reads English here so tests can assert the source strings;
        # test_i18n covers the other languages.
        coordinator = make_user(session, "coordinator", Role.COORDINATOR, display_name="Karin")
        advisor1 = make_user(session, "advisor1", Role.ADVISOR, display_name="Mette")
        advisor2 = make_user(session, "advisor2", Role.ADVISOR, display_name="Jonas")
        volunteer1 = make_user(session, "volunteer1", Role.VOLUNTEER, display_name="Amina")
        resident1 = make_user(session, "resident1", Role.RESIDENT, advisor=advisor1, display_name="فاطمة")
        resident2 = make_user(session, "resident2", Role.RESIDENT, advisor=advisor1, display_name="مریم")
        resident3 = make_user(session, "resident3", Role.RESIDENT, advisor=advisor2, display_name="Grace")
        return Accounts(coordinator, advisor1, advisor2, volunteer1, resident1, resident2, resident3)


def write(app, resident: User, author: User, body: str, key: str | None = None):
    import uuid

    with app.app_context(), Session(engine(), expire_on_commit=False) as session:
        return timeline.post_message(session, resident=resident, author=author, body=body,
                                     idempotency_key=key or uuid.uuid4().hex)


def run(app, fn, **kwargs):
    """Call a service with a session of its own, as a request would."""
    with app.app_context(), Session(engine(), expire_on_commit=False) as session:
        return fn(session, **kwargs)


def rows(app, model, *where):
    from sqlmodel import select

    return run(app, lambda session: list(session.exec(select(model).where(*where)).all()))


def records_of(app, resident, advisor) -> dict:
    """One of each record, for the routes that name one."""
    barrier = run(app, barriers.add, resident=resident, key="transport", words=None, idempotency_key="b" * 32).barrier
    goal = run(app, goals.add, resident=resident, author=resident, kind="job", words=None, hours=None, month=None,
               idempotency_key="g" * 32)
    step = run(app, goals.add_step, resident=resident, goal=goal, author=resident, text="CV", idempotency_key="s" * 32)
    appointment = run(app, appointments.add, resident=resident, author=advisor, starts_at=utcnow() + timedelta(days=2),
                      place="Beboerhuset", with_whom="advisor", interpreter=None, needs=set(), idempotency_key="a" * 32)
    return {"barrier_id": barrier.id, "goal_id": goal.id, "step_id": step.id, "appointment_id": appointment.id}


AUDIO = Path(__file__).parent / "fixtures" / "audio"


def audio_bytes(name: str = "voice.webm") -> bytes:
    """Small real recordings made with ffmpeg: 3 s of Opus in WebM and Ogg, of AAC in MP4."""
    return (AUDIO / name).read_bytes()


def send_voice(app, resident: User, author: User, name: str = "voice.webm") -> int:
    """A voice message in the timeline, kept as the upload route keeps it; returns the entry's id."""
    from webapp.timeline import kinds, voice

    def go(session):
        data = audio_bytes(name)
        audio = voice.check(data, max_bytes=app.config["VOICE_MAX_BYTES"], max_seconds=120)
        key = voice.keep(resident.id, data, audio)
        entry = timeline.post_message(session, resident=resident, author=author, body=None, kind="voice",
                                      data=kinds.voice(key, seconds=audio.seconds, mimetype=audio.mimetype),
                                      idempotency_key=uuid.uuid4().hex)
        return entry.id

    return run(app, go)


def ask_for_contact(app, resident: User) -> int:
    """A very bad check-in with "I want someone to contact me", as the resident's home sends it."""
    from webapp.records import checkins

    def go(session):
        checkin, _replaced = checkins.check_in(session, resident=resident, mood=1, idempotency_key="k" * 32)
        checkins.add_words(session, resident=resident, checkin=checkin, words=None, wants_contact=True)
        from webapp.records import contact

        return contact.open_request(session, resident=resident).id

    return run(app, go)


def pair_client(app, client, username: str) -> None:
    """Make the test client a phone paired with this resident, as opening a QR link would."""
    from webapp.auth import pairing

    def go(session):
        resident = accounts.find_user(session, username)
        token = pairing.make_link(session, resident=resident, actor=None, sets_pin=False)
        link, _resident = pairing.open_link(session, token)
        return pairing.pair_phone(session, link=link, resident=resident, device="android_phone")

    client.set_cookie(app.config["DEVICE_COOKIE_NAME"], run(app, go))
    client.paired_with = username


def register_tablet(app, client, *, locale: str = "en") -> None:
    """Make the test client a community-house tablet."""
    from webapp.auth import pairing

    def go(session):
        coordinator = session.exec(select(User).where(User.role == Role.COORDINATOR)).first()
        return pairing.register_tablet(session, actor=coordinator, name="Reception", locale=locale)

    client.set_cookie(app.config["DEVICE_COOKIE_NAME"], run(app, go))
    client.on_tablet = True


def set_values(app, model, where, **values) -> None:
    def change(session):
        session.execute(update(model).where(where).values(**values))
        session.commit()

    run(app, change)


def make_area(app, name: str = "Skovparken", *, advisor: User | None = None) -> int:
    """A housing area, with the advisor who works there."""
    def go(session):
        area = HousingArea(name=name)
        session.add(area)
        session.commit()
        return area.id

    area_id = run(app, go)
    if advisor is not None:
        set_values(app, User, User.id == advisor.id, housing_area_id=area_id)
    return area_id


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def counted_queries(app):
    """The SQL statements the app sends while the block runs, without BEGIN/COMMIT and the like."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(statement)

    db_engine = app.extensions["db_engine"]
    event.listen(db_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db_engine, "before_cursor_execute", count)
