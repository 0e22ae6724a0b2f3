"""The operators' log: a whole journey writes JSON lines on stderr, one per event, each with its request id,
and none of them holds a name, username, PIN, password, message text, phone number or a link's token."""

from __future__ import annotations

import ast
import json
import re
import uuid
from pathlib import Path

from webapp.models import TrustedDevice, User

from .factories import RESIDENT_PIN, STAFF_PASSWORD, make_area, rows, run, set_values
from .signup_helpers import NEW_PIN, newest_resident, pair_url_from, sign_up

PHONE = "20 48 39 17"  # the phone number sign_up types
WORDS = "Kan du ringe til mig på 20 48 39 17 efter kl. 15?"
REPLY = "Ja, jeg ringer til dig i morgen, Hawa."
WRONG_PIN = "0815"
REQUEST_ID = re.compile(r"^[0-9a-f]{12}$")
JOURNEY_EVENTS = {
    "signin.succeeded",
    "signin.failed",
    "account.locked",
    "account.unlocked",
    "pairing.link_made",
    "pairing.link_used",
    "device.removed",
    "resident.erased",
    "retention.ran",
}
README = Path(__file__).resolve().parent.parent / "README.md"


def readme_paragraph(start: str) -> str:
    text = README.read_text()
    begin = text.index(start)
    return text[begin : text.index("\n\n", begin)]


def log_lines(capsys) -> list[dict]:
    """What was written on stderr since the last call: every line is one JSON object."""
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]


def command(app, *args: str) -> list[dict]:
    """Run a `flask` command; the log lines it wrote on stderr (the runner holds them, not pytest)."""
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stderr.splitlines() if line.strip()]


def events(lines: list[dict], name: str) -> list[dict]:
    return [line for line in lines if line.get("event") == name]


def test_a_whole_journey_is_logged_as_json_that_names_nobody(app, auth, accounts, capsys):
    area = make_area(app, advisor=accounts.advisor1)
    coordinator = auth.client_for("coordinator")
    log_lines(capsys)

    card = sign_up(auth.client_for("volunteer1"), area)  # the volunteer signs Hawa up: her card has a QR link
    resident = newest_resident(app)
    set_values(app, User, User.id == resident.id, advisor_id=accounts.advisor1.id)
    link = pair_url_from(card)
    phone = app.test_client()
    assert phone.post(link).status_code == 303  # her phone is paired
    assert phone.post("/login", data={"pin": NEW_PIN}).status_code == 303
    sent = phone.post(f"/residents/{resident.id}/entries", data={"body": WORDS, "idempotency_key": uuid.uuid4().hex})
    assert sent.status_code in (200, 303)

    advisor = auth.client_for("advisor1")
    replied = advisor.post(
        f"/residents/{resident.id}/entries", data={"body": REPLY, "idempotency_key": uuid.uuid4().hex}
    )
    assert replied.status_code in (200, 303)

    phone.post("/logout")
    for _ in range(5):
        assert phone.post("/login", data={"pin": WRONG_PIN}).status_code == 422  # the fifth locks
    assert coordinator.post(f"/coordinator/accounts/{resident.id}/unlock").status_code == 303
    phone.post("/login", data={"pin": WRONG_PIN})
    lines = log_lines(capsys) + command(app, "users", "unlock", resident.username)

    assert phone.post("/login", data={"pin": NEW_PIN}).status_code == 303
    (paired,) = rows(app, TrustedDevice, TrustedDevice.resident_id == resident.id)
    assert phone.post(f"/account/phones/{paired.id}/remove", data={"confirm": "yes"}).status_code == 303
    erased = coordinator.post(
        f"/coordinator/residents/{resident.id}/erase", data={"username": resident.username, "when": "now"}
    )
    assert erased.status_code == 303
    lines += log_lines(capsys) + command(app, "retention", "run")

    assert {line.get("event") for line in lines} >= JOURNEY_EVENTS

    secrets = {
        "name": resident.display_name,
        "first name": "Hawa",
        "username": resident.username,
        "PIN": NEW_PIN,
        "wrong PIN": WRONG_PIN,
        "staff password": STAFF_PASSWORD,
        "message": WORDS,
        "reply": REPLY,
        "phone": PHONE,
        "phone digits": "20483917",
        "advisor's name": accounts.advisor1.display_name,
        "advisor's username": accounts.advisor1.username,
        "pairing token": link.rsplit("/", 1)[-1],
    }
    for line in lines:
        written = json.dumps(line, ensure_ascii=False)
        assert not [what for what, secret in secrets.items() if secret in written], written
        assert {"timestamp", "level", "message"} <= set(line)

    (made,) = [line for line in events(lines, "pairing.link_made") if line["user_id"] == resident.id]
    assert made["actor_id"] == accounts.volunteer1.id and REQUEST_ID.match(made["request_id"])
    assert events(lines, "pairing.link_used")[0]["user_id"] == resident.id
    signed_in = events(lines, "signin.succeeded")
    assert {line["user_id"] for line in signed_in} >= {resident.id, accounts.advisor1.id}
    failed = [line for line in events(lines, "signin.failed") if line["user_id"] == resident.id]
    assert [line["reason"] for line in failed] == ["invalid"] * 4 + ["locked", "invalid"]
    (locked,) = events(lines, "account.locked")
    assert locked["user_id"] == resident.id and locked["lock_count"] == 1
    web, cli = events(lines, "account.unlocked")
    assert (web["user_id"], web["actor_id"]) == (resident.id, accounts.coordinator.id)
    assert (cli["user_id"], cli["via"], cli["request_id"]) == (resident.id, "cli", None)
    (removed,) = events(lines, "device.removed")
    assert removed["user_id"] == resident.id and removed["trusted_devices"] == [paired.id]
    (gone,) = events(lines, "resident.erased")
    assert (gone["resident_id"], gone["actor_id"]) == (resident.id, accounts.coordinator.id)
    (retention,) = events(lines, "retention.ran")
    assert retention["erased_on_date"] == 0 and "events_deleted" in retention


