"""What an uploaded voice message is, from its bytes alone.

Only what every phone can play back is accepted: Opus in WebM (Chrome, Android) or Ogg (Firefox),
and AAC in MP4 (Safari, iPhone). The file's name and declared type are never believed: the container is
told by its first bytes, FFmpeg (PyAV) reads it with that container's demuxer alone, and decodes every
frame, which also gives the true duration (a recorder's WebM does not say how long it is). Ogg pages
are walked with mutagen, which notices a page cut short that FFmpeg passes over in silence.

A file of 2 MB can hold a day of silence in tiny packets, and decoding it takes more than a minute of
CPU. So the length is known before anything is decoded: from what the header says, then from the
packet headers alone, and decoding stops as soon as the limit is passed.

The web app runs this file as a script in a process of its own, under a CPU limit (timeline/voice.py):
the bytes come on stdin and the answer goes to stdout as JSON. It imports nothing from the app, so
the process starts with PyAV and mutagen alone.
"""

from __future__ import annotations

import io
import json
import resource
import sys
from dataclasses import asdict, dataclass

import av
import av.logging
from mutagen.ogg import OggPage

# FFmpeg's demuxer for each container we take → (codec it must hold, what we serve it as, file ending).
ACCEPTED = {
    "matroska": ("opus", "audio/webm", "webm"),
    "ogg": ("opus", "audio/ogg", "ogg"),
    "mp4": ("aac", "audio/mp4", "m4a"),
}
# How each of them starts: an EBML header (WebM is Matroska), an Ogg page of version 0, an MP4's first
# box "ftyp". Only that demuxer then reads the file: left to guess, FFmpeg would try every demuxer it has.
MAGIC = {"matroska": (0, b"\x1a\x45\xdf\xa3"), "ogg": (0, b"OggS\x00"), "mp4": (4, b"ftyp")}
# Frames a whole file may lack against the length its header states (a recorder's rounding).
SLACK_SECONDS = 0.25
# What headers count that the decoder then trims: Opus's pre-skip (6.5 ms from libopus, 80 ms at most
# by RFC 7845) and the padding of its last packet (120 ms at most); AAC's priming (2,112 samples,
# 48 ms at 44.1 kHz) and its last frame. A recording the decoder finds short enough is never
# refused by its headers.
UNDECODED_SECONDS = 0.25
# The least audio one packet can hold, so that a count of packets is a length too. Opus's shortest
# frame is 2.5 ms (RFC 6716); an AAC frame is 960 or 1,024 samples, at most 96 kHz: 10 ms. A recorder
# writes 20 to 60 ms of Opus and 21 to 23 ms of AAC per packet, so real files are counted at their
# true length, and a file of empty packets is refused after 48,000 of them (120 s) at the latest.
SHORTEST_PACKET_SECONDS = {"opus": 0.0025, "aac": 0.01}
# No floor on bytes per second, though: Chrome records silence in 250 B/s (8-byte packets of 60 ms),
# and Opus with DTX can go down to 17 B/s, as low as a bomb of 2-byte packets of 120 ms. The length
# counted from the packets refuses a bomb however few its bytes, and keeps a recording however silent.

# An Opus packet holds at most 120 ms; the decoder refuses one that says more (RFC 6716, 3.2.5).
LONGEST_OPUS_PACKET_SECONDS = 0.12
# Frame length in ms of each of the 32 configurations in an Opus packet's first byte (RFC 6716, 3.1):
# SILK 10/20/40/60 in three bandwidths, hybrid 10/20 in two, CELT 2.5/5/10/20 in four.
OPUS_FRAME_MS = [10, 20, 40, 60] * 3 + [10, 20] * 2 + [2.5, 5, 10, 20] * 4
# PyAV passes on nothing of FFmpeg's log unless asked; errors are what `check` reads.
av.logging.set_level(av.logging.ERROR)


