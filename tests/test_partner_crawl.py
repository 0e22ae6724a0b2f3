"""A partner account follows everything it can reach and finds no resident: no name, username, id, employer or
word a resident wrote, in any page, CSV or chart."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from urllib.parse import urlencode, urljoin, urlsplit

import pytest

from .test_partnership import TODAY, Data, count

EMPLOYER = "Vindmøllefabrikken Xylofon"
WORDS = "Plumbustekst om min hemmelighed"
PAGE_LIMIT = 400


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("webapp.partner.views.today", lambda: TODAY)


def make_residents(data: Data) -> list[int]:
    """Two areas and residents without one, in every figure the page shows, with names and words to find."""
    areas = [data.area("Skovparken"), data.area("Søndermarken")]
    ids = []
    for index, area in enumerate([*areas, None]):
        group = data.residents(8 + 3 * index, area=area, created=date(2026, 1, 5 + index))
        ids += group
        for n, rid in enumerate(group):
            data.situation(rid, "nothing_yet", date(2026, 2, 1))
            data.situation(rid, "work" if n % 2 else "education", date(2026, 5, 10), employer=EMPLOYER)
            data.checkin(rid, date(2026, 8, 3 + n % 5), 1 + n % 5, words=WORDS)
            data.checkin(rid, date(2026, 9, 3), 4, words=WORDS)
            data.barrier(rid, "other", "present", date(2026, 3, 1), date(2026, 3, 1), words=WORDS)
            data.barrier(rid, "transport", "solved", date(2026, 3, 1), date(2026, 8, 1))
            data.answer(rid, date(2026, 8, 10), 3600 + 60 * n)
    return ids


def links(base: str, html: str) -> list[str]:
    """Every address a browser would ask for from the page: links, images, and each choice of a GET form."""
    found = [unescape(value) for value in re.findall(r'(?:href|src)="([^"]+)"', html)]
    for attributes, body in re.findall(r"<form([^>]*)>(.*?)</form>", html, flags=re.S):
        if 'method="get"' not in attributes:
            continue
        action = unescape(re.search(r'action="([^"]*)"', attributes)[1])
        selects = {
            name: re.findall(r'<option value="([^"]*)"', options)
            for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', body, flags=re.S)
        }
        chosen = {
            name: (re.findall(r'<option value="([^"]*)" selected', options) or [""])[0]
            for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', body, flags=re.S)
        }
        for name, values in selects.items():
            for value in values:
                found.append(f"{action}?{urlencode({**chosen, name: value})}")
    return [urljoin(base, link) for link in found]


def crawl(client) -> dict[str, str]:
    """Breadth first, every address once; the links to the period before and after go on for ever, so periods
    are followed within the year of the figures."""
    seen: dict[str, str] = {}
    waiting = ["/"]
    while waiting:
        assert len(seen) < PAGE_LIMIT
        url = waiting.pop(0)
        parts = urlsplit(url)
        if url in seen or parts.scheme not in ("", "http") or parts.netloc not in ("", "localhost"):
            continue
        if parts.path.startswith("/static/") or re.search(r"period=(?!2026)", parts.query):
            continue
        response = client.get(url, follow_redirects=True)
        body = response.get_data(as_text=True)
        seen[url] = body
        if response.mimetype == "text/html":
            waiting += [link for link in links(url, body) if link not in seen]
    return seen


def test_a_partner_crawling_everything_it_reaches_finds_no_resident(auth, app, accounts):
    data = Data(app, accounts)
    ids = make_residents(data)
    count(app)
    client = auth.client_for("partner1")

    pages = crawl(client)

    reached = {urlsplit(url).path for url in pages}
    assert {
        "/partner/",
        "/partner/figures.csv",
        "/partner/print",
        "/partner/situations.svg",
        "/partner/moods.svg",
    } <= reached
    assert any("area=" in url and "period=" in url for url in pages)
    everything = "\n".join(pages.values())
    for secret in ("Quorraxian", "zxqbeboer", EMPLOYER, "Plumbustekst", "resident1", "فاطمة", "Grace"):
        assert secret not in everything, secret
    assert "9870" not in everything
    assert not any(str(rid) in everything for rid in ids)
    assert "fewer than 5" in everything and re.search(r"<td>\s*1\d\s*</td>", everything)  # shown and hidden figures
