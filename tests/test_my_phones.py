"""My phones: each phone named so two can be told apart, the phone in the resident's hand marked, removing it
asked first, and pairing the same phone again keeps one entry."""

from __future__ import annotations

import re

import pytest

from webapp import devices
from webapp.auth import pairing
from webapp.models import AuditEvent, DeviceSession, TrustedDevice

from .conftest import page_text
from .factories import RESIDENT_PIN, register_tablet, rows, run

CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0"
SAMSUNG_ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1"
)
CHROME_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1"
)
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80"
)
ROW = re.compile(r'<li class="devices__row[^"]*"[^>]*>.*?</li>', re.S)
CONFIRM = "You will need a new QR code from the community house to use Sammen on this phone again."


def paired_phone(app, resident, user_agent: str, *, signed_in: bool = True, client=None, sets_pin: bool = False):
    """A phone set up with a QR code as the resident's is, in the browser `user_agent` names."""
    phone = client or app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = user_agent
    token = run(app, pairing.make_link, resident=resident, actor=None, sets_pin=sets_pin)
    form = {"new": RESIDENT_PIN, "repeat": RESIDENT_PIN} if sets_pin else {}
    assert phone.post(f"/pair/{token}", data=form).status_code == 303
    if signed_in:
        assert phone.post("/login", data={"pin": RESIDENT_PIN}).status_code == 303
    return phone


def live_phones(app, resident) -> list[TrustedDevice]:
    return run(app, lambda session: pairing.phones_of(session, resident=resident))


def phone_rows(response) -> list[str]:
    """The entries of the "My phones" list, as HTML."""
    html = response.get_data(as_text=True)
    listing = re.search(r'<ul class="devices" id="my-phones">.*?</ul>', html, re.S).group(0)
    return ROW.findall(listing)


def this_phone_rows(response) -> list[str]:
    return [row for row in phone_rows(response) if 'aria-current="true"' in row]


@pytest.fixture
def two_phones(app, accounts):
    """resident1's Firefox phone, paired first, and Chrome phone, paired second; both signed in."""
    firefox = paired_phone(app, accounts.resident1, FIREFOX_ANDROID)
    chrome = paired_phone(app, accounts.resident1, CHROME_ANDROID)
    older, newer = sorted(live_phones(app, accounts.resident1), key=lambda phone: phone.id)
    return {"firefox": firefox, "chrome": chrome, "firefox_id": older.id, "chrome_id": newer.id}


# --- Names --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agent", "browser"),
    [
        (CHROME_ANDROID, "Chrome"),
        (FIREFOX_ANDROID, "Firefox"),
        (SAMSUNG_ANDROID, "Samsung Internet"),
        (SAFARI_IPHONE, "Safari"),
        (CHROME_IPHONE, "Chrome"),
        (EDGE_WINDOWS, "Edge"),
        ("", ""),
        ("curl/8.0", ""),
    ],
)
def test_the_browser_is_read_from_the_user_agent(agent, browser):
    assert devices.browser_label(devices.browser_of(agent)) == browser


def test_two_phones_of_one_kind_in_two_browsers_have_different_names(app, accounts, two_phones):
    rows_shown = [page_text_of(row) for row in phone_rows(two_phones["chrome"].get("/account"))]

    assert len(rows_shown) == 2
    assert any("Android phone, Chrome" in row for row in rows_shown)
    assert any("Android phone, Firefox" in row for row in rows_shown)
    assert all("Last signed in" in row and "Paired" in row for row in rows_shown)


def test_a_phone_that_never_signed_in_is_named_by_its_kind(app, accounts):
    phone = paired_phone(app, accounts.resident1, FIREFOX_ANDROID)
    paired_phone(app, accounts.resident1, CHROME_ANDROID, signed_in=False)

    shown = [page_text_of(row) for row in phone_rows(phone.get("/account"))]

    (never,) = [row for row in shown if "Firefox" not in row]
    assert never.startswith("Android phone Paired") and "Last signed in" not in never


# --- This phone ---------------------------------------------------------------------------------------


def test_the_account_page_marks_the_phone_it_is_open_on(app, accounts, two_phones):
    on_firefox = this_phone_rows(two_phones["firefox"].get("/account"))
    on_chrome = this_phone_rows(two_phones["chrome"].get("/account"))

    assert len(on_firefox) == 1 and "Firefox" in on_firefox[0] and "This phone" in page_text_of(on_firefox[0])
    assert len(on_chrome) == 1 and "Chrome" in on_chrome[0]


