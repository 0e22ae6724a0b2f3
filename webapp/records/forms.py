from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..dates import long_date
from ..forms import OnceForm
from ..models import COPENHAGEN, utcnow
from ..outcomes import situations
from ..params import bounded_int
from ..typed_dates import ltr_example, parse_day, parse_local_moment, parse_month
from ..validators import ChoiceField, PlainText, choices, normalize_newlines, strip
from . import catalog
from .checkins import today


def option_choices(table: dict) -> list:
    return choices((key, option.label) for key, option in table.items())


def optional_text(label, limit: int, message):
    return TextAreaField(
        label,
        filters=[normalize_newlines, strip],
        validators=[Optional(), Length(max=limit, message=message), PlainText()],
    )


def required_text(label, limit: int, empty_message, long_message):
    return StringField(
        label,
        filters=[strip],
        validators=[
            DataRequired(message=empty_message),
            Length(max=limit, message=long_message),
            PlainText(allow_newlines=False),
        ],
    )


class WholeNumberField(StringField):
    """A number typed by hand; WTForms' own refusal is English only."""

    def process_formdata(self, valuelist):
        from ..i18n import normalize_digits

        text = normalize_digits(valuelist[0]) if valuelist and valuelist[0] else ""
        self.raw = text
        if not text:
            self.data = None
            return
        if not text.isdigit():
            self.data = None
            raise ValueError(str(_l("Write a whole number, like 10.")))
        self.data = int(text)

    def _value(self):  # what was typed comes back, a refused word too
        return getattr(self, "raw", "") if self.data is None else str(self.data)


class CheckInForm(OnceForm):
    mood = ChoiceField(
        _l("How are you today?"),
        coerce=int,
        choices=choices((value, option.label) for value, option in catalog.MOODS.items()),
    )


class CheckInWordsForm(FlaskForm):
    words = optional_text(_l("A few words, if you like"), 1000, _l("At most 1,000 characters, please."))
    wants_contact = BooleanField(_l("I want someone to contact me"))


class BarrierForm(OnceForm):
    key = ChoiceField(_l("What stands in the way?"), choices=option_choices(catalog.BARRIERS))
    words = optional_text(_l("In your own words (if you like)"), 500, _l("At most 500 characters, please."))


class BarrierStatusForm(FlaskForm):
    status = ChoiceField(_l("How is it now?"), choices=option_choices(catalog.BARRIER_STATUSES))


class GoalChangeForm(FlaskForm):
    kind = ChoiceField(_l("What kind of goal?"), choices=option_choices(catalog.GOAL_KINDS))
    words = optional_text(_l("In your own words"), 500, _l("At most 500 characters, please."))
    hours = WholeNumberField(_l("Hours a week (if it is about work)"))
    month = StringField(_l("By which month? (if you like)"), filters=[strip])

    def validate_hours(self, field):
        if field.data is not None and not 1 <= field.data <= 37:
            raise ValidationError(_l("Hours a week are from 1 to 37."))

    def validate_month(self, field):
        if not field.data:
            return
        month = parse_month(field.data)
        if month is None:
            raise ValidationError(_l("Write the month like %(example)s.", example=ltr_example("2027-03")))
        now = utcnow().astimezone(COPENHAGEN)
        if (month.year, month.month) < (now.year, now.month):
            raise ValidationError(_l("Choose this month or a later one."))

    @property
    def target_month(self) -> date | None:
        return parse_month(self.month.data) if self.month.data else None


class GoalForm(OnceForm, GoalChangeForm):
    """A new goal: the same fields, sent once."""


class GoalStatusForm(FlaskForm):
    status = ChoiceField(_l("Status"), choices=option_choices(catalog.GOAL_STATUSES))


class CommentForm(OnceForm):
    text = TextAreaField(
        _l("Comment"),
        filters=[normalize_newlines, strip],
        validators=[
            DataRequired(message=_l("Write a few words first.")),
            Length(max=1000, message=_l("At most 1,000 characters, please.")),
            PlainText(),
        ],
    )


class ContactMadeForm(FlaskForm):
    how = ChoiceField(_l("How did you make contact?"), choices=option_choices(catalog.CONTACT_WAYS))


class StepForm(OnceForm):
    text = required_text(_l("A small step"), 200, _l("Write the step first."), _l("At most 200 characters, please."))


class StepDoneForm(FlaskForm):
    done = HiddenField(default="1")


class WhenField(StringField):
    def pre_validate(self, form):
        if not self.data:  # the field is a date and time picker: there is nothing to type, only to choose
            raise ValidationError(_l("Choose the day and the time."))
        moment = parse_local_moment(self.data)
        if moment is None:  # typed by hand, in a browser that shows a plain text box
            raise ValidationError(
                _l("Write the date and time like %(example)s.", example=ltr_example("2027-03-02 10:00"))
            )
        now = utcnow()
        if moment <= now:
            raise ValidationError(_l("Choose a time that has not passed yet."))
        if moment > now + timedelta(days=365):
            raise ValidationError(_l("Choose a time within the next year."))

    @property
    def moment(self) -> datetime | None:
        return parse_local_moment(self.data)


