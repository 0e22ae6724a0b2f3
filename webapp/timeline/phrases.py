"""The phrase book: what residents and advisors most often need to say, which each reader reads in
their own language.

A phrase is stored as its key, its version and its parameters, never as translated text
(timeline/kinds.py `phrase`). The key never changes. When the words of a phrase change, its version
goes up and the words it had before stay in `EARLIER`, so what was said is shown as it was said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from ..i18n import N_

# Parameters a phrase may take, each chosen with its own input.
DATE, TIME, PLACE = "date", "time", "place"
PARAMETERS = (DATE, TIME, PLACE)


@dataclass(frozen=True)
class Phrase:
    key: str
    text: str  # English, with %(date)s, %(time)s, %(place)s where it takes them
    version: int = 1
    urgent: bool = False  # raises the resident on the caseload until staff answer

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(name for name in PARAMETERS if f"%({name})s" in self.text)


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    icon: str
    phrases: tuple[Phrase, ...]


def _phrases(*items: tuple) -> tuple[Phrase, ...]:
    return tuple(Phrase(*item) for item in items)


# Most used first, within each group and between the groups.
RESIDENT_BOOK = (
    Group(
        "coming",
        N_("Coming or not"),
        "calendar-clock",
        _phrases(
            ("cant_come_today", N_("I can't come today"), 1, True),
            ("running_late", N_("I am running late")),
            ("on_my_way", N_("I am on my way")),
            ("will_come", N_("I will come")),
            ("another_time", N_("Can we find another time?")),
            ("when_is_appointment", N_("I have forgotten when my appointment is. When is it?")),
            ("at_community_house", N_("I am at the community house now")),
        ),
    ),
    Group(
        "health",
        N_("Health and family"),
        "heart-pulse",
        _phrases(
            ("child_sick", N_("My child is sick"), 1, True),
            ("i_am_sick", N_("I am sick")),
            ("no_one_for_children", N_("I have no one to look after my children")),
            ("at_doctor", N_("I am at the doctor today")),
            ("hard_time", N_("I am having a hard time right now")),
            ("feeling_better", N_("I am feeling better")),
        ),
    ),
    Group(
        "contact",
        N_("Contact me"),
        "phone",
        _phrases(
            ("call_me", N_("Please call me"), 1, True),
            ("call_me_interpreter", N_("Please call me with an interpreter")),
            ("voice_please", N_("Please send me a voice message")),
            ("cannot_read", N_("I can't read your message. Please use a phrase or a voice message.")),
            ("text_me", N_("Please send me a text message (SMS)")),
            ("meet_in_person", N_("I would like to meet in person")),
            ("new_number", N_("I have a new phone number")),
        ),
    ),
    Group(
        "papers",
        N_("Letters and papers"),
        "mail",
        _phrases(
            ("letter_need_help", N_("I got a letter from the municipality and need help")),
            ("letter_not_understood", N_("I don't understand a letter I got")),
            ("form_help", N_("I need help filling in a form")),
            ("will_bring_papers", N_("I will bring the papers")),
            ("lost_paper", N_("I have lost a paper I need")),
            ("money_worry", N_("I am worried about money")),
        ),
    ),
    Group(
        "work",
        N_("Work and courses"),
        "briefcase",
        _phrases(
            ("job_interview", N_("I have a job interview")),
            ("started_working", N_("I started working")),
            ("started_education", N_("I started an education")),
            ("lost_job", N_("I lost my job"), 1, True),
            ("applied_for_job", N_("I have applied for a job")),
            ("started_course", N_("I have started a course")),
            ("want_course", N_("I would like to take a course")),
            ("cv_help", N_("I need help with my CV")),
            ("found_internship", N_("I have found an internship")),
        ),
    ),
    Group(
        "answers",
        N_("Short answers"),
        "message-square",
        _phrases(
            ("thank_you", N_("Thank you")),
            ("yes", N_("Yes")),
            ("no", N_("No")),
            ("understood", N_("OK, I understand")),
            ("not_understood", N_("I don't understand. Can you say it in another way?")),
            ("will_do_it", N_("I will do it")),
            ("have_done_it", N_("I have done it")),
            ("not_now", N_("Not right now")),
        ),
    ),
)

ADVISOR_BOOK = (
    Group(
        "answers",
        N_("Short answers"),
        "message-square",
        _phrases(
            ("thanks_for_telling", N_("Thank you for telling me")),
            ("well_done", N_("Well done!")),
            ("thank_you", N_("Thank you")),
            ("no_problem", N_("That is all right. Thank you for letting me know.")),
            ("understood", N_("OK, I understand")),
            ("get_well", N_("Get well soon")),
            ("good_luck", N_("Good luck!")),
            ("yes", N_("Yes")),
            ("no", N_("No")),
        ),
    ),
    Group(
        "meeting",
        N_("Meeting"),
        "calendar-clock",
        _phrases(
            ("come_on", N_("Can you come to the community house on %(date)s at %(time)s?")),
            ("moved_to", N_("Your appointment is moved to %(date)s at %(time)s")),
            ("meet_at", N_("Let us meet at %(place)s on %(date)s at %(time)s")),
            ("remember_appointment", N_("Remember our appointment on %(date)s at %(time)s")),
            ("appointment_cancelled", N_("Our appointment on %(date)s is cancelled")),
            ("missed_you", N_("I missed you at our appointment. Is everything all right?")),
            ("at_house_until", N_("I am at the community house today until %(time)s")),
        ),
    ),
    Group(
        "calls",
        N_("Calls"),
        "phone",
        _phrases(
            ("call_tomorrow", N_("I will call you tomorrow")),
            ("call_later_today", N_("I will call you later today")),
            ("call_on", N_("I will call you on %(date)s at %(time)s")),
            ("tried_to_call", N_("I tried to call you. Please call me back.")),
            ("interpreter_booked", N_("I have booked an interpreter")),
            ("voice_coming", N_("I will send you a voice message")),
        ),
    ),
    Group(
        "bring",
        N_("Please bring"),
        "mail",
        _phrases(
            ("bring_cv", N_("Please bring your CV")),
            ("bring_letter", N_("Please bring the letter")),
            ("bring_health_card", N_("Please bring your yellow health card")),
            ("bring_papers", N_("Please bring the papers we talked about")),
            ("read_letter_together", N_("We will read the letter together")),
            ("form_together", N_("We can fill in the form together")),
        ),
    ),
    Group(
        "work",
        N_("Work and courses"),
        "briefcase",
        _phrases(
            ("job_for_you", N_("I have found a job that may suit you")),
            ("course_for_you", N_("There is a course that may suit you")),
            ("prepare_interview", N_("Let us prepare for your job interview together")),
            ("how_was_interview", N_("How did the job interview go?")),
            ("how_is_course", N_("How is the course going?")),
            ("congratulations_job", N_("Congratulations on the job!")),
        ),
    ),
    Group(
        "care",
        N_("How are you?"),
        "heart",
        _phrases(
            ("how_are_you", N_("How are you?")),
            ("tell_me_today", N_("Please tell me how you are today")),
            ("write_when_ready", N_("I hope you are well. Write when you are ready."), 2),
            ("write_if_help", N_("Write or call me if you need help")),
            ("add_barrier", N_("Is something standing in your way? You can add it under Barriers.")),
            ("take_care", N_("Take care of yourself")),
        ),
    ),
)

# Earlier words of phrases whose version has gone up: (key, version) -> English text.
EARLIER: dict[tuple[str, int], str] = {
    # From an advisor, often to a woman, "I am thinking of you" read as too personal in Arabic and Dari.
    ("write_when_ready", 1): N_("I am thinking of you. Write when you are ready."),
}


def _index(*books) -> dict[str, Phrase]:
    found: dict[str, Phrase] = {}
    for book in books:
        for group in book:
            for phrase in group.phrases:
                if found.setdefault(phrase.key, phrase) != phrase:
                    raise ValueError(f"phrase {phrase.key!r} has two texts")
    return found


PHRASES = _index(RESIDENT_BOOK, ADVISOR_BOOK)
URGENT = tuple(key for key, phrase in PHRASES.items() if phrase.urgent)
# What the resident tells first about their situation: the advisor is asked to record it
# (`ResidentActivity.told_phrase`) until a situation newer than it is recorded.
TOLD = ("started_working", "started_education", "lost_job")


def book_for(is_resident: bool) -> tuple[Group, ...]:
    return RESIDENT_BOOK if is_resident else ADVISOR_BOOK


def in_book(key: str | None, is_resident: bool) -> Phrase | None:
    """The phrase with this key in the writer's own book; None if it is not there."""
    for group in book_for(is_resident):
        for phrase in group.phrases:
            if phrase.key == key:
                return phrase
    return None


def text_of(key: str, version: int) -> str | None:
    """The English words the phrase had in that version (to be translated for the reader)."""
    phrase = PHRASES.get(key)
    if phrase is not None and phrase.version == version:
        return phrase.text
    return EARLIER.get((key, version))


def stored(phrase: Phrase, *, on: date | None = None, at: time | None = None, place: str | None = None) -> dict:
    """What an entry keeps: the key, the version and the parameters in a form free of any language."""
    given = {DATE: on.isoformat() if on else None, TIME: at.strftime("%H:%M") if at else None, PLACE: place}
    return {"phrase": phrase.key, "version": phrase.version, "params": {name: given[name] for name in phrase.params}}
