"""Every route × every role × own/other resident, generated from the app's URL map; for the routes that
take a resident's id, also an id that names no resident, and a closed account."""

from __future__ import annotations

import pytest
from flask import url_for
from sqlmodel import select

from webapp import create_app
from webapp.auth import leaving, pairing
from webapp.models import DeviceSession, Role, TrustedDevice, User, utcnow
from webapp.outcomes.figures import count_periods

from .conftest import TEST_CONFIG
from .factories import (
    ask_for_contact,
    make_area,
    make_staff_with_link,
    make_user,
    records_of,
    rows,
    run,
    send_voice,
    set_values,
)

# Who may take each action on a resident's records, written out here rather than read from the
# policy under test. The matrix acts on records the advisor made: a resident may move, cancel and
# restore only appointments they made themselves, which test_appointments.py checks.
RECORD_RULES = {
    "check_in": {"the resident"},
    "add_barrier": {"the resident"},
    "barrier_status": {"the resident", "their advisor"},
    "acknowledge_barrier": {"their advisor"},
    "remove_barrier": {"the resident"},
    "handle_contact": {"their advisor"},
    "add_goal": {"the resident", "their advisor"},
    "change_goal": {"the resident", "their advisor"},
    "goal_status": {"the resident", "their advisor"},
    "comment_goal": {"their advisor"},
    "add_step": {"the resident", "their advisor"},
    "tick_step": {"the resident", "their advisor"},
    "add_appointment": {"the resident", "their advisor"},
    "answer_appointment": {"the resident"},
    "move_appointment": {"their advisor"},
    "cancel_appointment": {"their advisor"},
    "restore_appointment": {"their advisor"},
    "appointment_outcome": {"their advisor"},
    "record_situation": {"their advisor"},
    "follow_up": {"their advisor"},
}


def make_newcomer(app, accounts) -> User:
    """An unassigned resident in advisor1's housing area; resident1 was signed up by volunteer1."""
    area_id = make_area(app, advisor=accounts.advisor1)
    set_values(app, User, User.id == accounts.resident1.id, signed_up_by_id=accounts.volunteer1.id)
    newcomer = run(app, make_user, username="newcomer", role=Role.RESIDENT)
    set_values(app, User, User.id == newcomer.id, housing_area_id=area_id)
    newcomer.housing_area_id = area_id
    return newcomer


def make_tablet(app) -> int:
    def go(session):
        coordinator = session.exec(select(User).where(User.role == Role.COORDINATOR)).first()
        pairing.register_tablet(session, actor=coordinator, name="Reception", locale="da")
        return pairing.tablets(session)[0].id

    return run(app, go)


def make_link(session, *, resident):
    return pairing.make_link(session, resident=resident, actor=None, sets_pin=False)


