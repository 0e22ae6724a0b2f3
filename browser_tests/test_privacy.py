"""Issue 17's journeys: a resident's own data (download, consent asked again, stopping) and the coordinator's
deletion, in the browser. Each journey makes residents of its own (advisor2's, whom no other browser test
reads), so the demo accounts the other tests use stay as they were."""

from __future__ import annotations

import json
import re
import uuid
import zipfile
from pathlib import Path

import probes
import pytest
from playwright.sync_api import expect
from screens import LANGUAGES, PIN, VIEWPORTS
from test_journeys import sign_in_staff
from test_screens import layout_problems, set_text_size

AUDIO = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "audio" / "voice.webm"
OLDER_CONSENT = "2026-11-25.2"
ADVISOR = "advisor2"
OVERVIEW = re.compile(r"/coordinator/(#[\w-]*)?$")

MESSAGE = "أريد أن أتعلم الدنماركية في المساء بعد العمل."
PHRASE_AR = "لا أستطيع الحضور اليوم"  # "I can't come today", as the Arabic phrase book says it
BARRIER_WORDS = "ليس لدي من يعتني بابني بعد المدرسة"


# --- Residents of the journeys' own, made as a sign-up leaves them -------------------------------------


def new_resident(server, *, name: str, locale: str) -> dict:
    """A resident of advisor2 with the PIN of the demo, agreed to today's consent in their language."""
    from flask_babel import force_locale

    from webapp.auth import services as accounts
    from webapp.db import close_session, get_session, writing
    from webapp.models import Role, utcnow
    from webapp.signup import consent

    username = f"privacy-{uuid.uuid4().hex[:8]}"
    with server.app.app_context():
        db = get_session()
        advisor = accounts.find_user(db, ADVISOR)
        user = accounts.create_user(
            db,
            username=username,
            display_name=name,
            role=Role.RESIDENT,
            secret=PIN,
            locale=locale,
            advisor_id=advisor.id,
        )
        with writing(db), force_locale(locale):
            consent.record_agreement(db, resident=user, locale=locale, at=utcnow())
        found = {"id": user.id, "username": username, "name": name, "locale": locale}
        close_session()
    return found


def in_app(server, work):
    """`work(db)` with the served app's database, as one of its requests would have it."""
    from webapp.db import close_session, get_session

    with server.app.app_context():
        try:
            return work(get_session())
        finally:
            close_session()


def user_row(server, resident: dict):
    from webapp.models import User

    return in_app(server, lambda db: db.get(User, resident["id"]))


def give_history(server, resident: dict) -> None:
    """A message, a phrase, a barrier in their own words and a voice message, as the screens would keep them."""
    from webapp.models import EntryKind, User
    from webapp.records import barriers
    from webapp.timeline import kinds, phrases, voice
    from webapp.timeline import services as timeline

    def work(db):
        me = db.get(User, resident["id"])
        timeline.post_message(db, resident=me, author=me, body=MESSAGE, idempotency_key=uuid.uuid4().hex)
        timeline.post_message(
            db,
            resident=me,
            author=me,
            body=None,
            kind=EntryKind.PHRASE,
            data=phrases.stored(phrases.PHRASES["cant_come_today"]),
            idempotency_key=uuid.uuid4().hex,
        )
        barriers.add(db, resident=me, key="childcare", words=BARRIER_WORDS, idempotency_key=uuid.uuid4().hex)
        data = AUDIO.read_bytes()
        audio = voice.check(data, max_bytes=server.app.config["VOICE_MAX_BYTES"], max_seconds=120)
        timeline.post_message(
            db,
            resident=me,
            author=me,
            body=None,
            kind=EntryKind.VOICE,
            data=kinds.voice(voice.keep(me.id, data, audio), seconds=audio.seconds, mimetype=audio.mimetype),
            idempotency_key=uuid.uuid4().hex,
        )

    in_app(server, work)


def make_consent_older(server, resident: dict) -> None:
    from sqlalchemy import update

    from webapp.db import writing
    from webapp.models import User

    def work(db):
        with writing(db):
            db.execute(update(User).where(User.id == resident["id"]).values(consent_version=OLDER_CONSENT))

    in_app(server, work)


