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


def test_a_page_makes_no_macro_module_per_entry_or_row(app, accounts, auth, monkeypatch):
    """Every entry used to import _partials.html (and each caseload row too): Jinja compared the page's globals
    with the module's at each import, and `with context` built the module again. Now the module is made once
    (templating.Macros) and a page imports none."""
    from jinja2.environment import Template

    from .factories import write

    for n in range(30):
        write(app, accounts.resident1, accounts.advisor1 if n % 2 else accounts.resident1, f"Besked {n}")
    resident, advisor = auth.client_for("resident1"), auth.client_for("advisor1")
    pages = [(resident, "/me/"), (advisor, f"/advisor/residents/{accounts.resident1.id}"), (advisor, "/advisor/")]
    for client, path in pages:
        assert client.get(path).status_code == 200
    made, imported = [], []
    make_module, default_module = Template.make_module, Template._get_default_module

    def counted_make(self, *args, **kwargs):
        made.append(self.name)
        return make_module(self, *args, **kwargs)

    def counted_default(self, ctx=None):
        if ctx is not None:  # `{% from ... import %}` in a template
            imported.append(self.name)
        return default_module(self, ctx)

    monkeypatch.setattr(Template, "make_module", counted_make)
    monkeypatch.setattr(Template, "_get_default_module", counted_default)
    for client, path in pages:
        assert client.get(path).status_code == 200
    assert made == []
    assert imported == []


def test_translations_keep_jinja_new_style_formatting(app):
    """`_()` without variables still formats ("%%" reads "%"), and with them escapes what it puts in."""
    from flask import render_template_string
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        assert render_template_string('{{ _("100%% sure") }}') == "100% sure"
        assert render_template_string('{{ _("Sent") }}') == "Sent"
        html = render_template_string('{{ _("Hello, %(name)s", name="<b>") }}')
        assert html == "Hello, &lt;b&gt;"
        assert render_template_string('{{ ngettext("%(num)d hour a week", "%(num)d hours a week", 2) }}') == (
            "2 hours a week"
        )


def test_row_links_built_from_one_prefix_match_url_for(app):
    from flask import url_for

    from webapp.links import IdLink

    with app.test_request_context("/", base_url="http://x/mount"):
        link = IdLink("advisor.resident", "resident_id")
        for resident_id in (1, 7, 10, 2_147_483_628, 31):
            assert link(resident_id) == url_for("advisor.resident", resident_id=resident_id)
        assert IdLink("advisor.follow_up", "resident_id")(5) == url_for("advisor.follow_up", resident_id=5)
