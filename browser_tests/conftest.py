"""Browser journeys: the demo data served on a free port, driven in headless Chromium."""
from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from webapp import create_app
from webapp.cli import alembic_config

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


class Server(str):
    """The served address, which can also hand out a pairing link as the QR code on a card would."""

    app = None

    def pair_link(self, username: str) -> str:
        from webapp.auth import pairing, services
        from webapp.db import close_session, get_session

        with self.app.app_context():
            resident = services.find_user(get_session(), username)
            token = pairing.make_link(get_session(), resident=resident, actor=None, sets_pin=False)
            close_session()
        return f"{self}/pair/{token}"


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    from alembic import command

    from webapp import demo
    from webapp.db import get_session

    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'demo.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "browser", "SECRET_PEPPER": "browser", "POLL_SECONDS": 1,
                      "AUDIO_DIR": str(tmp_path_factory.mktemp("audio"))})
    with app.app_context():
        demo.load(get_session())
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    address = Server(f"http://127.0.0.1:{http.server_port}")
    address.app = app
    yield address
    http.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  # A microphone that plays a tone and needs no permission prompt, for the voice journeys.
                  "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                  "--autoplay-policy=no-user-gesture-required"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A 360 px wide phone; console errors (CSP violations included) are collected."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    context.console_errors = []
    context.on("console", lambda message: message.type == "error" and context.console_errors.append(f"{message.location}: {message.text}"))
    yield context
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
    context.on("console", lambda message: message.type == "error" and context.console_errors.append(f"{message.location}: {message.text}"))
    yield context
    context.close()
