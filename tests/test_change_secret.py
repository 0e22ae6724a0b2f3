"""Changing one's PIN from the account page (auth.change_secret)."""

from __future__ import annotations

from webapp.models import AuditEvent

from .conftest import page_text
from .factories import RESIDENT_PIN, rows
from .signup_helpers import NEW_PIN


def test_changing_the_pin_signs_out_every_other_device(auth, accounts):
    first = auth.client_for("resident1")
    second = auth.client_for("resident1")
    assert (
        first.post("/account/secret", data={"current": RESIDENT_PIN, "new": NEW_PIN, "repeat": NEW_PIN}).status_code
        == 303
    )
    assert first.get("/me/").status_code == 200
    assert second.get("/me/").status_code == 302


def test_wrong_current_pins_count_towards_the_lock_and_are_logged(app, auth, accounts):
    resident = auth.client_for("resident1")
    for _ in range(5):
        response = resident.post("/account/secret", data={"current": "9999", "new": NEW_PIN, "repeat": NEW_PIN})
        assert response.status_code == 422
    assert "Too many wrong tries" in page_text(response)
    right = resident.post("/account/secret", data={"current": RESIDENT_PIN, "new": NEW_PIN, "repeat": NEW_PIN})
    assert right.status_code == 422
    assert [e.action for e in rows(app, AuditEvent)].count("secret_check_failed") == 5
