"""Static files under names that change with their content, cached for a year; responses compressed.

`app.css` is linked as `app.3f2a1b9c0d.css`. A phone on little data keeps it until the file changes,
when the page links a new name: nothing is asked for again, not even to revalidate.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from base64 import b64encode
from functools import cache
from pathlib import Path

import brotli
from flask import (
    Flask,
    Response,
    current_app,
    has_request_context,
    request,
    send_from_directory,
    url_for,
)
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

from .extensions import compress

YEAR = 365 * 24 * 3600
FINGERPRINT = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})(?P<suffix>\.[A-Za-z0-9]+)$")
# Text that compresses; audio is already compressed, and is sent in ranges.
MIN_COMPRESSED_SIZE = 512
COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "application/javascript",
    "text/javascript",
    "application/json",
    "image/svg+xml",
]


@cache
def _content_hash(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def fingerprinted(filename: str) -> str:
    """css/app.css → css/app.3f2a1b9c0d.css"""
    stem, dot, suffix = filename.rpartition(".")
    version = _content_hash(str(Path(current_app.static_folder) / filename))
    return f"{stem}.{version}.{suffix}" if dot else f"{filename}.{version}"


def static_url(filename: str) -> str:
    """Worked out once per file and mount point: a page shows dozens of icons, each pointing into one sprite."""
    known = current_app.extensions.setdefault("static_urls", {})
    key = (request.script_root if has_request_context() else "", filename)
    if key not in known:
        known[key] = url_for("static", filename=fingerprinted(filename))
    return known[key]


@cache
def _data_uri(path: str, mimetype: str) -> str:
    return f"data:{mimetype};base64,{b64encode(Path(path).read_bytes()).decode()}"


def inline_url(filename: str, mimetype: str) -> str:
    """A small file written into the page itself (the favicon): one request fewer on every first visit."""
    return _data_uri(str(Path(current_app.static_folder) / filename), mimetype)


# Our own style sheet and script go out without their comments, which are for us, not for a phone
# on little data (a kilobyte and a half, compressed, on every first visit). Only whole comments are
# cut: a CSS /* */ block, a JavaScript line that is only a // comment. Vendored files are sent as they are.
COMMENTS = {".css": re.compile(rb"/\*.*?\*/", re.DOTALL), ".js": re.compile(rb"^[ \t]*//[^\n]*\n", re.MULTILINE)}


@cache
def _without_comments(path: str) -> bytes:
    return COMMENTS[Path(path).suffix].sub(b"", Path(path).read_bytes())


def _static_path(filename: str) -> Path:
    """The file under static/ that the address names; never one outside it."""
    path = safe_join(current_app.static_folder, filename)
    if path is None or not Path(path).is_file():
        raise NotFound()
    return Path(path)


def _send(filename: str, **options) -> Response:
    if Path(filename).suffix in COMMENTS and not filename.startswith("vendor/"):
        path = _static_path(filename)
        response = Response(_without_comments(str(path)), mimetype=mimetypes.guess_type(filename)[0])
        response.cache_control.max_age = options.get("max_age", 0)
        return response
    return send_from_directory(current_app.static_folder, filename, **options)


def serve_static(filename: str) -> Response:
    """A fingerprinted name is cached for a year, and never revalidated, if its content still matches;
    any other name (an old fingerprint, a licence file) is revalidated each time. Either is compressed once."""
    match = FINGERPRINT.match(filename)
    if match:
        real = match["stem"] + match["suffix"]
        if _content_hash(str(_static_path(real))) == match["hash"]:
            response = _send(real, max_age=YEAR, etag=False, conditional=False, last_modified=None)
            response.cache_control.public = True
            response.cache_control.immutable = True
            # Never asked for again, so nothing to revalidate with: no ETag, Last-Modified or Expires.
            for name in ("Last-Modified", "Expires", "Content-Disposition", "Accept-Ranges"):
                response.headers.pop(name, None)
            return _compressed_once(_whole(response), real)
        filename = real
    response = _send(filename, max_age=0)
    response.cache_control.no_cache = True
    return _compressed_once(_whole(response), filename)


def _whole(response: Response) -> Response:
    """Read into memory (the files are small), so the response is compressed like a page, gzip included:
    Flask-Compress leaves gzip out for streamed files."""
    response.direct_passthrough = False
    response.make_sequence()
    return response


def _accepted_encoding() -> str | None:
    return next((name for name in ("br", "gzip") if request.accept_encodings.quality(name) > 0), None)


def _squeezed(filename: str, encoding: str, body: bytes) -> bytes:
    """As small as the format allows: slow once, and then sent from memory for as long as the file is unchanged
    (kept by name, encoding, size and modification time; a changed file replaces what was kept of it)."""
    stat = _static_path(filename).stat()
    kept = current_app.extensions.setdefault("static_compressed", {})
    version = (stat.st_mtime_ns, stat.st_size)
    found = kept.get((filename, encoding))
    if found is None or found[0] != version:
        packed = brotli.compress(body, quality=11) if encoding == "br" else gzip.compress(body, 9, mtime=0)
        found = kept[(filename, encoding)] = (version, packed)
    return found[1]


def _compressed_once(response: Response, filename: str) -> Response:
    """Static files do not change while the app runs, so each is compressed once, at the highest level, not on
    every request at the level a page is (Flask-Compress leaves a response that has an encoding). A revalidated
    name keeps its ETag per encoding, and a browser that has the file gets 304."""
    encoding = _accepted_encoding()
    if (
        encoding is None
        or response.status_code != 200
        or response.mimetype not in COMPRESSED_TYPES
        or (response.content_length or 0) < MIN_COMPRESSED_SIZE
    ):
        return response
    response.set_data(_squeezed(filename, encoding, response.get_data()))
    response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}:{encoding}", weak=weak)
        response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    app.view_functions["static"] = serve_static
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_MIN_SIZE", MIN_COMPRESSED_SIZE)
    # Pages are compressed on every answer. Brotli 4 against 5, measured on the resident home (48.6 KB of HTML),
    # the advisor's page of one resident (46.1 KB) and a caseload of 120 (59.5 KB): 0.20 / 0.23 / 0.14 ms against
    # 0.36 / 0.38 / 0.75 ms, for 6.3 / 6.8 / 2.3 KB against 5.9 / 6.3 / 2.2 KB (gzip 6: 6.3 / 6.8 / 3.1 KB).
    # 5 to 7 % more bytes for half the time or less: 4.
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)
    compress.init_app(app)
    app.jinja_env.globals.update(static_url=static_url, inline_url=inline_url)
