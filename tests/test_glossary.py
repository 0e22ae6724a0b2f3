"""Each catalog calls the product's things by the glossary's words (translations/glossary.csv).

A glossary cell lists a term's forms separated by "|": the word to use first, then inflections.
An entry whose msgid has an English form as a whole word (case-insensitive, placeholders left out)
must have one of the language's forms inside every msgstr. Inside, because Arabic and Dari join
articles, prepositions and endings to the word: للسكان, لمستشارك, باشنده‌ها.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
LOCALES = ("da", "ar", "fa_AF")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")

# msgids where an English glossary word means something else than the term.
OTHER_SENSES = {
    "step": {"Step %(step)s of %(total)s"},  # a screen of the sign-up form (da: trin), not a step towards a goal
}

# Words a native reader found misread by our readers (reviews/consent-and-translations.md): none may come back.
AVOIDED = {
    "da": [
        "check-in",  # an anglicism; the glossary says "Dagens humør"
        "venligst",
    ],  # the register of an official letter; from an advisor it reads as an order
    "ar": [
        "مقيم",  # calls up إقامة, the residence permit; the glossary says ساكن/سكان
        "تسجيل الحال",  # sounds like the civil registry (تسجيل الأحوال المدنية)
        "الدارية",
    ],  # not the name of the language (الدرية)
    "fa_AF": [
        "ثبت حال",  # sounds like an office registration
        "گزینه",  # an Iranian coinage, not Afghan Dari
        "عدد کامل",
    ],  # the maths term for a perfect number
}


def read_glossary() -> list[dict[str, list[str]]]:
    with open(TRANSLATIONS / "glossary.csv", encoding="utf-8", newline="") as f:
        return [{column: row[column].split("|") for column in ("en", *LOCALES)} for row in csv.DictReader(f)]


GLOSSARY = read_glossary()


@cache
def catalog(locale: str) -> Catalog:
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=locale)


def mentions(forms: list[str]):
    """Whole words only: 'step' is not found in 'steps' or 'stepping'."""
    words = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, forms)) + r")(?![\w-])", re.IGNORECASE)
    return lambda msgid: bool(words.search(PLACEHOLDER.sub("", msgid)))


def offenders(term: dict[str, list[str]], locale: str, messages) -> list[tuple[str, str]]:
    """(msgid, msgstr) of the entries that name the term in English but not with the glossary's word."""
    mentioned = mentions(term["en"])
    other_senses = OTHER_SENSES.get(term["en"][0], set())
    wanted = [form.casefold() for form in term[locale]]
    found = []
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if not message.id or ids[0] in other_senses or not any(mentioned(msgid) for msgid in ids):
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [(ids[0], string) for string in strings if not any(form in string.casefold() for form in wanted)]
    return found


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("term", GLOSSARY, ids=[term["en"][0] for term in GLOSSARY])
def test_catalog_uses_the_glossary_word(term, locale):
    assert offenders(term, locale, catalog(locale)) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_avoids_words_our_readers_misread(locale):
    found = []
    for message in catalog(locale):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [(message.id, word) for word in AVOIDED[locale] for string in strings if word in string.casefold()]
    assert found == []


def test_glossary_has_every_language_for_every_term():
    assert len(GLOSSARY) >= 11
    assert all(all(form.strip() for form in forms) for term in GLOSSARY for forms in term.values())


def test_glossary_check_finds_another_word():
    messages = Catalog(locale="fa_AF")
    messages.add("Staff and volunteers sign in here", "ورود کارمندان و داوطلبان از اینجا")
    messages.add("Volunteer", "رضاکار")
    messages.add("Steps ahead", "داوطلب")  # "steps" is a form of step, not of volunteer
    volunteer = next(term for term in GLOSSARY if term["en"][0] == "volunteer")
    assert offenders(volunteer, "fa_AF", messages) == [
        ("Staff and volunteers sign in here", "ورود کارمندان و داوطلبان از اینجا")
    ]
