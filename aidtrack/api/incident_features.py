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

import re

import orjson
from django.db import connection
from django.db.models import Case, Func, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Coalesce, NullIf

from aidtrack.api.incident_rows import CATEGORY_LABELS
from aidtrack.incidents.models import IMPACT_FIELDS, IncidentSource
from aidtrack.incidents.selectors import incident_exact_location_q, incident_full_view_q
from aidtrack.orgs.audience import Audience

VENDORS = {"sqlite", "postgresql"}


def written_by_database() -> bool:
    """Whether this database can write the features (the two the project runs on)."""
    return connection.vendor in VENDORS


_TOKEN = re.compile(r"\{x\}|\{p\}")


class _Json(Func):
    """The JSON text of one value. ``templates`` (per database) name the value ``{x}`` (as often as needed) and a
    parameter ``{p}`` (``parameter``: format strings holding "%", which a query text may not)."""

    output_field = TextField()
    templates: dict[str, str] = {}
    parameter = None

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        parts, out = [], []
        template = self.templates[connection.vendor]
        position = 0
        for match in _TOKEN.finditer(template):
            parts.append(template[position : match.start()])
            if match.group() == "{x}":
                parts.append(f"({sql})")
                out.extend(params)
            else:
                parts.append("%s")
                out.append(self.parameter)
            position = match.end()
        parts.append(template[position:])
        return "".join(parts), tuple(out)


class JsonString(_Json):
    templates = {
        "sqlite": "json_quote({x})",
        "postgresql": "COALESCE(to_json(CAST({x} AS TEXT))::text, 'null')",
    }


class JsonInteger(_Json):
    templates = {
        "sqlite": "COALESCE(CAST({x} AS TEXT), 'null')",
        "postgresql": "COALESCE(CAST({x} AS TEXT), 'null')",
    }


class JsonBoolean(_Json):
    templates = {
        "sqlite": "CASE WHEN {x} IS NULL THEN 'null' WHEN {x} THEN 'true' ELSE 'false' END",
        "postgresql": "CASE WHEN {x} IS NULL THEN 'null' WHEN {x} THEN 'true' ELSE 'false' END",
    }


# A coordinate as ``round(value, 6)`` gives it and orjson writes it: the six decimals of printf (both round the exact
# binary value, as Python's round does), trailing zeros dropped but one kept after the point ("33.0").
_SHORTEST = "replace(replace(rtrim({digits}, '0') || '#', '.#', '.0'), '#', '')"


class JsonCoordinate(_Json):
    parameter = "%.6f"
    templates = {
        "sqlite": "CASE WHEN {x} IS NULL THEN 'null' ELSE " + _SHORTEST.format(digits="printf({p}, {x})") + " END",
        # to_char of a double formats it with the C library's printf("%.6f").
        "postgresql": "CASE WHEN {x} IS NULL THEN 'null' ELSE "
        + _SHORTEST.format(digits="to_char({x}, 'FM999999990.000000')")
        + " END",
    }


class JsonDate(_Json):
    templates = {
        "sqlite": "json_quote({x})",  # stored as YYYY-MM-DD
        "postgresql": "COALESCE(to_json({x})::text, 'null')",
    }


class _Modulo(_Json):
    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        # "%" is the placeholder character of the query text: the modulo is written "%%" there.
        return sql.replace(" % 1000000", " %% 1000000"), params


class JsonTime(_Modulo):
    """HH:MM:SS, with .ffffff when there are microseconds (as Python's isoformat)."""

    templates = {
        "sqlite": "json_quote({x})",  # stored as Python's str() of the time
        "postgresql": "CASE WHEN {x} IS NULL THEN 'null' ELSE '\"' || to_char(CAST({x} AS interval), 'HH24:MI:SS') "
        "|| CASE WHEN CAST(extract(microseconds FROM {x}) AS bigint) % 1000000 = 0 THEN '' "
        "ELSE '.' || lpad(CAST(CAST(extract(microseconds FROM {x}) AS bigint) % 1000000 AS TEXT), 6, '0') END "
        "|| '\"' END",
    }


