"""Voice bombs against the app as `make run` serves it, while an advisor opens the caseload: `make bench-voice`.

gunicorn with 2 workers of 4 threads on the demo data (SQLite, in a temporary folder). Four residents
sign in on their paired "phones" (links from `flask pair-link`), advisor1 with the password. The
caseload (/advisor/) is opened every 100 ms: first with nothing else going on, then while 8 voice
bombs (2 MB of Ogg or WebM that hold 22 and 9 hours of silence, two per resident so that the limit
of 6 uploads a minute lets each through to the check) are sent at once, then while 8 of the costliest
recordings the app accepts (2 minutes of Opus in 2.5 ms packets, about a second of CPU each to check)
are. Prints the caseload's median and slowest answer in each case, beside each other, and how long
each upload took to be answered.

Figures, not assertions: nothing here fails on a slow machine. The target is a caseload delayed by at
most a second.
"""

from __future__ import annotations

import http.cookiejar
import io
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the test suite's voice bombs
from tests.factories import ogg_voice_bomb, webm_voice_bomb  # noqa: E402

from .serving import free_port, wait_until_listening  # noqa: E402

BIN = Path(sys.executable).parent
RESIDENTS = ("resident1", "resident2", "resident3", "resident4")
PIN = "4827"
STAFF_PASSWORD = "demo-pass-2026"
UPLOADS = 8
POLL_EVERY = 0.1
QUIET_SECONDS = 5


def log(message: str) -> None:
    print(message, flush=True)


# --- The server, as `make run` starts it -------------------------------------------------------


