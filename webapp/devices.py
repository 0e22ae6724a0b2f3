"""What kind of device a request came from, as a short key and as words in the reader's language.

Only the kind is kept ("android_phone"), never the full User-Agent: enough for a resident to
recognise their phone in a list and for the audit log to say where an action came from.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS = {
    "android_phone": _l("Android phone"),
    "android_tablet": _l("Android tablet"),
    "iphone": _l("iPhone"),
    "ipad": _l("iPad"),
    "windows": _l("Windows computer"),
    "mac": _l("Mac"),
    "linux": _l("Linux computer"),
    "other": _l("Phone or computer"),
}


def kind_of(user_agent: str | None) -> str:
    agent = (user_agent or "").lower()
    if "iphone" in agent:
        return "iphone"
    if "ipad" in agent:
        return "ipad"
    if "android" in agent:
        return "android_phone" if "mobile" in agent else "android_tablet"
    if "windows" in agent:
        return "windows"
    if "macintosh" in agent or "mac os" in agent:
        return "mac"
    if "linux" in agent:
        return "linux"
    return "other"


def label(kind: str | None) -> str:
    return str(LABELS.get(kind or "other", LABELS["other"]))
