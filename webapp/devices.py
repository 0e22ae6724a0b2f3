"""What kind of device a request came from, as a short key and as words in the reader's language.

Only the kind is kept ("android_phone"), never the full User-Agent: enough for a resident to
recognise their phone in a list and for the audit log to say where an action came from. The
browser ("chrome") is read from a sign-in's User-Agent, so two phones of one kind can be told apart.
"""

from __future__ import annotations

from flask_babel import gettext
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


# Browser names are the makers' own and are shown as the phone shows them, untranslated.
BROWSERS = {
    "samsung": "Samsung Internet",
    "edge": "Edge",
    "opera": "Opera",
    "firefox": "Firefox",
    "chrome": "Chrome",
    "safari": "Safari",
}


def browser_of(user_agent: str | None) -> str:
    """The browser's key, or "" when it cannot be told. Others' agents name Chrome and Safari too, so
    they are looked for first."""
    agent = (user_agent or "").lower()
    if "samsungbrowser/" in agent:
        return "samsung"
    if any(mark in agent for mark in ("edg/", "edga/", "edgios/")):
        return "edge"
    if any(mark in agent for mark in ("opr/", "opios/", "opera")):
        return "opera"
    if "firefox/" in agent or "fxios/" in agent:
        return "firefox"
    if "chrome/" in agent or "crios/" in agent:
        return "chrome"
    if "safari/" in agent and "version/" in agent:
        return "safari"
    return ""


def browser_label(browser: str | None) -> str:
    return BROWSERS.get(browser or "", "")


def phone_name(kind: str | None, browser: str | None = None) -> str:
    """'Android phone, Chrome': what a resident recognises a phone of theirs by."""
    if not browser_label(browser):
        return label(kind)
    return gettext("%(device)s, %(browser)s", device=label(kind), browser=browser_label(browser))