class JsonDateTime(_Modulo):
    """A moment in UTC as orjson writes it: YYYY-MM-DDTHH:MM:SS[.ffffff]Z."""

    templates = {
        # Stored as str() of the naive UTC datetime: YYYY-MM-DD HH:MM:SS[.ffffff].
        "sqlite": "CASE WHEN {x} IS NULL THEN 'null' ELSE '\"' || replace({x}, ' ', 'T') || 'Z\"' END",
        "postgresql": "CASE WHEN {x} IS NULL THEN 'null' ELSE '\"' "
        "|| to_char({x} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') "
        "|| CASE WHEN CAST(extract(microseconds FROM {x}) AS bigint) % 1000000 = 0 THEN '' "
        "ELSE '.' || to_char({x} AT TIME ZONE 'UTC', 'US') END || 'Z\"' END",
    }


class Joined(Func):
    """The texts one after the other."""

    arg_joiner = " || "
    template = "(%(expressions)s)"
    output_field = TextField()


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
        if connection.vendor == "postgresql":
            sql = f"(SELECT string_agg(q.name || ' (' || q.licence || ')', '; ') FROM ({ordered}) q)"
        else:
            # group_concat joins the rows in the order the ordered subquery gives them.
            sql = f"(SELECT group_concat(q.name || ' (' || q.licence || ')', '; ') FROM ({ordered}) q)"
        return f"COALESCE({sql}, '')", params


def _text(value: str) -> Value:
    return Value(value, output_field=TextField())


def _if(condition: Q, then, otherwise) -> Case:
    return Case(When(condition, then=then), default=otherwise, output_field=TextField())


NULL = "null"


def _literal(value) -> str:
    return orjson.dumps(value).decode()


def property_parts(audience: Audience) -> list[tuple[str, object]]:
    """(key, its JSON text as an expression or a constant) for every key of ``incident_row``, in its order."""
    exact = incident_exact_location_q(audience)
    full = incident_full_view_q(audience)

    def exact_only(expression):
        return _if(exact, expression, _text(NULL))

    def full_only(expression):
        return _if(full, expression, _text(NULL))

    labels = Case(
        *[When(category=value, then=_text(_literal(str(label)))) for value, label in CATEGORY_LABELS.items()],
        default=_text('""'),
        output_field=TextField(),
    )
    general_place = Coalesce(
        NullIf("admin3__name_en", _text("")),
        NullIf("admin2__name_en", _text("")),
        NullIf("admin1__name_en", _text("")),
        _text(""),
        output_field=TextField(),
    )
    parts = [
        ("id", JsonInteger("id")),
        ("reference", JsonString("reference")),
        ("kind", JsonString("kind")),
        ("category", JsonString("category")),
        ("category_label", labels),
        ("title", JsonString("title")),
        ("occurred_on", JsonDate("occurred_on")),
        ("occurred_time", JsonTime("occurred_time")),
        ("date_precision", JsonString("date_precision")),
        ("location_name", _if(exact, JsonString("location_name"), JsonString(general_place))),
        ("latitude", JsonCoordinate("shown_lat")),
        ("longitude", JsonCoordinate("shown_lon")),
        ("geo_precision", _if(exact, JsonInteger("geo_precision"), _text("3"))),
        ("location_generalised", _if(exact, _text("false"), _text("true"))),
        ("location_generalised_to", _if(exact, _text(NULL), JsonString("generalised_to"))),
        ("admin1_pcode", JsonString("admin1__pcode")),
        ("admin1_name", JsonString("admin1__name_en")),
        ("admin2_pcode", JsonString("admin2__pcode")),
        ("admin2_name", JsonString("admin2__name_en")),
        ("admin3_pcode", JsonString("admin3__pcode")),
        ("admin3_name", JsonString("admin3__name_en")),
        ("community_pcode", exact_only(JsonString("community__pcode"))),
        ("community_name", exact_only(JsonString("community__name_en"))),
        ("area_id", exact_only(JsonInteger("area_id"))),
        ("area_name", exact_only(JsonString("area__name_en"))),
        ("convoy_reference", _if(Q(convoy_shown=True), JsonString("convoy__reference"), _text(NULL))),
        ("organization_id", JsonInteger("organization_id")),
        ("organization", JsonString("organization__name")),
        ("organization_acronym", JsonString("organization__acronym")),
        ("perpetrator_id", JsonInteger("perpetrator_id")),
        ("perpetrator", JsonString("perpetrator__name")),
        ("perpetrator_kind", JsonString("perpetrator_kind")),
        ("perpetrator_as_given", JsonString("perpetrator_text")),
        ("weapon", JsonString("weapon")),
        ("public_summary", JsonString("public_summary")),
        *[(name, JsonInteger(name)) for name in IMPACT_FIELDS],
        ("supplies_lost", JsonString("supplies_lost")),
        ("access_effect", JsonString("access_effect")),
        ("verification_status", JsonString("verification_status")),
        ("verified_at", JsonDateTime("verified_at")),
        ("visibility", JsonString("visibility")),
        ("reported_at", JsonDateTime("reported_at")),
        ("updated_at", JsonDateTime("updated_at")),
        ("attribution", JsonString(Attribution("id"))),
    ]
    if not audience.is_public:
        parts += [
            ("full_view", _if(full, _text("true"), _text("false"))),
            ("exact_location_published", full_only(JsonBoolean("publish_exact_location"))),
            ("stated_area_pcode", full_only(JsonString("stated_area__pcode"))),
            ("internal_description", full_only(JsonString("internal_description"))),
            ("external_id", full_only(JsonString("external_id"))),
            ("reported_by", full_only(JsonString("reported_by__username"))),
            ("verified_by", full_only(JsonString("verified_by__username"))),
            ("verification_note", full_only(JsonString("verification_note"))),
            ("version", full_only(JsonInteger("version"))),
        ]
    return parts


