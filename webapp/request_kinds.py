"""What kind of request this is, as views mark them: a person reading, a poll in the background (which is
no activity), or an upload (which may be larger than other requests)."""

from __future__ import annotations

from flask import Flask, current_app, request


def passive(view):
    """Marks a background request (a poll): it does not count as activity for the idle timeout,
    and it does not send the session cookie again."""
    view.passive = True
    return view


def is_passive_request() -> bool:
    """A poll, or a HEAD: neither is a person using the app."""
    view = current_app.view_functions.get(request.endpoint or "")
    return request.method == "HEAD" or bool(getattr(view, "passive", False))


def someone_reads() -> bool:
    """A GET is a person reading the page, which may leave the documented "seen" and "heard" marks and
    the record of a staff opening. A HEAD (a link previewer, a mail or SMS scanner) only asks whether
    the page is there, and changes nothing."""
    return request.method == "GET"


def takes_upload(limit_setting: str):
    """Marks a view that takes a file: its body may be as large as that setting, plus room for the
    form around it. Every other request keeps MAX_CONTENT_LENGTH. Either is enforced before the body is read."""

    def mark(view):
        view.upload_limit = limit_setting
        return view

    return mark


UPLOAD_FORM_ROOM = 16 * 1024


def allow_upload_size() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    setting = getattr(view, "upload_limit", None)
    if setting:
        request.max_content_length = current_app.config[setting] + UPLOAD_FORM_ROOM


def init_app(app: Flask) -> None:
    app.before_request(allow_upload_size)  # before anything reads the body