def said(server, locale: str, text: str, **dates) -> str:
    """The app's own words in `locale` (English until the catalog has them), dates written as its pages write them."""
    from flask_babel import force_locale, gettext

    from webapp.dates import day_month

    with server.app.test_request_context(), force_locale(locale):
        return gettext(text, **{key: day_month(moment) for key, moment in dates.items()})


def test_a_refused_phone_number_on_my_data_is_in_view_with_what_was_typed_in_arabic(server, handset):
    resident = new_resident(server, name="ليلى حداد", locale="ar")
    phone = handset.new_page()
    pair_and_sign_in(phone, server, resident)
    phone.goto(f"{server}/me/data")

    phone.fill("input[name=phone]", "12")
    phone.click("form[action='/me/data/contact'] button[type=submit]")

    field = phone.locator("input[name=phone]")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value("12")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(phone.locator(".field:has(input[name=phone]) .field-error")).to_be_visible()
    assert field.evaluate(probes.IN_VIEW), "the refused number is out of view"
    assert user_row(server, resident).phone is None


# --- Browsers -----------------------------------------------------------------------------------------


@pytest.fixture
def handset(browser):
    """A 360 px phone as test_screens has it (touch, mobile); console errors are collected."""
    context = browser.new_context(**VIEWPORTS["phone"])
    context.console_errors = []
    context.on("console", lambda message: message.type == "error" and context.console_errors.append(message.text))
    yield context
    context.close()


def pair_and_sign_in(page, server, resident: dict) -> None:
    """Scan the card's QR code on this phone, then write the PIN; leaves the page wherever the app sends it."""
    page.goto(server.pair_link(resident["username"]))
    page.click("main button[type=submit]")
    expect(page.locator("#pin")).to_be_visible()
    sign_in_with_pin(page)


def sign_in_with_pin(page) -> None:
    page.fill("#pin", PIN)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def coordinator_desk(browser, server):
    page = browser.new_context(**VIEWPORTS["staff"]).new_page()
    sign_in_staff(page, server, "coordinator")
    expect(page.locator("header.top .who")).to_be_visible()
    return page


def resident_row(page, resident: dict):
    """The resident's row on the coordinator's overview: the one that offers to delete them, or to cancel that."""
    erase = f"/coordinator/residents/{resident['id']}/erase"
    return page.locator("li.rows__row", has=page.locator(f"a[href='{erase}'], form[action='{erase}/cancel']"))


# --- The journeys -------------------------------------------------------------------------------------


