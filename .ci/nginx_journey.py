"""A whole journey through nginx over HTTPS, as .ci/nginx-front sets it up.

`first STATE`: the coordinator signs in and signs up a resident, whose phone pairs, signs in with the PIN,
and sends a message and a voice message. `again STATE`: the same sign-ins still work and the same
message and recording (byte for byte) are there, after an upgrade or on a restored copy.

Checks on the way: every cookie is Secure, pages carry Strict-Transport-Security, and one sign-in from
another client address (127.0.0.9) reaches the app with that address (.ci/nginx-front checks the audit log).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import ssl
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import pyotp
from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import page_load

NAME = os.environ.get("SERVER_NAME", "sammen.test")
BASE = f"https://{NAME}"
STAFF = os.environ.get("STAFF_USER", "karin")
PASSWORD = os.environ["STAFF_PASSWORD"]
PIN = "5927"
CLIENT = "127.0.0.9"


def check_secure(context, where: str) -> None:
    cookies = context.cookies()
    assert cookies, f"{where}: no cookie was set"
    insecure = [cookie["name"] for cookie in cookies if not cookie["secure"]]
    assert not insecure, f"{where}: cookies without Secure: {insecure}"


def check_hsts(response, where: str) -> None:
    hsts = response.headers.get("strict-transport-security", "")
    assert "max-age=" in hsts, f"{where}: no Strict-Transport-Security header"


def sign_in_staff(page, state: Path) -> None:
    """Password, then the second factor production asks for: set up with an authenticator app the first
    time (its key kept in `state`), a code from it after that."""
    check_hsts(page.goto(f"{BASE}/login/staff"), "staff sign-in page")
    page.fill("#username", STAFF)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(r"/second-factor/"))
    kept = state / "authenticator.json"
    if not kept.exists():
        page.click("form[action='/second-factor/app'] button")
        key = page.locator("code.secret-key").inner_text().replace(" ", "")
        kept.write_text(json.dumps({"key": key, "step": 0}))
    authenticator = json.loads(kept.read_text())
    totp = pyotp.TOTP(authenticator["key"])
    while totp.timecode(datetime.now()) <= authenticator["step"]:  # a code is taken once
        time.sleep(1)
    page.fill("#code", totp.now())
    authenticator["step"] = totp.timecode(datetime.now())
    kept.write_text(json.dumps(authenticator))
    with page.expect_navigation():
        page.click("main form:has(#code) button[type=submit]")
    if "/second-factor/" in page.url:
        page.click("main a.button")  # past the recovery codes, shown once after the setup
    expect(page).not_to_have_url(re.compile(r"/second-factor/|/login"))


def sign_up_resident(page) -> str:
    page.goto(f"{BASE}/volunteer/new")
    page.check("input[name=locale][value=da]")
    page.click("main button[type=submit]")
    page.fill("#name", "Amina Nginx")
    if page.locator("#area_id").count():
        page.select_option("#area_id", index=1)
    page.check("input[name=contact][value=call]")
    page.click("main button[type=submit]:not([name=view])")
    page.click("button[name=agree]")
    page.fill("#new", PIN)
    page.fill("#repeat", PIN)
    page.click("main button[type=submit]")
    link = page.locator(".signin-card__link").get_attribute("href")
    assert link.startswith(f"{BASE}/pair/"), f"the card's link is not on PUBLIC_URL: {link}"
    return link


def pair_and_write(phone, link: str) -> dict:
    page = phone.new_page()
    check_hsts(page.goto(link), "pairing page")
    page.click("main button[type=submit]")
    page.fill("#pin", PIN)
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{BASE}/me/")
    check_secure(phone, "the resident's phone")
    page.fill("#message-body", "Hej, jeg kommer i morgen.")
    page.click("#message-form button[type=submit]")
    expect(page.locator("#entries")).to_contain_text("Hej, jeg kommer i morgen.")
    page.click("#voice-form details.voice > summary")
    record = page.locator("#voice-form [data-record]")
    record.click()
    page.wait_for_timeout(1500)
    record.click()
    expect(page.locator("#voice-form [data-preview]")).to_be_visible()
    page.click("#voice-form button[type=submit]")
    heard = fetch_voice(page)
    print(f"a message and a voice message ({heard['bytes']} bytes) went through nginx")
    return heard


def fetch_voice(page) -> dict:
    """The newest voice message's bytes as the page's own fetch gets them: their length and SHA-256."""
    voice = page.locator("#entries .entry--voice audio").first
    expect(voice).to_be_visible()
    status, size, digest = page.evaluate(
        """async src => {
        const answer = await fetch(src);
        const body = await answer.arrayBuffer();
        const digest = await crypto.subtle.digest("SHA-256", body);
        const hex = [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, "0")).join("");
        return [answer.status, body.byteLength, hex];
    }""",
        voice.get_attribute("src"),
    )
    assert status == 200 and size > 1000, f"the voice message did not come back: {status}, {size} bytes"
    return {"bytes": size, "sha256": digest}


class FromAnotherAddress(http.client.HTTPSConnection):
    """To nginx on this machine, from 127.0.0.9 rather than 127.0.0.1, with SERVER_NAME's certificate."""

    def connect(self) -> None:
        sock = socket.create_connection(("127.0.0.1", 443), source_address=(CLIENT, 0))
        self.sock = self._context.wrap_socket(sock, server_hostname=NAME)


