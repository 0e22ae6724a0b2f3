"""Routes shared by everyone who may read a resident's timeline; the policy decides who that is."""

from __future__ import annotations

import io
import logging
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, g, make_response, redirect, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError

from .. import file_openings, policy
from ..auth.device_cookie import request_origin
from ..auth.session import keep_unsent_words, kept_after_sign_out
from ..db import get_session
from ..errors import handle_csrf_error
from ..extensions import csrf
from ..htmx import render, render_block, see_other, wants_fragment
from ..models import Entry, EntryKind, User
from ..pages.timeline import composer, home_of_timeline, viewer_page
from ..params import int_param, moment
from ..request_kinds import passive, someone_reads, takes_upload
from ..storage import audio_store
from . import drafts, kinds, services, voice
from .forms import MessageForm, VoiceForm

bp = Blueprint("timeline", __name__, url_prefix="/residents/<int:resident_id>")
log = logging.getLogger(__name__)


@bp.get("/")
@login_required
def home(resident_id: int):
    resident = policy.resident_for(get_session(), current_user, resident_id)
    return redirect(home_of_timeline(current_user, resident))


@bp.get("/entries")
@login_required
def older(resident_id: int):
    resident = policy.resident_for(get_session(), current_user, resident_id)
    before = int_param(request.args, "before")
    if someone_reads():
        file_openings.note_read(get_session(), reader=current_user, resident=resident, what="older_entries")
    page = services.page(get_session(), resident=resident, before=before, size=current_app.config["TIMELINE_PAGE_SIZE"])
    return render("timeline/older.html", block="older", resident=resident, page=page)


@bp.get("/updates")
@login_required
@passive
def updates(resident_id: int):
    db = get_session()
    resident = policy.resident_for(db, current_user, resident_id)
    if not wants_fragment():
        return redirect(home_of_timeline(current_user, resident))
    after = int_param(request.args, "after", default=0)
    since = _parse_moment(request.args.get("since"))
    if not services.anything_new(db, resident=resident, after=after, seen_since=since):
        # htmx keeps the page as it is; the poller asks again with the same question.
        return "", 204
    if someone_reads():
        file_openings.note_read(db, reader=current_user, resident=resident, what="updates")
    found = services.updates(db, resident=resident, reader=current_user, after=after, seen_since=since)
    if (
        someone_reads()
        and policy.is_advisor_of(current_user, resident)
        and any(entry.by_resident and entry.seen_at is None for entry in found.entries)
    ):
        services.mark_seen_by_advisor(db, resident=resident, advisor=current_user, opened=False)
    return render_block("timeline/_updates.html", "updates", resident=resident, updates=found, oob_poller=False)


@bp.post("/entries")
@login_required
def post_message(resident_id: int):
    db = get_session()
    resident = policy.resident_for(db, current_user, resident_id, write=True)
    form = MessageForm()
    if not form.validate():
        if wants_fragment():
            return render_block(
                "timeline/_message_form.html",
                "message_form",
                resident=resident,
                form=form,
                **composer(db, current_user, resident),
            ), 422
        if policy.is_advisor_of(current_user, resident):  # the timeline is in front of them again
            services.mark_seen_by_advisor(db, resident=resident, advisor=current_user, opened=False)
        template, context = viewer_page(db, current_user, resident, message_form=form)
        return render(template, **context), 422
    said = form.stored_phrase()
    entry = services.post_message(
        db,
        resident=resident,
        author=current_user,
        body=form.body.data,
        kind=EntryKind.PHRASE if said else EntryKind.MESSAGE,
        data=said,
        idempotency_key=form.idempotency_key.data,
    )
    if request.form.get("from_draft"):  # the reply kept across a sign-out is sent now
        drafts.discard(db, user=current_user, resident=resident)
    return _sent(resident, entry, "timeline/_message_form.html", "message_form", form=MessageForm.fresh())


@bp.post("/unsent")
@csrf.exempt  # the page's ticket is the proof: after a sign-out there is no session to hold a CSRF token
@login_required
def keep_unsent(resident_id: int):
    """The page found its sign-in gone with words in the message box (app.js): they are kept by
    `unauthorized`, on the way to signing in. Signed in, only with the page's ticket (a forged post has none)."""
    resident = policy.resident_for(get_session(), current_user, resident_id, write=True)
    keep_unsent_words()
    return see_other(home_of_timeline(current_user, resident))


@bp.errorhandler(CSRFError)
def csrf_refused(error):
    """A message sent after signing out in another tab lost its CSRF token with the cookies; its ticket
    still keeps the words (`kept_after_sign_out`)."""
    if request.endpoint == "timeline.post_message" and (sign_in := kept_after_sign_out()) is not None:
        return sign_in
    return handle_csrf_error(error)


@bp.post("/voice")
@login_required
@takes_upload("VOICE_MAX_BYTES")
def post_voice(resident_id: int):
    db = get_session()
    resident = policy.resident_for(db, current_user, resident_id, write=True)
    form = VoiceForm()
    if not form.validate():
        return _voice_refused(resident, form)
    # The same form again (an answer lost on the way): the recording it kept, not checked or counted again.
    entry = services.by_key(db, current_user, form.idempotency_key.data)
    if entry is None:
        upload = form.audio.data
        data = upload.read() if upload else b""
        try:
            audio = _checked_voice(db, resident, data)
            entry = _post_voice(db, resident, data, audio, form.idempotency_key.data)
        except voice.Refused as refused:
            form.refusal = refused.reason
            return _voice_refused(resident, form)
    return _sent(resident, entry, "timeline/_voice_form.html", "voice_form", voice_form=VoiceForm.fresh())


