"""The caseload's own small form: "still there" at a follow-up."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import AnyOf, InputRequired, ValidationError

from ..models import FOLLOW_UP_MONTHS
from ..outcomes import situations
from ..records.forms import WholeNumberField


class FollowUpForm(FlaskForm):
    """No once-key: a follow-up is recorded once per stretch and number of months (`record_follow_up`), so a
    second tap records nothing and says so."""

    # Which follow-up the row offered: one made already, or no longer due, is not recorded again.
    months = IntegerField(validators=[InputRequired(), AnyOf(FOLLOW_UP_MONTHS)])
    hours = WholeNumberField(_l("Hours a week"))

    def validate_hours(self, field):
        if field.data is not None and not 1 <= field.data <= situations.MAX_HOURS:
            raise ValidationError(_l("Hours a week are from 1 to 60."))
