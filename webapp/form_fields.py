"""WTForms fields whose values fit the database: the forms use these, never WTForms' own
IntegerField or DateField (tests/security/test_input_bounds checks every form)."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import fields

from webapp.inputs import DATE_YEARS, in_int32, integer_out_of_range_message


class IntegerField(fields.IntegerField):
    """A whole number an INTEGER column can hold; anything else is the field's error."""

    def process_formdata(self, valuelist: list) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not in_int32(self.data):
            self.data = None
            raise ValueError(integer_out_of_range_message())


class DateField(fields.DateField):
    """A date within DATE_YEARS: a typo of a year (20255, 0202) is refused, not stored."""

    def process_formdata(self, valuelist: list) -> None:
        super().process_formdata(valuelist)
        first, last = DATE_YEARS
        if self.data is not None and not first <= self.data.year <= last:
            self.data = None
            raise ValueError(
                _("Give a date between the years %(first)d and %(last)d.", first=first, last=last)
            )