def sign_in_from_another_address() -> None:
    """A refused staff sign-in from 127.0.0.9: the app must record that address, not nginx's."""
    connection = FromAnotherAddress(NAME, 443, context=ssl.create_default_context(cafile=os.environ["CERT"]))
    connection.request("GET", "/login/staff", headers={"Host": NAME})
    response = connection.getresponse()
    page = response.read().decode()
    cookie = "; ".join(value.split(";", 1)[0] for key, value in response.getheaders() if key.lower() == "set-cookie")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urlencode({"csrf_token": token, "username": STAFF, "password": "not-the-password"})
    connection.request(
        "POST",
        "/login/staff",
        body=body,
        headers={
            "Host": NAME,
            "Cookie": cookie,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"{BASE}/login/staff",
            "Origin": BASE,
        },
    )
    answer = connection.getresponse()
    answer.read()
    assert answer.status in (200, 422), f"a wrong password through nginx was answered {answer.status}"


def open_browser(playwright):
    return page_load.launch(
        playwright,
        extra=[
            f"--host-resolver-rules=MAP {NAME} 127.0.0.1",
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
        ],
    )


def signed_in_staff(browser, state: Path):
    """A desk browser with the coordinator signed in."""
    page = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 800}).new_page()
    sign_in_staff(page, state)
    return page


def first(state: Path) -> None:
    """Sign up, pair, write and record; keep the phone's cookies and what was recorded in `state`."""
    with sync_playwright() as playwright:
        browser = open_browser(playwright)
        page = signed_in_staff(browser, state)
        check_secure(page.context, "the coordinator's browser")
        link = sign_up_resident(page)
        print("the coordinator signed in and signed up a resident over HTTPS")
        phone = browser.new_context(ignore_https_errors=True, viewport={"width": 360, "height": 740})
        heard = pair_and_write(phone, link)
        phone.storage_state(path=state / "phone.json")
        (state / "voice.json").write_text(json.dumps(heard))
        browser.close()
    sign_in_from_another_address()
    print("a sign-in from 127.0.0.9 went through nginx")


def again(state: Path) -> None:
    """After the venv was rebuilt, or on a restored copy: the same password, PIN, message and recording."""
    with sync_playwright() as playwright:
        browser = open_browser(playwright)
        page = signed_in_staff(browser, state)
        page.goto(f"{BASE}/coordinator/")
        expect(page.locator("main")).to_contain_text("Amina Nginx")
        phone = browser.new_context(
            ignore_https_errors=True, viewport={"width": 360, "height": 740}, storage_state=state / "phone.json"
        )
        mine = phone.new_page()
        mine.goto(f"{BASE}/me/")
        expect(mine).to_have_url(f"{BASE}/me/")  # still signed in: the same secret key signs the cookie
        with mine.expect_navigation():
            mine.click("form.sign-out button")
        mine.goto(f"{BASE}/login")
        mine.fill("#pin", PIN)
        mine.click("main button[type=submit]")
        expect(mine).to_have_url(f"{BASE}/me/")
        expect(mine.locator("#entries")).to_contain_text("Hej, jeg kommer i morgen.")
        heard = fetch_voice(mine)
        browser.close()
    assert heard == json.loads((state / "voice.json").read_text()), "the voice message is not the one recorded"
    print(
        f"the staff password, the PIN on the paired phone and the voice message ({heard['bytes']} bytes, "
        "same SHA-256) all work"
    )


if __name__ == "__main__":
    phase, folder = sys.argv[1], Path(sys.argv[2])
    {"first": first, "again": again}[phase](folder)