def test_this_phone_comes_first(app, accounts, two_phones):
    first = phone_rows(two_phones["firefox"].get("/account"))[0]

    assert 'aria-current="true"' in first and "Firefox" in first


def test_my_data_marks_the_phone_it_is_open_on(app, accounts, two_phones):
    marked = this_phone_rows(two_phones["firefox"].get("/me/data"))

    assert len(marked) == 1 and "Firefox" in marked[0]


def test_on_the_tablet_no_phone_is_this_phone_and_removing_one_asks_nothing(app, auth, accounts, two_phones):
    tablet = app.test_client()
    register_tablet(app, tablet)
    auth.sign_in(tablet, "resident1")

    assert this_phone_rows(tablet.get("/account")) == []
    removed = tablet.post(f"/account/phones/{two_phones['chrome_id']}/remove")
    assert removed.status_code == 303
    assert [phone.id for phone in live_phones(app, accounts.resident1)] == [two_phones["firefox_id"]]
    assert tablet.get("/account").status_code == 200


# --- Removing this phone asks first --------------------------------------------------------------------


def test_remove_on_this_phone_is_a_link_to_a_question_and_on_another_a_button(app, accounts, two_phones):
    html = two_phones["firefox"].get("/account").get_data(as_text=True)
    this_url = f"/account/phones/{two_phones['firefox_id']}/remove"
    other_url = f"/account/phones/{two_phones['chrome_id']}/remove"

    assert f'href="{this_url}"' in html and f'action="{this_url}"' not in html
    assert f'action="{other_url}"' in html


def test_the_question_before_removing_this_phone_says_what_it_means_and_changes_nothing(app, accounts, two_phones):
    firefox = two_phones["firefox"]
    events_before = len(rows(app, AuditEvent))

    asked = firefox.get(f"/account/phones/{two_phones['firefox_id']}/remove")

    assert asked.status_code == 200
    assert CONFIRM in page_text(asked) and "Android phone, Firefox" in page_text(asked)
    assert 'name="confirm"' in asked.get_data(as_text=True)
    assert len(live_phones(app, accounts.resident1)) == 2 and len(rows(app, AuditEvent)) == events_before


def test_removing_this_phone_without_confirming_shows_the_question_and_keeps_the_phone(app, accounts, two_phones):
    firefox = two_phones["firefox"]

    tapped = firefox.post(f"/account/phones/{two_phones['firefox_id']}/remove", data={"this_phone": "no"})

    assert tapped.status_code == 200 and CONFIRM in page_text(tapped)
    assert len(live_phones(app, accounts.resident1)) == 2
    assert firefox.get("/me/").status_code == 200
    assert "device_removed" not in [event.action for event in rows(app, AuditEvent)]


def test_removing_this_phone_after_confirming_unpairs_it_and_shows_the_qr_page(app, accounts, two_phones):
    firefox = two_phones["firefox"]

    done = firefox.post(f"/account/phones/{two_phones['firefox_id']}/remove", data={"confirm": "yes"})

    assert done.status_code == 303 and done.headers["Location"].startswith("/login")
    assert [phone.id for phone in live_phones(app, accounts.resident1)] == [two_phones["chrome_id"]]
    assert firefox.get_cookie(app.config["DEVICE_COOKIE_NAME"]) is None
    landing = page_text(firefox.get(done.headers["Location"], follow_redirects=True))
    assert "This phone is removed" in landing and "Ask for a QR code in the community house" in landing
    assert firefox.get("/me/").status_code == 302
    assert two_phones["chrome"].get("/me/").status_code == 200
    removed = [event for event in rows(app, AuditEvent) if event.action == "device_removed"]
    assert [event.detail["trusted_devices"] for event in removed] == [[two_phones["firefox_id"]]]


def test_a_confirmation_sent_for_another_phone_does_not_make_it_this_phone(app, accounts, two_phones):
    firefox = two_phones["firefox"]

    firefox.post(f"/account/phones/{two_phones['chrome_id']}/remove", data={"confirm": "yes"})

    assert firefox.get("/me/").status_code == 200
    assert firefox.get_cookie(app.config["DEVICE_COOKIE_NAME"]) is not None


# --- Removing another phone ---------------------------------------------------------------------------


def test_removing_another_phone_happens_at_once_and_says_which(app, accounts, two_phones):
    firefox = two_phones["firefox"]

    removed = firefox.post(f"/account/phones/{two_phones['chrome_id']}/remove")

    assert removed.status_code == 303 and removed.headers["Location"] == "/account#phones"
    assert [phone.id for phone in live_phones(app, accounts.resident1)] == [two_phones["firefox_id"]]
    assert "Removed: Android phone, Chrome, last signed in" in page_text(firefox.get("/account"))
    assert two_phones["chrome"].get("/me/").status_code == 302
    assert firefox.get("/me/").status_code == 200


