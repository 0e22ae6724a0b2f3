"""The coordinator's blueprint; its view modules add their routes to it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")
