from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from werkzeug.wrappers import Response

from webapp.i18n import from_accept_language, normalize
from webapp.models import Role, User

from .conftest import page_text
from .factories import records_of, rows, run, write

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
LOCALES = ["da", "ar", "fa_AF"]
HTML_ATTRS = {"da": ("da", "ltr"), "ar": ("ar", "rtl"), "fa_AF": ("fa-AF", "rtl"), "en": ("en", "ltr")}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalog(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=locale)


def template_ids():
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_is_complete_and_keeps_placeholders(locale):
    messages = [m for m in catalog(locale) if m.id]
    assert {m.id if isinstance(m.id, str) else m.id[0] for m in messages} >= template_ids()
    for message in messages:
        assert not message.fuzzy, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        assert all(s.strip() for s in strings), message.id
        wanted = set(PLACEHOLDER.findall(ids[-1])) - {"%(num)d"}
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) - {"%(num)d"} == wanted, (message.id, string)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_idle_countdown_is_a_label_and_a_number(locale):
    """JavaScript counts the seconds down (static/js/app.js), so no plural can follow the number: it comes
    last, after a colon ("om 1 sekunder", "بعد 2 ثانية" were wrong)."""
    countdown = next(m for m in catalog(locale) if m.id and "%(seconds)s" in m.id)
    assert countdown.id.endswith(": %(seconds)s") and countdown.string.endswith(": %(seconds)s")


def test_arabic_catalog_has_six_plural_forms():
    assert catalog("ar").num_plurals == 6
    plural = next(m for m in catalog("ar") if isinstance(m.id, tuple))
    assert len(plural.string) == 6 and len(set(plural.string)) >= 3


def test_dari_is_not_arabic():
    dari, arabic = catalog("fa_AF"), catalog("ar")
    worded = [m for m in dari if m.id and isinstance(m.id, str) and re.search(r"[a-z]", PLACEHOLDER.sub("", m.id))]
    same = [m.id for m in worded if m.string == arabic.get(m.id).string]
    assert same == []


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_compiles(locale, tmp_path):
    with open(tmp_path / "messages.mo", "wb") as f:
        write_mo(f, catalog(locale))
    assert (tmp_path / "messages.mo").stat().st_size > 1000


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ar-SA,en;q=0.8", "ar"),
        ("da-DK,en;q=0.5", "da"),
        ("fa-AF", "fa_AF"),
        ("prs", "fa_AF"),
        ("fa-IR,fa;q=0.9", "fa_AF"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,en;q=0.3,ar;q=0.7", "ar"),
        ("sv-SE,de;q=0.8", None),
        ("", None),
        ("en;q=0,da;q=0.1", "da"),
        ("en;q=0.5,prs;q=0.9", "fa_AF"),
        ("sv,en;q=0", None),
    ],
)
def test_accept_language_picks_the_right_language(header, expected):
    assert from_accept_language(header) == expected


@pytest.mark.parametrize(("tag", "code"), [("fa_AF", "fa_AF"), ("fa-af", "fa_AF"), ("AR", "ar"), ("xx", None)])
def test_language_tags_are_normalized(tag, code):
    assert normalize(tag) == code


