"""How an incident reads in the API, for one reader: the full record, or its public part.

Rows come from ``QuerySet.values()`` so that a list of 50,000 incidents is two
queries and no model instances. The public part leaves out reporter identity,
internal description, source contacts and every field that would place a
generalised incident more precisely than its sub-district. A generalised row
says which admin level it is shown at (``location_generalised_to``); one known
only to its governorate has no point.
"""

from aidtrack.incidents.models import IMPACT_FIELDS, Category, IncidentSource
from aidtrack.orgs.audience import Audience

VALUES = (
    "id",
    "reference",
    "kind",
    "category",
    "title",
    "occurred_on",
    "occurred_time",
    "date_precision",
    "location_name",
    "shown_lat",
    "shown_lon",
    "generalised_to",
    "geo_precision",
    "publish_exact_location",
    "stated_area__pcode",
    "admin1__pcode",
    "admin1__name_en",
    "admin2__pcode",
    "admin2__name_en",
    "admin3__pcode",
    "admin3__name_en",
    "community__pcode",
    "community__name_en",
    "area_id",
    "area__name_en",
    "convoy_id",
    "convoy__reference",
    "convoy_shown",
    "organization_id",
    "organization__name",
    "organization__acronym",
    "perpetrator_id",
    "perpetrator__name",
    "perpetrator_kind",
    "perpetrator_text",
    "weapon",
    "public_summary",
    "internal_description",
    "external_id",
    *IMPACT_FIELDS,
    "supplies_lost",
    "access_effect",
    "verification_status",
    "verified_at",
    "verified_by__username",
    "verification_note",
    "visibility",
    "reported_at",
    "reported_by__username",
    "version",
    "updated_at",
)

CATEGORY_LABELS = dict(Category.choices)

# What every row needs whatever the keys asked for: the reader's rights over it and its point (GeoJSON geometry).
ALWAYS = ("id", "organization_id", "publish_exact_location", "shown_lat", "shown_lon", "generalised_to")
# Row keys read from other columns than their own name (others are read from the column of the same name).
KEY_COLUMNS = {
    "category_label": ("category",),
    "location_name": ("location_name", "admin3__name_en", "admin2__name_en", "admin1__name_en"),
    "latitude": (),
    "longitude": (),
    "location_generalised": (),
    "location_generalised_to": (),
    "admin1_pcode": ("admin1__pcode",),
    "admin1_name": ("admin1__name_en",),
    "admin2_pcode": ("admin2__pcode",),
    "admin2_name": ("admin2__name_en",),
    "admin3_pcode": ("admin3__pcode",),
    "admin3_name": ("admin3__name_en",),
    "community_pcode": ("community__pcode",),
    "community_name": ("community__name_en",),
    "area_name": ("area__name_en",),
    "convoy_reference": ("convoy__reference", "convoy_shown"),
    "organization": ("organization__name",),
    "organization_acronym": ("organization__acronym",),
    "perpetrator": ("perpetrator__name",),
    "sources": (),
    "full_view": (),
    "exact_location_published": (),
    "stated_area_pcode": ("stated_area__pcode",),
    "reported_by": ("reported_by__username",),
    "verified_by": ("verified_by__username",),
}
_BLANK = dict.fromkeys(VALUES)


def values_for(keys: list[str] | None) -> tuple[str, ...]:
    """The columns to read for rows that keep only ``keys`` (all when None): ``fields=`` narrows the query itself,
    so a map that asks for ten keys reads ten columns and joins only the tables they come from."""
    if keys is None:
        return VALUES
    wanted = set(ALWAYS)
    for key in keys:
        wanted.update(KEY_COLUMNS.get(key, (key,)))
    return tuple(column for column in VALUES if column in wanted)


def padded(values: dict) -> dict:
    """A row read with fewer columns, completed with None so that ``incident_row`` can build it."""
    return values if len(values) == len(_BLANK) else {**_BLANK, **values}


