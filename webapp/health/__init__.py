"""Health checks for the operator's monitoring: `/healthz` (the process answers) and `/readyz` (it can serve:
the database answers at the migrations' head, and voice messages can be kept), and `/metrics` for Prometheus
(only to the addresses in METRICS_ALLOW). None reads a session or says anything about a person."""

from __future__ import annotations

from .views import bp

__all__ = ["bp"]