def test_first_visit_gets_the_browsers_language_else_danish(client):
    html = client.get("/login", headers={"Accept-Language": "ar-SA,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    html = client.get("/login", headers={"Accept-Language": "sv-SE"}).get_data(as_text=True)
    assert '<html lang="da" dir="ltr">' in html


def test_first_visit_walks_the_browsers_languages_in_quality_order_not_as_written(client):
    html = client.get("/login", headers={"Accept-Language": "en;q=0.5, da;q=0.7, ar;q=0.9"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html


RECORD_PAGES = [
    "/residents/{r}/overview",
    "/residents/{r}/barriers",
    "/residents/{r}/goals",
    "/residents/{r}/appointments",
]
PAGES = {
    "resident1": [
        "/me/",
        "/account",
        "/account/secret",
        "/residents/{r}/entries",
        "/me/data",
        "/me/stop",
        *RECORD_PAGES,
    ],
    "advisor1": ["/advisor/", "/advisor/residents/{r}", "/account/secret", *RECORD_PAGES],
    "coordinator": [
        "/coordinator/",
        "/coordinator/staff/new",
        "/coordinator/residents/{r}/erase",
        "/coordinator/audit",
    ],
    "volunteer1": ["/volunteer/"],
    None: ["/login", "/login/staff", "/no-such-page"],
}


def english_strings():
    return {m.id for m in catalog("da") if m.id and isinstance(m.id, str) and "%(" not in m.id and len(m.id) >= 10}


@pytest.mark.parametrize("locale", ["da", "ar", "fa_AF", "en"])
def test_every_page_renders_in_every_language_with_lang_and_dir(auth, accounts, locale):
    write(auth.app, accounts.resident1, accounts.resident1, "Hello")
    write(auth.app, accounts.resident1, accounts.advisor1, "Hej")
    records_of(auth.app, accounts.resident1, accounts.advisor1)
    lang, direction = HTML_ATTRS[locale]
    leftovers = english_strings() if locale != "en" else set()
    for username, paths in PAGES.items():
        client = auth.client_for(username) if username else auth.app.test_client()
        client.get(f"/login?lang={locale}")
        for path in paths:
            response = client.get(path.format(r=accounts.resident1.id))
            html = response.get_data(as_text=True)
            assert f'<html lang="{lang}" dir="{direction}">' in html, (username, path)
            # The consent a resident agreed to is shown in the words and language they read then.
            kept = re.sub(r'<div class="consent" lang="[^"]+"[^>]*>.*?</div>', "", html, flags=re.S)
            text = page_text(Response(kept))
            assert [s for s in leftovers if s in text] == [], (username, path)


def test_a_language_saved_on_the_account_page_wins_after_sign_in(auth, accounts):
    resident = auth.client_for("resident1")
    response = resident.post("/account/language", data={"locale": "fa_AF"})
    assert response.status_code == 303 and response.headers["Location"] == "/account"
    assert run(auth.app, lambda s: s.get(User, accounts.resident1.id)).locale == "fa_AF"
    fresh = auth.app.test_client()
    fresh.get("/login?lang=da")
    auth.sign_in(fresh, "resident1")
    assert '<html lang="fa-AF" dir="rtl">' in fresh.get("/me/").get_data(as_text=True)


def test_language_menu_shows_each_language_in_its_own_script(client):
    html = client.get("/login").get_data(as_text=True)
    for endonym, tag in (("Dansk", "da"), ("العربية", "ar"), ("دری", "fa-AF"), ("English", "en")):
        assert re.search(rf'lang="{tag}" dir="\w+"\s*(aria-current="true")?>{endonym}</a>', html)


def test_advisor_sees_counts_and_dates_in_danish(auth, accounts):
    run(auth.app, lambda s: (s.get(User, accounts.advisor1.id).__setattr__("locale", "da"), s.commit()))
    write(auth.app, accounts.resident1, accounts.resident1, "one")
    write(auth.app, accounts.resident1, accounts.resident1, "two")
    text = page_text(auth.client_for("advisor1").get("/advisor/"))
    assert "2 beskeder venter på svar" in text
    assert "i dag kl." in text  # lower case: it stands inside a sentence ("Seneste besked: i dag kl. 14.55")


def test_arabic_reader_gets_arabic_plural_for_two(auth, accounts):
    from webapp.auth.services import set_locale

    run(auth.app, set_locale, user=rows(auth.app, User, User.id == accounts.advisor1.id)[0], locale="ar")
    write(auth.app, accounts.resident1, accounts.resident1, "one")
    write(auth.app, accounts.resident1, accounts.resident1, "two")
    text = page_text(auth.client_for("advisor1").get("/advisor/"))
    two = next(m for m in catalog("ar") if isinstance(m.id, tuple) and "wait" in m.id[0]).string[2]
    assert two.replace("%(num)d", "2") in text


def test_role_labels_are_translated_for_the_coordinator(auth, accounts):
    run(auth.app, lambda s: (s.get(User, accounts.coordinator.id).__setattr__("locale", "da"), s.commit()))
    text = page_text(auth.client_for("coordinator").get("/coordinator/"))
    assert "Volunteer" not in text and Role.VOLUNTEER.value not in text.split()
    assert "Frivillig" in text


@pytest.mark.parametrize(("count", "form"), [(0, 0), (1, 1), (2, 2), (5, 3), (11, 4), (99, 4), (100, 5), (102, 5)])
def test_arabic_plural_forms_follow_the_count(app, count, form):
    from flask_babel import force_locale, ngettext

    plural = next(m for m in catalog("ar") if isinstance(m.id, tuple) and "wait" in m.id[0])
    with app.test_request_context(), force_locale("ar"):
        assert ngettext(*plural.id, count) == plural.string[form].replace("%(num)d", str(count))


def test_the_template_holds_every_string_of_the_source(tmp_path):
    """A string added to the code but never extracted would be shown in English in every language."""
    import subprocess
    import sys

    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "pyproject.toml",
            "-k",
            "_l",
            "--no-location",
            "--omit-header",
            "-o",
            str(fresh),
            ".",
        ],
        check=True,
        cwd=TRANSLATIONS.parent,
        capture_output=True,
    )
    with open(fresh, "rb") as f:
        source = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert source - template_ids() == set()
