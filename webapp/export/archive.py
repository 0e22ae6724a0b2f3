"""The ZIP, written while it is sent: the voice messages, data.json and export.html.

zipfile writes into `_Outbox`, a buffer it cannot seek in. So it puts each member's sizes and checksum
after the member's data (a data descriptor) instead of going back to fill them in, and the buffer is
handed on and emptied whenever it holds a chunk. Memory stays at a chunk, a page of rows and one
recording, however long the resident's history is.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from flask_babel import force_locale

from ..db import new_session
from ..i18n import language
from ..models import COPENHAGEN, EntryKind, User
from . import services
from .data import data_json
from .document import entry_text, html
from .services import Export, Summary

CHUNK = 64 * 1024
DOCUMENT, DATA = "export.html", "data.json"


class _Outbox:
    """Write-only, without tell or seek: what zipfile writes waits here until it is sent."""

    def __init__(self):
        self._parts: list[bytes] = []
        self.size = 0

    def write(self, data) -> int:
        if data:
            self._parts.append(bytes(data))
            self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        self.size = 0
        return data


@dataclass(frozen=True)
class Member:
    name: str
    at: datetime
    parts: Iterable[str | bytes]


def zipped(members: Iterable[Member]) -> Iterator[bytes]:
    """The ZIP of `members`, in chunks of about CHUNK bytes; each member is read as it is written."""
    outbox = _Outbox()
    with zipfile.ZipFile(outbox, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member in members:
            with archive.open(_info(member), "w") as out:
                for piece in _pieces(member.parts):
                    out.write(piece)
                    if outbox.size >= CHUNK:
                        yield outbox.take()
    yield outbox.take()  # the end of the last member and the directory


def _info(member: Member) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(member.name, date_time=member.at.astimezone(COPENHAGEN).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16  # an ordinary readable file once unpacked
    return info


def _pieces(parts: Iterable[str | bytes]) -> Iterator[bytes]:
    """Text joined, and bytes cut, into pieces of about CHUNK: zipfile is called per piece, not per word."""
    waiting: list[str] = []
    size = 0
    for part in parts:
        if isinstance(part, str):
            waiting.append(part)
            size += len(part)
            if size < CHUNK:
                continue
        if waiting:
            yield "".join(waiting).encode()
            waiting, size = [], 0
        if isinstance(part, bytes):
            view = memoryview(part)
            for start in range(0, len(view), CHUNK):
                yield view[start : start + CHUNK]
    if waiting:
        yield "".join(waiting).encode()


def stream(app: Flask, *, resident_id: int, made_at: datetime) -> Iterator[bytes]:
    """Everything kept about the resident, as a ZIP in chunks, in the resident's language.

    It runs in an application context of its own, pushed only while a chunk is made, with a database
    session of its own: nothing of the request stays open while a slow phone downloads, and a download
    dropped half-way is closed cleanly whenever it is let go. (`stream_with_context` would keep the
    request's context pushed; let go during a later request, it resets that request's context.)
    """
    context = app.app_context()
    chunks = None
    try:
        while True:
            with context:
                chunks = chunks or _archive(resident_id, made_at)
                chunk = next(chunks, None)
            if chunk is None:
                return
            yield chunk
    finally:
        if chunks is not None:
            with context:
                chunks.close()


def _archive(resident_id: int, made_at: datetime) -> Iterator[bytes]:
    with new_session() as session:
        resident = session.get(User, resident_id)
        if resident is None:  # erased since the export was asked for
            return
        with force_locale(language(resident.locale).code):
            export = Export.of(session, resident, made_at)
            yield from zipped(_members(export, export.summary()))


def _members(export: Export, summary: Summary) -> Iterator[Member]:
    # The recordings go first: one no longer kept is then left out of data.json and the page as well.
    missing: set[int] = set()

    def voice_file(entry) -> str | None:
        return None if entry.id in missing else services.voice_file(entry)

    for entry in export.entries(EntryKind.VOICE):
        recording = services.voice_bytes(entry)
        if recording is None:
            missing.add(entry.id)
            continue
        yield Member(services.voice_file(entry), entry.created_at, (recording,))
    yield Member(DATA, export.made_at, data_json(export, summary, entry_text(export, summary, voice_file), voice_file))
    yield Member(DOCUMENT, export.made_at, html(export, summary, voice_file))
