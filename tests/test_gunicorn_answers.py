"""Every answer carries the page protections, gunicorn's own answers included."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.serving import free_port, wait_until_listening

from .conftest import migrate

PROTECTED = ("Content-Security-Policy", "X-Content-Type-Options", "Cache-Control")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app under gunicorn with the settings `make run` and the README use."""
    folder = tmp_path_factory.mktemp("gunicorn")
    url = f"sqlite:///{folder / 'app.sqlite3'}"
    migrate(url)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "k", "SECRET_PEPPER": "p"}
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [
            str(gunicorn),
            "-c",
            "python:webapp.gunicorn_conf",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "webapp:create_app()",
        ],
        env=env,
        cwd=folder,
    )
    wait_until_listening(port)
    yield port
    process.terminate()
    process.wait(timeout=10)


def get(port: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Accept-Language": "da"})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


@pytest.mark.parametrize("length", [5000, 9000])
def test_an_over_long_address_is_refused_with_the_page_protections(served, length):
    response = get(served, "/login?q=" + "a" * length)

    assert response.status == 414
    assert all(response.getheader(name) for name in PROTECTED), response.getheaders()
    assert "frame-ancestors 'none'" in response.getheader("Content-Security-Policy")
    assert response.getheader("Cache-Control") == "no-store"


def test_the_app_itself_refuses_an_address_gunicorn_still_reads_in_the_readers_language(served):
    response = get(served, "/login?q=" + "a" * 5000)

    assert '<html lang="da"' in response.body.decode()


def test_an_unreadable_request_is_refused_with_the_page_protections(served):
    with socket.create_connection(("127.0.0.1", served), timeout=10) as raw:
        raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
        answer = raw.recv(65536).decode("latin-1")

    assert answer.startswith("HTTP/1.1 400")
    assert "Content-Security-Policy:" in answer and "X-Content-Type-Options: nosniff" in answer
