"""What the record tests share: the languages, form keys, times as a form sends them, addresses."""
from __future__ import annotations

from webapp.auth.services import set_locale
from webapp.models import COPENHAGEN, User

from .factories import rows, run

LANGUAGES = ["da", "ar", "fa_AF", "en"]


def key(n: int) -> str:
    return f"{n:032x}"


def speaking(app, user, locale):
    run(app, set_locale, user=rows(app, User, User.id == user.id)[0], locale=locale)


def local(moment) -> str:
    return moment.astimezone(COPENHAGEN).strftime("%Y-%m-%dT%H:%M")


def url(accounts, path):
    return f"/residents/{accounts.resident1.id}/{path}"


def add_goal(client, accounts, **data):
    return client.post(url(accounts, "goals"), data={"kind": "job", "idempotency_key": key(1), **data})
