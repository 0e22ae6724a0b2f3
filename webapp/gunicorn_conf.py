"""gunicorn's settings for Sammen: `gunicorn -c python:webapp.gunicorn_conf "webapp:create_app()"`.

gunicorn answers some requests itself, before the app sees them: a request line or headers too long
to read, a request it cannot parse. Those answers carry the same protections as the app's own pages
(no framing, no sniffing, no caching, no script), and the request line gunicorn reads is long enough
that the app, not gunicorn, refuses an over-long address, with its own page in the reader's language.

Its access log (with --access-logfile) leaves out query strings, where `?next=` can hold an address with
ids, and the one-time links' tokens; it ends with the request id the app sent in X-Request-Id. Under
PROMETHEUS_MULTIPROC_DIR (by default metrics/ in the data folder), the workers' metrics are kept, in a
folder emptied when gunicorn starts.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from gunicorn import glogging, util

# The longest request line gunicorn reads (its own maximum); the app refuses addresses longer than
# security.MAX_URL_LENGTH with a page of its own first.
limit_request_line = 8190

PROTECTIONS = (
    "Content-Security-Policy: default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options: nosniff",
    "X-Frame-Options: DENY",
    "Referrer-Policy: same-origin",
    "Cache-Control: no-store",
)


def write_error(sock, status_int, reason, mesg):
    """gunicorn's own error answer, with the app's protections."""
    body = (
        f'<!doctype html><html lang="en"><title>{html.escape(reason)}</title>'
        f"<h1>{html.escape(reason)}</h1><p>{html.escape(mesg)}</p></html>"
    ).encode()
    head = "\r\n".join(
        (
            f"HTTP/1.1 {status_int} {reason}",
            "Connection: close",
            "Content-Type: text/html; charset=utf-8",
            f"Content-Length: {len(body)}",
            *PROTECTIONS,
        )
    )
    util.write_nonblock(sock, head.encode("latin-1") + b"\r\n\r\n" + body)


util.write_error = write_error


# Remote address, time, request line without its query string, status, bytes, milliseconds, request id.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'

# A pairing or password link's token is the link's secret: the log keeps only which kind of link it was.
ONE_TIME_LINK = re.compile(r"^/(pair|password)/[^/]+")


class AccessLogger(glogging.Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = ONE_TIME_LINK.sub(r"/\1/…", atoms["U"])
        return atoms


logger_class = AccessLogger


def _metrics_folder() -> Path:
    """PROMETHEUS_MULTIPROC_DIR, or metrics/ in the data folder: set here, in gunicorn's first process, so
    every worker it starts keeps its counts there and /metrics adds them up."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        from webapp.config import data_folder

        folder = os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(data_folder() / "metrics")
    return Path(folder)


_metrics_folder()


def on_starting(_server) -> None:
    """Counts left from an earlier run would be added to this one's."""
    folder = _metrics_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()


def child_exit(_server, worker) -> None:
    """A worker that ended: its live figures leave /metrics, its counts stay in the sums."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
