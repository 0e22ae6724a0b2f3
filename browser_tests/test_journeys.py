from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect


def sign_in_resident(page, server, username):
    """Pair this browser with the resident, as scanning their card would, then sign in with the PIN only."""
    page.goto(server.pair_link(username))
    page.click("main button[type=submit]")
    expect(page.locator("#username")).to_have_count(0)
    page.fill("#pin", "٤٨٢٧")
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{server}/me/")


def sign_in_staff(page, server, username):
    page.goto(f"{server}/login/staff")
    page.fill("#username", username)
    page.fill("#password", "demo-pass-2026")
    page.click("button[type=submit]")


def test_message_reply_and_seen_mark_travel_without_reloads(server, phone, laptop, tmp_path):
    resident = phone.new_page()
    sign_in_resident(resident, server, "resident1")
    expect(resident.locator("html")).to_have_attribute("dir", "rtl")
    resident.evaluate("window.stillTheSamePage = true")

    resident.fill("#message-body", "هل يمكننا أن نلتقي يوم الإثنين؟")
    resident.click("#message-form button[type=submit]")
    mine = resident.locator(".entry--mine").first
    expect(mine).to_contain_text("هل يمكننا أن نلتقي")
    expect(resident.locator("#message-body")).to_have_value("")

    advisor = laptop.new_page()
    sign_in_staff(advisor, server, "advisor1")
    advisor.click("text=فاطمة الحسن")
    expect(advisor.locator(".entry").first).to_contain_text("هل يمكننا أن نلتقي")
    expect(mine.locator(".seen--yes")).to_be_visible(timeout=5000)  # the poll brought the seen mark

    advisor.fill("#message-body", "Ja, mandag kl. 10 i beboerhuset passer fint.")
    advisor.click("#message-form button[type=submit]")
    expect(resident.locator(".entry--theirs").first).to_contain_text("mandag kl. 10", timeout=5000)
    assert resident.evaluate("window.stillTheSamePage") is True
    resident.screenshot(path=str(tmp_path / "resident-360.png"), full_page=True)
    assert phone.console_errors == []


def test_a_failed_send_keeps_the_text_and_says_so(server, phone):
    page = phone.new_page()
    sign_in_resident(page, server, "resident2")
    page.fill("#message-body", "امروز نمی‌توانم بیایم.")
    phone.set_offline(True)
    page.click("#message-form button[type=submit]")
    expect(page.locator("#message-form .send-error")).to_be_visible()
    expect(page.locator("#message-form .send-error")).to_contain_text("دوباره")
    expect(page.locator("#message-body")).to_have_value("امروز نمی‌توانم بیایم.")
    phone.set_offline(False)
    page.click("#message-form button[type=submit]")
    expect(page.locator(".entry--mine").first).to_contain_text("امروز نمی‌توانم بیایم.")
    expect(page.locator("#message-form .send-error")).to_be_hidden()


def test_validation_error_shows_next_to_the_field_without_losing_text(server, phone):
    page = phone.new_page()
    sign_in_resident(page, server, "resident3")
    long_text = "Det her er en meget lang besked. " * 130
    page.fill("#message-body", long_text)
    page.click("#message-form button[type=submit]")
    expect(page.locator("#message-body-error")).to_contain_text("4.000")
    assert page.input_value("#message-body") == long_text


def test_older_entries_load_on_demand_and_language_switch_reloads_direction(server, phone):
    page = phone.new_page()
    sign_in_resident(page, server, "resident4")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("a[lang=fa-AF]")
    expect(page.locator("html")).to_have_attribute("lang", "fa-AF")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.click("a[lang=en]")


def test_no_page_is_wider_than_a_360_px_phone(server, phone):
    page = phone.new_page()
    sign_in_staff(page, server, "coordinator")
    for path in ("/coordinator/", "/coordinator/staff/new", "/account"):
        page.goto(server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)


def open_subpage(page, number: int) -> None:
    """A boosted link swaps the page in after the click returns: wait until the new page is the one shown."""
    link = page.locator(f".subnav a:nth-child({number})")
    link.click()
    expect(link).to_have_attribute("aria-current", "page")