def test_every_response_carries_its_request_id_the_poll_and_errors_too(auth, accounts):
    resident = auth.client_for("resident1")
    responses = [
        resident.get("/me/"),
        resident.get("/nowhere"),
        resident.get(
            f"/residents/{accounts.resident1.id}/updates", query_string={"after": 10**6}, headers={"HX-Request": "true"}
        ),
        resident.get("/static/js/no-such-file.js"),
    ]
    assert responses[2].status_code == 204 and responses[3].status_code == 404
    ids = [response.headers.get("X-Request-Id", "") for response in responses]
    assert all(REQUEST_ID.match(found) for found in ids) and len(set(ids)) == len(ids)


def test_a_static_file_served_carries_no_request_id_since_a_phone_pays_for_every_header(client):
    assert "X-Request-Id" not in client.get("/static/js/app.js").headers


def test_a_server_error_is_one_event_with_status_endpoint_and_request_id(app, client, capsys):
    @app.get("/boom/<token>")
    def boom(token):
        raise RuntimeError("kaboom")

    log_lines(capsys)
    response = client.get("/boom/a-one-time-token")
    lines = log_lines(capsys)

    (told,) = events(lines, "http.error")
    assert (told["status"], told["endpoint"]) == (500, "boom")
    assert told["request_id"] == response.headers["X-Request-Id"]
    (fault,) = [line for line in lines if line["level"] == "ERROR"]
    assert fault["request_id"] == told["request_id"] and "kaboom" in fault["exc_info"]
    assert not [line for line in lines if "a-one-time-token" in json.dumps(line)]


def test_a_sign_in_refused_for_the_address_is_logged_with_why(app, auth, accounts, capsys):
    app.config["ADDRESS_FAILED_LOGIN_LIMIT"] = 0
    log_lines(capsys)
    auth.sign_in(app.test_client(), "advisor1", "wrong password")
    (failed,) = events(log_lines(capsys), "signin.failed")
    assert (failed["reason"], failed["user_id"]) == ("address", None)


def test_a_closed_accounts_pin_is_refused_unchecked_and_logged_as_inactive(app, accounts, capsys):
    from webapp.auth import services

    set_values(app, User, User.id == accounts.resident1.id, active=False)
    closed = run(app, lambda session: session.get(User, accounts.resident1.id))
    log_lines(capsys)
    assert run(app, services.sign_in_resident, resident=closed, pin=RESIDENT_PIN).user is None
    (failed,) = events(log_lines(capsys), "signin.failed")
    assert (failed["reason"], failed["user_id"]) == ("inactive", accounts.resident1.id)


def events_the_code_can_log() -> set[str]:
    """Every name given to oplog.event in webapp/ (both names of an `a if … else b`), and the audited actions."""
    from webapp import oplog

    names = set(oplog.AUDITED.values())
    for source in (Path(__file__).resolve().parent.parent / "webapp").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", None)) == "event"
                and node.args
            ):
                names |= {
                    part.value
                    for part in ast.walk(node.args[0])
                    if isinstance(part, ast.Constant) and isinstance(part.value, str)
                }
    return names


def test_the_readme_names_every_event_that_is_logged_and_no_other():
    paragraph = readme_paragraph("**Logs and metrics.**")
    named = set(re.findall(r"`([a-z_]+(?:\.[a-z_]+)+)`", paragraph[: paragraph.index("A person is only")]))
    assert JOURNEY_EVENTS | {"http.error"} <= named
    assert named == events_the_code_can_log()


def test_a_staff_password_with_a_second_factor_to_come_is_logged_as_only_the_first_step(app, accounts, capsys):
    from webapp.auth import services

    app.config["STAFF_SECOND_FACTOR"] = True
    log_lines(capsys)
    assert run(app, services.sign_in, username="advisor1", secret=STAFF_PASSWORD, staff=True).user is not None
    (signed_in,) = events(log_lines(capsys), "signin.succeeded")
    assert (signed_in["user_id"], signed_in["check"], signed_in["second_factor_due"]) == (
        accounts.advisor1.id,
        "sign_in",
        True,
    )