def test_an_arabic_reader_downloads_their_data_on_a_phone_and_the_page_in_it_reads_right_to_left(
    server, handset, browser, tmp_path
):
    resident = new_resident(server, name="ليلى منصور", locale="ar")
    give_history(server, resident)
    phone = handset.new_page()
    pair_and_sign_in(phone, server, resident)
    expect(phone).to_have_url(f"{server}/me/")

    phone.goto(f"{server}/account")
    phone.click("main a[href='/me/data']")
    expect(phone).to_have_url(f"{server}/me/data")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    with phone.expect_download() as waiting:
        phone.click("main form[action='/me/data/export'] button[type=submit]")
    download = waiting.value
    assert re.fullmatch(rf"sammen-{resident['username']}-\d{{4}}-\d{{2}}-\d{{2}}\.zip", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(saved) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        archive.extractall(unpacked)
    voices = [name for name in names if name.startswith("voice/")]
    assert {"export.html", "data.json"} <= set(names) and len(voices) == 1, names
    assert (unpacked / voices[0]).read_bytes() == AUDIO.read_bytes()
    data = json.dumps(json.loads((unpacked / "data.json").read_text(encoding="utf-8")), ensure_ascii=False)
    assert MESSAGE in data and BARRIER_WORDS in data

    reader = browser.new_context(**VIEWPORTS["phone"]).new_page()
    reader.goto((unpacked / "export.html").as_uri())
    expect(reader.locator("html")).to_have_attribute("lang", "ar")
    expect(reader.locator("html")).to_have_attribute("dir", "rtl")
    assert reader.evaluate("getComputedStyle(document.body).direction") == "rtl"
    body = reader.locator("body")
    expect(body).to_contain_text(MESSAGE)
    expect(body).to_contain_text(PHRASE_AR)
    expect(body).to_contain_text(BARRIER_WORDS)
    link = reader.locator(f"a[href='{voices[0]}']")
    expect(link).to_be_visible()  # the voice message's line points at its file, beside the page
    reader.screenshot(path=str(tmp_path / "export-ar.png"), full_page=True)
    reader.context.close()
    assert handset.console_errors == []


def test_a_dari_reader_with_an_older_consent_sees_only_the_consent_page_until_they_agree(server, handset, tmp_path):
    resident = new_resident(server, name="فرشته رحیمی", locale="fa_AF")
    make_consent_older(server, resident)
    page = handset.new_page()
    pair_and_sign_in(page, server, resident)
    expect(page).to_have_url(f"{server}/me/consent")
    for elsewhere in ("/me/", "/account", "/account/secret", f"/residents/{resident['id']}/goals"):
        page.goto(server + elsewhere)
        expect(page).to_have_url(f"{server}/me/consent")
    expect(page.locator("html")).to_have_attribute("lang", LANGUAGES["fa_AF"])
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    problems = layout_problems(page, "fa_AF", "360 px")
    facts = page.evaluate(probes.PAGE_FACTS)
    if facts["h1"] != 1:
        problems.append(f"{facts['h1']} h1 headings: {facts['h1Text']}")
    blocking, _counts = probes.run_axe(page, contrast=True)
    problems += [f"axe {line}" for line in blocking]
    problems += [f"target under 44 px: {what}" for what in page.evaluate(probes.SMALL_TARGETS)["small"]]
    cdp = handset.new_cdp_session(page)
    set_text_size(cdp, 32)
    try:
        page.goto(page.url)
        problems += layout_problems(page, "fa_AF", "360 px at 200 % text")
        page.screenshot(path=str(tmp_path / "consent-again-fa_AF-200pct.png"))
    finally:
        set_text_size(cdp, 16)
        cdp.detach()
    assert not problems, "\n".join(problems)

    page.goto(page.url)
    changes = page.locator("details.changes")
    changes.locator("summary").click()
    expect(changes).to_have_attribute("open", "")
    expect(changes.locator("li").first).to_be_visible()
    page.click("form[action='/me/consent'] button[type=submit]")
    expect(page).to_have_url(f"{server}/me/")
    expect(page.locator("#entries")).to_be_visible()

    page.goto(f"{server}/account")
    expect(page).to_have_url(f"{server}/account")
    page.goto(f"{server}/me/consent")
    expect(page).to_have_url(f"{server}/me/")  # nothing is asked any more
    from webapp.signup.consent import VERSION

    assert user_row(server, resident).consent_version == VERSION
    assert handset.console_errors == []


def test_a_resident_who_stops_is_signed_out_everywhere_told_the_account_is_closed_and_their_advisor_sees_it(
    server, handset, browser, laptop
):
    resident = new_resident(server, name="سارة خليل", locale="ar")
    phone = handset.new_page()
    pair_and_sign_in(phone, server, resident)
    other = browser.new_context(**VIEWPORTS["phone"]).new_page()  # the same resident, also on another phone
    pair_and_sign_in(other, server, resident)
    expect(other).to_have_url(f"{server}/me/")

    phone.goto(f"{server}/me/data")
    phone.click("main a[href='/me/stop']")
    expect(phone).to_have_url(f"{server}/me/stop")
    expect(phone.locator("#stop-text li")).to_have_count(4)
    phone.click("main button[name=confirm][value=stop]")

    expect(phone).to_have_url(f"{server}/login")
    closed = user_row(server, resident)
    assert closed.stopped_at is not None and closed.erase_after is not None and not closed.active
    expect(phone.locator("html")).to_have_attribute("lang", "ar")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(phone.locator("#closed")).to_have_text(
        said(
            server,
            "ar",
            "Your account is closed. Everything is deleted on %(date)s. If you change your mind before "
            "then, ask the staff in the community house.",
            date=closed.erase_after,
        )
    )
    expect(phone.locator("#pin")).to_have_count(0)

    # The other phone's poll meets the sign-in wall, and the whole page goes to the sign-in page.
    expect(other).to_have_url(re.compile(r"/login"), timeout=5000)
    expect(other.locator("#closed")).to_be_visible()
    other.goto(f"{server}/me/")
    expect(other.locator("#entries")).to_have_count(0)
    other.context.close()

    advisor = laptop.new_page()
    sign_in_staff(advisor, server, ADVISOR)
    row = advisor.locator(".caseload__row", has_text=resident["name"])
    expect(row.locator(".caseload__reason--stopped")).to_contain_text(said(server, "da", "Wants to stop"))
    row.click()
    expect(advisor.locator("#leaving")).to_be_visible()
    expect(advisor.locator("#message-form")).to_have_count(0)
    assert handset.console_errors == []


def test_the_coordinator_deletes_one_resident_now_after_a_wrong_username_and_plans_and_cancels_another(
    server, browser, handset
):
    gone = new_resident(server, name="Nadia Karimi", locale="en")
    kept = new_resident(server, name="Ahmad Rasuli", locale="da")
    phone = handset.new_page()
    pair_and_sign_in(phone, server, kept)
    expect(phone).to_have_url(f"{server}/me/")
    desk = coordinator_desk(browser, server)

    desk.goto(f"{server}/coordinator/")
    resident_row(desk, gone).locator(f"a[href='/coordinator/residents/{gone['id']}/erase']").click()
    expect(desk).to_have_url(f"{server}/coordinator/residents/{gone['id']}/erase")
    desk.fill("input[name=username]", "privacy-wrong")
    desk.check("input[name=when][value=now]")
    desk.click("main form button[type=submit]")
    field = desk.locator("input[name=username]")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value("privacy-wrong")
    expect(desk.locator(".field:has(input[name=username]) .field-error")).to_be_visible()
    assert field.evaluate(probes.IN_VIEW), "the refused field is out of view"
    assert user_row(server, gone) is not None  # nothing deleted

    field.fill(gone["username"])
    desk.check("input[name=when][value=now]")
    desk.click("main form button[type=submit]")
    expect(desk).to_have_url(OVERVIEW)
    expect(resident_row(desk, kept)).to_be_visible()
    expect(resident_row(desk, gone)).to_have_count(0)
    assert user_row(server, gone) is None

    resident_row(desk, kept).locator(f"a[href='/coordinator/residents/{kept['id']}/erase']").click()
    desk.fill("input[name=username]", kept["username"])
    desk.check("input[name=when][value=later]")
    desk.click("main form button[type=submit]")
    expect(desk).to_have_url(OVERVIEW)
    row = resident_row(desk, kept)
    cancel = row.locator(f"form[action='/coordinator/residents/{kept['id']}/erase/cancel'] button")
    expect(cancel).to_be_visible()
    planned = user_row(server, kept).erase_after
    assert planned is not None
    expect(row).to_contain_text(said(server, "da", "Will be deleted on %(date)s", date=planned))
    # Closed at once, until the day or until cancelled: the phone's next poll takes it to the sign-in page.
    expect(phone.locator("#closed")).to_be_visible(timeout=5000)
    expect(phone.locator("#pin")).to_have_count(0)

    cancel.click()
    expect(row.locator(f"a[href='/coordinator/residents/{kept['id']}/erase']")).to_be_visible()
    expect(row).not_to_contain_text(said(server, "da", "Will be deleted on %(date)s", date=planned))
    desk.context.close()

    phone.goto(f"{server}/login")
    sign_in_with_pin(phone)
    expect(phone).to_have_url(f"{server}/me/")
    expect(phone.locator("#entries")).to_be_visible()
    # The one error the phone logs is the sign-in wall's own answer to its poll: 401, with where to go.
    assert [error for error in handset.console_errors if "status of 401" not in error] == []
