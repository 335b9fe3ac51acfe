"""Reading a report table's rows in templates, and the rows of long record lists."""

import datetime
from html import escape

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import dateformat, formats
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aidtrack.incidents.models import Incident
from aidtrack.incidents.selectors import GENERALISED_LEVELS, IncidentAsRead

register = template.Library()

# The pages' navigation as rendered, by (language, page, script prefix): the same for every request, so its links
# are reversed and its words translated once per process rather than on every page.
_navigation: dict[tuple, str] = {}


@receiver(setting_changed)
def _forget_navigation(**kwargs):
    _navigation.clear()


@register.simple_tag(takes_context=True)
def report_navigation(context) -> str:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    key = (get_language(), match.url_name if match else None, get_script_prefix())
    html = _navigation.get(key)
    if html is None:
        html = _navigation[key] = render_to_string("reports/_nav.html", {"here": key[1]})
    return html


# The months' names (``M``: "Sep", ``F``: "September") by language and format, translated once per process.
_month_names: dict[tuple, tuple[str, ...]] = {}


@register.filter
def day_month_year(day, month_format: str = "M") -> str:
    """``day`` as the ``date`` filter writes it with "j M Y" ("25 Sep 2016"), or "j F Y" ("25 September 2016"):
    Django's date formatter translates the month again for every date it writes, a sixth of a page of dates."""
    if not day:
        return ""
    key = (get_language(), month_format)
    names = _month_names.get(key)
    if names is None:
        months = (datetime.date(2000, month, 1) for month in range(1, 13))
        names = _month_names[key] = tuple(dateformat.format(first, month_format) for first in months)
    return f"{day.day} {names[day.month - 1]} {day.year:04d}"


@register.filter
def get_item(row: dict, key: str):
    return row.get(key)


@register.filter
def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@register.simple_tag
def incident_rows(reads) -> str:
    """The ``<li>`` of each incident as its reader may read it (``IncidentLine``, or ``IncidentAsRead``), built in
    one pass: a page lists up to fifty, and an included template per row cost more than the page's queries.

    Each value is escaped by ``html.escape``, as Django's ``escape`` does, without Django's checks for lazy
    arguments around every call (they cost more than the escaping of the page's five hundred values)."""
    perpetrator_label = escape(_("perpetrator:"))
    record_label = escape(_("record"))
    # Labels and dates are translated once per distinct value, not once per row.
    labels = {
        name: {value: str(label) for value, label in Incident._meta.get_field(name).flatchoices}
        for name in ("category", "kind")
    }
    days = {}
    perpetrators = {}
    # The sentence is translated outside the f-string: xgettext does not read calls inside one.
    shown_words = _("shown at its %(level)s")
    shown_at = {
        level: " ({})".format(escape(shown_words % {"level": word})) for level, word in GENERALISED_LEVELS.items()
    }
    # One reversal: the record link differs from row to row by its id only.
    link = reverse("api:incident-detail", args=[0]).removesuffix("0/")
    rows = []
    for read in reads:
        line = read.line if isinstance(read, IncidentAsRead) else read
        what = labels["category"].get(line.category, line.category) if line.category else None
        day = line.occurred_on
        if day not in days:
            days[day] = escape(day_month_year(day))
        who = ""
        if line.perpetrator_id is not None:
            who = perpetrators.get(line.perpetrator_id)
            if who is None:
                who = perpetrators[line.perpetrator_id] = f" {perpetrator_label} {escape(line.perpetrator_name)};"
        shown = "" if line.exact else shown_at.get(line.generalised_to, "")
        rows.append(
            f'<li><time datetime="{day.isoformat()}">{days[day]}</time>\n'
            f'  <strong dir="auto">{escape(line.title)}</strong> — '
            f"{escape(what or labels['kind'].get(line.kind, line.kind))};{who} "
            f'<span dir="auto">{escape(line.place_name or "—")}</span>{shown}\n'
            f'  <br><span dir="auto">{escape(line.public_summary)}</span> '
            f'<a href="{link}{line.pk}/">{record_label} <bdi>{escape(line.reference)}</bdi></a></li>\n'
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value from a record is escaped above


@register.simple_tag
def delivery_rows(deliveries) -> str:
    """The rows of an area's table of deliveries, from (``Delivery``, days since the one before) pairs, each
    worded as ``reports/_delivery.html`` words it, built in one pass (an included template per row cost more)."""
    convoy_link = reverse("api:convoy-detail", args=[0]).removesuffix("0/")
    incident_link = reverse("api:incident-detail", args=[0]).removesuffix("0/")
    convoy = escape(_("convoy"))
    outcome = {True: escape(_("(partly delivered)")), False: escape(_("(delivered)"))}
    access = escape(_("(access incident)"))
    rows = []
    for delivery, gap in deliveries:
        if delivery.convoy_id:
            what = (
                f'<a href="{convoy_link}{delivery.convoy_id}/">{convoy} <bdi>{escape(delivery.convoy_reference)}</bdi>'
                f"</a> {outcome[delivery.partial]}"
            )
        else:
            what = (
                f'<a href="{incident_link}{delivery.incident_id}/" dir="auto">{escape(delivery.incident_title)}</a> '
                f"{access}"
            )
        day = escape(day_month_year(delivery.day))
        gap = "—" if gap is None else escape(formats.localize(gap))
        rows.append(f'<tr><td>{day}</td><td>{what}\n</td><td class="num">{gap}</td></tr>')
    return mark_safe("".join(rows))  # noqa: S308 - every value from a record is escaped above
