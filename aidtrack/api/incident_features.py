"""The GeoJSON features of an incident list, written by the database.

A whole list built in Python costs a dictionary per row and an encoder pass over
it (seconds for 50,000 incidents). Here the queryset the selectors decided
(``incidents_visible_to``, then the filters) is given one more column: each
incident's Feature as JSON text, which SQLite and PostgreSQL write with their own
string functions. The view only joins those texts.

Each value is written as ``incident_row`` shows it to the same reader, and as
orjson writes it for the Python path (``GeoJSONRenderer``): the same keys in the
same order, strings escaped as JSON, coordinates rounded to 6 decimals with the
shortest digits ("36.5", "33.0"), dates and times in ISO 8601 with "Z" for UTC,
category labels in the reader's language. tests/api/test_incident_features.py
compares both paths for every kind of reader.
"""

import functools
import re

import orjson
from django.db import connection
from django.db.models import Case, Expression, F, Func, IntegerField, Q, QuerySet, TextField, Value, When

from aidtrack.api.incident_rows import CATEGORY_LABELS
from aidtrack.incidents.models import IMPACT_FIELDS, IncidentSource
from aidtrack.incidents.selectors import incident_exact_location_q, incident_full_view_q
from aidtrack.orgs.audience import Audience

VENDORS = {"sqlite", "postgresql"}


def written_by_database() -> bool:
    """Whether this database can write the features (the two the project runs on)."""
    return connection.vendor in VENDORS


# ---------------------------------------------------------------- the JSON text of one value, per database
# Each takes the SQL of a value and gives the SQL of its JSON text (never NULL: "null" instead). "%" is the
# placeholder character of a query text, so a printf format is a parameter ($six_decimals) and modulo is mod().


def _string(vendor, x):
    if vendor == "sqlite":
        return f"json_quote({x})"
    return f"COALESCE(to_json(CAST({x} AS TEXT))::text, 'null')"


def _integer(vendor, x):
    return f"COALESCE(CAST({x} AS TEXT), 'null')"


def _boolean(vendor, x):
    return f"CASE WHEN {x} IS NULL THEN 'null' WHEN {x} THEN 'true' ELSE 'false' END"


def _coordinate(vendor, x):
    """As ``round(value, 6)`` gives it and orjson writes it: the six decimals of printf (which, like Python's round,
    rounds the exact binary value), trailing zeros dropped but one kept after the point ("33.0"). One difference in
    writing, not in value: within a metre of the equator or the prime meridian (0 < |value| < 0.00001) orjson writes
    "9e-6" where this writes "0.000009"."""
    digits = f"printf($six_decimals, {x})" if vendor == "sqlite" else f"to_char({x}, 'FM999999990.000000')"
    return (
        f"CASE WHEN {x} IS NULL THEN 'null' ELSE replace(replace(rtrim({digits}, '0') || '#', '.#', '.0'), '#', '') END"
    )


def _date(vendor, x):
    if vendor == "sqlite":
        return f"json_quote({x})"  # stored as YYYY-MM-DD
    return f"COALESCE(to_json({x})::text, 'null')"


def _microseconds(x):
    return f"mod(CAST(extract(microseconds FROM {x}) AS bigint), 1000000)"


def _time(vendor, x):
    """HH:MM:SS, with .ffffff when there are microseconds (as Python's isoformat)."""
    if vendor == "sqlite":
        return f"json_quote({x})"  # stored as str() of the time
    us = _microseconds(x)
    return (
        f"CASE WHEN {x} IS NULL THEN 'null' ELSE '\"' || to_char(CAST({x} AS interval), 'HH24:MI:SS') "
        f"|| CASE WHEN {us} = 0 THEN '' ELSE '.' || lpad(CAST({us} AS TEXT), 6, '0') END || '\"' END"
    )


