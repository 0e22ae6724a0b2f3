"""What every page shares (templating.py): one element takes the focus."""

from __future__ import annotations

import re

from .records_helpers import key, url


def test_a_page_shows_only_one_element_that_takes_the_focus(auth, accounts, resident):
    response = resident.post(url(accounts, "goals"), data={"kind": "", "month": "marts", "idempotency_key": key(3)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.count(" autofocus") == 1  # two mistakes: the first (the kind of goal) takes the focus
    assert re.search(
        r'name="kind" value="\w+" aria-invalid="true" aria-describedby="new-goal-kind-error" autofocus', html
    )
