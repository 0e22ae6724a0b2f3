"""The page the coordinator hands a new staff member's password link from."""

from __future__ import annotations

import segno

from ..auth import password_links
from ..links import public_url_for
from ..models import User


def password_link_page(staff: User, token: str, *, just_made: bool = False, resets: bool = False) -> tuple[str, dict]:
    """The link and its QR code; `just_made` when the account itself was made a moment ago; `resets` for a
    staff member who forgot their password or lost their second factor."""
    link = public_url_for("password_link.choose_password", token=token)  # never from the request's Host header
    return "coordinator/password_link.html", {
        "staff": staff,
        "link": link,
        "qr": segno.make(link, error="m").svg_data_uri(scale=6, border=2),
        "hours": int(password_links.LIFETIME.total_seconds() // 3600),
        "minutes": int(password_links.RESET_LIFETIME.total_seconds() // 60),
        "just_made": just_made,
        "resets": resets,
    }
