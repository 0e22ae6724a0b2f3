"""The pages with many forms are valid HTML where the Nu checker found them wanting: ids, times, attributes."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from .factories import ask_for_contact, records_of, send_voice, write

# A valid global date and time: whole seconds and an offset (the checker refuses six digits of a second).
HTML_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


class Attributes(HTMLParser):
    """Every element's attributes, in the order they appear."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements_of(response) -> list[tuple[str, dict[str, str | None]]]:
    assert response.status_code == 200
    parser = Attributes()
    parser.feed(response.get_data(as_text=True))
    return parser.elements


@pytest.fixture
def pages(app, auth, accounts):
    """The screens with the most forms, with entries the app wrote (they carry microseconds) and every record."""
    resident = accounts.resident1
    for n in range(3):
        write(app, resident, accounts.advisor1, f"Hej {n}")
        write(app, resident, resident, f"Salam {n}")
    send_voice(app, resident, resident)
    records_of(app, resident, accounts.advisor1)
    ask_for_contact(app, resident)
    me, advisor = auth.client_for("resident1"), auth.client_for("advisor1")
    app.config["WTF_CSRF_ENABLED"] = True  # every form carries its token, as in production
    base = f"/residents/{resident.id}"
    return {
        "resident home": me.get("/me/"),
        "resident barriers": me.get(f"{base}/barriers"),
        "resident goals": me.get(f"{base}/goals"),
        "resident appointments": me.get(f"{base}/appointments"),
        "advisor timeline": advisor.get(f"/advisor/residents/{resident.id}"),
        "advisor goals": advisor.get(f"{base}/goals"),
        "advisor appointments": advisor.get(f"{base}/appointments"),
    }


def test_no_id_is_used_twice_on_a_page_of_many_forms(pages):
    for name, response in pages.items():
        elements = elements_of(response)
        assert len([attrs for _tag, attrs in elements if attrs.get("name") == "csrf_token"]) >= 2, name
        ids = Counter(attrs["id"] for _tag, attrs in elements if attrs.get("id"))
        assert [id_ for id_, count in ids.items() if count > 1] == [], name


def test_times_are_whole_seconds_with_an_offset(pages):
    for name, response in pages.items():
        moments = [attrs.get("datetime") for tag, attrs in elements_of(response) if tag == "time"]
        if name in ("resident home", "advisor timeline"):
            assert len(moments) >= 7, name
        assert [moment for moment in moments if not HTML_MOMENT.match(moment or "")] == [], name


def test_the_voice_file_field_asks_for_the_microphone_by_a_valid_value(pages):
    for name in ("resident home", "advisor timeline"):
        (field,) = [attrs for tag, attrs in elements_of(pages[name]) if attrs.get("type") == "file"]
        assert field.get("capture") in ("user", "environment"), name
