"""The community-house tablet (auth/tablet.py): signed out when idle, clean for the next person, registered
and removed by a coordinator."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from webapp.auth import pairing
from webapp.models import DeviceSession, PairingLink, utcnow

from .conftest import page_text
from .factories import register_tablet, rows, run, set_values


def test_resident_on_the_tablet_is_signed_out_after_two_idle_minutes(app, auth, accounts):
    tablet = app.test_client()
    register_tablet(app, tablet)
    assert auth.sign_in(tablet, "resident1").status_code == 303
    home = tablet.get("/me/")
    assert 'data-idle-seconds="120"' in home.get_data(as_text=True) and "I'm done" in page_text(home)
    assert "Sign out" not in page_text(home)  # one way out on the tablet: "I'm done"
    assert home.headers["Cache-Control"] == "no-store"
    (record,) = rows(app, DeviceSession, DeviceSession.user_id == accounts.resident1.id)
    assert record.idle_seconds == 150  # the browser counts 120 s; the server allows 30 s for the last tap
    set_values(app, DeviceSession, True, last_seen_at=utcnow() - timedelta(seconds=151))
    assert tablet.get("/me/").status_code == 302


def test_the_readme_gives_the_tablets_countdown_and_sign_out_as_the_code_has_them(app):
    readme = " ".join((Path(__file__).resolve().parent.parent / "README.md").read_text().split())
    idle = app.config["TABLET_IDLE_TIMEOUT"].total_seconds()
    countdown_from = idle - app.config["TABLET_WARNING"].total_seconds()
    assert (idle, countdown_from) == (120, 90)
    assert (
        'after 90 seconds without a touch a countdown asks "Are you still here?", and the resident is '
        "signed out when 2 minutes have passed"
    ) in readme


def test_after_im_done_the_tablet_starts_clean_in_its_own_language(app, auth, accounts):
    tablet = app.test_client()
    register_tablet(app, tablet, locale="da")
    auth.sign_in(tablet, "resident1")
    done = tablet.post("/logout")
    assert done.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert done.headers["Location"] == "/login?lang=da"
    page = tablet.get(done.headers["Location"], follow_redirects=True)
    assert '<html lang="da"' in page.get_data(as_text=True)
    assert 'value="resident1"' not in page.get_data(as_text=True)
    assert tablet.get("/me/").status_code == 302


def test_the_tablet_offers_no_pairing(app, auth, accounts):
    token = run(app, pairing.make_link, resident=accounts.resident1, actor=accounts.advisor1, sets_pin=False)
    tablet = app.test_client()
    register_tablet(app, tablet)
    response = tablet.post(f"/pair/{token}")
    assert response.status_code == 409
    assert "Open this QR code on your own phone" in page_text(response)
    assert rows(app, PairingLink)[0].used_at is None


def test_coordinator_registers_and_removes_a_tablet(app, auth, accounts):
    coordinator = auth.client_for("coordinator")
    response = coordinator.post("/coordinator/tablets", data={"name": "Reception", "locale": "ar"})
    assert response.status_code == 303 and "sammen_device=" in response.headers["Set-Cookie"]
    assert "This device is a registered tablet" in page_text(coordinator.get("/coordinator/tablets"))
    coordinator.post("/logout")
    assert 'name="username"' in coordinator.get("/login").get_data(as_text=True)
    (tablet,) = run(app, pairing.tablets)
    auth.client_for("coordinator").post(f"/coordinator/tablets/{tablet.id}/remove")
    assert "Ask for a QR code" in page_text(coordinator.get("/login"))
