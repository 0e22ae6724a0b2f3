"""The README's nginx server block is what .ci/nginx-front runs; these pin what it must keep saying."""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def nginx_block() -> str:
    (block,) = re.findall(r"```nginx\n(.*?)```", README, re.S)
    return block


def test_nginx_passes_the_browsers_host_and_the_forwarded_headers():
    block = nginx_block()
    for header in (
        "proxy_set_header Host $host;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
    ):
        assert header in block


def test_nginx_takes_a_whole_voice_message(app):
    size = re.search(r"client_max_body_size (\d+)m;", nginx_block())
    assert size and int(size.group(1)) * 1024 * 1024 > app.config["VOICE_MAX_BYTES"] + 64 * 1024


def test_nginx_sends_to_the_address_gunicorn_binds_in_the_production_steps():
    upstream = re.search(r"proxy_pass http://([\d.:]+);", nginx_block()).group(1)
    assert f"gunicorn -c python:webapp.gunicorn_conf --workers 3 --bind {upstream} " in README
    assert upstream.startswith("127.0.0.1:")