# What each endpoint is for. A route missing here fails test_every_route_is_in_the_matrix.
ACCESS = {
    "health.live": "public",
    "health.ready": "public",
    "health.prometheus": "metrics_allowlist",
    "auth.home": "public",
    "auth.login": "resident_sign_in",
    "auth.sign_in": "resident_sign_in",
    "auth.login_staff": "public",
    "auth.sign_in_staff": "public",
    "auth.logout": "public",
    "auth.account": "signed_in",
    "auth.save_language": "signed_in",
    "auth.change_secret": "signed_in",
    "auth.sign_out_device": "own_device",
    "auth.confirm_remove_phone": "own_phone",
    "auth.remove_phone": "own_phone",
    "auth.still_here": "signed_in",
    "auth.not_you": "public",
    "auth.forget_phone": "public",
    "auth.save_secret": "signed_in",
    "pairing.pair": "pairing_link",
    "pairing.pair_phone": "pairing_link",
    "password_link.choose_password": "password_link",
    "password_link.save_password": "password_link",
    # A staff member's second factor. With it off (the tests' setting), every signed-in person is sent on;
    # test_second_factor.py checks them with it on.
    "second_factor.ask": "signed_in",
    "second_factor.verify": "signed_in",
    "second_factor.start_app": "signed_in",
    "second_factor.app_setup": "signed_in",
    "second_factor.confirm_app": "signed_in",
    "second_factor.passkey_options": "signed_in",
    "second_factor.passkey": "signed_in",
    "resident.home": "role:resident",
    "resident.my_data": "role:resident",
    "resident.save_contact": "role:resident",
    "resident.consent_again": "role:resident",
    "resident.agree_again": "role:resident",
    "resident.stop": "role:resident",
    "resident.confirm_stop": "role:resident",
    "advisor.caseload": "role:advisor",
    "advisor.resident": "advisor_of_resident",
    "advisor.take": "take_newcomer",
    "advisor.follow_up": "record:follow_up",
    "signup.home": "helper",
    "signup.language": "helper",
    "signup.save_language": "helper",
    "signup.about": "helper",
    "signup.save_about": "helper",
    "signup.consent": "helper",
    "signup.agree": "helper",
    "signup.pin": "helper",
    "signup.create_account": "helper",
    "signup.cancel": "helper",
    "signup.card": "sign_in_help",
    "signup.new_qr": "sign_in_help",
    "signup.remove_phones": "remove_devices",
    "coordinator.add_area": "role:coordinator",
    "coordinator.area_active": "role:coordinator",
    "coordinator.user_area": "role:coordinator",
    "coordinator.choose_area": "role:coordinator",
    "coordinator.tablets": "role:coordinator",
    "coordinator.register_tablet": "role:coordinator",
    "coordinator.remove_tablet": "role:coordinator",
    "coordinator.audit_log": "role:coordinator",
    "coordinator.situations": "role:coordinator",
    "coordinator.add_situation": "role:coordinator",
    "coordinator.situation_counts": "role:coordinator",
    "coordinator.situation_active": "role:coordinator",
    "coordinator.overview": "role:coordinator",
    "coordinator.new_staff": "role:coordinator",
    "coordinator.create_staff": "role:coordinator",
    "coordinator.password_link": "role:coordinator",
    "coordinator.reset_link": "role:coordinator",
    "coordinator.deactivate": "role:coordinator",
    "coordinator.activate": "role:coordinator",
    "coordinator.unlock": "role:coordinator",
    "coordinator.sign_out_everywhere": "role:coordinator",
    "coordinator.assign": "role:coordinator",
    "coordinator.choose_advisor": "role:coordinator",
    "coordinator.erase_form": "role:coordinator",
    "coordinator.erase": "role:coordinator",
    "coordinator.cancel_erasure": "role:coordinator",
    "timeline.home": "resident_data",
    "timeline.older": "resident_data",
    "timeline.updates": "resident_data",
    "timeline.post_message": "resident_data",
    "timeline.keep_unsent": "resident_data",
    "timeline.post_voice": "resident_data",
    "timeline.voice_file": "resident_data",
    "records.overview": "resident_data",
    "records.barrier_list": "resident_data",
    "records.goal_list": "resident_data",
    "records.appointment_list": "resident_data",
    "records.check_in": "record:check_in",
    "records.check_in_words": "record:check_in",
    "records.add_barrier": "record:add_barrier",
    "records.barrier_status": "record:barrier_status",
    "records.acknowledge_barrier": "record:acknowledge_barrier",
    "records.remove_barrier": "record:remove_barrier",
    "records.contact_handled": "record:handle_contact",
    "records.add_goal": "record:add_goal",
    "records.change_goal": "record:change_goal",
    "records.goal_status": "record:goal_status",
    "records.comment_goal": "record:comment_goal",
    "records.add_step": "record:add_step",
    "records.tick_step": "record:tick_step",
    "records.add_appointment": "record:add_appointment",
    "records.answer_appointment": "record:answer_appointment",
    "records.move_appointment": "record:move_appointment",
    "records.cancel_appointment": "record:cancel_appointment",
    "records.restore_appointment": "record:restore_appointment",
    "records.appointment_outcome": "record:appointment_outcome",
    "records.record_situation": "record:record_situation",
    "export.mine": "role:resident",
    "export.for_resident": "export",
    "partner.overview": "role:partner",
    "partner.print_view": "role:partner",
    "partner.csv_download": "role:partner",
    "partner.situations_chart": "role:partner",
    "partner.moods_chart": "role:partner",
}

