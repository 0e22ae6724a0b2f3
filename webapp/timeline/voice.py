"""Voice messages: what the server accepts, checked from the bytes, and where they are kept.

Only what every phone can play back is accepted: Opus in WebM (Chrome, Android) or Ogg (Firefox),
and AAC in MP4 (Safari, iPhone). The file's name and declared type are never believed: FFmpeg (PyAV)
finds the container from the bytes and decodes every frame, which also gives the true duration
(a recorder's WebM does not say how long it is). Ogg pages are walked with mutagen, which notices a
page cut short that FFmpeg passes over in silence.
"""
from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

import av
import av.logging
from mutagen.ogg import OggPage

from ..storage import audio_store, key_for

# FFmpeg's name for each container we take → (codec it must hold, what we serve it as, file ending).
ACCEPTED = {
    "matroska,webm": ("opus", "audio/webm", "webm"),
    "ogg": ("opus", "audio/ogg", "ogg"),
    "mov,mp4,m4a,3gp,3g2,mj2": ("aac", "audio/mp4", "m4a"),
}
SUFFIX_TYPES = {suffix: mimetype for _codec, mimetype, suffix in ACCEPTED.values()}
# Frames a whole file may lack against the length its header states (a recorder's rounding).
SLACK_SECONDS = 0.25
# PyAV passes on nothing of FFmpeg's log unless asked; errors are what `check` reads.
av.logging.set_level(av.logging.ERROR)


class Refused(Exception):
    """Why a file is not kept: "empty", "too_large", "too_long", "not_audio", "damaged"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Audio:
    mimetype: str
    suffix: str
    seconds: float


def check(data: bytes, *, max_bytes: int, max_seconds: float) -> Audio:
    if not data:
        raise Refused("empty")
    if len(data) > max_bytes:
        raise Refused("too_large")
    with av.logging.Capture(local=True) as logs:
        found = _decode(data)
    # FFmpeg says so, without raising, when a file ends in the middle of a frame.
    if any(level <= av.logging.ERROR for level, _name, _text in logs):
        raise Refused("damaged")
    container, seconds, declared = found
    _codec, mimetype, suffix = ACCEPTED[container]
    if container == "ogg":
        _walk_ogg_pages(data)
    if seconds <= 0:
        raise Refused("empty")
    if declared is not None and seconds < declared - SLACK_SECONDS:
        raise Refused("damaged")  # cut short: fewer frames than the header promises
    if seconds > max_seconds + SLACK_SECONDS:
        raise Refused("too_long")
    return Audio(mimetype=mimetype, suffix=suffix, seconds=round(seconds, 1))


def _decode(data: bytes) -> tuple[str, float, float | None]:
    """(container, seconds decoded, seconds the header states or None)."""
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            name = container.format.name
            if name not in ACCEPTED or len(container.streams) != 1 or not container.streams.audio:
                raise Refused("not_audio")
            stream = container.streams.audio[0]
            if stream.codec_context.name != ACCEPTED[name][0]:
                raise Refused("not_audio")
            seconds = 0.0
            for packet in container.demux(stream):
                if packet.is_corrupt:
                    raise Refused("damaged")
                for frame in packet.decode():
                    seconds += frame.samples / frame.sample_rate
            declared = container.duration / av.time_base if container.duration else None
            return name, seconds, declared
    except av.FFmpegError as error:
        raise Refused("not_audio" if isinstance(error, av.InvalidDataError) and not _looks_started(data)
                      else "damaged") from error


def _looks_started(data: bytes) -> bool:
    """Whether FFmpeg recognised a container at all, so an error inside it means a damaged file."""
    try:
        with av.open(io.BytesIO(data[:4096]), mode="r") as container:
            return container.format.name in ACCEPTED
    except av.FFmpegError:
        return False


def _walk_ogg_pages(data: bytes) -> None:
    stream = io.BytesIO(data)
    try:
        while stream.tell() < len(data):
            OggPage(stream)
    except Exception as error:  # mutagen's own error type for a page cut short
        raise Refused("damaged") from error


def keep(resident_id: int, data: bytes, audio: Audio) -> str:
    """Store the checked file; returns its key."""
    key = key_for(resident_id, f"{uuid.uuid4().hex}.{audio.suffix}")
    audio_store().put(key, data)
    return key


def mimetype_of(key: str) -> str:
    return SUFFIX_TYPES[key.rsplit(".", 1)[-1]]
