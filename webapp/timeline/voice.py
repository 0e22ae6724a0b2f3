"""Voice messages: what the server accepts, checked from the bytes, and where they are kept.

What a file is, is decided in timeline/voice_check.py. A file can be made to cost a minute of CPU
to check, so the web app runs that check in a fresh Python process of its own under a CPU limit
and a wall clock: no upload holds a thread longer than a few seconds, and nothing is forked from a
threaded worker (a fork of a threaded process can inherit a lock that no thread will release).
A process runs few checks at once, and a person sends few uploads a minute.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import threading
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import func
from sqlmodel import Session, select

from .. import audit
from ..db import writing
from ..models import AuditEvent, User, utcnow
from ..storage import CannotKeep, audio_store, key_for
from .voice_check import ACCEPTED, Audio, Refused, check, check_size

# What the bytes are is voice_check's, but views and tests know this module only.
__all__ = [
    "ACCEPTED",
    "Audio",
    "Refused",
    "check",
    "check_size",
    "check_slot",
    "check_apart",
    "note_attempt",
    "keep",
    "mimetype_of",
]

log = logging.getLogger(__name__)

SUFFIX_TYPES = {suffix: mimetype for _codec, mimetype, suffix in ACCEPTED.values()}
CHECKER = Path(__file__).with_name("voice_check.py")
# Wall-clock time the check may take beyond its CPU limit: starting Python and PyAV (0.2 s) and
# room for a busy machine. Only when the machine is too busy to give the check its CPU is this
# reached, so the answer is "busy", not a verdict on the file.
WALL_MARGIN_SECONDS = 2
# The process ends with these when it reaches its CPU limit (soft, then hard).
CPU_LIMIT_SIGNALS = (-signal.SIGXCPU, -signal.SIGKILL)
ATTEMPT = "voice_upload"
REASONS = ("empty", "too_large", "too_long", "not_audio", "damaged")
SLOTS = "voice_check_slots"


@contextmanager
def check_slot(app: Flask):
    """One of the VOICE_CHECKS_AT_ONCE checks this process may run, or Refused("busy") at once: an
    upload waiting for a check would hold a thread that pages need."""
    slots = app.extensions.get(SLOTS) or app.extensions.setdefault(
        SLOTS, threading.BoundedSemaphore(app.config["VOICE_CHECKS_AT_ONCE"])
    )
    if not slots.acquire(blocking=False):
        raise Refused("busy")
    try:
        yield
    finally:
        slots.release()


def check_apart(data: bytes, *, max_bytes: int, max_seconds: float, cpu_seconds: int) -> Audio:
    """`check`, in a process of its own that may use `cpu_seconds` of CPU.

    A check that reaches its CPU limit is refused as too long: a real recording of two minutes takes
    0.1 to 0.3 s to check (1 s in the extreme of 2.5 ms packets), and what takes more is more audio
    than a voice message holds (hours of it, or a sound in many channels). A shorter recording is what
    the sender can do about it.
    """
    command = [sys.executable, "-I", str(CHECKER), str(max_bytes), str(max_seconds), str(cpu_seconds)]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=cpu_seconds + WALL_MARGIN_SECONDS)
    except subprocess.TimeoutExpired:
        log.warning("voice check: no answer within %s s, refused as busy", cpu_seconds + WALL_MARGIN_SECONDS)
        raise Refused("busy") from None
    if done.returncode in CPU_LIMIT_SIGNALS:
        log.warning("voice check: CPU limit of %s s reached, refused as too long", cpu_seconds)
        raise Refused("too_long")
    if done.returncode != 0:
        # FFmpeg itself gave out on the file: whatever it is, it cannot be played.
        log.warning("voice check ended with %s: %s", done.returncode, done.stderr.decode(errors="replace")[-500:])
        raise Refused("damaged")
    return _read_answer(done.stdout)


def _read_answer(output: bytes) -> Audio:
    answer = json.loads(output)
    if "refused" in answer:
        raise Refused(answer["refused"] if answer["refused"] in REASONS else "damaged")
    return Audio(**answer["audio"])


def note_attempt(session: Session, *, author: User, resident: User, ip: str = "", device: str = "") -> int:
    """Record that `author` sends a voice message, and return how many they sent in the last minute,
    this one included. Recorded before the count, each in its own transaction, so uploads sent at
    the same moment count each other: the n-th to be recorded sees at least n."""
    with writing(session):
        audit.record(session, ATTEMPT, actor=author, subject=resident, ip=ip, device=device)
    return session.exec(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == ATTEMPT,
            AuditEvent.actor_id == author.id,
            AuditEvent.at > utcnow() - timedelta(minutes=1),
        )
    ).one()


def keep(resident_id: int, data: bytes, audio: Audio) -> str:
    """Store the checked file; returns its key. Refused("cannot_keep") when the store cannot (a full disk),
    before any entry is written."""
    key = key_for(resident_id, f"{uuid.uuid4().hex}.{audio.suffix}")
    try:
        audio_store().put(key, data)
    except CannotKeep as error:
        log.error("A voice message could not be kept: %s", error.__cause__ or error)
        raise Refused("cannot_keep") from error
    return key


def mimetype_of(key: str) -> str:
    return SUFFIX_TYPES[key.rsplit(".", 1)[-1]]
