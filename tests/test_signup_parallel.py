"""Sign-up under parallel requests: what a write relies on is read inside it."""

from __future__ import annotations

from webapp.models import SignupDraft, User
from webapp.signup import services

from .conftest import AuthActions, make_app
from .factories import make_accounts, make_area, rows, run
from .signup_helpers import NEW_PIN, about
from .test_lockout_parallel import at_once


def test_parallel_sign_ups_by_one_helper_stop_at_the_hourly_limit(database_url):
    app = make_app(database_url, SIGNUP_LIMIT_PER_HOUR=1)
    make_accounts(app)
    area = make_area(app)
    tablets = [AuthActions(app).client_for("volunteer1") for _ in range(4)]
    for n, tablet in enumerate(tablets):
        tablet.post("/volunteer/new", data={"locale": "en"})
        tablet.post("/volunteer/new/about", data=about(area, name=f"Hawa {n}"))
        tablet.post("/volunteer/new/consent", data={"agree": "yes"})

    statuses = at_once(
        lambda n: tablets[n].post("/volunteer/new/pin", data={"new": NEW_PIN, "repeat": NEW_PIN}).status_code,
        len(tablets),
    )

    assert sorted(statuses) == [200, 429, 429, 429]
    assert len(rows(app, User, User.display_name.startswith("Hawa"))) == 1
    app.extensions["db_engine"].dispose()


def test_parallel_merges_into_one_draft_lose_nothing(app, auth, accounts):
    tablet = auth.client_for("volunteer1")
    tablet.post("/volunteer/new", data={"locale": "en"})
    (draft,) = rows(app, SignupDraft)

    at_once(lambda n: run(app, services.save_draft, draft=draft, **{f"typed{n}": n}), 12)

    (merged,) = rows(app, SignupDraft)
    typed = {key: value for key, value in merged.data.items() if key.startswith("typed")}
    assert typed == {f"typed{n}": n for n in range(12)}
