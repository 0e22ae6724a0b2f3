"""A refused form shows its first mistake on screen: the field, with its error beside it, in view at
360 px, in every language, with JavaScript on (the normal case) and without it. A resident who sees the top
of the page after tapping Save believes it was saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from screens import LANGUAGES

LONG = "x" * 4001

# Where the first mistake is and the error that names it: both must be on screen.
FIRST_MISTAKE = """
() => {
  const field = document.querySelector('main [aria-invalid=true]') || document.querySelector('main .form-error');
  if (!field) return null;
  const ids = (field.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
  const error = ids.map(id => document.getElementById(id)).find(Boolean) || field;
  const inView = el => {
    const b = el.getBoundingClientRect();
    return b.height > 0 && b.top >= 0 && b.bottom <= innerHeight;
  };
  return {field: field.id || field.name || field.className, fieldInView: inView(field), errorInView: inView(error),
          top: Math.round(field.getBoundingClientRect().top + scrollY), scrollY: Math.round(scrollY)};
}
"""


def _open(page, summary_of):
    """Open a closed disclosure, leave an open one open."""
    details = page.locator(summary_of).first
    if details.get_attribute("open") is None:
        details.locator("> summary").click()


def message_too_long(page, server, me):
    page.goto(f"{server}/me/")
    page.fill("#message-body", LONG)
    page.click("#message-form button[type=submit]")


def new_goal_without_kind(page, server, me):
    page.goto(f"{server}/residents/{me}/goals")
    _open(page, "details.card:has(form[action$='/goals'])")
    page.fill("#new-goal-hours", "99")
    page.click("form[action$='/goals'] button[type=submit]")


def empty_step(page, server, me):
    page.goto(f"{server}/residents/{me}/goals")
    page.locator("article.goal form[action$='/steps'] button[type=submit]").last.click()


def empty_goal_comment(page, server, me):
    page.goto(f"{server}/residents/{me}/goals")
    page.locator("article.goal form[action$='/comments'] button[type=submit]").last.click()


def changed_goal_with_too_many_hours(page, server, me):
    page.goto(f"{server}/residents/{me}/goals")
    goal = page.locator("article.goal").last
    change = goal.locator("details:has(input[name=hours])")
    change.locator("> summary").click()
    change.locator("input[name=hours]").fill("99")
    change.locator("button[type=submit]").click()


def barrier_words_too_long(page, server, me):
    page.goto(f"{server}/residents/{me}/barriers")
    page.locator("#barrier-words").evaluate("box => box.removeAttribute('maxlength')")
    page.fill("#barrier-words", "x" * 501)
    page.locator("button.tile").last.click()


def new_appointment_without_time(page, server, me):
    page.goto(f"{server}/residents/{me}/appointments")
    _open(page, "details.card:has(form[action$='/appointments'])")
    page.fill("#new-where", "Lægehuset")
    page.click("form[action$='/appointments'] button[type=submit]")


def appointment_moved_without_time(page, server, me):
    page.goto(f"{server}/residents/{me}/appointments")
    card = page.locator("article.appointment:has(form[action$='/move'])").last
    card.locator("details:has(form[action$='/move']) > summary").click()
    card.locator("form[action$='/move'] input[name=starts_at]").fill("")
    card.locator("form[action$='/move'] button[type=submit]").click()


def wrong_pin_for_a_new_pin(page, server, me):
    page.goto(f"{server}/account/secret")
    page.locator("main input[type=password]").first.fill("0000")
    page.locator("main input[type=password]").nth(1).fill("5927")
    page.locator("main input[type=password]").nth(2).fill("5927")
    page.click("main button[type=submit]")


def phone_number_of_letters(page, server, me):
    page.goto(f"{server}/me/data")
    page.check("input[name=contact][value=call]")
    page.fill("input[name=phone]", "ring mig")
    page.click("form[action$='/contact'] button[type=submit]")


def area_without_a_name(page, server, me):
    page.goto(f"{server}/coordinator/")
    page.click("form[action$='/areas'] button[type=submit]")


def erasure_with_the_wrong_username(page, server, me):
    page.goto(f"{server}/coordinator/residents/{me}/erase")
    page.fill("main input[type=text]", "someone-else")
    page.click("main form button[type=submit]")


def advisor_reply_too_long(page, server, me):
    page.goto(f"{server}/advisor/residents/{me}")
    page.fill("#message-body", LONG)
    page.click("#message-form button[type=submit]")


def situation_in_work_with_too_many_hours(page, server, me):
    page.goto(f"{server}/advisor/residents/{me}")
    _open(page, "#situation details")
    page.locator("#situation input[name=situation]").first.check()  # in work, which asks for hours
    page.fill("#situation-hours", "99")
    page.click("#situation form button[type=submit]")


def situation_without_a_name(page, server, me):
    page.goto(f"{server}/coordinator/situations")
    page.click("form[action$='/situations'] button[type=submit]")


RESIDENT_FORMS = [
    message_too_long,
    new_goal_without_kind,
    empty_step,
    changed_goal_with_too_many_hours,
    barrier_words_too_long,
    new_appointment_without_time,
    wrong_pin_for_a_new_pin,
    phone_number_of_letters,
]
STAFF_FORMS = [
    ("coordinator", area_without_a_name),
    ("coordinator", erasure_with_the_wrong_username),
    ("advisor", advisor_reply_too_long),
    ("advisor", empty_goal_comment),
    ("advisor", appointment_moved_without_time),
    ("advisor", situation_in_work_with_too_many_hours),
    ("coordinator", situation_without_a_name),
]

CASES = [
    pytest.param("resident", refuse, language, id=f"resident-{refuse.__name__}-{language}")
    for refuse in RESIDENT_FORMS
    for language in LANGUAGES
]
CASES += [
    pytest.param(role, refuse, language, id=f"{role}-{refuse.__name__}-{language}")
    for role, refuse in STAFF_FORMS
    for language in LANGUAGES
]
# A resident moves only an appointment they added themself: in the demo data, the Dari resident's.
CASES += [
    pytest.param(
        "resident", appointment_moved_without_time, "fa_AF", id="resident-appointment_moved_without_time-fa_AF"
    )
]


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
@pytest.mark.parametrize(("role", "refuse", "language"), CASES)
def test_the_first_mistake_of_a_refused_form_is_in_view_at_360_px(
    signed_in, server, role, refuse, language, javascript
):
    page = signed_in(role, language, javascript=javascript).pages[0]
    ids = server.ids(language)
    refuse(page, server, ids["resident"] if role == "advisor" else ids["me"])
    expect(page.locator("main [aria-invalid=true], main .form-error").first).to_be_attached()
    if javascript:  # htmx focuses the mistake when the swap settles, then the page scrolls to it
        page.wait_for_function("document.activeElement && document.activeElement !== document.body", timeout=5000)
        page.wait_for_timeout(150)
    found = page.evaluate(FIRST_MISTAKE)
    assert found and found["fieldInView"] and found["errorInView"], found
    expect(page.locator("html")).to_have_attribute("lang", LANGUAGES[language])


def test_an_appointment_without_a_time_asks_to_choose_one_not_to_type_a_format(signed_in, server):
    page = signed_in("resident", "fa_AF").pages[0]
    new_appointment_without_time(page, server, server.ids("fa_AF")["me"])
    error = page.locator("#new-when-error")
    expect(error).to_be_visible()
    assert "2027" not in error.inner_text()  # the picker takes no typed format
    expect(page.locator("#new-when")).to_have_attribute("type", "datetime-local")