# resident1 is the resident whose data every URL asks for; advisor1 is their advisor.
ACTORS = {
    "anonymous": None,
    "the resident": "resident1",
    "another resident": "resident3",
    "their advisor": "advisor1",
    "another advisor": "advisor2",
    "volunteer": "volunteer1",
    "coordinator": "coordinator",
    "partner": "partner1",
}
ROLE_OF = {
    "the resident": "resident",
    "another resident": "resident",
    "their advisor": "advisor",
    "another advisor": "advisor",
    "volunteer": "volunteer",
    "coordinator": "coordinator",
    "partner": "partner",
}


def routes() -> list[tuple[str, str]]:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"})
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((rule.endpoint, method))
    return sorted(found)


ROUTES = routes()


def expected(kind: str, actor: str, method: str = "GET") -> str | int:
    if kind == "public":
        return "allow"
    if kind == "metrics_allowlist":
        # Anyone, signed in or not, from an address in METRICS_ALLOW: the test client's is loopback, the default.
        # test_metrics checks that other addresses get a 404.
        return "allow"
    if kind == "password_link":
        # A link for a new staff member, who has no password and so is never signed in: anyone who is, is refused.
        return "allow" if actor == "anonymous" else 409
    if kind == "pairing_link":
        # A link for resident1: staff, a tablet or another resident opening it are refused, and it stays unused.
        return "allow" if actor in ("anonymous", "the resident") else 409
    if kind == "resident_sign_in":
        # This browser is neither a paired phone nor a tablet: a PIN sent from it is refused unchecked.
        return 403 if actor == "anonymous" and method == "POST" else "allow"
    if actor == "anonymous":
        return "login"
    if kind == "signed_in":
        return "allow"
    if kind == "own_device":
        return "allow" if actor == "the resident" else 404
    if kind == "own_phone":
        if ROLE_OF[actor] != "resident":
            return 403
        return "allow" if actor == "the resident" else 404
    if kind == "helper":
        return 403 if ROLE_OF[actor] in ("resident", "partner") else "allow"
    if kind in ("sign_in_help", "remove_devices"):
        # resident1 was signed up by volunteer1 today; advisor1 is their advisor.
        if ROLE_OF[actor] in ("resident", "partner"):
            return 403
        allowed = {"their advisor", "coordinator"} | ({"volunteer"} if kind == "sign_in_help" else set())
        return "allow" if actor in allowed else 404
    if kind == "take_newcomer":
        # The newcomer is unassigned in advisor1's housing area; advisor2 works in another.
        if ROLE_OF[actor] != "advisor":
            return 403
        return "allow" if actor == "their advisor" else 404
    if kind.startswith("role:"):
        return "allow" if ROLE_OF[actor] == kind.removeprefix("role:") else 403
    if kind == "resident_data":
        return "allow" if actor in ("the resident", "their advisor") else 404
    if kind.startswith("record:"):
        if actor not in ("the resident", "their advisor"):
            return 404
        return "allow" if actor in RECORD_RULES[kind.removeprefix("record:")] else 403
    if kind == "advisor_of_resident":
        if ROLE_OF[actor] != "advisor":
            return 403
        return "allow" if actor == "their advisor" else 404
    if kind == "export":
        # A copy of everything kept about resident1: they, their own advisor, and the coordinator (for a written
        # request).
        return "allow" if actor in ("the resident", "their advisor", "coordinator") else 404
    raise AssertionError(kind)


def test_every_route_is_in_the_matrix():
    assert {endpoint for endpoint, _ in ROUTES} == set(ACCESS)


