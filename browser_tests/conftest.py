"""Browser journeys: the demo data served on a free port, driven in headless Chromium."""

from __future__ import annotations

import pytest

from benchmarks import page_load


class Server(str):
    """The served address, which can also hand out a pairing link as the QR code on a card would."""

    app = None

    def pair_link(self, username: str) -> str:
        return page_load.pair_link(self.app, str(self), username)

    def ids(self, language: str) -> dict:
        """Addresses name people by id: the resident whose screens this language shows, and resident1,
        whose records the staff screens show."""
        from screens import RESIDENT_FOR

        from webapp.auth import services
        from webapp.db import close_session, get_session

        with self.app.app_context():
            found = {
                key: services.find_user(get_session(), username).id
                for key, username in (("me", RESIDENT_FOR[language]), ("resident", "resident1"))
            }
            close_session()
        return found


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    app = page_load.demo_app(tmp_path_factory.mktemp("browser"), POLL_SECONDS=1)
    with page_load.serve(app) as address:
        address = Server(address)
        address.app = app
        yield address


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = page_load.launch(
            playwright,
            extra=[
                # A microphone that plays a tone and needs no permission prompt, for the voice journeys.
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A 360 px wide phone; console errors (CSP violations included) are collected."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    context.console_errors = []
    context.on(
        "console",
        lambda message: (
            message.type == "error" and context.console_errors.append(f"{message.location}: {message.text}")
        ),
    )
    yield context
    context.close()


@pytest.fixture
def open_as(browser, server):
    """A new browser signed in as `role` in `language`; with `javascript=False` as a phone without it."""
    from screens import VIEWPORTS, sign_in

    contexts = []

    def open_(role: str, language: str, device: str = "phone", javascript: bool = True):
        context = browser.new_context(**VIEWPORTS[device], java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, server, role, language)
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def signed_in(browser, server):
    """One browser per role, language, device and JavaScript setting, kept while the cases for it run (they
    come together), as `signed_in(role, language, device="phone", javascript=True)`; console errors collected."""
    from screens import VIEWPORTS, sign_in

    held = {}

    def get(role: str, language: str, device: str = "phone", *, javascript: bool = True):
        key = (role, language, device, javascript)
        if key not in held:
            for context in held.values():
                context.close()
            held.clear()
            context = browser.new_context(**VIEWPORTS[device], java_script_enabled=javascript)
            context.console_errors = []
            context.on(
                "console", lambda message: message.type == "error" and context.console_errors.append(message.text)
            )
            sign_in(context.new_page(), server, role, language)
            held[key] = context
        return held[key]

    yield get
    for context in held.values():
        context.close()


@pytest.fixture
def laptop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context
    context.close()


@pytest.fixture
def tablet(browser):
    """The community-house tablet, 800 × 1280."""
    context = browser.new_context(viewport={"width": 800, "height": 1280})
    context.console_errors = []
    context.on(
        "console",
        lambda message: (
            message.type == "error" and context.console_errors.append(f"{message.location}: {message.text}")
        ),
    )
    yield context
    context.close()


def pytest_terminal_summary(terminalreporter):
    """The figures the screens gave (smallest touch target, axe per language), after the results."""
    import sys

    screens = sys.modules.get("test_screens")
    lines = screens.figures() if screens else []
    if lines:
        terminalreporter.section("figures")
        for line in lines:
            terminalreporter.write_line(line)
