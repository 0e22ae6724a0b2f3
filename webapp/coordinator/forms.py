from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from ..forms import OnceForm
from ..i18n import LANGUAGES
from ..models import SituationCategory
from ..roles import ROLE_LABELS
from ..validators import ChoiceField, PersonName, RadioChoice, check_username, choices, strip


class StaffForm(FlaskForm):
    """No password: the person chooses their own with the one-time link made with the account."""

    display_name = StringField(
        _l("Full name"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Write the person's name.")),
            Length(max=80, message=_l("A name can be at most 80 characters.")),
            PersonName(),
        ],
    )
    username = StringField(_l("Username"), validators=[DataRequired(message=_l("Write a username.")), check_username])
    role = ChoiceField(_l("Role"), choices=choices((str(role), label) for role, label in ROLE_LABELS.items()))
    locale = ChoiceField(_l("Language"), choices=choices((lang.code, lang.endonym) for lang in LANGUAGES), default="da")


# What each kind of situation means for the app's own rules, as the coordinator chooses one.
SITUATION_CATEGORIES = {
    SituationCategory.WORK: (
        _l("Work"),
        _l("Followed up after 1, 3, 6 and 12 months. Quiet weeks do not move the resident up the caseload."),
    ),
    SituationCategory.EDUCATION: (_l("Education"), _l("Followed up after 1, 3, 6 and 12 months.")),
    SituationCategory.ACTIVITY: (_l("An activity"), _l("For example a course or a work placement.")),
    SituationCategory.LEAVE: (_l("Leave"), _l("For example sick leave or parental leave.")),
    SituationCategory.NOTHING_YET: (
        _l("Not yet in anything"),
        _l("Taking part, but not yet in work, education or an activity."),
    ),
    SituationCategory.LEFT: (_l("No longer taking part"), _l("For example moved away or ended.")),
}


class SituationForm(OnceForm):
    """A new situation on the list; its Danish name is what every reader sees."""

    name = StringField(
        _l("Danish name"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Write the Danish name of the situation.")),
            Length(max=80, message=_l("A name can be at most 80 characters.")),
            PersonName(),
        ],
    )
    category = RadioChoice(
        _l("What kind of situation is it?"),
        choices=choices((str(key), label) for key, (label, _) in SITUATION_CATEGORIES.items()),
    )
    asks_hours = BooleanField(_l("Ask for the hours a week"))
    asks_employer = BooleanField(_l("Ask for the employer"))
    counts_as_outcome = BooleanField(_l("Counts as in work or education for the partnership"))


class AssignForm(FlaskForm):
    advisor_id = ChoiceField(_l("Personal job advisor"), coerce=int)

    def validate_advisor_id(self, field):
        if field.data == NO_ADVISOR_CHOSEN:
            raise ValidationError(_l("Choose an advisor."))


# The empty first choice of a resident who has no advisor yet: one tap on "Assign" must not pick anyone.
NO_ADVISOR_CHOSEN = 0


class AreaForm(FlaskForm):
    name = StringField(
        _l("Name of the housing area"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Write the name of the area.")),
            Length(max=80, message=_l("A name can be at most 80 characters.")),
            PersonName(),
        ],
    )


class UserAreaForm(FlaskForm):
    area_id = ChoiceField(_l("Housing area"), coerce=int)


class TabletForm(FlaskForm):
    name = StringField(
        _l("Where is this tablet?"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Write where the tablet is, e.g. the reception.")),
            Length(max=80, message=_l("A name can be at most 80 characters.")),
            PersonName(),
        ],
    )
    locale = ChoiceField(
        _l("Language for the next person"),
        choices=choices((lang.code, lang.endonym) for lang in LANGUAGES),
        default="da",
    )


ERASE_WHEN = {
    "later": _l("In 30 days. The account closes now, and the deletion can be cancelled until then."),
    "now": _l("Now. Only when the resident asked you in person."),
}


class EraseForm(FlaskForm):
    """Deleting a resident cannot be undone once done: the coordinator types the username to say whom."""

    username = StringField(
        _l("Type the resident's username to confirm"),
        filters=[strip],
        validators=[DataRequired(message=_l("Write the resident's username."))],
    )
    when = RadioChoice(_l("When"), choices=choices(ERASE_WHEN.items()))

    def __init__(self, *args, resident=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.resident = resident

    def validate_username(self, field):
        if self.resident is None or (field.data or "").strip().lower() != self.resident.username:
            raise ValidationError(_l("That is not this resident's username. Please check it."))