class AppointmentForm(OnceForm):
    starts_at = WhenField(_l("When"), filters=[strip])
    place = required_text(_l("Where"), 200, _l("Write where it is."), _l("At most 200 characters, please."))
    with_whom = ChoiceField(_l("With whom"), choices=option_choices(catalog.WITH_WHOM))
    interpreter = ChoiceField(_l("I need an interpreter"), default="")
    needs_childcare = BooleanField(catalog.NEEDS["needs_childcare"].label)
    needs_companion = BooleanField(catalog.NEEDS["needs_companion"].label)
    needs_transport = BooleanField(catalog.NEEDS["needs_transport"].label)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.interpreter.choices = choices(
            [("", _l("No interpreter"))]
            + [(code, catalog.language_name(code)) for code in catalog.INTERPRETER_LANGUAGES]
        )

    @property
    def needs(self) -> set[str]:
        return {name for name in catalog.NEEDS if getattr(self, name).data}


class VersionForm(FlaskForm):
    version = HiddenField()

    @property
    def version_number(self) -> int:
        number = bounded_int(self.version.data)
        return -1 if number is None else number  # no version: treat as out of date, never as current


class MoveForm(VersionForm):
    starts_at = WhenField(_l("New time"), filters=[strip])
    place = required_text(_l("Where"), 200, _l("Write where it is."), _l("At most 200 characters, please."))


class AnswerForm(VersionForm):
    response = ChoiceField(_l("Your answer"), choices=option_choices(catalog.RESPONSES))
    reason = ChoiceField(
        _l("Why can't you come?"),
        default="",
        choices=choices([("", "-")] + [(k, o.label) for k, o in catalog.CANT_COME_REASONS.items()]),
    )
    words = optional_text(_l("In your own words (if you like)"), 500, _l("At most 500 characters, please."))

    def validate_reason(self, field):
        if self.response.data == "cant_come" and not field.data and not self.words.data:
            raise ValidationError(_l("Choose a reason or write a few words."))


class OutcomeForm(VersionForm):
    outcome = ChoiceField(_l("How did it go?"), choices=option_choices(catalog.OUTCOMES))

    def __init__(self, *args, appointment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.appointment = appointment

    def validate_outcome(self, field):
        if self.appointment is not None and self.appointment.starts_at > utcnow():
            raise ValidationError(_l("This appointment has not happened yet."))


class SituationForm(OnceForm):
    """A resident's new situation, from the coordinator's list (`offer`). Hours and employer count only where
    the chosen situation asks for them; otherwise they are ignored, whatever was typed there."""

    situation = ChoiceField(_l("Situation"), coerce=int)
    starts_on = StringField(_l("From which day?"), filters=[strip])
    hours = WholeNumberField(_l("Hours a week (where they apply)"))
    employer = StringField(_l("Employer (where it applies)"), filters=[strip])

    # From 5 years back (a situation told late) to a year ahead (a job that starts later).
    MONTHS_BACK, MONTHS_AHEAD = 60, 12

    def offer(self, listed: list) -> SituationForm:
        self.listed = {item.id: item for item in listed}
        self.situation.choices = choices((item.id, situations.label(item.key, item.name)) for item in listed)
        return self

    @property
    def chosen(self):
        return self.listed.get(self.situation.data) if self.situation.data is not None else None

    def _unasked(self) -> list:
        chosen = self.chosen
        return ([] if chosen is not None and chosen.asks_hours else [self.hours]) + (
            [] if chosen is not None and chosen.asks_employer else [self.employer]
        )

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        for field in self._unasked():  # not asked for this situation: nothing to refuse, nothing stored
            field.errors = []
        return not self.errors

    @classmethod
    def days_allowed(cls, today: date) -> tuple[date, date]:
        return situations.add_months(today, -cls.MONTHS_BACK), situations.add_months(today, cls.MONTHS_AHEAD)

    def validate_starts_on(self, field):
        if not field.data:
            raise ValidationError(_l("Write the day it starts."))
        day = parse_day(field.data)
        if day is None:
            raise ValidationError(_l("Write the day like %(example)s.", example=ltr_example("2027-03-01")))
        earliest, latest = self.days_allowed(today())
        if not earliest <= day <= latest:
            raise ValidationError(
                _l(
                    "Choose a day from %(earliest)s to %(latest)s.",
                    earliest=long_date(earliest),
                    latest=long_date(latest),
                )
            )

    def validate_hours(self, field):
        if field.data is not None and not 1 <= field.data <= situations.MAX_HOURS:
            raise ValidationError(_l("Hours a week are from 1 to 60."))

    def validate_employer(self, field):
        if len(field.data or "") > situations.MAX_EMPLOYER:
            raise ValidationError(_l("At most 120 characters, please."))
        PlainText(allow_newlines=False)(self, field)

    @property
    def day(self) -> date | None:
        return parse_day(self.starts_on.data)

    @property
    def hours_asked(self) -> int | None:
        return None if self.hours in self._unasked() else self.hours.data

    @property
    def employer_asked(self) -> str | None:
        return None if self.employer in self._unasked() else (self.employer.data or None)