def _checked_voice(db, resident: User, data: bytes) -> voice.Audio:
    """The recording, checked in a process of its own. Refused as "busy" when this process runs as many
    checks as it may, and as "too_many" past the uploads a person may send in a minute; only a file
    that is checked counts, as an empty or too large one costs nothing."""
    config = current_app.config
    voice.check_size(data, max_bytes=config["VOICE_MAX_BYTES"])
    with voice.check_slot(current_app):
        if (
            voice.note_attempt(db, author=current_user, resident=resident, **request_origin())
            > config["VOICE_UPLOADS_PER_MINUTE"]
        ):
            raise voice.Refused("too_many")
        return voice.check_apart(
            data,
            max_bytes=config["VOICE_MAX_BYTES"],
            max_seconds=config["VOICE_MAX_SECONDS"],
            cpu_seconds=config["VOICE_CHECK_CPU_SECONDS"],
        )


# Refusals about the moment, not the file: the status, and when to send it again (Retry-After).
VOICE_NOT_NOW = {"too_many": (429, "60"), "busy": (503, "5"), "cannot_keep": (507, None)}


def _voice_refused(resident: User, form: VoiceForm):
    """The voice form again with why, as a fragment for htmx or in the whole page."""
    status, retry_after = VOICE_NOT_NOW.get(form.refusal, (422, None))
    headers = {"Retry-After": retry_after} if retry_after else {}
    if wants_fragment():
        return (
            render_block("timeline/_voice_form.html", "voice_form", resident=resident, voice_form=form),
            status,
            headers,
        )
    template, context = viewer_page(get_session(), current_user, resident, voice_form=form)
    response = make_response(render(template, **context), status)
    response.headers.update(headers)
    return response


def _post_voice(db, resident: User, data: bytes, audio: voice.Audio, idempotency_key: str) -> Entry:
    """Keep the file, then the entry; a file no entry points to (the write failed, or the same form
    sent twice at once made the entry first) is removed again."""
    key = voice.keep(resident.id, data, audio)
    try:
        entry = services.post_message(
            db,
            resident=resident,
            author=current_user,
            body=None,
            kind=EntryKind.VOICE,
            data=kinds.voice(key, seconds=audio.seconds, mimetype=audio.mimetype),
            idempotency_key=idempotency_key,
        )
    except Exception:
        if _surely_not_stored(db, idempotency_key):
            audio_store().delete(key)
        raise
    if entry.data["audio"] != key:
        audio_store().delete(key)
    return entry


def _surely_not_stored(db, idempotency_key: str) -> bool:
    """Whether the database says no entry holds the key. When it cannot say (the connection is lost),
    the file stays: an orphan file costs less than a message whose recording is gone."""
    try:
        db.rollback()
        return services.by_key(db, current_user, idempotency_key) is None
    except DBAPIError:
        return False


@bp.get("/voice/<int:entry_id>")
@login_required
def voice_file(resident_id: int, entry_id: int):
    """The recording, to the same readers as the timeline; Range requests let a phone seek."""
    db = get_session()
    resident = policy.resident_for(db, current_user, resident_id)
    entry = services.voice_entry(db, resident=resident, entry_id=entry_id)
    if entry is None:
        abort(404)
    try:
        data = audio_store().get(entry.data["audio"])
    except OSError as error:
        return _recording_unreadable(entry, error)
    playing_from_start = request.range is None or request.range.ranges[0][0] == 0
    if someone_reads():
        file_openings.note_read(db, reader=current_user, resident=resident, what="voice")
        if playing_from_start:
            services.mark_heard(db, entry=entry, listener=current_user)
    response = send_file(
        io.BytesIO(data),
        mimetype=voice.mimetype_of(entry.data["audio"]),
        conditional=True,
        etag=f"voice-{entry.id}",
        max_age=0,
    )
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "no-store"
    return response


def _recording_unreadable(entry: Entry, error: OSError):
    """A listed recording the store has no file for (lost, or AUDIO_DIR pointing elsewhere), or cannot read
    (the server's user may not): a page that says so, and a line for the operator."""
    log.error("Voice message %s cannot be read: %s", entry.id, error.strerror or type(error).__name__)
    missing = isinstance(error, FileNotFoundError)
    hint = (
        _("It is missing on the server. Please ask for it to be sent again, or write a message.")
        if missing
        else _("The server cannot read it just now. Please try again in a few minutes.")
    )
    return render_template(
        "errors/error.html",
        status=404 if missing else 503,
        title=_("This recording cannot be played"),
        hint=hint,
        request_id=g.get("request_id", ""),
    ), 404 if missing else 503


def _sent(resident: User, entry: Entry, template: str, block: str, **fresh_form):
    """After a message of any kind: without JavaScript, the page again, landing at the message with
    "Sent" beside it; with htmx, a fresh form and what is new in the timeline."""
    if not wants_fragment():
        flash(_("Sent"), f"at:entry-{entry.id}")
        return see_other(f"{home_of_timeline(current_user, resident)}#entry-{entry.id}")
    db = get_session()
    after = int_param(request.form, "after", default=0)
    found = services.updates(
        db, resident=resident, reader=current_user, after=after, seen_since=_parse_moment(request.form.get("since"))
    )
    fresh = render_block(template, block, resident=resident, **fresh_form, **composer(db, current_user, resident))
    return fresh + render_block("timeline/_updates.html", "updates", resident=resident, updates=found, oob_poller=True)


def _parse_moment(text: str | None) -> datetime | None:
    """An ISO moment with its offset, as the page sent it; in UTC, or a 400."""
    try:
        return moment(text)
    except ValueError:
        abort(400)
