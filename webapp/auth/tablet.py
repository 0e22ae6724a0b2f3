"""The community-house tablet, shared by residents: whoever signs in on it is signed out after a short time
without a touch, so the next person never finds them signed in.

Where the rule lives:
- the times: TABLET_SESSION_LIFETIME, TABLET_IDLE_TIMEOUT, TABLET_IDLE_GRACE, TABLET_WARNING in config.py;
- the countdown and its "Are you still here?": the shared-device block of templates/base.html and
  static/js/app.js, which calls auth.still_here (auth/views.py) on a tap;
- the server's own clock, and what a sign-in on the tablet may not do: here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from ..models import TrustedDevice, User
from .pairing import TABLET


def signs_in_on_tablet(user: User, trusted: TrustedDevice | None) -> bool:
    return user.is_resident and trusted is not None and trusted.kind == TABLET


def limits(config: Mapping) -> tuple[timedelta, timedelta]:
    """How long a sign-in on the tablet lives, and after how long without a touch the server ends it.
    The browser counts down the idle time; the server ends it a little later, so a tap on "I'm still
    here" in the last seconds is never too late."""
    return config["TABLET_SESSION_LIFETIME"], config["TABLET_IDLE_TIMEOUT"] + config["TABLET_IDLE_GRACE"]


def is_tablet_sign_in(user: User, idle_seconds: int | None) -> bool:
    """Whether a device session is a resident's sign-in on the tablet: a resident's has an idle limit there alone.
    Words written after it ended are not kept for them (device_sessions.writer_after_end), and their data is
    not downloaded to it (export/views.py): the next person may already be at the tablet."""
    return user.is_resident and idle_seconds is not None