def flask(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [str(BIN / "flask"), "--app", "webapp", *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


@contextmanager
def served_demo(folder: Path):
    """`make run` on a fresh SQLite database in `folder`: yields the address and the pairing links."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite3'}",
        "SECRET_KEY": "bench-voice",
        "SECRET_PEPPER": "bench-voice",
        "AUDIO_DIR": str(folder / "audio"),
        "PORT": str(port),
        "STAFF_SECOND_FACTOR": "off",
    }  # as `make run` sets it
    flask(env, "db", "upgrade")
    flask(env, "demo", "load")
    links = dict(re.findall(r"(\S+)\s+(http\S+)", flask(env, "pair-link", *RESIDENTS)))
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            "python:webapp.gunicorn_conf",
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "webapp:create_app()",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_until_listening(port)
        yield f"http://127.0.0.1:{port}", links
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


# --- Browsers ------------------------------------------------------------------------------------


class Browser:
    """Cookies, and the CSRF token of the last page, over plain HTTP."""

    def __init__(self, address: str):
        self.address = address
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.headers = {"Accept-Language": "en"}

    def get(self, url: str) -> tuple[int, str]:
        return self._send(urllib.request.Request(self._absolute(url), headers=self.headers))

    def post(self, url: str, fields: dict[str, str], files: dict[str, tuple[str, str, bytes]] | None = None):
        body, content_type = multipart(fields, files or {})
        request = urllib.request.Request(
            self._absolute(url), data=body, method="POST", headers={**self.headers, "Content-Type": content_type}
        )
        return self._send(request)

    def csrf(self, html: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    def _absolute(self, url: str) -> str:
        return url if url.startswith("http") else self.address + url

    def _send(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def multipart(fields: dict[str, str], files: dict[str, tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, mimetype, data) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {mimetype}\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def resident_phone(address: str, link: str) -> tuple[Browser, str]:
    """A phone paired with the link and signed in with the PIN; with the address voice messages go to."""
    phone = Browser(address)
    _status, page = phone.get(link)
    _status, login = phone.post(link, {"csrf_token": phone.csrf(page)})
    _status, home = phone.post("/login", {"csrf_token": phone.csrf(login), "pin": PIN})
    return phone, re.search(r'action="(/residents/\d+/voice)"', home).group(1)


def advisor_laptop(address: str) -> Browser:
    laptop = Browser(address)
    _status, page = laptop.get("/login/staff")
    status, _home = laptop.post(
        "/login/staff", {"csrf_token": laptop.csrf(page), "username": "advisor1", "password": STAFF_PASSWORD}
    )
    assert status == 200, status
    return laptop


# --- What is sent --------------------------------------------------------------------------------


def bombs() -> list[tuple[str, bytes]]:
    return [("voice.ogg", ogg_voice_bomb()) if n % 2 else ("voice.webm", webm_voice_bomb()) for n in range(UPLOADS)]


def costliest_recordings() -> list[tuple[str, bytes]]:
    """Two minutes of Opus in 2.5 ms packets, the shortest there are: the most packets an accepted
    file can have, so the most work to check."""
    import av

    out = io.BytesIO()
    with av.open(out, "w", format="webm") as container:
        stream = container.add_stream("libopus", rate=48000)
        stream.layout, stream.bit_rate = "mono", 32000
        stream.codec_context.options = {"frame_duration": "2.5"}
        for start in range(0, 120 * 48000, 960):
            frame = av.AudioFrame(format="s16", layout="mono", samples=960)
            frame.planes[0].update(bytes(1920))
            frame.sample_rate, frame.pts = 48000, start
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return [("voice.webm", out.getvalue())] * UPLOADS


# --- Measuring -----------------------------------------------------------------------------------


def poll_caseload(laptop: Browser, stop: threading.Event) -> list[float]:
    """The caseload's answer times, one request every 100 ms (or as soon as the last one came back)."""
    times = []
    while not stop.is_set():
        started = time.perf_counter()
        status, _page = laptop.get("/advisor/")
        assert status == 200, status
        times.append(time.perf_counter() - started)
        stop.wait(max(0.0, POLL_EVERY - times[-1]))
    return times


def while_polling(laptop: Browser, work) -> tuple[list[float], object]:
    stop = threading.Event()
    found: list[list[float]] = []
    poller = threading.Thread(target=lambda: found.append(poll_caseload(laptop, stop)))
    poller.start()
    time.sleep(0.5)  # a few answers before the load starts
    try:
        result = work()
        time.sleep(0.5)
    finally:
        stop.set()
        poller.join()
    return found[0], result


def send_at_once(phones: list[tuple[Browser, str]], files: list[tuple[str, bytes]]) -> list[tuple[int, float]]:
    """Each file from a phone in turn, all at the same moment: (status, seconds to the answer) each."""
    start = threading.Barrier(len(files))
    answers: list[tuple[int, float]] = [(0, 0.0)] * len(files)

    def send(n: int) -> None:
        phone, path = phones[n % len(phones)]
        _status, page = phone.get("/me/")
        name, data = files[n]
        fields = {"csrf_token": phone.csrf(page), "idempotency_key": uuid.uuid4().hex}
        start.wait()
        started = time.perf_counter()
        status, _body = phone.post(path, fields, {"audio": (name, f"audio/{name.rsplit('.', 1)[1]}", data)})
        answers[n] = (status, time.perf_counter() - started)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(files))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def main() -> None:
    loads = {"8 voice bombs": bombs(), "8 two-minute recordings, 2.5 ms packets": costliest_recordings()}
    with tempfile.TemporaryDirectory() as folder, served_demo(Path(folder)) as (address, links):
        phones = [resident_phone(address, links[username]) for username in RESIDENTS]
        laptop = advisor_laptop(address)
        quiet, _ = while_polling(laptop, lambda: time.sleep(QUIET_SECONDS))
        runs = {
            label: while_polling(laptop, lambda files=files: send_at_once(phones, files))
            for label, files in loads.items()
        }

    log(
        f"gunicorn --workers 2 --threads 4, SQLite, demo data; the caseload (/advisor/) every {ms(POLL_EVERY)}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end"
    )
    log("| caseload | requests | median | slowest |")
    log("|---|---:|---:|---:|")
    log(f"| alone | {len(quiet)} | {ms(statistics.median(quiet))} | {ms(max(quiet))} |")
    for label, (times, _answers) in runs.items():
        log(f"| during {label} | {len(times)} | {ms(statistics.median(times))} | {ms(max(times))} |")
    for label, (_times, answers) in runs.items():
        log(f"{label}: answers " + ", ".join(f"{status} in {ms(seconds)}" for status, seconds in answers))


if __name__ == "__main__":
    main()
