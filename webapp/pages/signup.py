"""The sign-in card and the consent screen."""

from __future__ import annotations

import segno
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import Session

from .. import policy
from ..auth import pairing
from ..i18n import language as language_of
from ..links import public_url_for
from ..models import User
from ..signup import consent

CARD_LOCALE_BELOW = "da"  # the card repeats itself in Danish for the staff who read it


def consent_paragraphs() -> list[tuple[str, str]]:
    return consent.paragraphs()


def helper_note(helper_locale: str) -> dict:
    """What the helper must do next, in the helper's own language above the resident's consent: from here on
    the resident holds the tablet, and the PIN screen speaks only to them."""
    with force_locale(helper_locale):
        note = _(
            "For the helper: give the tablet to the resident now. Let them read this, or read it to them. "
            "They tap “I agree” themselves, then choose a PIN while you look away."
        )
    return {"helper_note": note, "helper_language": language_of(helper_locale)}


def card_lines() -> dict[str, str]:
    return {
        "title": _("Your sign-in card for Sammen"),
        "name": _("Name"),
        "username": _("Username"),
        "scan": _("Open the QR code with your phone's camera to set up your phone. It works once, for 15 minutes."),
        "pin": _("Your PIN is secret. It is not on this card. Never tell it to anyone."),
        "help": _("Lost your phone or forgot your PIN? Ask for a new QR code in the community house."),
    }


def card_page(
    db: Session,
    viewer: User,
    resident: User,
    *,
    token: str | None = None,
    just_made: bool = False,
    sets_pin: bool = False,
) -> tuple[str, dict]:
    """The card in the resident's language with Danish underneath; the QR code only when a link was just made."""
    with force_locale(resident.locale):
        lines = card_lines()
    with force_locale(CARD_LOCALE_BELOW):
        below = card_lines() if resident.locale != CARD_LOCALE_BELOW else None
    pair_url = public_url_for("pairing.pair", token=token) if token else None
    may_remove = policy.may_remove_devices(viewer, resident)
    return "signup/card.html", {
        "resident": resident,
        "lines": lines,
        "below": below,
        "pair_url": pair_url,
        "qr": segno.make(pair_url, error="m").svg_data_uri(scale=6, border=2) if pair_url else None,
        "just_made": just_made,
        "sets_pin": sets_pin,
        "may_remove": may_remove,
        "may_set_pin": policy.may_make_pin_link(viewer, resident),
        "phones": pairing.phones_of(db, resident=resident) if may_remove else [],
    }
