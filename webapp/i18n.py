"""The four languages, how one is chosen for a request, and which way it is written."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlencode

from babel import Locale
from flask import Flask, g, redirect, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from .extensions import babel
from .redirects import local_target

DEFAULT = "da"


def N_(text: str) -> str:  # noqa: N802 (the usual name of gettext's no-op marker)
    """Marks text for extraction; it is translated where it is used."""
    return text


def normalize_digits(text: str) -> str:
    """Arabic-Indic and Persian digits (١٢٣٤, ۱۲۳۴) mean the same as 1234."""
    out = []
    for char in text.strip():
        if "\u0660" <= char <= "\u0669" or "\u06f0" <= char <= "\u06f9":
            out.append(str(unicodedata.decimal(char)))
        else:
            out.append(char)
    return "".join(out)


@dataclass(frozen=True)
class Language:
    code: str  # Babel/gettext form: fa_AF

    @property
    def tag(self) -> str:
        """BCP 47, as <html lang> wants it: fa-AF."""
        return self.code.replace("_", "-")

    @property
    def endonym(self) -> str:
        return ENDONYMS[self.code]

    @property
    def direction(self) -> str:
        return _babel_locale(self.code).text_direction


# The name each language has in its own script. Babel calls Dari "فارسی (افغانستان)";
# people who speak it call it دری.
ENDONYMS = {"da": "Dansk", "ar": "العربية", "fa_AF": "دری", "en": "English"}
LANGUAGES = tuple(Language(code) for code in ENDONYMS)
CODES = frozenset(ENDONYMS)
ALIASES = {"fa": "fa_AF", "prs": "fa_AF"}


# The script each language is written in; a message in another script is one its reader cannot read.
SCRIPTS = {"da": "Latin", "en": "Latin", "ar": "Arabic", "fa_AF": "Arabic"}


def script_of_language(code: str) -> str:
    return SCRIPTS.get(code, "Latin")


SCRIPT_SAMPLE = 200  # letters: enough to tell, and a 4,000-character message costs no more than a short one


def script_of_text(text: str | None) -> str | None:
    """The script most of the letters are in (Latin or Arabic), or None if it has no such letters.
    Runs for every message on every page, so it reads only the first SCRIPT_SAMPLE letters."""
    counts = {"Latin": 0, "Arabic": 0}
    for char in text or "":
        if counts["Latin"] + counts["Arabic"] >= SCRIPT_SAMPLE:
            break
        if char.isalpha():
            if "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f" or "\ufb50" <= char <= "\ufefc":
                counts["Arabic"] += 1
            elif char.isascii() or "\u00c0" <= char <= "\u024f":
                counts["Latin"] += 1
    if not any(counts.values()):
        return None
    return max(counts, key=counts.get)


def unreadable_for(text: str | None, code: str) -> bool:
    """Words written in a script the reader's language does not use."""
    script = script_of_text(text)
    return script is not None and script != script_of_language(code)


def text_language(text: str | None, writer: str, reader: str) -> str:
    """The BCP 47 tag to read a text aloud in: the writer's language if the text is in its script,
    otherwise the reader's if that fits, otherwise the first of ours in the text's script."""
    script = script_of_text(text)
    for code in (writer, reader):
        if script is None or script_of_language(code) == script:
            return language(code).tag
    return language(next(code for code, its in SCRIPTS.items() if its == script)).tag


@cache
def _babel_locale(code: str) -> Locale:
    return Locale.parse(code)


def language(code: str) -> Language:
    return Language(code if code in CODES else DEFAULT)


def normalize(tag: str | None) -> str | None:
    """Map a browser or URL language tag to one of ours: full tag, alias, then primary subtag."""
    if not tag:
        return None
    parts = tag.strip().replace("_", "-").split("-")
    full = parts[0].lower() + ("_" + parts[1].upper() if len(parts) > 1 else "")
    for candidate in (full, parts[0].lower()):
        if candidate in CODES:
            return candidate
        if candidate in ALIASES:
            return ALIASES[candidate]
    return None


def from_accept_language(accepted: LanguageAccept | str | None) -> str | None:
    """The first language we speak in Accept-Language (Werkzeug's parse, in quality order), each tag
    matched by `normalize`. Not `best_match`, which would answer `ar-SA,en;q=0.8` with English."""
    if not isinstance(accepted, LanguageAccept):
        accepted = parse_accept_header(accepted, LanguageAccept)
    return next((code for tag, quality in accepted if quality > 0 and (code := normalize(tag))), None)


def select_locale() -> str:
    if "forced_locale" in g:
        return g.forced_locale
    chosen = session.get("lang")  # a ?lang= link followed in this browser
    if chosen in CODES:
        return chosen
    if current_user and current_user.is_authenticated:
        return language(current_user.locale).code
    if g.get("device_locale") in CODES:  # a paired phone speaks its resident's language, a tablet its own
        return g.device_locale
    return from_accept_language(request.accept_languages) or DEFAULT


def current_language() -> Language:
    return language(str(get_locale()))


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(switch_language_from_query)
    app.jinja_env.globals.update(languages=LANGUAGES, current_language=current_language, language_of=language)


def switch_language_from_query():
    """`?lang=xx` on any page: this browser shows that language, and the address is cleaned afterwards.

    Only this browser: a link from elsewhere must not change a person's account. Saving the
    language on the account is a POST from the account page.
    """
    code = normalize(request.args.get("lang"))
    if code is None:
        return None
    session["lang"] = code
    if request.method != "GET":
        return None
    args = request.args.copy()
    args.pop("lang")
    query = args.to_dict(flat=False)
    here = local_target(request.path + ("?" + urlencode(query, doseq=True) if query else ""))
    return redirect(here or url_for("auth.home"), 303)
