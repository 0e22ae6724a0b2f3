"""Sign-ins in the operators' log: who (a numeric id, when the account is known), what was checked, and why a
try was refused. Never the name typed: usernames are often people's names."""

from __future__ import annotations

from functools import wraps

from flask import current_app

from .. import oplog


def told(check_secret):
    """For a function that checks a secret and returns a SignIn, called with keywords: `user` (the account,
    or None for a name without one), and `action` or `factor` (what was checked)."""

    @wraps(check_secret)
    def checked(session, **kwargs):
        result = check_secret(session, **kwargs)
        check = kwargs.get("factor") or kwargs.get("action") or "sign_in"
        if result.user is not None:
            oplog.event("signin.succeeded", user_id=result.user.id, check=check, **_factor_due(result.user, check))
        else:
            refused(result, user=kwargs.get("user"), check=check)
        return result

    return checked


def _factor_due(user, check: str) -> dict:
    """A staff password is only the first step while STAFF_SECOND_FACTOR is on: the line says a factor is due."""
    if check == "sign_in" and user.is_staff and current_app.config.get("STAFF_SECOND_FACTOR"):
        return {"second_factor_due": True}
    return {}


def refused(result, *, user=None, check: str = "sign_in", reason: str | None = None):
    """Tell a refusal and hand it back; `reason` when the log may say more than the page does."""
    oplog.event(
        "signin.failed", user_id=user.id if user is not None else None, check=check, reason=reason or result.refused
    )
    return result
