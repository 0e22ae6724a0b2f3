"""Prometheus metrics, served at /metrics (health/views.py) to the addresses in METRICS_ALLOW only.

Labels are endpoint names, methods, statuses and short codes: never an id or an address with one in it.
Under gunicorn, PROMETHEUS_MULTIPROC_DIR names a folder where each worker keeps its counts, and /metrics
adds them up (gunicorn_conf.py forgets a worker that ended); without it, the process's own counts.
"""

from __future__ import annotations

import os
import time
from functools import cache
from ipaddress import ip_address, ip_network

from flask import Flask, current_app, g, request, request_finished, request_started
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from sqlalchemy import event as sqlalchemy_event

if _shared := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # A command run with the server's settings, before gunicorn first made the folder.
    os.makedirs(_shared, mode=0o700, exist_ok=True)

REQUESTS = Counter(
    "sammen_requests", "Requests answered, by endpoint, method and status.", ["endpoint", "method", "status"]
)
LATENCY = Histogram(
    "sammen_request_seconds",
    "Time taken to answer a request, by endpoint.",
    ["endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
POLLS = Counter("sammen_polls", "Timeline polls by status; a 204 found nothing new.", ["status"])
SIGN_IN_FAILURES = Counter("sammen_sign_in_failures", "Refused sign-ins and secret checks, by reason.", ["reason"])
LOCKOUTS = Counter("sammen_lockouts", "Resident accounts locked after wrong PINs.")
DATABASE_ERRORS = Counter(
    "sammen_database_errors",
    "Errors the database or its driver raised, by kind "
    "(OperationalError: the database could not be reached or refused the work).",
    ["kind"],
)

UNMATCHED = "unmatched"  # no route: its address is not a label, since it may hold anything


def count_event(name: str, fields: dict) -> None:
    """The operators' log events that are counted too (oplog.event)."""
    if name == "signin.failed":
        SIGN_IN_FAILURES.labels(str(fields.get("reason") or "invalid")).inc()
    elif name == "account.locked":
        LOCKOUTS.inc()


def _started(_app: Flask, **_extra) -> None:
    g.metrics_started = time.perf_counter()


def _finished(_app: Flask, response, **_extra) -> None:
    endpoint = request.endpoint or UNMATCHED
    status = str(response.status_code)
    REQUESTS.labels(endpoint, request.method, status).inc()
    if "metrics_started" in g:
        LATENCY.labels(endpoint).observe(time.perf_counter() - g.metrics_started)
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method == "GET" and getattr(view, "passive", False):
        POLLS.labels(status).inc()


def _database_error(context) -> None:
    if context.is_pre_ping:  # the pool finds a dead connection and tries a fresh one: not an error yet
        return
    error = context.sqlalchemy_exception or context.original_exception
    DATABASE_ERRORS.labels(type(error).__name__).inc()


@cache
def allowed_networks(text: str) -> tuple:
    """METRICS_ALLOW: addresses or networks, separated by commas."""
    return tuple(ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def may_read() -> bool:
    """The client's address (after ProxyFix) is allowed. A request that came through a proxy the app does not
    count (X-Forwarded-For with TRUSTED_PROXIES=0) is refused: its address is the proxy's, not the client's."""
    config = current_app.config
    if not config["TRUSTED_PROXIES"] and "X-Forwarded-For" in request.headers:
        return False
    try:
        client = ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(client in network for network in allowed_networks(config["METRICS_ALLOW"]))


def exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def init_app(app: Flask) -> None:
    request_started.connect(_started, app)
    request_finished.connect(_finished, app)
    sqlalchemy_event.listen(app.extensions["db_engine"], "handle_error", _database_error)
