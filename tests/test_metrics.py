"""/metrics for Prometheus: served to METRICS_ALLOW's addresses only, with no ids in its labels, and counting
requests, sign-in failures, lockouts, polls and database errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pytest
from prometheus_client import REGISTRY

from .conftest import make_app
from .factories import RESIDENT_PIN, write

HTMX = {"HX-Request": "true"}
METRICS = (
    "sammen_requests_total",
    "sammen_request_seconds_bucket",
    "sammen_polls_total",
    "sammen_sign_in_failures_total",
    "sammen_lockouts_total",
    "sammen_database_errors_total",
)


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_from_loopback_name_every_metric_and_set_no_cookie(client):
    response = client.get("/metrics")

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    for name in METRICS:
        assert f"# TYPE {name.removesuffix('_bucket')}" in text or f"\n{name}" in text, name
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("address", ["203.0.113.7", "10.0.0.5", "2001:db8::1"])
def test_metrics_from_another_address_is_not_found(client, address):
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": address}).status_code == 404


def test_metrics_come_through_an_uncounted_proxy_are_not_found(client):
    # TRUSTED_PROXIES=0: the loopback address may be a proxy's, with anyone behind it.
    assert client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 404


def test_metrics_allow_names_networks_after_the_proxy(database_url):
    app = make_app(database_url, METRICS_ALLOW="10.0.0.0/8, 192.0.2.1", TRUSTED_PROXIES=1)
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)
    client = app.test_client()
    assert client.get("/metrics", headers={"X-Forwarded-For": "10.20.30.40"}).status_code == 200
    assert client.get("/metrics", headers={"X-Forwarded-For": "192.0.2.1"}).status_code == 200
    assert client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 404
    assert client.get("/metrics", headers={"X-Forwarded-For": "192.0.2.2"}).status_code == 404
    app.extensions["db_engine"].dispose()


def test_requests_are_counted_by_endpoint_and_status_with_their_time(client):
    before = value("sammen_requests_total", endpoint="auth.login_staff", method="GET", status="200")
    timed = value("sammen_request_seconds_count", endpoint="auth.login_staff")

    client.get("/login/staff")
    client.get("/nowhere/42")

    assert value("sammen_requests_total", endpoint="auth.login_staff", method="GET", status="200") == before + 1
    assert value("sammen_request_seconds_count", endpoint="auth.login_staff") == timed + 1
    assert value("sammen_requests_total", endpoint="unmatched", method="GET", status="404") >= 1


def test_labels_hold_endpoint_names_never_addresses_or_ids(auth, accounts):
    resident = auth.client_for("resident1")
    resident.get(f"/residents/{accounts.resident1.id}/updates", query_string={"after": 10**6}, headers=HTMX)

    text = resident.get("/metrics").get_data(as_text=True)

    labels = re.findall(r'(\w+)="([^"]*)"', text)
    assert labels
    assert not [value for _name, value in labels if "/" in value and value != "+Inf"]
    assert ("endpoint", "timeline.updates") in labels


def test_sign_in_failures_and_lockouts_are_counted(auth, accounts):
    phone = auth.app.test_client()
    auth.sign_in(phone, "resident1", "0000")  # pairs the phone, then a wrong PIN
    failures = value("sammen_sign_in_failures_total", reason="invalid")
    lockouts = value("sammen_lockouts_total")

    for _ in range(4):
        phone.post("/login", data={"pin": "0000"})
    phone.post("/login", data={"pin": RESIDENT_PIN})  # locked: the right PIN is refused too

    assert value("sammen_sign_in_failures_total", reason="invalid") == failures + 3
    assert value("sammen_lockouts_total") == lockouts + 1
    assert value("sammen_sign_in_failures_total", reason="locked") >= 2


def test_polls_are_counted_by_status_so_the_share_of_204_can_be_read(app, auth, accounts):
    write(app, accounts.resident1, accounts.advisor1, "Hello")
    resident = auth.client_for("resident1")
    nothing_new = value("sammen_polls_total", status="204")
    something = value("sammen_polls_total", status="200")
    url = f"/residents/{accounts.resident1.id}/updates"

    resident.get(url, query_string={"after": 10**6}, headers=HTMX)
    resident.get(url, query_string={"after": 0}, headers=HTMX)

    assert value("sammen_polls_total", status="204") == nothing_new + 1
    assert value("sammen_polls_total", status="200") == something + 1


def test_database_errors_are_counted(app, client, monkeypatch):

    engine = app.extensions["db_engine"]
    engine.dispose()
    before = value("sammen_database_errors_total", kind="OperationalError")

    def refuse(*_args, **_kwargs):
        raise engine.dialect.dbapi.OperationalError("could not connect to the database")

    monkeypatch.setattr(engine.dialect, "connect", refuse)
    assert client.get("/login/staff").status_code == 503

    assert value("sammen_database_errors_total", kind="OperationalError") == before + 1


MULTIPROCESS = textwrap.dedent("""
    import os
    from types import SimpleNamespace
    from webapp import gunicorn_conf, metrics

    gunicorn_conf.on_starting(None)
    worker = os.fork()  # as gunicorn starts a worker, which counts a lockout and ends
    if worker == 0:
        metrics.LOCKOUTS.inc()
        os._exit(0)
    os.waitpid(worker, 0)
    gunicorn_conf.child_exit(None, SimpleNamespace(pid=worker))
    print(metrics.exposition().decode())
""")


def test_in_multiprocess_mode_metrics_add_up_the_workers_files(tmp_path):
    folder = tmp_path / "metrics"
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    folder.mkdir()
    (folder / "counter_99999.db").write_bytes(b"left from an earlier run")

    done = subprocess.run(
        [sys.executable, "-c", MULTIPROCESS],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=os.path.dirname(os.path.dirname(__file__)),
    )

    assert done.returncode == 0, done.stderr
    assert "sammen_lockouts_total 1.0" in done.stdout
    assert not (folder / "counter_99999.db").exists()
    assert list(folder.glob("counter_*.db"))


def test_the_readme_names_metrics_that_are_served(client):
    from .test_oplog import readme_paragraph

    named = set(re.findall(r"`(sammen_\w+)`", readme_paragraph("**Logs and metrics.**")))
    text = client.get("/metrics").get_data(as_text=True)
    assert len(named) == 6
    assert not [name for name in named if f"# TYPE {name.removesuffix('_total')}" not in text]
