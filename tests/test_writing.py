"""`writing()`: a write transaction starts from a clean session, so it commits only what its block writes."""

from __future__ import annotations

import pytest

from webapp import audit
from webapp.coordinator import services as coordination
from webapp.db import PendingChanges, writing
from webapp.models import AuditEvent, HousingArea, User

from .factories import rows, run, set_values


def test_writing_refuses_to_start_with_a_changed_copy_and_commits_nothing(app, accounts):
    def change_by_hand_then_write(session):
        resident = session.get(User, accounts.resident1.id)
        resident.advisor_id = accounts.advisor2.id  # a copy set by hand, never written with a check
        with pytest.raises(PendingChanges, match="User.advisor_id"), writing(session):
            audit.record(session, "area_added", actor=resident, area="never written")
        session.commit()  # even a later commit finds nothing left to write

    run(app, change_by_hand_then_write)

    assert rows(app, User, User.id == accounts.resident1.id)[0].advisor_id == accounts.advisor1.id
    assert rows(app, AuditEvent, AuditEvent.action == "area_added") == []


def test_writing_refuses_to_start_with_an_added_row_and_commits_nothing(app, accounts):
    def add_outside_then_write(session):
        session.add(HousingArea(name="Added outside"))
        with pytest.raises(PendingChanges, match="HousingArea"), writing(session):
            pass
        session.commit()

    run(app, add_outside_then_write)

    assert rows(app, HousingArea, HousingArea.name == "Added outside") == []


def test_taking_a_resident_leaves_nothing_pending_for_a_later_write(app, accounts):
    """ "I'll take them" shows the advisor at once; a later write in the same request must not write the
    copy back over a change made meanwhile (the coordinator moving the resident on)."""
    set_values(app, User, User.id == accounts.resident3.id, advisor_id=None)

    def take_then_write(session):
        resident = session.get(User, accounts.resident3.id)
        assert coordination.take(session, advisor=session.get(User, accounts.advisor1.id), resident=resident)
        assert resident.advisor_id == accounts.advisor1.id
        set_values(app, User, User.id == resident.id, advisor_id=accounts.advisor2.id)
        with writing(session):
            audit.record(session, "area_added", actor=resident, area="a later write")

    run(app, take_then_write)

    assert rows(app, User, User.id == accounts.resident3.id)[0].advisor_id == accounts.advisor2.id
    assert len(rows(app, AuditEvent, AuditEvent.action == "area_added")) == 1