def feature_expression(audience: Audience, fields: list[str] | None):
    """Each incident's GeoJSON Feature as JSON text, as ``GeoJSONRenderer`` writes the row ``incident_row`` builds
    (kept to ``fields`` as the view keeps it: "id" first, then the keys asked for, in the order of ``row_keys``)."""
    parts = dict(property_parts(audience))
    keys = list(parts) if not fields else ["id", *[key for key in fields if key in parts and key != "id"]]
    pieces: list = ['{"type":"Feature","id":', parts["id"], ',"geometry":', _geometry(), ',"properties":{']
    for index, key in enumerate(keys):
        pieces += [("," if index else "") + _literal(key) + ":", parts[key]]
    pieces.append("}}")
    return Joined(*_merged(pieces))


def _geometry():
    point = Joined(
        _text('{"type":"Point","coordinates":['),
        JsonCoordinate("shown_lon"),
        _text(","),
        JsonCoordinate("shown_lat"),
        _text("]}"),
    )
    return _if(Q(shown_lon__isnull=True) | Q(shown_lat__isnull=True), _text(NULL), point)


def _merged(pieces: list) -> list:
    """Adjacent constant texts as one, each as a parameter."""
    out, constant = [], ""
    for piece in pieces:
        if isinstance(piece, str):
            constant += piece
            continue
        if constant:
            out.append(_text(constant))
            constant = ""
        out.append(piece)
    if constant:
        out.append(_text(constant))
    return out


class FeatureTexts(list):
    """The Features of a list as JSON texts (one per incident, in order), for ``GeoJSONRenderer`` to join."""


def feature_texts(queryset: QuerySet, audience: Audience, fields: list[str] | None) -> FeatureTexts:
    """The Features of the incidents of ``queryset`` (from ``incidents_visible_to(audience)``, filtered), in one
    query, read in chunks."""
    texts = queryset.annotate(geojson_feature=feature_expression(audience, fields)).values_list(
        "geojson_feature", flat=True
    )
    return FeatureTexts(texts.iterator(chunk_size=5000))
