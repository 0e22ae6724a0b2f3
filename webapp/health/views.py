from __future__ import annotations

from flask import Blueprint, Response, abort
from prometheus_client import CONTENT_TYPE_LATEST

from .. import metrics
from ..db import get_session
from ..storage import audio_store
from . import checks

bp = Blueprint("health", __name__)

PLAIN = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/healthz")
def live():
    """The process answers; nothing else is touched."""
    return Response("ok\n", 200, PLAIN)


@bp.get("/readyz")
def ready():
    """503 with the failing check's name (database, audio), for a load balancer or a monitor."""
    failed = checks.failing(get_session(), audio_store())
    if failed:
        return Response(f"not ready: {failed}\n", 503, {**PLAIN, "Retry-After": "30"})
    return Response(f"ready: migrations at {checks.migration_head()}\n", 200, PLAIN)


@bp.get("/metrics")
def prometheus():
    """For Prometheus, from the addresses in METRICS_ALLOW; to anyone else there is no such page."""
    if not metrics.may_read():
        abort(404)
    return Response(metrics.exposition(), 200, {"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"})