def test_asking_to_remove_another_phone_goes_back_to_the_list(app, accounts, two_phones):
    asked = two_phones["firefox"].get(f"/account/phones/{two_phones['chrome_id']}/remove")

    assert asked.status_code == 302 and asked.headers["Location"] == "/account#phones"
    assert len(live_phones(app, accounts.resident1)) == 2


def test_another_residents_phone_cannot_be_asked_about_or_removed(app, auth, accounts, two_phones):
    other = auth.client_for("resident2")
    url = f"/account/phones/{two_phones['firefox_id']}/remove"

    assert other.get(url).status_code == 404
    assert other.post(url, data={"confirm": "yes"}).status_code == 404
    assert len(live_phones(app, accounts.resident1)) == 2


# --- Pairing the same phone again ---------------------------------------------------------------------


def test_pairing_the_same_phone_again_replaces_its_entry(app, accounts):
    phone = paired_phone(app, accounts.resident1, CHROME_ANDROID)
    (first,) = live_phones(app, accounts.resident1)
    old_sessions = rows(app, DeviceSession, DeviceSession.trusted_device_id == first.id)

    paired_phone(app, accounts.resident1, CHROME_ANDROID, client=phone, sets_pin=True, signed_in=False)

    assert [device.id for device in rows(app, TrustedDevice)] == [first.id]  # one entry, no second row
    assert all(
        session.revoked_at is not None
        for session in rows(app, DeviceSession, DeviceSession.id.in_([s.id for s in old_sessions]))
    )
    assert phone.post("/login", data={"pin": RESIDENT_PIN}).status_code == 303
    account = phone.get("/account")
    assert len(phone_rows(account)) == 1 and len(this_phone_rows(account)) == 1
    signed_in = re.search(
        r'<h2>Where you are signed in</h2>\s*<ul class="devices">(.*?)</ul>', account.get_data(as_text=True), re.S
    ).group(1)
    assert signed_in.count("<li") == 1


def test_pairing_the_same_phone_again_keeps_what_the_audit_log_records(app, accounts):
    phone = paired_phone(app, accounts.resident1, CHROME_ANDROID)
    (first,) = live_phones(app, accounts.resident1)

    paired_phone(app, accounts.resident1, CHROME_ANDROID, client=phone, sets_pin=True)

    events = [event for event in rows(app, AuditEvent) if event.subject_id == accounts.resident1.id]
    paired = [event for event in events if event.action == "phone_paired"]
    assert [event.detail["trusted_device"] for event in paired] == [first.id, first.id]
    assert [event.detail["new_pin"] for event in paired] == [False, True]
    assert paired[1].detail["replaced"] is True and paired[1].device == "android_phone"
    assert "pin_reset" in [event.action for event in events]
    # Nothing was removed: the phone stays, with a new key.
    assert "device_removed" not in [event.action for event in events]


def test_the_old_key_of_a_phone_paired_again_no_longer_opens_it(app, accounts):
    phone = paired_phone(app, accounts.resident1, CHROME_ANDROID)
    old_key = phone.get_cookie(app.config["DEVICE_COOKIE_NAME"]).value

    paired_phone(app, accounts.resident1, CHROME_ANDROID, client=phone)

    copy = app.test_client()
    copy.set_cookie(app.config["DEVICE_COOKIE_NAME"], old_key)
    assert "Ask for a QR code in the community house" in page_text(copy.get("/login"))


def test_a_phone_paired_for_another_resident_leaves_the_first_residents_list(app, accounts):
    phone = paired_phone(app, accounts.resident1, CHROME_ANDROID, signed_in=False)

    paired_phone(app, accounts.resident2, CHROME_ANDROID, client=phone, signed_in=False)

    assert live_phones(app, accounts.resident1) == []
    assert len(live_phones(app, accounts.resident2)) == 1


def test_another_browser_on_the_phone_is_a_phone_of_its_own(app, accounts):
    """Without the first browser's cookie nothing tells the two apart: both stay, named by their browsers."""
    paired_phone(app, accounts.resident1, CHROME_ANDROID)
    samsung = paired_phone(app, accounts.resident1, SAMSUNG_ANDROID)

    names = [page_text_of(row) for row in phone_rows(samsung.get("/account"))]

    assert len(names) == 2 and any("Samsung Internet" in name for name in names)


def page_text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
