"""Light on the wire: compressed answers, static files under content names cached for a year, an inline favicon."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest
from flask import Response

from .conftest import page_text

LINKED = re.compile(r'(?:href|src)="(/static/[^"#]+)')


def linked_files(client) -> list[str]:
    return sorted(set(LINKED.findall(client.get("/login/staff").get_data(as_text=True))))


def test_styles_and_scripts_are_linked_under_names_that_carry_their_content(client):
    files = linked_files(client)
    assert any(re.fullmatch(r"/static/css/app\.[0-9a-f]{10}\.css", path) for path in files), files
    assert any(re.fullmatch(r"/static/js/app\.[0-9a-f]{10}\.js", path) for path in files), files
    assert any(re.fullmatch(r"/static/vendor/lucide/sprite\.[0-9a-f]{10}\.svg", path) for path in files), files


def test_a_linked_static_file_is_kept_a_year_without_asking_again(client):
    for path in linked_files(client):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.cache_control.max_age == 31536000, path
        assert response.cache_control.immutable and response.cache_control.public, path


def test_a_name_with_an_old_fingerprint_gets_todays_file_but_is_checked_again_next_time(client):
    current = next(path for path in linked_files(client) if path.startswith("/static/css/"))
    stale = re.sub(r"\.[0-9a-f]{10}\.css$", ".0123456789.css", current)
    response = client.get(stale)
    assert response.status_code == 200
    assert response.data == client.get(current).data
    assert not response.cache_control.immutable and response.cache_control.no_cache


def test_a_fingerprinted_name_of_no_file_is_not_found(client):
    assert client.get("/static/css/nothing.0123456789.css").status_code == 404


def test_pages_stay_out_of_every_cache(auth):
    response = auth.client_for("resident1").get("/me/", headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("asked", "given", "decode"),
    [
        ("gzip, deflate", "gzip", gzip.decompress),
        ("gzip, deflate, br", "br", brotli.decompress),
    ],
)
def test_pages_and_static_files_are_compressed_as_the_browser_asks(client, asked, given, decode):
    plain = client.get("/login/staff")
    packed = client.get("/login/staff", headers={"Accept-Encoding": asked})
    assert packed.headers["Content-Encoding"] == given
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) * 2 < len(plain.data)
    unpacked = Response(decode(packed.data), mimetype="text/html")
    assert page_text(unpacked) == page_text(plain)
    for path in linked_files(client):
        whole = client.get(path).data
        response = client.get(path, headers={"Accept-Encoding": asked})
        assert response.headers["Content-Encoding"] == given, path
        assert decode(response.data) == whole, path
        assert len(response.data) < len(whole), path


def test_a_static_file_is_sent_as_small_as_brotli_makes_it_not_at_the_level_of_a_page(client):
    for path in linked_files(client):
        whole = client.get(path).data
        if len(whole) < 512:
            continue
        sent = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"}).data
        assert sent == brotli.compress(whole, quality=11), path
        assert len(sent) < len(brotli.compress(whole, quality=5)), path


def test_a_browser_that_asks_for_no_compression_gets_none(client):
    plain = client.get("/login/staff")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    # The same page is compressed for a browser that asks: the difference is the request's, not a page left plain.
    assert client.get("/login/staff", headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"


def test_the_favicon_is_written_into_the_page_so_it_costs_no_request(client):
    html = client.get("/login/staff").get_data(as_text=True)
    assert re.search(r'<link rel="icon" href="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', html)


def test_our_style_sheet_and_script_go_out_without_their_comments_but_with_every_rule(client):
    from pathlib import Path

    static = Path(client.application.static_folder)
    files = linked_files(client)
    css = client.get(next(path for path in files if path.startswith("/static/css/"))).get_data(as_text=True)
    js = client.get(next(path for path in files if path.startswith("/static/js/"))).get_data(as_text=True)
    assert "/*" not in css and not re.search(r"^\s*//", js, re.MULTILINE)
    source_css = (static / "css/app.css").read_text()
    assert css.count("{") == source_css.count("{") and len(css) < len(source_css)
    source_js = (static / "js/app.js").read_text()
    code_lines = [line for line in source_js.splitlines() if line.strip() and not line.strip().startswith("//")]
    assert [line for line in js.splitlines() if line.strip()] == code_lines


@pytest.fixture
def compressions(monkeypatch):
    """Every brotli and gzip compression made while the test runs, by the app or Flask-Compress."""
    made: list[str] = []
    real_brotli, real_gzip = brotli.compress, gzip.compress

    def count_brotli(data, *args, **kwargs):
        made.append("br")
        return real_brotli(data, *args, **kwargs)

    def count_gzip(data, *args, **kwargs):
        made.append("gzip")
        return real_gzip(data, *args, **kwargs)

    monkeypatch.setattr(brotli, "compress", count_brotli)
    monkeypatch.setattr(gzip, "compress", count_gzip)
    return made


@pytest.mark.parametrize(
    ("asked", "given", "decode"), [("gzip", "gzip", gzip.decompress), ("br", "br", brotli.decompress)]
)
def test_a_static_file_is_compressed_once_however_often_it_is_asked_for(client, compressions, asked, given, decode):
    current = next(path for path in linked_files(client) if path.startswith("/static/css/"))
    stale = re.sub(r"\.[0-9a-f]{10}\.css$", ".0123456789.css", current)  # revalidated each time
    whole = client.get(current).data
    for path in (current, stale, current, stale, current, stale):
        response = client.get(path, headers={"Accept-Encoding": asked})
        assert response.headers["Content-Encoding"] == given, path
        assert decode(response.data) == whole, path
    assert compressions == [given]  # one file, under either name


def test_a_revalidated_static_file_is_not_sent_again_to_a_browser_that_has_it(client):
    path = "/static/vendor/htmx/htmx.min.js"
    first = client.get(path, headers={"Accept-Encoding": "br"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "br"
    etag = first.headers["ETag"]
    again = client.get(path, headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    # The same file without compression is another representation, with an ETag of its own.
    plain = client.get(path, headers={"If-None-Match": etag})
    assert plain.status_code == 200 and plain.headers["ETag"] != etag


def test_pages_are_compressed_with_brotli_at_level_4(auth):
    """Level 5 took twice the time or more for 5 to 7 % fewer bytes (webapp/assets.py)."""
    sent = auth.client_for("resident1").get("/me/", headers={"Accept-Encoding": "br"}).data
    assert sent == brotli.compress(brotli.decompress(sent), quality=4)