def open_route(
    app,
    auth,
    accounts,
    endpoint: str,
    method: str,
    actor: str,
    *,
    target: str | None = None,
    closed: bool = False,
    **sent,
):
    """`actor` sends `method` to `endpoint`, every id in the URL naming resident1's things (the newcomer for
    advisor.take). `target`: another id where the resident's goes (see TARGETS). `closed`: resident1 has
    stopped and the coordinator has closed the newcomer's account, both to be erased in 30 days. `sent`: the
    request's headers or query string, as the test client takes them."""
    auth.client_for("resident1")  # a device session and a paired phone of resident1's for the device routes
    device = rows(app, DeviceSession, DeviceSession.user_id == accounts.resident1.id)[0]
    phone = rows(app, TrustedDevice, TrustedDevice.resident_id == accounts.resident1.id)[0]
    newcomer = make_newcomer(app, accounts)
    # A password link is a new staff member's; every other token is resident1's pairing link.
    token = (
        make_staff_with_link(app)[1]
        if endpoint.startswith("password_link.")
        else run(app, make_link, resident=accounts.resident1)
    )
    resident_id = newcomer.id if endpoint == "advisor.take" else accounts.resident1.id
    values = {
        "resident_id": TARGETS[target](accounts) if target else resident_id,
        "user_id": (
            accounts.advisor1.id
            if endpoint in ("coordinator.user_area", "coordinator.choose_area")
            else accounts.volunteer1.id
        ),
        "device_id": device.id,
        "phone_id": phone.id,
        "area_id": newcomer.housing_area_id,
        "tablet_id": make_tablet(app),
        "token": token,
        "situation_id": 1,
        "request_id": ask_for_contact(app, accounts.resident1),
        "entry_id": send_voice(app, accounts.resident1, accounts.advisor1),
        **records_of(app, accounts.resident1, accounts.advisor1),
    }
    if closed:
        run(app, leaving.stop, resident=accounts.resident1)
        run(app, leaving.erase_later, actor=accounts.coordinator, resident=newcomer)
    with app.test_request_context():
        rule = next(r for r in app.url_map.iter_rules(endpoint) if method in r.methods)
        url = url_for(endpoint, **{name: values[name] for name in rule.arguments})
    if endpoint.startswith("partner."):  # the partnership's figures are read as counted each night
        run(app, count_periods, now=utcnow())
    client = auth.client_for(ACTORS[actor]) if ACTORS[actor] else app.test_client()
    return client.open(url, method=method, data={}, **sent)


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
def test_access(app, auth, accounts, endpoint, method, actor):
    response = open_route(app, auth, accounts, endpoint, method, actor)

    outcome = expected(ACCESS[endpoint], actor, method)
    assert_outcome(response, outcome, ACCESS[endpoint])


def assert_outcome(response, outcome: str | int, kind: str) -> None:
    location = response.headers.get("Location", "")
    assert response.status_code < 500
    if outcome == "login":
        assert response.status_code == 302 and location.startswith("/login"), (response.status_code, location)
    elif outcome == "allow":
        # Let in: not refused for who they are. An empty form may still be refused for what it holds (400, 422):
        # that is the form's test to check, not this table's.
        assert response.status_code not in (401, 403, 404, 405), response.status_code
        if kind not in ("public", "resident_sign_in", "pairing_link", "password_link"):
            assert not location.startswith("/login")
    else:
        assert response.status_code == outcome


RESIDENT_ROUTES = [
    (endpoint, method)
    for endpoint, method in ROUTES
    if "resident_id"
    in next(
        r
        for r in create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"}).url_map.iter_rules(endpoint)
        if method in r.methods
    ).arguments
]
# Ids that name no resident, put where a resident's goes. advisor1 is staff in the newcomer's area with no
# advisor of their own, as an unassigned newcomer is: only the check of the role tells them apart.
TARGETS = {
    "a staff member's id": lambda accounts: accounts.advisor1.id,
    "an unknown id": lambda accounts: 999_999,
}


def refused_by_role(kind: str, actor: str) -> bool:
    """A route for other roles refuses them (403) before it looks at the id: test_access checks that."""
    role = ROLE_OF[actor]
    return (
        (kind in ("sign_in_help", "remove_devices") and role in ("resident", "partner"))
        or (kind in ("take_newcomer", "advisor_of_resident") and role != "advisor")
        or (kind.startswith("role:") and role != kind.removeprefix("role:"))
    )


