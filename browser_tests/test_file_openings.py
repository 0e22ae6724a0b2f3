"""The resident sees who opened their page, in their own language, on their phone."""

from __future__ import annotations

from playwright.sync_api import expect
from test_journeys import sign_in_resident, sign_in_staff


def test_resident1_sees_advisor1s_visit_in_arabic(server, phone, laptop):
    advisor = laptop.new_page()
    sign_in_staff(advisor, server, "advisor1")
    advisor.click(".caseload__row a >> text=فاطمة")
    expect(advisor.locator("h1")).to_contain_text("فاطمة")

    resident = phone.new_page()
    sign_in_resident(resident, server, "resident1")
    resident.goto(f"{server}/account")

    expect(resident.locator("html")).to_have_attribute("lang", "ar")
    looks = resident.locator("#looks + p + ul.looks")
    expect(resident.locator("#looks")).to_have_text("مَن اطّلع على صفحتي")
    expect(looks.locator("li").first).to_contain_text("Mette Sørensen")
    expect(looks.locator("li").first).to_contain_text("advisor1")
    expect(looks.locator("li").first).to_contain_text("المستشار الوظيفي الشخصي")
    width = resident.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