def test_resident_records_everything_and_advisor_sees_it_in_danish(server, phone, laptop, tmp_path):
    page = phone.new_page()
    sign_in_resident(page, server, "resident1")
    page.click("button.mood--2")
    expect(page.locator(".mood--2")).to_have_attribute("aria-pressed", "true")

    page.click("a.tile >> nth=0")  # What stands in the way?
    page.fill("#barrier-words", "لا أعرف الطريق إلى الشركة")
    page.click("button.tile[value=transport]")
    expect(page.locator(".barrier").first).to_contain_text("لا أعرف الطريق")

    open_subpage(page, 4)  # goals
    page.click("details.card > summary")
    page.check("details.card input[name=kind][value=education]")
    page.fill("#new-goal-words", "دورة طبخ للمطابخ الكبيرة")
    page.fill("#new-goal-hours", "١٥")
    page.click("details.card button[type=submit]")
    goal = page.locator("article.goal", has_text="دورة طبخ")
    for count, text in enumerate(("أسأل عن الدورة في البلدية", "أطبع سيرتي الذاتية"), start=1):
        goal.locator("input[name=text]").fill(text)
        goal.locator("form.inline-form button").click()
        expect(goal.locator(".steps li")).to_have_count(count)

    open_subpage(page, 5)  # appointments
    page.click("details.card > summary")
    page.fill("#new-when", (date.today() + timedelta(days=5)).isoformat() + "T10:00")
    page.fill("#new-where", "Sundhedshuset")
    page.check("input[name=with_whom][value=doctor]")
    page.select_option("#new-interpreter", "ar")
    page.click("details.card button[type=submit]")
    expect(page.locator("article.appointment", has_text="Sundhedshuset")).to_be_visible()

    mine = page.locator("article.appointment", has_text="Beboerhuset")
    mine.locator("button[value=move]").click()
    expect(page.locator("article.appointment", has_text="Beboerhuset")).to_contain_text("أرجو")
    page.screenshot(path=str(tmp_path / "resident-appointments.png"), full_page=True)

    advisor = laptop.new_page()
    sign_in_staff(advisor, server, "advisor1")
    rows = advisor.locator(".caseload__row")
    fatima = rows.filter(has_text="فاطمة الحسن")
    expect(fatima).to_contain_text("Har bedt om at flytte en aftale")
    expect(fatima).to_contain_text("Har haft det svært for nylig")
    texts = [row.inner_text() for row in rows.all()]
    above = texts[: next(n for n, text in enumerate(texts) if "فاطمة الحسن" in text)]
    assert all("venter på svar" in text for text in above), above  # only those waiting for an answer come first
    fatima.click()
    timeline = advisor.locator("#entries")
    for danish in (
        "Ny forhindring: Transport",
        "Nyt mål: Uddannelse",
        "Ny aftale:",
        "Dagens humør: Dårligt",
        "Kan vi flytte den?",
        "Tolk: Arabisk",
    ):
        expect(timeline).to_contain_text(danish)
    advisor.fill("#message-body", "Vi finder en ny tid. Passer onsdag kl. 10?")
    advisor.click("#message-form button[type=submit]")
    page.click(".subnav a:nth-child(1)")  # home: the timeline below waits for it
    expect(page.locator("#entries")).to_contain_text("onsdag kl. 10", timeout=5000)
    assert phone.console_errors == []


def test_the_poll_rests_while_the_tab_is_hidden_and_asks_at_once_when_shown(server, phone):
    resident = phone.new_page()
    sign_in_resident(resident, server, "resident2")
    polls = []
    resident.on("request", lambda request: polls.append(request.url) if "/updates" in request.url else None)
    resident.wait_for_timeout(3500)
    visible_polls = len(polls)
    assert visible_polls >= 2  # every second in this test server

    resident.evaluate("""() => {
        window.tabHidden = true;
        Object.defineProperty(document, "hidden", {configurable: true, get: () => window.tabHidden});
        document.dispatchEvent(new Event("visibilitychange"));
    }""")
    polls.clear()
    resident.wait_for_timeout(4000)
    assert len(polls) <= 1  # at most once a minute while hidden

    polls.clear()
    resident.evaluate("""() => { window.tabHidden = false; document.dispatchEvent(new Event("visibilitychange")); }""")
    resident.wait_for_timeout(300)
    assert len(polls) >= 1
    assert phone.console_errors == []
