"""Under gunicorn as the README runs it: the access log holds no query string and no one-time link's token and
ends with the request id, the app's log is JSON on stderr, and /metrics adds up the workers' counts."""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from benchmarks.serving import free_port, wait_until_listening

from .conftest import migrate

TOKEN = "kT3-secret-pairing-token"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gunicorn-logs")
    url = f"sqlite:///{folder / 'app.sqlite3'}"
    migrate(url)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "k", "SECRET_PEPPER": "p", "SAMMEN_DATA": str(folder)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # gunicorn_conf chooses metrics/ in SAMMEN_DATA, as the README says
    access, errors = folder / "access.log", folder / "stderr.log"
    gunicorn = Path(sys.executable).parent / "gunicorn"
    with errors.open("w") as stderr:
        process = subprocess.Popen(
            [
                str(gunicorn),
                "-c",
                "python:webapp.gunicorn_conf",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                str(access),
                "webapp:create_app()",
            ],
            env=env,
            cwd=folder,
            stderr=stderr,
        )
        wait_until_listening(port)
        yield port, access, errors
        process.terminate()
        process.wait(timeout=10)


def get(port: int, path: str, **headers) -> http.client.HTTPResponse:
    return send(port, "GET", path, headers=headers)


def send(port: int, method: str, path: str, body: str | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def logged(path: Path, wanted: str) -> list[str]:
    """The lines holding `wanted`, once gunicorn has written them."""
    for _ in range(50):
        found = [line for line in path.read_text().splitlines() if wanted in line]
        if found:
            return found
        time.sleep(0.1)
    return []


def test_the_access_log_leaves_out_query_strings_and_tokens_and_ends_with_the_request_id(served):
    port, access, _errors = served
    login = get(port, "/login/staff?next=/residents/4711/goals")
    pairing = get(port, f"/pair/{TOKEN}")

    (line,) = logged(access, login.getheader("X-Request-Id"))
    assert '"GET /login/staff HTTP/1.1" 200' in line and "4711" not in line and "next=" not in line
    assert re.search(r" \d+ms [0-9a-f]{12}$", line)
    (line,) = logged(access, pairing.getheader("X-Request-Id"))
    assert '"GET /pair/… HTTP/1.1"' in line and TOKEN not in access.read_text()


def test_the_apps_log_is_json_on_stderr_with_the_request_id(served):
    port, _access, errors = served
    page = get(port, "/login/staff")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.body.decode()).group(1)
    cookie = page.getheader("Set-Cookie").split(";")[0]
    refused = send(
        port,
        "POST",
        "/login/staff",
        body=urlencode({"csrf_token": token, "username": "nobody", "password": "not the password at all"}),
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert refused.status == 422

    (line,) = logged(errors, refused.getheader("X-Request-Id"))
    told = json.loads(line)
    assert (told["event"], told["reason"], told["level"]) == ("signin.failed", "invalid", "INFO")
    assert "nobody" not in errors.read_text()


def test_metrics_under_gunicorn_add_up_every_workers_requests(served):
    port, _access, errors = served
    for _ in range(10):
        get(port, "/healthz")
    text = get(port, "/metrics").body.decode()
    (count,) = re.findall(r'sammen_requests_total\{endpoint="health.live",method="GET",status="200"\} (\S+)', text)
    assert float(count) >= 10
    assert list((errors.parent / "metrics").glob("*.db"))  # the workers' counts, in SAMMEN_DATA
