from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, ValidationError

from ..i18n import LANGUAGES
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
        validators=[DataRequired(message=_l("Write the name of the area.")),
                    Length(max=80, message=_l("A name can be at most 80 characters.")), PersonName()],
    )


class UserAreaForm(FlaskForm):
    area_id = ChoiceField(_l("Housing area"), coerce=int)


class TabletForm(FlaskForm):
    name = StringField(
        _l("Where is this tablet?"),
        filters=[strip],
        validators=[DataRequired(message=_l("Write where the tablet is, e.g. the reception.")),
                    Length(max=80, message=_l("A name can be at most 80 characters.")), PersonName()],
    )
    locale = ChoiceField(_l("Language for the next person"), choices=choices((lang.code, lang.endonym) for lang in LANGUAGES),
                         default="da")


ERASE_WHEN = {
    "later": _l("In 30 days. The account closes now, and the deletion can be cancelled until then."),
    "now": _l("Now. Only when the resident asked you in person."),
}


class EraseForm(FlaskForm):
    """Deleting a resident cannot be undone once done: the coordinator types the username to say whom."""

    username = StringField(_l("Type the resident's username to confirm"), filters=[strip],
                           validators=[DataRequired(message=_l("Write the resident's username."))])
    when = RadioChoice(_l("When"), choices=choices(ERASE_WHEN.items()))

    def __init__(self, *args, resident=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.resident = resident

    def validate_username(self, field):
        if self.resident is None or (field.data or "").strip().lower() != self.resident.username:
            raise ValidationError(_l("That is not this resident's username. Please check it."))
