"""Every main screen of the app, who sees it, on which devices, and how a browser gets there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import expect

LANGUAGES = {"da": "da", "ar": "ar", "fa_AF": "fa-AF", "en": "en"}
RTL = {"ar", "fa_AF"}

VIEWPORTS = {
    "phone": {
        "viewport": {"width": 360, "height": 800},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "tablet": {"viewport": {"width": 800, "height": 1280}, "has_touch": True},
    "staff": {"viewport": {"width": 1280, "height": 800}},
}

# The resident each language's screens are seen as: their own names and words, as in life.
RESIDENT_FOR = {"ar": "resident1", "fa_AF": "resident2", "da": "resident3", "en": "resident4"}
STAFF = {"advisor": "advisor1", "volunteer": "volunteer1", "coordinator": "coordinator", "partner": "partner1"}
PIN = "4827"
STAFF_PASSWORD = "demo-pass-2026"

# Each role on the devices it is used on: residents on phones and the tablet, staff at a desk
# and on a phone between visits, volunteers on the community-house tablet.
DEVICES = {
    "visitor": ("phone", "staff"),
    "paired": ("phone",),
    "resident": ("phone", "tablet"),
    "volunteer": ("tablet", "phone"),
    "advisor": ("staff", "phone"),
    "coordinator": ("staff", "phone"),
    "partner": ("staff", "phone"),
}


@dataclass(frozen=True)
class Screen:
    role: str
    name: str
    reach: Callable  # (page, server, language) -> None: leaves the page showing this screen
    status: int = 200

    @property
    def id(self) -> str:
        return f"{self.role}-{self.name}"


def go(path: str) -> Callable:
    def reach(page, server, language):
        page.goto(server + path.format(**server.ids(language)))

    return reach


def reach_pairing(page, server, language):
    page.goto(server.pair_link(RESIDENT_FOR[language]))


def reach_signup_language(page, server, language):
    page.goto(f"{server}/volunteer/new")


def reach_signup_about(page, server, language):
    reach_signup_language(page, server, language)
    page.check(f"input[name=locale][value={language}]")
    page.click("main button[type=submit]")
    expect(page.locator("#name")).to_be_visible()


NEW_NAMES = {"da": "Birgitte Holm", "ar": "سلمى يوسف", "fa_AF": "زرغونه احمدی", "en": "Hope Mensah"}


def reach_signup_consent(page, server, language):
    reach_signup_about(page, server, language)
    page.fill("#name", NEW_NAMES[language])
    page.select_option("#area_id", label="Skovparken")
    page.check("input[name=contact][value=house]")
    page.click("main button[type=submit]:not([name=view])")
    expect(page.locator("button[name=agree]")).to_be_visible()


def reach_signup_pin(page, server, language):
    reach_signup_consent(page, server, language)
    page.click("button[name=agree]")
    expect(page.locator("#new")).to_be_visible()


def reach_signup_card(page, server, language):
    reach_signup_pin(page, server, language)
    page.fill("#new", "5927")
    page.fill("#repeat", "5927")
    page.click("main button[type=submit]")
    expect(page.locator(".signin-card")).to_be_visible()


SCREENS = [
    Screen("visitor", "staff-sign-in", go("/login/staff")),
    Screen("visitor", "unpaired-phone", go("/login")),
    Screen("visitor", "pairing", reach_pairing),
    Screen("visitor", "not-found", go("/no-such-page"), status=404),
    Screen("paired", "pin-sign-in", go("/login")),
    Screen("resident", "home", go("/me/")),
    Screen("resident", "overview", go("/residents/{me}/overview")),
    Screen("resident", "barriers", go("/residents/{me}/barriers")),
    Screen("resident", "goals", go("/residents/{me}/goals")),
    Screen("resident", "appointments", go("/residents/{me}/appointments")),
    Screen("resident", "account", go("/account")),
    Screen("resident", "new-pin", go("/account/secret")),
    Screen("resident", "my-data", go("/me/data")),
    Screen("resident", "stop", go("/me/stop")),
    Screen("volunteer", "start", go("/volunteer/")),
    Screen("volunteer", "signup-language", reach_signup_language),
    Screen("volunteer", "signup-about", reach_signup_about),
    Screen("volunteer", "signup-consent", reach_signup_consent),
    Screen("volunteer", "signup-pin", reach_signup_pin),
    Screen("volunteer", "signup-card", reach_signup_card),
    Screen("advisor", "caseload", go("/advisor/")),
    Screen("advisor", "timeline", go("/advisor/residents/{resident}")),
    Screen("advisor", "overview", go("/residents/{resident}/overview")),
    Screen("advisor", "barriers", go("/residents/{resident}/barriers")),
    Screen("advisor", "goals", go("/residents/{resident}/goals")),
    Screen("advisor", "appointments", go("/residents/{resident}/appointments")),
    Screen("advisor", "account", go("/account")),
    Screen("coordinator", "overview", go("/coordinator/")),
    Screen("coordinator", "new-staff", go("/coordinator/staff/new")),
    Screen("coordinator", "tablets", go("/coordinator/tablets")),
    Screen("coordinator", "audit-log", go("/coordinator/audit")),
    Screen("coordinator", "erase", go("/coordinator/residents/{resident}/erase")),
    Screen("coordinator", "situations", go("/coordinator/situations")),
    Screen("partner", "overview", go("/partner/")),
]


def sign_in(page, server, role: str, language: str) -> None:
    """Leave this browser signed in (or paired, or neither) as the role, showing the language."""
    if role in ("resident", "paired"):
        page.goto(server.pair_link(RESIDENT_FOR[language]))
        page.click("main button[type=submit]")
        expect(page.locator("#pin")).to_be_visible()
        if role == "resident":
            page.fill("#pin", PIN)
            page.click("main button[type=submit]")
            expect(page).to_have_url(f"{server}/me/")
    elif role in STAFF:
        page.goto(f"{server}/login/staff")
        page.fill("#username", STAFF[role])
        page.fill("#password", STAFF_PASSWORD)
        page.click("main button[type=submit]")
        expect(page.locator("header.top .who")).to_be_visible()
    page.goto(
        f"{server}/login/staff?lang={language}" if role == "visitor" else f"{page.url.split('?')[0]}?lang={language}"
    )
    expect(page.locator("html")).to_have_attribute("lang", LANGUAGES[language])