# One actor a role ("another resident" and "another advisor" meet the same checks), where the role may use the
# route. The partner may use none of them.
NO_RESIDENT_CASES = [
    (endpoint, method, actor)
    for endpoint, method in RESIDENT_ROUTES
    for actor in ("the resident", "their advisor", "volunteer", "coordinator")
    if not refused_by_role(ACCESS[endpoint], actor)
]


def test_every_resident_route_is_asked_for_a_non_resident():
    asked = {endpoint for endpoint, _, _ in NO_RESIDENT_CASES}
    assert asked == {endpoint for endpoint, _ in RESIDENT_ROUTES}
    assert {"timeline.home", "signup.card", "signup.remove_phones", "advisor.take", "coordinator.erase"} <= asked


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize(("endpoint", "method", "actor"), NO_RESIDENT_CASES)
def test_a_resident_route_finds_no_resident_behind_another_id(app, auth, accounts, endpoint, method, actor, target):
    response = open_route(app, auth, accounts, endpoint, method, actor, target=target)

    assert response.status_code == 404


def expected_when_closed(kind: str, actor: str, method: str) -> str | int:
    """A closed account (stopped, or to be erased) is still read by whoever read it, the advisor and the
    coordinator's copy of everything included, but nobody writes in it, helps it sign in or takes it."""
    if kind == "resident_data" and method != "GET" or kind.startswith("record:"):
        return 404
    if kind in ("sign_in_help", "remove_devices"):
        return 404
    if kind == "take_newcomer" and ROLE_OF[actor] == "advisor":
        return 404
    return expected(kind, actor, method)


@pytest.mark.parametrize("actor", ["their advisor", "coordinator"])
@pytest.mark.parametrize(("endpoint", "method"), RESIDENT_ROUTES)
def test_a_closed_account_is_read_but_not_changed(app, auth, accounts, endpoint, method, actor):
    response = open_route(app, auth, accounts, endpoint, method, actor, closed=True)

    assert_outcome(response, expected_when_closed(ACCESS[endpoint], actor, method), ACCESS[endpoint])


def test_the_record_rules_cover_every_record_route():
    assert {kind.removeprefix("record:") for kind in ACCESS.values() if kind.startswith("record:")} == set(RECORD_RULES)


# The timeline's poll as htmx sends it when nothing is new: answered before the framework (timeline/poll.py) for
# whoever may read the timeline, and by the view's path, with its refusals, for everyone else.
NOTHING_NEW = {"headers": {"HX-Request": "true"}, "query_string": {"after": 2**31 - 1}}
POLL = {actor: (404, None) for actor in ACTORS} | {
    "anonymous": (401, "/login"),
    "the resident": (204, None),
    "their advisor": (204, None),
}


def poll_outcome(response) -> tuple[int, str | None]:
    return response.status_code, response.headers.get("HX-Redirect")


@pytest.mark.parametrize("actor", list(ACTORS))
def test_the_poll_that_finds_nothing_new(app, auth, accounts, actor):
    response = open_route(app, auth, accounts, "timeline.updates", "GET", actor, **NOTHING_NEW)

    assert poll_outcome(response) == POLL[actor]


@pytest.mark.parametrize("target", list(TARGETS))
@pytest.mark.parametrize("actor", ["the resident", "their advisor"])
def test_the_poll_that_finds_nothing_new_finds_no_resident_behind_another_id(app, auth, accounts, actor, target):
    response = open_route(app, auth, accounts, "timeline.updates", "GET", actor, target=target, **NOTHING_NEW)

    assert poll_outcome(response) == (404, None)


@pytest.mark.parametrize(("actor", "outcome"), [("their advisor", (204, None)), ("coordinator", (404, None))])
def test_the_poll_of_a_closed_account_that_finds_nothing_new(app, auth, accounts, actor, outcome):
    """Their advisor still reads what is there (the resident who stopped is signed out: tests/test_poll.py)."""
    response = open_route(app, auth, accounts, "timeline.updates", "GET", actor, closed=True, **NOTHING_NEW)

    assert poll_outcome(response) == outcome
