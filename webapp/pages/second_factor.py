"""The pages of a staff member's second factor: choosing one, the app's QR code, the recovery codes."""

from __future__ import annotations

import segno
from sqlmodel import Session

from ..auth.second_factor import recovery, signing_in, totp
from ..models import User


def ask_page(db: Session, staff: User, *, form) -> tuple[str, dict]:
    """Confirm this sign-in with the second factor; or, without one yet, choose which to set up."""
    if signing_in.has_factor(db, staff):
        return "auth/second_factor.html", {
            "staff": staff,
            "form": form,
            "has_passkey": signing_in.has_passkey(db, staff),
            "has_app": totp.has_app(db, staff),
        }
    return "auth/second_factor_setup.html", {"staff": staff}


def app_setup_page(db: Session, staff: User, *, form) -> tuple[str, dict] | None:
    """The secret being set up, as a QR code and as text to type in; None if none is being set up."""
    secret = totp.pending_secret(db, user=staff)
    if secret is None:
        return None
    uri = totp.provisioning_uri(secret, staff)
    return "auth/second_factor_app.html", {
        "staff": staff,
        "form": form,
        "qr": segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
        # In groups of four, as authenticator apps show a key typed in.
        "secret": " ".join(secret[start : start + 4] for start in range(0, len(secret), 4)),
    }


def recovery_codes_page(codes: list[str], target: str) -> tuple[str, dict]:
    return "auth/recovery_codes.html", {"codes": codes, "target": target, "count": recovery.COUNT}
