from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from ..forms import OnceForm
from ..models import COPENHAGEN
from ..typed_dates import parse_day, parse_time
from ..validators import PlainText, normalize_newlines, strip
from . import phrases

MESSAGE_MAX = 4000
PLACE_MAX = 200


class MessageForm(OnceForm):
    """Words, or a phrase from the writer's own phrase book with the words after it if any."""

    body = TextAreaField(
        _l("Message"),
        filters=[normalize_newlines],
        validators=[
            Length(max=MESSAGE_MAX, message=_l("A message can be at most 4,000 characters.")),
            PlainText(),
        ],
    )
    phrase = StringField(_l("Phrase"))
    on = StringField(_l("Date"), filters=[strip])
    at = StringField(_l("Time"), filters=[strip])
    # No Optional(): it would stop the chain before validate_place asks for a place the phrase needs.
    place = StringField(
        _l("Place"),
        filters=[strip],
        validators=[
            Length(max=PLACE_MAX, message=_l("At most 200 characters, please.")),
            PlainText(allow_newlines=False),
        ],
    )

    @property
    def chosen(self) -> phrases.Phrase | None:
        return phrases.in_book(self.phrase.data or None, current_user.is_resident)

    def validate_body(self, field):
        if not (field.data or "").strip() and not self.phrase.data:
            raise ValidationError(_l("Write a few words first, or choose a phrase."))

    def validate_phrase(self, field):
        if field.data and self.chosen is None:
            raise ValidationError(_l("Choose a phrase from the list."))

    def _needs(self, name: str) -> bool:
        chosen = self.chosen
        return chosen is not None and name in chosen.params

    def validate_on(self, field):
        if not self._needs(phrases.DATE):
            return
        day = parse_day(field.data)
        if day is None:
            raise ValidationError(_l("Choose the date this phrase is about."))
        today = datetime.now(COPENHAGEN).date()
        if not today <= day <= today + timedelta(days=365):
            raise ValidationError(_l("Choose a date from today and within a year."))

    def validate_at(self, field):
        if self._needs(phrases.TIME) and parse_time(field.data) is None:
            raise ValidationError(_l("Choose the time this phrase is about."))

    def validate_place(self, field):
        if self._needs(phrases.PLACE) and not field.data:
            raise ValidationError(_l("Write or choose the place."))

    def stored_phrase(self) -> dict | None:
        chosen = self.chosen
        if chosen is None:
            return None
        needs = chosen.params
        return phrases.stored(
            chosen,
            on=parse_day(self.on.data) if phrases.DATE in needs else None,
            at=parse_time(self.at.data) if phrases.TIME in needs else None,
            place=self.place.data if phrases.PLACE in needs else None,
        )


class VoiceForm(OnceForm):
    # Checked from its bytes in timeline/voice.py; the name and declared type are not believed.
    audio = FileField(_l("Voice message"))
    # Why the recording was not kept (voice.Refused's reason), said next to the file field.
    refusal: str | None = None
