"""Plain functions that make what a test needs."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask_babel import force_locale
from sqlalchemy import event, update
from sqlmodel import Session, select

from webapp.auth import services as accounts
from webapp.db import new_session, reread, writing
from webapp.models import HousingArea, Role, User, utcnow
from webapp.records import appointments, barriers, goals
from webapp.signup import consent
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
    partner1: User  # the partnership: counts only


def make_user(
    session: Session,
    username: str,
    role: Role,
    *,
    advisor: User | None = None,
    locale: str = "en",
    secret: str | None = None,
    display_name: str | None = None,
) -> User:
    if secret is None:
        secret = RESIDENT_PIN if role == Role.RESIDENT else STAFF_PASSWORD
    user = accounts.create_user(
        session,
        username=username,
        display_name=display_name or username.capitalize(),
        role=role,
        secret=secret,
        locale=locale,
        advisor_id=advisor.id if advisor else None,
    )
    if role == Role.RESIDENT:  # as a sign-up leaves them: agreed to the consent of today, in their language
        with writing(session), force_locale(locale):
            consent.record_agreement(session, resident=user, locale=locale, at=utcnow())
        user = reread(session, User, user.id)
    return user


def make_accounts(app) -> Accounts:
    with app.app_context(), new_session() as session:
        # Everyone reads English here so tests can assert the source strings;
        # test_i18n covers the other languages.
        coordinator = make_user(session, "coordinator", Role.COORDINATOR, display_name="Karin")
        advisor1 = make_user(session, "advisor1", Role.ADVISOR, display_name="Mette")
        advisor2 = make_user(session, "advisor2", Role.ADVISOR, display_name="Jonas")
        volunteer1 = make_user(session, "volunteer1", Role.VOLUNTEER, display_name="Amina")
        resident1 = make_user(session, "resident1", Role.RESIDENT, advisor=advisor1, display_name="فاطمة")
        resident2 = make_user(session, "resident2", Role.RESIDENT, advisor=advisor1, display_name="مریم")
        resident3 = make_user(session, "resident3", Role.RESIDENT, advisor=advisor2, display_name="Grace")
        partner1 = make_user(session, "partner1", Role.PARTNER, display_name="Lone")
        return Accounts(coordinator, advisor1, advisor2, volunteer1, resident1, resident2, resident3, partner1)


def write(app, resident: User, author: User, body: str, key: str | None = None):
    import uuid

    with app.app_context(), new_session() as session:
        return timeline.post_message(
            session, resident=resident, author=author, body=body, idempotency_key=key or uuid.uuid4().hex
        )


def run(app, fn, **kwargs):
    """Call a service with a session of its own, as a request would."""
    with app.app_context(), new_session() as session:
        return fn(session, **kwargs)


def rows(app, model, *where):
    from sqlmodel import select

    return run(app, lambda session: list(session.exec(select(model).where(*where)).all()))


def records_of(app, resident, advisor) -> dict:
    """One of each record, for the routes that name one."""
    barrier = run(app, barriers.add, resident=resident, key="transport", words=None, idempotency_key="b" * 32).barrier
    goal = run(
        app,
        goals.add,
        resident=resident,
        author=resident,
        kind="job",
        words=None,
        hours=None,
        month=None,
        idempotency_key="g" * 32,
    )
    step = run(app, goals.add_step, resident=resident, goal=goal, author=resident, text="CV", idempotency_key="s" * 32)
    appointment = run(
        app,
        appointments.add,
        resident=resident,
        author=advisor,
        starts_at=utcnow() + timedelta(days=2),
        place="Beboerhuset",
        with_whom="advisor",
        interpreter=None,
        needs=set(),
        idempotency_key="a" * 32,
    )
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
        entry = timeline.post_message(
            session,
            resident=resident,
            author=author,
            body=None,
            kind="voice",
            data=kinds.voice(key, seconds=audio.seconds, mimetype=audio.mimetype),
            idempotency_key=uuid.uuid4().hex,
        )
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
    """Make the test client a phone the resident paired before the test begins (pairing itself, with
    its audit and timeline lines, is tested through the QR link in test_pairing and test_takeover)."""
    import secrets

    from webapp.auth import pairing
    from webapp.models import TrustedDevice

    token = secrets.token_urlsafe(32)

    def go(session):
        with writing(session):  # one write transaction from the start: parallel test processes share SQLite
            resident = accounts.find_user(session, username)
            session.add(
                TrustedDevice(
                    kind=pairing.PHONE,
                    resident_id=resident.id,
                    token_hash=pairing.token_hash(token),
                    device="android_phone",
                )
            )

    run(app, go)
    client.set_cookie(app.config["DEVICE_COOKIE_NAME"], token)
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

    for engine in engines_of(app):
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        for engine in engines_of(app):
            event.remove(engine, "before_cursor_execute", count)


def engines_of(app) -> tuple:
    """The requests' engine, and the one the poll that finds nothing new reads with (timeline/poll.py)."""
    return app.extensions["db_engine"], app.extensions["db_autocommit"]


# Voice bombs: valid Opus files of about 2 MB that hold hours of silence, made here rather than kept
# as fixtures. Every packet is 2 bytes that decode to 120 ms: a TOC byte for 60 ms SILK frames with
# a frame count (code 3), then a count of 2 frames of 0 bytes each.
SILENT_OPUS_PACKET = bytes([(3 << 3) | 3, 2])
SILENT_PACKET_SAMPLES = 5760  # 120 ms at 48 kHz
BOMB_BYTES = 2 * 1024 * 1024 - 1024  # under VOICE_MAX_BYTES, so only its length can refuse it


