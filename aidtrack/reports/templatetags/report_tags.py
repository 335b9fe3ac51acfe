"""Reading a report table's rows in templates, and the rows of long record lists."""

from django import template
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from aidtrack.incidents.models import Incident
from aidtrack.incidents.selectors import GENERALISED_LEVELS

register = template.Library()


@register.filter
def get_item(row: dict, key: str):
    return row.get(key)


@register.filter
def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@register.simple_tag
def incident_rows(reads) -> str:
    """The ``<li>`` of each incident as its reader may read it (``IncidentAsRead``), built in one pass: a page lists
    up to fifty, and an included template per row cost more than the page's queries."""
    perpetrator_label = _("perpetrator:")
    record_label = _("record")
    # Labels and dates are translated once per distinct value, not once per row.
    labels = {
        name: {value: str(label) for value, label in Incident._meta.get_field(name).flatchoices}
        for name in ("category", "kind")
    }
    days = {}
    perpetrators = {}
    shown_at = {
        level: format_html(" ({})", _("shown at its %(level)s") % {"level": word})
        for level, word in GENERALISED_LEVELS.items()
    }
    # One reversal: the record link differs from row to row by its id only.
    link = reverse("api:incident-detail", args=[0]).removesuffix("0/")
    rows = []
    for read in reads:
        incident = read.incident
        what = labels["category"].get(incident.category, incident.category) if incident.category else None
        day = incident.occurred_on
        if day not in days:
            days[day] = dateformat.format(day, "j M Y")
        who = ""
        if incident.perpetrator_id is not None:
            who = perpetrators.get(incident.perpetrator_id)
            if who is None:
                who = perpetrators[incident.perpetrator_id] = format_html(
                    " {} {};", perpetrator_label, incident.perpetrator.display_name
                )
        # As ``read.generalised_to``, with its sentence made once per level.
        shown = "" if read.exact else shown_at.get(getattr(incident, "generalised_to", None), "")
        rows.append(
            (
                day.isoformat(),
                days[day],
                incident.title,
                what or labels["kind"].get(incident.kind, incident.kind),
                who,
                read.place_name or "—",
                shown,
                incident.public_summary,
                f"{link}{incident.pk}/",
                record_label,
                incident.reference,
            )
        )
    return format_html_join(
        "",
        '<li><time datetime="{}">{}</time>\n  <strong dir="auto">{}</strong> — {};{} <span dir="auto">{}</span>{}'
        '\n  <br><span dir="auto">{}</span> <a href="{}">{} <bdi>{}</bdi></a></li>\n',
        rows,
    )