# (key, HXL hashtag) in the order of CSV and XLSX columns.
PUBLIC_COLUMNS = [
    ("id", "#meta+id"),
    ("reference", "#meta+ref"),
    ("kind", "#event+kind"),
    ("category", "#event+type+code"),
    ("category_label", "#event+type+name"),
    ("title", "#event+title"),
    ("occurred_on", "#date+occurred"),
    ("occurred_time", "#date+occurred+time"),
    ("date_precision", "#date+precision"),
    ("location_name", "#loc+name"),
    ("latitude", "#geo+lat"),
    ("longitude", "#geo+lon"),
    ("geo_precision", "#geo+precision"),
    ("location_generalised", "#geo+generalised"),
    ("location_generalised_to", "#geo+generalised+level"),
    ("admin1_pcode", "#adm1+code"),
    ("admin1_name", "#adm1+name"),
    ("admin2_pcode", "#adm2+code"),
    ("admin2_name", "#adm2+name"),
    ("admin3_pcode", "#adm3+code"),
    ("admin3_name", "#adm3+name"),
    ("community_pcode", "#adm4+code"),
    ("community_name", "#adm4+name"),
    ("area_id", "#loc+area+id"),
    ("area_name", "#loc+area+name"),
    ("convoy_reference", "#activity+convoy+ref"),
    ("organization", "#org+name"),
    ("organization_acronym", "#org+acronym"),
    ("perpetrator", "#group+name+perp"),
    ("perpetrator_kind", "#group+type+perp"),
    ("perpetrator_as_given", "#group+name+perp+source"),
    ("weapon", "#event+weapon"),
    ("public_summary", "#description"),
    ("people_killed", "#affected+killed"),
    ("people_injured", "#affected+injured"),
    ("aid_workers_killed", "#affected+killed+aid_workers"),
    ("aid_workers_injured", "#affected+injured+aid_workers"),
    ("aid_workers_abducted", "#affected+abducted+aid_workers"),
    ("aid_workers_detained", "#affected+detained+aid_workers"),
    ("vehicles_damaged", "#affected+vehicles"),
    ("supplies_lost", "#affected+supplies"),
    ("beneficiaries_affected", "#affected+beneficiaries"),
    ("national_aid_workers_killed", "#affected+killed+aid_workers+national"),
    ("national_aid_workers_injured", "#affected+injured+aid_workers+national"),
    ("national_aid_workers_kidnapped", "#affected+abducted+aid_workers+national"),
    ("national_aid_workers_arrested", "#affected+detained+aid_workers+national"),
    ("international_aid_workers_killed", "#affected+killed+aid_workers+international"),
    ("international_aid_workers_injured", "#affected+injured+aid_workers+international"),
    ("international_aid_workers_kidnapped", "#affected+abducted+aid_workers+international"),
    ("international_aid_workers_arrested", "#affected+detained+aid_workers+international"),
    ("facilities_damaged", "#affected+facilities+damaged"),
    ("facilities_destroyed", "#affected+facilities+destroyed"),
    ("access_effect", "#impact+access"),
    ("verification_status", "#status+verification"),
    ("verified_at", "#date+verified"),
    ("visibility", "#meta+visibility"),
    ("reported_at", "#date+reported"),
    ("updated_at", "#date+updated"),
    ("attribution", "#meta+source+licence"),
]
FULL_ONLY_COLUMNS = [
    ("full_view", "#meta+full"),
    ("exact_location_published", "#geo+published"),
    ("stated_area_pcode", "#loc+stated+code"),
    ("internal_description", "#description+internal"),
    ("external_id", "#meta+id+external"),
    ("reported_by", "#contact+reporter"),
    ("verified_by", "#contact+reviewer"),
    ("verification_note", "#status+verification+note"),
    ("version", "#meta+version"),
]
PUBLIC_KEYS = [key for key, _ in PUBLIC_COLUMNS]
FULL_ONLY_KEYS = [key for key, _ in FULL_ONLY_COLUMNS]


def row_keys(audience: Audience) -> list[str]:
    """Every key of an incident row for this reader (JSON adds "sources"): what ``fields`` may ask for."""
    keys = [*PUBLIC_KEYS, "organization_id", "perpetrator_id", "sources"]
    return keys if audience.is_public else keys + FULL_ONLY_KEYS


def export_columns(audience: Audience):
    return PUBLIC_COLUMNS if audience.is_public else PUBLIC_COLUMNS + FULL_ONLY_COLUMNS