class Refused(Exception):
    """Why a file is not kept: "empty", "too_large", "too_long", "not_audio", "damaged"; and, about the
    moment rather than the file (timeline/voice.py), "too_many", "busy" and "cannot_keep"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Audio:
    mimetype: str
    suffix: str
    seconds: float


def check(data: bytes, *, max_bytes: int, max_seconds: float) -> Audio:
    check_size(data, max_bytes=max_bytes)
    with av.logging.Capture(local=True) as logs:
        found = _measure(data, max_seconds + SLACK_SECONDS)
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
    return Audio(mimetype=mimetype, suffix=suffix, seconds=round(seconds, 1))


def check_size(data: bytes, *, max_bytes: int) -> None:
    if not data:
        raise Refused("empty")
    if len(data) > max_bytes:
        raise Refused("too_large")


def _measure(data: bytes, limit: float) -> tuple[str, float, float | None]:
    """(container, seconds decoded, seconds the header states or None); Refused("too_long") as soon
    as the header, the packets or the decoded frames pass `limit`."""
    name = container_of(data)
    try:
        with av.open(io.BytesIO(data), mode="r", format=name) as container:
            stream = _the_audio_stream(container, ACCEPTED[name][0])
            if _longest_claim(container, stream) > limit + UNDECODED_SECONDS:
                raise Refused("too_long")
            packets = _packets_within(container, stream, limit + UNDECODED_SECONDS)
            seconds = _decoded_seconds(packets, limit)
            declared = container.duration / av.time_base if container.duration else None
            return name, seconds, declared
    except av.FFmpegError as error:
        raise Refused(
            "not_audio" if isinstance(error, av.InvalidDataError) and not _looks_started(data, name) else "damaged"
        ) from error


def container_of(data: bytes) -> str:
    """The container the first bytes name, or Refused("not_audio"): FFmpeg never sees other bytes."""
    for name, (offset, magic) in MAGIC.items():
        if data[offset : offset + len(magic)] == magic:
            return name
    raise Refused("not_audio")


def _the_audio_stream(container, codec: str) -> av.audio.stream.AudioStream:
    if len(container.streams) != 1 or not container.streams.audio:
        raise Refused("not_audio")
    stream = container.streams.audio[0]
    if stream.codec_context.name != codec:
        raise Refused("not_audio")
    return stream


def _longest_claim(container, stream) -> float:
    """The longest length the file states for itself: the container's (for Ogg, its last granule
    position) or the stream's; 0 when it states none, as a recorder's WebM does."""
    claims = [0.0]
    if container.duration:
        claims.append(container.duration / av.time_base)
    if stream.duration and stream.time_base:
        claims.append(float(stream.duration * stream.time_base))
    return max(claims)


def _packets_within(container, stream, limit: float) -> list[av.Packet]:
    """Every packet, read without decoding; refused once their lengths add up to more than `limit`."""
    codec = stream.codec_context.name
    shortest = SHORTEST_PACKET_SECONDS[codec]
    packets, seconds = [], 0.0
    for packet in container.demux(stream):
        if packet.is_corrupt:
            raise Refused("damaged")
        seconds += max(_stated_seconds(packet, codec), shortest)
        if seconds > limit:
            raise Refused("too_long")
        packets.append(packet)
    return packets


def _stated_seconds(packet: av.Packet, codec: str) -> float:
    if codec == "opus":  # the packet's own first bytes, which the decoder obeys, not the container's word
        return _opus_packet_seconds(memoryview(packet))
    return float(packet.duration * packet.time_base) if packet.duration and packet.time_base else 0.0


def _opus_packet_seconds(payload: memoryview) -> float:
    if not payload:
        return 0.0
    toc = payload[0]
    code = toc & 0b11
    if code == 0:
        frames = 1
    elif code in (1, 2):
        frames = 2
    else:
        frames = payload[1] & 0b111111 if len(payload) > 1 else 0
    return min(frames * OPUS_FRAME_MS[toc >> 3] / 1000, LONGEST_OPUS_PACKET_SECONDS)


def _decoded_seconds(packets: list[av.Packet], limit: float) -> float:
    seconds = 0.0
    for packet in packets:
        for frame in packet.decode():
            seconds += frame.samples / frame.sample_rate
            if seconds > limit:
                raise Refused("too_long")
    return seconds


def _looks_started(data: bytes, name: str) -> bool:
    """Whether the container's start reads as one, so an error further on means a damaged file; bytes
    that only begin like one (the first bytes of a WebM before an MP4 file) are not audio."""
    try:
        with av.open(io.BytesIO(data[:4096]), mode="r", format=name):
            return True
    except av.FFmpegError:
        return False


def _walk_ogg_pages(data: bytes) -> None:
    stream = io.BytesIO(data)
    try:
        while stream.tell() < len(data):
            OggPage(stream)
    except Exception as error:  # mutagen's own error type for a page cut short
        raise Refused("damaged") from error


def answer(data: bytes, *, max_bytes: int, max_seconds: float) -> dict:
    """What the process writes back: the audio's description, or why it is refused."""
    try:
        return {"audio": asdict(check(data, max_bytes=max_bytes, max_seconds=max_seconds))}
    except Refused as refused:
        return {"refused": refused.reason}


def main(argv: list[str]) -> None:
    """python voice_check.py MAX_BYTES MAX_SECONDS CPU_SECONDS < recording > answer.json"""
    max_bytes, max_seconds, cpu_seconds = int(argv[0]), float(argv[1]), int(argv[2])
    # The soft limit sends SIGXCPU, which ends the process; the hard one a second later is SIGKILL.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    # SIGXCPU would also write a core file of the process: nobody reads it.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    data = sys.stdin.buffer.read()
    json.dump(answer(data, max_bytes=max_bytes, max_seconds=max_seconds), sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
