"""Everything chosen from a list is stored as a key and shown in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ..models import AppointmentOutcome, BarrierStatus, GoalStatus


@dataclass(frozen=True)
class Option:
    key: str
    label: object  # a lazy string: translated when shown
    icon: str = ""


def options(*items: tuple) -> dict[str, Option]:
    return {item[0]: Option(*item) for item in items}


MOODS = {
    1: Option("1", _l("Very bad"), "face-1"),
    2: Option("2", _l("Bad"), "face-2"),
    3: Option("3", _l("So-so"), "face-3"),
    4: Option("4", _l("Good"), "face-4"),
    5: Option("5", _l("Very good"), "face-5"),
}
LOW_MOOD = 2  # bad or very bad
# How the advisor made contact after "I want someone to contact me".
CONTACT_WAYS = options(
    ("phone", _l("By phone"), "phone"),
    ("sms", _l("By SMS"), "message-square"),
    ("in_person", _l("In person"), "users"),
)

BARRIERS = options(
    ("courage", _l("Courage and confidence"), "heart"),
    ("transport", _l("Transport"), "bus"),
    ("companion", _l("Someone to go with me"), "hand-helping"),
    ("childcare", _l("Childcare"), "baby"),
    ("sick_children", _l("Sick children"), "thermometer"),
    ("physical_health", _l("Pain or physical health"), "heart-pulse"),
    ("mental_health", _l("Stress or mental health"), "brain"),
    ("danish", _l("Danish language"), "languages"),
    ("reading_writing", _l("Reading and writing"), "book-open"),
    ("digital", _l("Computer and phone"), "smartphone"),
    ("money", _l("Money and debt"), "wallet"),
    ("family", _l("Family situation"), "house"),
    ("loneliness", _l("Network or loneliness"), "users-round"),
    ("hours", _l("Hours: I can't work 37 hours"), "clock"),
    ("other", _l("Something else"), "circle-help"),
)
BARRIER_STATUSES = options(
    (BarrierStatus.PRESENT, _l("Still there"), "circle-dot"),
    (BarrierStatus.BETTER, _l("Getting better"), "sprout"),
    (BarrierStatus.SOLVED, _l("Solved"), "circle-check"),
)

GOAL_KINDS = options(
    ("job", _l("A job"), "briefcase"),
    ("education", _l("Education"), "graduation-cap"),
    ("internship", _l("Internship"), "hard-hat"),
    ("more_hours", _l("More hours"), "clock-arrow-up"),
    ("health", _l("Health"), "heart-pulse"),
    ("danish", _l("Danish"), "languages"),
    ("own", _l("Something of my own"), "star"),
)
GOAL_STATUSES = options(
    (GoalStatus.ACTIVE, _l("Working on it"), "sprout"),
    (GoalStatus.REACHED, _l("Reached"), "circle-check"),
    (GoalStatus.PAUSED, _l("Paused"), "circle-pause"),
)

WITH_WHOM = options(
    ("advisor", _l("Personal job advisor"), "user-round"),
    ("caseworker", _l("Caseworker"), "users"),
    ("company", _l("Company visit"), "building-2"),
    ("course", _l("Course"), "school"),
    ("doctor", _l("Doctor"), "stethoscope"),
    ("other", _l("Someone else"), "circle-help"),
)
NEEDS = options(
    ("needs_childcare", _l("I need childcare"), "baby"),
    ("needs_companion", _l("I need someone to go with me"), "hand-helping"),
    ("needs_transport", _l("I need help with transport"), "bus"),
)
RESPONSES = options(
    ("coming", _l("I'm coming"), "circle-check"),
    ("move", _l("Please move it"), "calendar-clock"),
    ("cant_come", _l("I can't come"), "circle-x"),
)
TROUBLE_RESPONSES = ("move", "cant_come")
CANT_COME_REASONS = options(
    ("sick", _l("I am ill")),
    ("sick_child", _l("My child is ill")),
    ("transport", _l("I have no transport")),
    ("work", _l("I have work then")),
    ("other", _l("Something else")),
)
OUTCOMES = options(
    (AppointmentOutcome.ATTENDED, _l("We met"), "circle-check"),
    (AppointmentOutcome.MISSED, _l("We did not meet"), "circle-x"),
)

# Languages an interpreter may be booked for; their names come from Babel in the reader's language.
INTERPRETER_LANGUAGES = ("ar", "fa_AF", "ps", "ti", "so", "ckb", "ku", "fa", "uk", "tr", "ur", "ne", "en")


def language_name(code: str) -> str:
    if code == "fa_AF":  # Babel says "Persian (Afghanistan)"; people say Dari
        return str(_l("Dari"))
    name = Locale.parse(code).get_display_name(get_locale()) or code
    return name[:1].upper() + name[1:]


def label(table: dict, key) -> object:
    option = table.get(key)
    return option.label if option else key