def incident_row(values: dict, audience: Audience, sources: list | None = None) -> dict:
    """One incident as ``audience`` may read it. Every format (JSON, GeoJSON, CSV, XLSX) starts from this."""
    values = padded(values)
    full = audience.member_of(values["organization_id"])
    exact = full or values["publish_exact_location"]
    if exact:
        location_name = values["location_name"]
    else:
        location_name = values["admin3__name_en"] or values["admin2__name_en"] or values["admin1__name_en"] or ""
    convoy_shown = values["convoy_shown"]
    row = {
        "id": values["id"],
        "reference": values["reference"],
        "kind": values["kind"],
        "category": values["category"],
        "category_label": CATEGORY_LABELS.get(values["category"], ""),
        "title": values["title"],
        "occurred_on": values["occurred_on"],
        "occurred_time": values["occurred_time"],
        "date_precision": values["date_precision"],
        "location_name": location_name,
        "latitude": _round(values["shown_lat"]),
        "longitude": _round(values["shown_lon"]),
        "geo_precision": values["geo_precision"] if exact else 3,
        "location_generalised": not exact,
        # The admin level the shown point stands for: sub-district or district; governorate (no point).
        "location_generalised_to": None if exact else values["generalised_to"],
        "admin1_pcode": values["admin1__pcode"],
        "admin1_name": values["admin1__name_en"],
        "admin2_pcode": values["admin2__pcode"],
        "admin2_name": values["admin2__name_en"],
        "admin3_pcode": values["admin3__pcode"],
        "admin3_name": values["admin3__name_en"],
        "community_pcode": values["community__pcode"] if exact else None,
        "community_name": values["community__name_en"] if exact else None,
        "area_id": values["area_id"] if exact else None,
        "area_name": values["area__name_en"] if exact else None,
        "convoy_reference": values["convoy__reference"] if convoy_shown else None,
        "organization_id": values["organization_id"],
        "organization": values["organization__name"],
        "organization_acronym": values["organization__acronym"],
        "perpetrator_id": values["perpetrator_id"],
        "perpetrator": values["perpetrator__name"],
        "perpetrator_kind": values["perpetrator_kind"],
        "perpetrator_as_given": values["perpetrator_text"],
        "weapon": values["weapon"],
        "public_summary": values["public_summary"],
        **{name: values[name] for name in IMPACT_FIELDS},
        "supplies_lost": values["supplies_lost"],
        "access_effect": values["access_effect"],
        "verification_status": values["verification_status"],
        "verified_at": values["verified_at"],
        "visibility": values["visibility"],
        "reported_at": values["reported_at"],
        "updated_at": values["updated_at"],
        # What a dataset's licence asks of whoever republishes it (e.g. CC BY: the author), shown in every format.
        "attribution": values.get("attribution") or "",
    }
    if sources is not None:
        row["sources"] = [_source(source, full) for source in sources]
    if not audience.is_public:
        row.update(
            {
                "full_view": full,
                "exact_location_published": values["publish_exact_location"] if full else None,
                "stated_area_pcode": values["stated_area__pcode"] if full else None,
                "internal_description": values["internal_description"] if full else None,
                "external_id": values["external_id"] if full else None,
                "reported_by": values["reported_by__username"] if full else None,
                "verified_by": values["verified_by__username"] if full else None,
                "verification_note": values["verification_note"] if full else None,
                "version": values["version"] if full else None,
            }
        )
    return row


def _round(value):
    return None if value is None else round(value, 6)


def _source(source: dict, full: bool) -> dict:
    out = {key: source[key] for key in ("kind", "name", "reference", "reliability", "licence")}
    if full:
        out["contact"] = source["contact"]
    return out


def attributions_by_incident(incident_ids) -> dict[int, str]:
    """The attribution each incident's licensed sources require ("Dataset (licence)"), in one query."""
    grouped: dict[int, list[str]] = {}
    rows = IncidentSource.objects.filter(incident_id__in=incident_ids).exclude(licence="").order_by("incident_id", "pk")
    for incident_id, name, licence in rows.values_list("incident_id", "name", "licence"):
        grouped.setdefault(incident_id, []).append(f"{name} ({licence})")
    return {incident_id: "; ".join(parts) for incident_id, parts in grouped.items()}


def sources_by_incident(incident_ids) -> dict[int, list[dict]]:
    """Sources of the given incidents (a list of ids or an id subquery), in one query."""
    grouped: dict[int, list[dict]] = {}
    rows = IncidentSource.objects.filter(incident_id__in=incident_ids).order_by("incident_id", "pk")
    for source in rows.values("incident_id", "kind", "name", "reference", "reliability", "licence", "contact"):
        grouped.setdefault(source["incident_id"], []).append(source)
    return grouped
