"""The long-lived cookie that makes a browser a paired phone or a community-house tablet."""

from __future__ import annotations

from flask import Response, current_app, g, request

from ..db import get_session
from ..devices import kind_of
from ..models import TrustedDevice, User
from . import pairing


def current_device() -> tuple[TrustedDevice, User | None] | None:
    """This browser's live pairing or tablet registration, read once per request."""
    if "trusted_device" not in g:
        token = request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"])
        g.trusted_device = pairing.trusted_device(get_session(), token)
    return g.trusted_device


def is_tablet() -> bool:
    found = current_device()
    return found is not None and found[0].kind == pairing.TABLET


def this_phone_id(user: User) -> int | None:
    """The user's own paired phone this request comes from; never the tablet, never a form field."""
    found = current_device()
    if found is None or user is None or not user.is_resident:
        return None
    trusted, _resident = found
    return trusted.id if trusted.kind == pairing.PHONE and trusted.resident_id == user.id else None


def set_device_cookie(response: Response, token: str) -> Response:
    cfg = current_app.config
    response.set_cookie(
        cfg["DEVICE_COOKIE_NAME"],
        token,
        max_age=int(cfg["DEVICE_COOKIE_MAX_AGE"].total_seconds()),
        httponly=True,
        samesite="Lax",
        path="/",
        secure=bool(cfg["SESSION_COOKIE_SECURE"]) or request.is_secure,
    )
    return response


def forget_device_cookie(response: Response) -> Response:
    response.delete_cookie(current_app.config["DEVICE_COOKIE_NAME"], path="/")
    return response


def device_kind() -> str:
    return kind_of(request.headers.get("User-Agent"))


def client_ip() -> str:
    return request.remote_addr or ""


def request_origin() -> dict[str, str]:
    """Where an action came from, as the audit log keeps it: the address and the kind of device."""
    return {"ip": client_ip(), "device": device_kind()}
