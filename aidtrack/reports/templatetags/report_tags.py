"""Reading a report table's rows in templates, and the rows of long record lists."""

from django import template
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

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
    rows = []
    for read in reads:
        incident = read.incident
        what = incident.get_category_display() if incident.category else incident.get_kind_display()
        perpetrator = incident.perpetrator
        level = read.generalised_to
        rows.append(
            (
                incident.occurred_on.isoformat(),
                dateformat.format(incident.occurred_on, "j M Y"),
                incident.title,
                what,
                format_html(" {} {};", perpetrator_label, perpetrator.display_name) if perpetrator else "",
                read.place_name or "—",
                format_html(" ({})", _("shown at its %(level)s") % {"level": level}) if level else "",
                incident.public_summary,
                reverse("api:incident-detail", args=[incident.pk]),
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
