"""Form fields shared by the staff screens."""

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.staff.search import search_communities

TRAILING_PCODE = re.compile(r"\(([A-Z]{1,3}[0-9A-Z]*)\)\s*$")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PlaceInput(forms.TextInput):
    """Shows a chosen admin area as "Madaya (C2450)" so that it reads back the same."""

    def format_value(self, value):
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            area = AdminArea.objects.filter(pk=int(value)).first()
            return f"{area.name_en} ({area.pcode})" if area else ""
        if isinstance(value, AdminArea):
            return f"{value.name_en} ({value.pcode})"
        return super().format_value(value)


class PlaceField(forms.CharField):
    """A community typed by name (English or Arabic) or P-code, resolved to one admin area.

    Without JavaScript the typed text is resolved on the server: a P-code or a
    name that matches one community clearly is accepted; otherwise the error
    lists the candidates with their P-codes.
    """

    widget = PlaceInput

    def __init__(self, *, levels=(AdminLevel.COMMUNITY,), **kwargs):
        self.levels = levels
        super().__init__(**kwargs)
        self.widget.attrs.update({"data-place-search": "1", "autocomplete": "off", "placeholder": _("name or P-code")})

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return None
        if len(text) > 200:
            raise forms.ValidationError(_("Type a community name or P-code (at most 200 characters)."))
        code = TRAILING_PCODE.search(text)
        if code:
            area = AdminArea.objects.filter(pcode=code.group(1), level__in=self.levels).first()
            if area:
                return area
        matches = search_communities(text, limit=6, levels=self.levels)
        if not matches:
            raise forms.ValidationError(
                _("No community matches “%(text)s”. Check the spelling, or type its P-code (e.g. C2450).")
                % {"text": text}
            )
        best = matches[0]
        clear = best.score >= 0.99 or (best.score >= 0.8 and (len(matches) == 1 or matches[1].score < best.score - 0.1))
        if clear:
            return best.area
        options = "; ".join(f"{m.area.name} ({m.area.pcode})" for m in matches)
        raise forms.ValidationError(
            _("Several communities match “%(text)s”: %(options)s. Type the P-code of the one you mean.")
            % {"text": text, "options": options}
        )


class MonthField(forms.DateField):
    """A month (YYYY-MM), stored as its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime("%Y-%m")
        return value

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else None