def opus_head() -> bytes:
    """RFC 7845's identification header: version 1, mono, pre-skip 312, 48 kHz, no gain, mapping 0."""
    import struct

    return b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)


def ogg_voice_bomb(*, stated_seconds: float | None = None, size: int = BOMB_BYTES) -> bytes:
    """Pages of 255 silent packets (30.6 s each) up to `size`: 22 hours in 2 MB. With `stated_seconds`,
    the granule positions, which FFmpeg reads as the length, say that instead."""
    import struct

    tags = b"OpusTags" + struct.pack("<I", 0) + struct.pack("<I", 0)  # no vendor, no comments
    pages = [_ogg_page([opus_head()], granule=0, sequence=0, flags=2), _ogg_page([tags], granule=0, sequence=1)]
    body = [SILENT_OPUS_PACKET] * 255
    count = (size - sum(map(len, pages))) // (27 + 255 * (1 + len(SILENT_OPUS_PACKET)))
    for n in range(count):
        granule = (
            (n + 1) * 255 * SILENT_PACKET_SAMPLES
            if stated_seconds is None
            else round(stated_seconds * 48000 * (n + 1) / count)
        )
        pages.append(_ogg_page(body, granule=granule, sequence=n + 2, flags=4 if n == count - 1 else 0))
    return b"".join(pages)


def _ogg_page(packets: list[bytes], *, granule: int, sequence: int, flags: int = 0) -> bytes:
    import struct

    lacing = bytes(len(packet) for packet in packets)  # every packet under 255 bytes: one value each
    page = (
        b"OggS" + struct.pack("<BBqIIIB", 0, flags, granule, 1, sequence, 0, len(lacing)) + lacing + b"".join(packets)
    )
    return page[:22] + struct.pack("<I", _ogg_crc(page)) + page[26:]


_REVERSED_BITS = bytes(int(f"{byte:08b}"[::-1], 2) for byte in range(256))


def _ogg_crc(data: bytes) -> int:
    """Ogg's CRC-32 (polynomial 0x04C11DB7, most significant bit first, no inversions) from zlib's,
    which runs the same polynomial least significant bit first: on the bytes' bits reversed, with
    zlib's inversions undone, and read back reversed. In C, so 2 MB take milliseconds."""
    import zlib

    register = zlib.crc32(data.translate(_REVERSED_BITS), 0xFFFFFFFF) ^ 0xFFFFFFFF
    return int(f"{register:032b}"[::-1], 2)


def webm_voice_bomb(*, stated_seconds: float | None = None, size: int = BOMB_BYTES) -> bytes:
    """The same packets in WebM as a browser's recorder writes it: a segment of unknown size and no
    Duration, clusters of 30 s; 8.7 hours in 2 MB. With `stated_seconds`, a Duration that says that."""
    import struct

    header = _ebml(0x1A45DFA3, _ebml(0x4282, b"webm") + _ebml(0x4287, b"\x04") + _ebml(0x4285, b"\x02"))
    info = _ebml(0x2AD7B1, (1_000_000).to_bytes(3, "big"))  # timestamps in milliseconds
    if stated_seconds is not None:
        info += _ebml(0x4489, struct.pack(">d", stated_seconds * 1000))
    audio = _ebml(0xB5, struct.pack(">d", 48000.0)) + _ebml(0x9F, b"\x01")
    track = (
        _ebml(0xD7, b"\x01")
        + _ebml(0x73C5, b"\x01")
        + _ebml(0x83, b"\x02")
        + _ebml(0x86, b"A_OPUS")
        + _ebml(0x63A2, opus_head())
        + _ebml(0xE1, audio)
    )
    segment_of_unknown_size = bytes.fromhex("18538067 01ffffffffffffff")
    out = [header, segment_of_unknown_size, _ebml(0x1549A966, info), _ebml(0x1654AE6B, _ebml(0xAE, track))]
    packet_ms, per_cluster = 120, 250
    # SimpleBlock: track 1, time from the cluster's start, keyframe flag, the packet.
    blocks = b"".join(
        _ebml(0xA3, b"\x81" + struct.pack(">hB", n * packet_ms, 0x80) + SILENT_OPUS_PACKET) for n in range(per_cluster)
    )
    written, start = sum(map(len, out)), 0
    while written + len(blocks) + 32 <= size:
        cluster = _ebml(0x1F43B675, _ebml(0xE7, start.to_bytes(4, "big")) + blocks)
        out.append(cluster)
        written += len(cluster)
        start += per_cluster * packet_ms
    return b"".join(out)


def _ebml(element_id: int, payload: bytes) -> bytes:
    """One Matroska element: its id, its size as a variable-length number, its payload."""
    size = bytes([0x80 | len(payload)]) if len(payload) < 127 else (len(payload) | 1 << 56).to_bytes(8, "big")
    return element_id.to_bytes((element_id.bit_length() + 7) // 8, "big") + size + payload


def make_staff_with_link(
    app,
    username: str = "birgitte.lund",
    display_name: str = "Birgitte Lund",
    *,
    role: Role = Role.ADVISOR,
    locale: str = "en",
) -> tuple[User, str]:
    """A staff account as the coordinator makes it: no password yet, and the token of its password link."""
    from webapp.coordinator import services as coordinator

    def go(session):
        actor = session.exec(select(User).where(User.role == Role.COORDINATOR)).first()
        return coordinator.create_staff(
            session, actor=actor, username=username, display_name=display_name, role=role, locale=locale
        )

    return run(app, go)