def _moment(vendor, x):
    """A moment in UTC as orjson writes it: YYYY-MM-DDTHH:MM:SS[.ffffff]Z."""
    if vendor == "sqlite":  # stored as str() of the naive UTC datetime: YYYY-MM-DD HH:MM:SS[.ffffff]
        return f"CASE WHEN {x} IS NULL THEN 'null' ELSE '\"' || replace({x}, ' ', 'T') || 'Z\"' END"
    utc = f"({x} AT TIME ZONE 'UTC')"
    return (
        f"CASE WHEN {x} IS NULL THEN 'null' ELSE '\"' || to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') "
        f"|| CASE WHEN {_microseconds(x)} = 0 THEN '' ELSE '.' || to_char({utc}, 'US') END || 'Z\"' END"
    )


def _when(condition, then, otherwise):
    return f"CASE WHEN {condition} = 1 THEN {then} ELSE {otherwise} END"


NULL = "'null'"


class Attribution(Func):
    """What an incident's licensed sources ask of whoever republishes it: "Name (licence)" in the order they were
    added, joined by "; " (as ``attributions_by_incident``), or ""."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra):
        incident_id, params = compiler.compile(self.source_expressions[0])
        table = connection.ops.quote_name(IncidentSource._meta.db_table)
        ordered = (
            f"SELECT s.name, s.licence FROM {table} s WHERE s.incident_id = {incident_id} AND s.licence <> '' "
            "ORDER BY s.id"
        )
        # Both join the rows in the order the ordered subquery gives them. Most incidents have no licensed source:
        # an index probe answers for them, without setting the ordered subquery up.
        join = "string_agg" if connection.vendor == "postgresql" else "group_concat"
        licensed = f"EXISTS (SELECT 1 FROM {table} s WHERE s.incident_id = {incident_id} AND s.licence <> '')"
        attribution = f"(SELECT {join}(q.name || ' (' || q.licence || ')', '; ') FROM ({ordered}) q)"
        return f"CASE WHEN {licensed} THEN COALESCE({attribution}, '') ELSE '' END", params * 2


# Columns read as they are ($name in a template: the column's path).
COLUMNS = {
    "id": "id",
    "reference": "reference",
    "kind": "kind",
    "category": "category",
    "title": "title",
    "occurred_on": "occurred_on",
    "occurred_time": "occurred_time",
    "date_precision": "date_precision",
    "location_name": "location_name",
    "shown_lat": "shown_lat",
    "shown_lon": "shown_lon",
    "geo_precision": "geo_precision",
    "generalised_to": "generalised_to",
    "publish_exact_location": "publish_exact_location",
    "stated_area_pcode": "stated_area__pcode",
    "admin1_pcode": "admin1__pcode",
    "admin1_name": "admin1__name_en",
    "admin2_pcode": "admin2__pcode",
    "admin2_name": "admin2__name_en",
    "admin3_pcode": "admin3__pcode",
    "admin3_name": "admin3__name_en",
    "community_pcode": "community__pcode",
    "community_name": "community__name_en",
    "area_id": "area_id",
    "area_name": "area__name_en",
    "convoy_reference": "convoy__reference",
    "organization_id": "organization_id",
    "organization": "organization__name",
    "organization_acronym": "organization__acronym",
    "perpetrator_id": "perpetrator_id",
    "perpetrator": "perpetrator__name",
    "perpetrator_kind": "perpetrator_kind",
    "perpetrator_text": "perpetrator_text",
    "weapon": "weapon",
    "public_summary": "public_summary",
    **{name: name for name in IMPACT_FIELDS},
    "supplies_lost": "supplies_lost",
    "access_effect": "access_effect",
    "verification_status": "verification_status",
    "verified_at": "verified_at",
    "visibility": "visibility",
    "reported_at": "reported_at",
    "updated_at": "updated_at",
    "internal_description": "internal_description",
    "external_id": "external_id",
    "reported_by": "reported_by__username",
    "verified_by": "verified_by__username",
    "verification_note": "verification_note",
    "version": "version",
}
_CODE = re.compile(r"^[a-z0-9_]+$")


@functools.cache
def _properties(vendor: str, public: bool) -> tuple[tuple[str, str], ...]:
    """(key, the SQL of its JSON text) for every key of ``incident_row``, in its order. $name stands for a column
    (``COLUMNS``), a condition worth 1 or 0 ($exact, $full, $convoy_shown), a category's label ($label_<code>),
    the attribution ($attribution) or a parameter ($six_decimals)."""
    string, integer = functools.partial(_string, vendor), functools.partial(_integer, vendor)

    def exact_only(sql):
        return _when("$exact", sql, NULL)

    def full_only(sql):
        return _when("$full", sql, NULL)

    codes = list(CATEGORY_LABELS)
    assert all(_CODE.match(code) for code in codes)  # written in the query text as they are
    label = "CASE $category " + " ".join(f"WHEN '{code}' THEN $label_{code}" for code in codes) + " ELSE '\"\"' END"
    general_place = "COALESCE(NULLIF($admin3_name, ''), NULLIF($admin2_name, ''), NULLIF($admin1_name, ''), '')"
    properties = [
        ("id", integer("$id")),
        ("reference", string("$reference")),
        ("kind", string("$kind")),
        ("category", string("$category")),
        ("category_label", label),
        ("title", string("$title")),
        ("occurred_on", _date(vendor, "$occurred_on")),
        ("occurred_time", _time(vendor, "$occurred_time")),
        ("date_precision", string("$date_precision")),
        ("location_name", _when("$exact", string("$location_name"), string(general_place))),
        ("latitude", _coordinate(vendor, "$shown_lat")),
        ("longitude", _coordinate(vendor, "$shown_lon")),
        ("geo_precision", _when("$exact", integer("$geo_precision"), "'3'")),
        ("location_generalised", _when("$exact", "'false'", "'true'")),
        ("location_generalised_to", _when("$exact", NULL, string("$generalised_to"))),
        *[(key, string(f"${key}")) for key in ("admin1_pcode", "admin1_name", "admin2_pcode", "admin2_name")],
        *[(key, string(f"${key}")) for key in ("admin3_pcode", "admin3_name")],
        ("community_pcode", exact_only(string("$community_pcode"))),
        ("community_name", exact_only(string("$community_name"))),
        ("area_id", exact_only(integer("$area_id"))),
        ("area_name", exact_only(string("$area_name"))),
        ("convoy_reference", _when("$convoy_shown", string("$convoy_reference"), NULL)),
        ("organization_id", integer("$organization_id")),
        ("organization", string("$organization")),
        ("organization_acronym", string("$organization_acronym")),
        ("perpetrator_id", integer("$perpetrator_id")),
        ("perpetrator", string("$perpetrator")),
        ("perpetrator_kind", string("$perpetrator_kind")),
        ("perpetrator_as_given", string("$perpetrator_text")),
        ("weapon", string("$weapon")),
        ("public_summary", string("$public_summary")),
        *[(name, integer(f"${name}")) for name in IMPACT_FIELDS],
        ("supplies_lost", string("$supplies_lost")),
        ("access_effect", string("$access_effect")),
        ("verification_status", string("$verification_status")),
        ("verified_at", _moment(vendor, "$verified_at")),
        ("visibility", string("$visibility")),
        ("reported_at", _moment(vendor, "$reported_at")),
        ("updated_at", _moment(vendor, "$updated_at")),
        ("attribution", string("$attribution")),
    ]
    if not public:
        properties += [
            ("full_view", _when("$full", "'true'", "'false'")),
            ("exact_location_published", full_only(_boolean(vendor, "$publish_exact_location"))),
            ("stated_area_pcode", full_only(string("$stated_area_pcode"))),
            *[
                (key, full_only(string(f"${key}")))
                for key in ("internal_description", "external_id", "reported_by", "verified_by", "verification_note")
            ],
            ("version", full_only(integer("$version"))),
        ]
    return tuple(properties)


def _literal(text: str) -> str:
    assert "'" not in text and "%" not in text and "$" not in text  # keys and fixed JSON: written as they are
    return f"'{text}'"


@functools.cache
def feature_template(vendor: str, public: bool, fields: tuple[str, ...] | None) -> tuple[str, str]:
    """The SQL of one incident's Feature as JSON text, with $names (see ``_properties``), and the format it fills
    ($feature_format); kept per database, kind of reader and ``fields``, so that a request only compiles the columns
    it names.

    The fixed text (keys, braces) is in the format, and the values fill its "%s" in one call (SQLite's printf,
    PostgreSQL's format): a chain of ``||`` would copy the growing text once per key, for every row.
    """
    properties = dict(_properties(vendor, public))
    keys = list(properties) if not fields else ["id", *[key for key in fields if key in properties and key != "id"]]
    point = " || ".join(
        [
            _literal('{"type":"Point","coordinates":['),
            _coordinate(vendor, "$shown_lon"),
            "','",
            _coordinate(vendor, "$shown_lat"),
            "']}'",
        ]
    )
    geometry = f"CASE WHEN $shown_lon IS NULL OR $shown_lat IS NULL THEN 'null' ELSE {point} END"
    text = ['{"type":"Feature","id":%s,"geometry":%s,"properties":{']
    values = [properties["id"], geometry]
    for index, key in enumerate(keys):
        text.append(("," if index else "") + orjson.dumps(key).decode().replace("%", "%%") + ":%s")
        values.append(properties[key])
    text.append("}}")
    function = "printf" if vendor == "sqlite" else "format"
    return f"{function}($feature_format, {', '.join(values)})", "".join(text)


_NAME = re.compile(r"\$(\w+)")


class FeatureJson(Expression):
    """A template's SQL with each $name replaced by the SQL of its expression, each compiled once."""

    output_field = TextField()

    def __init__(self, template: str, names: dict[str, Expression]):
        super().__init__()
        self.template, self.names = template, names

    def get_source_expressions(self):
        return list(self.names.values())

    def set_source_expressions(self, expressions):
        self.names = dict(zip(self.names, expressions, strict=True))

    def as_sql(self, compiler, connection, **extra):
        compiled = {name: compiler.compile(expression) for name, expression in self.names.items()}
        parts, params, position = [], [], 0
        for match in _NAME.finditer(self.template):
            sql, its_params = compiled[match.group(1)]
            parts += [self.template[position : match.start()], f"({sql})"]
            params.extend(its_params)
            position = match.end()
        parts.append(self.template[position:])
        return "".join(parts), tuple(params)


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def feature_expression(audience: Audience, fields: list[str] | None) -> FeatureJson:
    """Each incident's GeoJSON Feature as JSON text, as ``GeoJSONRenderer`` writes the row ``incident_row`` builds
    (kept to ``fields`` as the view keeps it: "id" first, then the keys asked for, in the order of ``row_keys``),
    with category labels in the active language."""
    template, text = feature_template(connection.vendor, audience.is_public, tuple(fields) if fields else None)
    names: dict[str, Expression] = {}
    for name in dict.fromkeys(_NAME.findall(template)):
        if name in COLUMNS:
            names[name] = F(COLUMNS[name])
        elif name == "exact":
            names[name] = _flag(incident_exact_location_q(audience))
        elif name == "full":
            names[name] = _flag(incident_full_view_q(audience))
        elif name == "convoy_shown":
            names[name] = _flag(Q(convoy_shown=True))
        elif name == "attribution":
            names[name] = Attribution("id")
        elif name == "feature_format":
            names[name] = Value(text, output_field=TextField())
        elif name == "six_decimals":
            names[name] = Value("%.6f", output_field=TextField())
        elif name.startswith("label_"):
            label = CATEGORY_LABELS[name.removeprefix("label_")]
            names[name] = Value(orjson.dumps(str(label)).decode(), output_field=TextField())
        else:
            raise ValueError(name)
    return FeatureJson(template, names)


class FeatureTexts(list):
    """The Features of a list as JSON texts (one per incident, in order), for ``GeoJSONRenderer`` to join."""


def feature_texts(queryset: QuerySet, audience: Audience, fields: list[str] | None) -> FeatureTexts:
    """The Features of the incidents of ``queryset`` (from ``incidents_visible_to(audience)``, filtered), in one
    query, read in chunks."""
    texts = queryset.annotate(geojson_feature=feature_expression(audience, fields)).values_list(
        "geojson_feature", flat=True
    )
    return FeatureTexts(texts.iterator(chunk_size=5000))
