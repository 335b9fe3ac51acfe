"""Importing access incidents from CSV, XLSX or HXL CSV: a dry run, a row-by-row report, then all or nothing.

Columns are recognised by HXL hashtag, then by header name, then by a saved
column mapping (an explicit mapping given for this run beats all three).
Rows are matched to existing incidents of the organization by their
external id: a matched row updates the incident (through ``incident_update``)
or, when nothing differs, is skipped; a row without an id that repeats an
existing incident (same date, category, place and title) is skipped as a
duplicate. New rows are created through ``incidents_bulk_create``, which
places all their points in admin areas in one pass.

The file is read in chunks; a first pass checks every row and writes
nothing; only when no row has an error does a second pass write, in one
transaction.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aidtrack.geo.places import PlaceMatcher
from aidtrack.imports.importer import TableImporter
from aidtrack.imports.report import ImportFailed, ImportReport, found_message
from aidtrack.imports.similarity import normalise as normalise_name
from aidtrack.imports.similarity import similarity
from aidtrack.imports.tabular import PREVIEW_ROWS, TableImport, column, headers_of, hxl
from aidtrack.imports.values import (
    Choices,
    MonthDate,
    ValueProblem,
    clean,
    is_missing,
    parse_coordinate,
    parse_count,
    parse_date,
    parse_time,
)
from aidtrack.incidents.models import (
    IMPACT_FIELDS,
    AccessEffect,
    Category,
    DatePrecision,
    GeoPrecision,
    Incident,
    IncidentKind,
    SourceType,
)
from aidtrack.incidents.services import SourceInput, incident_check, incidents_bulk_create, incidents_bulk_update
from aidtrack.orgs.models import Party, Visibility
from aidtrack.orgs.permissions import can_write_for
from aidtrack.orgs.selectors import party_key, party_names
from aidtrack.orgs.services import party_add_aliases

CATEGORIES = Choices(
    Category.choices,
    extra={
        "denial of needs": "1",
        "movement into the country": "2",
        "movement within the country": "3",
        "interference": "4",
        "violence against humanitarian personnel": "5",
        "violence against aid workers": "5",
        "beneficiaries access": "6",
        "military operations": "7",
        "hostilities": "7",
        "mines": "8",
        "uxo": "8",
        "physical environment": "9",
        "إنكار وجود الاحتياجات الإنسانية": "1",
        "تقييد الدخول إلى البلد": "2",
        "تقييد الحركة داخل البلد": "3",
        "التدخل في تنفيذ الأنشطة الإنسانية": "4",
        "العنف ضد العاملين في المجال الإنساني": "5",
        "تقييد وصول المستفيدين إلى الخدمات": "6",
        "العمليات العسكرية": "7",
        "الأعمال العدائية": "7",
        "الألغام": "8",
        "البيئة المادية": "9",
        "أخرى": "other",
        "اخرى": "other",
    },
    numbered=True,
)
KINDS = Choices(
    IncidentKind.choices,
    extra={"access": "access", "عرقلة": "obstruction", "وصول": "access", "access achieved": "access"},
)
EFFECTS = Choices(
    AccessEffect.choices,
    extra={"تأخير": "delayed", "منع": "blocked", "تعليق": "suspended", "تقييد": "restricted", "none": ""},
)
VISIBILITIES = Choices(Visibility.choices, extra={"partners": "partners", "عام": "public", "مقيد": "restricted"})
PRECISIONS = Choices(DatePrecision.choices, extra={"يوم": "day", "أسبوع": "week", "شهر": "month"})
ADMIN_LEVEL_LABELS = {
    0: "known only to the country",
    1: "known only to the governorate",
    2: "known only to the district",
    3: "known only to the sub-district",
}
GEO_PRECISIONS = Choices(
    [(str(value), label) for value, label in GeoPrecision.choices]
    + [(f"adm{level}", label) for level, label in ADMIN_LEVEL_LABELS.items()],
    extra={
        "exact": "1",
        "near": "2",
        "admin": "3",
        "country": "adm0",
        "national": "adm0",
        "governorate": "adm1",
        "province": "adm1",
        "district": "adm2",
        "sub-district": "adm3",
        "subdistrict": "adm3",
    },
)
SOURCE_TYPES = Choices(SourceType.choices, extra={"staff": "own_staff", "social": "social_media", "un agency": "un"})


# The HXL attributes that make "#affected +killed" aid or health workers rather than people: HXL's own "+aid" and
# the ones publishers use ("#affected +healthworker +killed", "#affected +aidworker +kidnapped").
AID_WORKER_ATTRIBUTES = ("aid", "hw", "aidworker", "aidworkers", "healthworker", "healthworkers", "staff")

COLUMNS = [
    column(
        "external_id",
        {
            "externalid",
            "id",
            "incidentid",
            "eventid",
            "recordid",
            "ref",
            "yourid",
            "incident",
            "incidentno",
            "incidentnumber",
            "incidentref",
            "incidentreference",
        },
        [hxl("#event", {"id"})],
    ),
    column(
        "occurred_on",
        {"date", "occurredon", "incidentdate", "eventdate", "dateofincident", "dateoccurred", "التاريخ"},
        [hxl("#date", {"occurred"}), hxl("#date", (), {"reported"})],
        parse_date,
        "date",
    ),
    column("occurred_time", {"time", "occurredtime", "incidenttime", "الوقت"}, [hxl("#date", {"time"})], parse_time),
    column("date_precision", {"dateprecision", "timeprecision"}, [hxl("#date", {"precision"})], PRECISIONS.parse),
    column("kind", {"kind", "recordkind", "incidentkind", "النوع"}, [hxl("#event", {"kind"})], KINDS.parse),
    column(
        "category",
        {
            "category",
            "accesscategory",
            "incidentcategory",
            "constrainttype",
            "accessconstraintcategory",
            "accessconstrainttype",
            "constraintcategory",
            "accessconstraint",
            "الفئة",
        },
        [hxl("#event", {"category"}), hxl("#event", {"type"})],
        CATEGORIES.parse,
    ),
    column("title", {"title", "headline", "العنوان"}, [hxl("#event", {"name"}), hxl("#description", {"title"})]),
    column(
        "public_summary",
        {
            "summary",
            "publicsummary",
            "description",
            "narrative",
            "eventdescription",
            "incidentdescription",
            "descriptionoftheincident",
            "descriptionofincident",
            "incidentdetails",
            "details",
            "الملخص",
            "الوصف",
        },
        [hxl("#description", (), {"internal", "title"})],
        label="summary",
    ),
    column(
        "internal_description",
        {"internaldescription", "internalnotes", "internal", "notesinternal"},
        [hxl("#description", {"internal"})],
    ),
    column(
        "location_name",
        {"location", "locationname", "place", "placename", "community", "locationofincident", "city", "المكان"},
        [hxl("#loc", {"name"})],
    ),
    column(
        "latitude",
        {"lat", "latitude", "y", "خطالعرض"},
        [hxl("#geo", {"lat"})],
        lambda v: parse_coordinate(v, axis="latitude"),
    ),
    column(
        "longitude",
        {"lon", "lng", "long", "longitude", "x", "خطالطول"},
        [hxl("#geo", {"lon"})],
        lambda v: parse_coordinate(v, axis="longitude"),
    ),
    column(
        "geo_precision",
        {"geoprecision", "locationprecision", "precision"},
        [hxl("#geo", {"precision"})],
        GEO_PRECISIONS.parse,
    ),
    column(
        "pcode",
        {"pcode", "locpcode", "communitypcode", "adm4pcode", "admin4pcode"},
        [hxl("#loc", {"code"})],
        label="P-code",
    ),
    column(
        "adm3_pcode",
        {"adm3pcode", "admin3pcode", "subdistrictpcode"},
        [hxl("#adm3", {"code"})],
        label="sub-district P-code",
    ),
    column(
        "adm2_pcode", {"adm2pcode", "admin2pcode", "districtpcode"}, [hxl("#adm2", {"code"})], label="district P-code"
    ),
    column(
        "adm1_pcode",
        {"adm1pcode", "admin1pcode", "governoratepcode"},
        [hxl("#adm1", {"code"})],
        label="governorate P-code",
    ),
    column(
        "perpetrator",
        {
            "perpetrator",
            "party",
            "perpetratorparty",
            "actor",
            "actorname",
            "reportedperpetratorname",
            "reportedperpetrator",
            "الجهة",
        },
        # Insecurity Insight's files have both "#group +perp" (the kind: "State Military") and "#group +perp +name"
        # (who): the name is the perpetrator.
        [hxl("#group", {"perp", "name"}), hxl("#group", {"perp"}), hxl("#group", {"name"})],
    ),
    column(
        "people_killed",
        {"peoplekilled", "killed", "fatalities", "deaths", "قتلى"},
        [hxl("#affected", {"killed"}, AID_WORKER_ATTRIBUTES)],
        parse_count,
    ),
    column(
        "people_injured",
        {"peopleinjured", "injured", "جرحى"},
        [hxl("#affected", {"injured"}, AID_WORKER_ATTRIBUTES)],
        parse_count,
    ),
    column(
        "aid_workers_killed",
        {"aidworkerskilled", "healthworkerkilled", "healthworkerskilled"},
        [hxl("#affected", {"killed", attribute}) for attribute in AID_WORKER_ATTRIBUTES],
        parse_count,
    ),
    column(
        "aid_workers_injured",
        {
            "aidworkersinjured",
            "aidworkerswounded",
            "healthworkerinjured",
            "healthworkersinjured",
            "healthworkerswounded",
        },
        [hxl("#affected", {"injured", attribute}) for attribute in AID_WORKER_ATTRIBUTES],
        parse_count,
    ),
    column(
        "aid_workers_abducted",
        {"aidworkersabducted", "aidworkerskidnapped", "healthworkerkidnapped", "healthworkerskidnapped"},
        [hxl("#affected", {"abducted"}), hxl("#affected", {"kidnapped"})],
        parse_count,
    ),
    column(
        "aid_workers_detained",
        {"aidworkersdetained", "aidworkersarrested", "healthworkerarrested", "healthworkersarrested"},
        [hxl("#affected", {"detained"}), hxl("#affected", {"arrested"})],
        parse_count,
    ),
    *[
        column(
            f"{origin}_aid_workers_{what}",
            {f"{origin}s{word}" for word in words} | {f"{origin}aidworkers{word}" for word in words},
            [],
            parse_count,
        )
        for origin in ("national", "international")
        for what, words in (
            ("killed", ("killed",)),
            ("injured", ("injured", "wounded")),
            ("kidnapped", ("kidnapped", "abducted")),
            ("arrested", ("arrested", "detained")),
        )
    ],
    column(
        "facilities_damaged",
        {
            "facilitiesdamaged",
            "healthfacilitiesdamaged",
            "healthfacilitydamaged",
            "numberofattacksonhealthfacilitiesreportingdamaged",
            "numberofattacksonhealthfacilitiesreportingdamage",
        },
        [hxl("#affected", {"facilities", "damaged"}), hxl("#indicator", {"health_facility", "damaged"})],
        parse_count,
    ),
    column(
        "facilities_destroyed",
        {
            "facilitiesdestroyed",
            "healthfacilitiesdestroyed",
            "healthfacilitydestroyed",
            "numberofattacksonhealthfacilitiesreportingdestruction",
        },
        [hxl("#affected", {"facilities", "destroyed"}), hxl("#indicator", {"health_facility", "destroyed"})],
        parse_count,
    ),
    column(
        "vehicles_damaged",
        {"vehiclesdamaged", "healthtransportationdamaged", "transportdamaged"},
        [hxl("#affected", {"vehicles"}), hxl("#indicator", {"health_transport", "damaged"})],
        parse_count,
    ),
    column(
        "weapon",
        {"weapon", "weapons", "weaponcarriedused", "weaponused", "meansofattack", "means", "السلاح"},
        [hxl("#event", {"weapon"}), hxl("#weapon"), hxl("#event", {"means"})],
        label="weapon or means",
    ),
    column(
        "supplies_lost",
        {"supplieslost", "healthsuppliestaken", "suppliestaken", "supplieslooted"},
        [hxl("#affected", {"supplies"}), hxl("#indicator", {"health_supplies"})],
    ),
    column(
        "beneficiaries_affected",
        {"beneficiariesaffected", "beneficiaries", "affected"},
        [
            hxl(
                "#affected",
                (),
                {
                    "killed",
                    "injured",
                    "abducted",
                    "detained",
                    "kidnapped",
                    "arrested",
                    "health",
                    "facilities",
                    "vehicles",
                    "supplies",
                    *AID_WORKER_ATTRIBUTES,
                },
            )
        ],
        parse_count,
    ),
    column(
        "access_effect",
        {
            "accesseffect",
            "effect",
            "effectonaccess",
            "impact",
            "impactonoperations",
            "impactonhumanitarianoperations",
        },
        [hxl("#access")],
        EFFECTS.parse,
    ),
    column("visibility", {"visibility"}, [hxl("#meta", {"visibility"})], VISIBILITIES.parse),
    column("source_name", {"source", "sourcename", "المصدر"}, [hxl("#meta", {"source"})], label="source"),
    column("source_type", {"sourcetype"}, [hxl("#meta", {"source", "type"})], SOURCE_TYPES.parse),
    column("source_reference", {"sourcereference", "sourceurl", "link", "url"}, [hxl("#meta", {"url"})]),
    column("source_licence", {"licence", "license", "sourcelicence"}, [hxl("#meta", {"licence"})], label="licence"),
    column("adm1_name", {"admin1", "adm1name", "admin1name", "governorate", "province"}, [hxl("#adm1", {"name"})]),
    column("adm2_name", {"admin2", "adm2name", "admin2name", "district"}, [hxl("#adm2", {"name"})]),
    column("country", {"country", "countryname"}, [hxl("#country", {"name"})]),
    column("occurred_day", {"day"}, [], parse_count, label="day"),
    column("occurred_month", {"month"}, [], label="month"),  # a number or a name: read with the day and year
    column("occurred_year", {"year"}, [hxl("#date", {"year"})], parse_count, label="year"),
]
FIELDS = {column.field: column for column in COLUMNS}
PCODE_FIELDS = ("pcode", "adm3_pcode", "adm2_pcode", "adm1_pcode")
NAME_FIELDS = {"adm1_name": 1, "adm2_name": 2, "country": 0}
DATE_PARTS = ("occurred_day", "occurred_month", "occurred_year")
NOT_MODEL_FIELDS = {
    *PCODE_FIELDS,
    *NAME_FIELDS,
    *DATE_PARTS,
    "perpetrator",
    "source_name",
    "source_type",
    "source_reference",
    "source_licence",
}
COMPARED = [
    "kind",
    "category",
    "title",
    "occurred_on",
    "occurred_time",
    "date_precision",
    "location_name",
    "latitude",
    "longitude",
    "geo_precision",
    "stated_area_id",
    "perpetrator_id",
    "perpetrator_text",
    "weapon",
    "public_summary",
    "internal_description",
    *IMPACT_FIELDS,
    "supplies_lost",
    "access_effect",
    "visibility",
]


WRITE_BATCH = 5000


@dataclass(slots=True)
class RowPlan:
    """What one row will do: create, update or skip, with the values read from it (a plan per row is held until
    the write, so it carries nothing more: its label only for the rows the preview shows)."""

    row: int
    action: str
    values: dict
    external_id: str = ""
    incident_id: int | None = None
    version: int | None = None
    source: SourceInput | None = None
    label: str = ""

    @property
    def key(self) -> str:
        return self.external_id

    @property
    def record_id(self) -> int | None:
        return self.incident_id

    def describe(self) -> str:
        if self.action == "update":
            return _("%(label)s; changes %(fields)s") % {"label": self.label, "fields": ", ".join(sorted(self.values))}
        return self.label


class _Checker:
    """Reads rows into values, recording every problem by row and column."""

    def __init__(self, *, organization, by, report: ImportReport, columns: dict):
        self.organization = organization
        self.by = by
        self.report = report
        self.columns = columns
        self.places = PlaceMatcher()
        self.parties = party_names()
        # Matched by id: only the ids, versions and keys of the organization's incidents are held.
        self.by_external_id = {
            external_id: (pk, version)
            for pk, version, external_id in Incident.objects.filter(organization=organization)
            .exclude(external_id="")
            .values_list("pk", "version", "external_id")
            .iterator(chunk_size=10000)
        }
        self._by_content = None  # what a row without an id is compared with: read at the first such row
        self.labelled = 0  # plans given a label: the preview shows the first PREVIEW_ROWS
        self.sources: dict[SourceInput, SourceInput] = {}  # one object per source, however many rows cite it
        self.seen_ids: dict[str, int] = {}
        self.seen_values: dict[str, dict] = {}  # what a row with an id holds: a row repeating it is a duplicate
        self.unknown_perpetrators: dict[str, int] = {}
        self.seen_content: dict[tuple, int] = {}
        self.elsewhere: dict[str, int] = {}  # rows left out because they name another country, by country

    @property
    def by_content(self) -> dict:
        """The organization's incidents by content (date, category, place, title), read when a row has no id."""
        if self._by_content is None:
            existing = Incident.objects.filter(organization=self.organization).values_list(
                "pk", "occurred_on", "category", "latitude", "longitude", "stated_area_id", "title"
            )
            self._by_content = {_content_key(*content): pk for pk, *content in existing.iterator(chunk_size=10000)}
        return self._by_content

    def problem(self, row: int, field_name: str, value, message: str) -> None:
        column = self.columns.get(field_name, FIELDS[field_name].label if field_name in FIELDS else field_name)
        self.report.error(f"row {row}, column {column!r}", found_message(clean(value) if value != "" else "", message))

    def read(self, row: int, cells: dict) -> RowPlan | None:
        if self._elsewhere(cells.get("country", "")):
            return None
        errors_before = len(self.report.problems)
        values = {}
        self.failed = set()
        for field_name, text in cells.items():
            column = FIELDS[field_name]
            if is_missing(text):
                continue
            if column.parse is None:
                values[field_name] = clean(text)
                continue
            try:
                values[field_name] = column.parse(text)
            except ValueProblem as problem:
                self.problem(row, field_name, text, str(problem))
                self.failed.add(field_name)
        self._date_from_parts(row, values)
        if "occurred_on" not in values and is_missing(cells.get("occurred_on", "")):
            self.problem(row, "occurred_on", "", _("the date is missing: every incident needs one (e.g. 2016-09-19)"))
        if isinstance(values.get("occurred_on"), MonthDate):
            values.setdefault("date_precision", "month")
        self._place(row, values)
        self._perpetrator(row, values)
        source = self._source(values)
        summary, title = values.get("public_summary", ""), values.get("title", "")
        if not summary and not title:
            title = self._made_title(values)
            self.report.warning(
                f"row {row}",
                _("no summary or title: it is recorded as %(title)r; add a summary later if you can.")
                % {"title": title},
            )
            values["title"] = title
        values.setdefault("title", _title_of(summary))
        values.setdefault("public_summary", title)
        values["title"] = values["title"][:200]
        external_id = values.pop("external_id", "")
        if any(problem.severity == "error" for problem in self.report.problems[errors_before:]):
            return None
        try:
            incident_check(organization=self.organization, by=self.by, external_id=external_id, **values)
        except ValidationError as error:
            by_field = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            for field_name, messages in by_field.items():
                if field_name == "category" and "category" not in self.columns and not values.get("category"):
                    messages = [
                        _(
                            "no category: the file has no category column; give a category for every row, or rules "
                            "(e.g. category = 5 when Health Workers Killed > 0), on the column plan"
                        )
                    ]
                name = field_name.replace("stated_area", "pcode").replace("__all__", "occurred_on")
                self.problem(row, name if name in FIELDS else "occurred_on", "", " ".join(messages).rstrip("."))
            return None
        plan = self._plan(row, values, external_id, source)
        if plan is not None and self.labelled < PREVIEW_ROWS:
            plan.label = f"{values.get('occurred_on')}: {values['title']}"
            self.labelled += 1
        return plan

    def _elsewhere(self, text: str) -> bool:
        """Whether the row names another country than the one loaded (a global export, such as the Aid Worker
        Security Database's, holds every country): such a row is left out and counted, not refused."""
        if is_missing(text) or self.places.country() is None:
            return False
        if self.places.name(clean(text), level=0).area_id is not None:
            return False
        self.elsewhere[clean(text)] = self.elsewhere.get(clean(text), 0) + 1
        return True

    def _date_from_parts(self, row: int, values: dict) -> None:
        """A date given as day, month and year columns (as the Aid Worker Security Database does)."""
        day, month, year = (values.pop(name, None) for name in DATE_PARTS)
        if "occurred_on" in values or year is None:
            return
        month_number = _month_number(month) if month is not None else None
        if month is not None and month_number is None:
            self.problem(row, "occurred_month", month, _("expected a month: 1 to 12, or its name (Sep, September)"))
            return
        try:
            if month_number is None:
                self.problem(row, "occurred_month", "", _("the month is missing: a year alone is too vague"))
            elif day is None:
                values["occurred_on"] = MonthDate(year, month_number, 1)
            else:
                values["occurred_on"] = datetime.date(year, month_number, day)
        except ValueError:
            self.problem(
                row, "occurred_day", day, _("no such day in %(month)s") % {"month": f"{year}-{month_number:02d}"}
            )

    def _made_title(self, values: dict) -> str:
        category = CATEGORY_LABELS.get(values.get("category", ""), "") or "Incident"
        place = values.get("location_name") or self.places.labels.get(values.get("stated_area_id"), "")
        when = values.get("occurred_on")
        parts = [part for part in (place, when.isoformat() if when else "") if part]
        category = LEADING_NUMBER.sub("", category)
        return f"{category} ({', '.join(parts)})" if parts else category

    def _place(self, row: int, values: dict) -> None:
        precision = values.pop("geo_precision", None)
        level = int(precision[3:]) if precision and precision.startswith("adm") else None
        if precision:
            values["geo_precision"] = GeoPrecision.ADMIN_AREA if level is not None else int(precision)
        names = {NAME_FIELDS[name]: values.pop(name) for name in list(values) if name in NAME_FIELDS}
        if level is not None:
            self._place_in_area(row, values, level, names)
            return
        if "stated_area_id" not in values and not any(values.get(name) for name in PCODE_FIELDS):
            for name_level in (2, 1):
                if names.get(name_level) and "latitude" not in values and not values.get("location_name"):
                    self._area_by_name(row, values, name_level, names[name_level])
                    values["geo_precision"] = GeoPrecision.ADMIN_AREA
                    break
        for field_name in PCODE_FIELDS:
            code = values.pop(field_name, None)
            if code and "stated_area_id" not in values:
                pk = self.places.pcode(code)
                if pk is None:
                    self.problem(row, field_name, code, _("no admin area has this P-code (e.g. SY030703 or C2450)"))
                else:
                    values["stated_area_id"] = pk
                    if field_name != "pcode" and "latitude" not in values and values.get("location_name"):
                        self._finer_by_name(values, pk)
        has_lat, has_lon = "latitude" in values, "longitude" in values
        if has_lat and has_lon and self.places.outside_country(values["latitude"], values["longitude"]):
            swapped = not self.places.outside_country(values["longitude"], values["latitude"])
            self.report.warning(
                f"row {row}, column {self.columns.get('latitude', 'latitude')!r}",
                (
                    _("the point (%(lat)s, %(lon)s) lies outside the country; latitude and longitude look swapped")
                    if swapped
                    else _(
                        "the point (%(lat)s, %(lon)s) lies outside the country: it will be in no governorate, "
                        "district or sub-district; check the coordinates"
                    )
                )
                % {"lat": values["latitude"], "lon": values["longitude"]},
            )
        if has_lat != has_lon and not {"latitude", "longitude"} & self.failed:
            missing = "longitude" if has_lat else "latitude"
            what = _("the longitude is missing") if has_lat else _("the latitude is missing")
            self.problem(row, missing, "", _("%(what)s: give both coordinates, or neither") % {"what": what})
        if "stated_area_id" in values or has_lat or not values.get("location_name"):
            if not has_lat and "stated_area_id" not in values and not values.get("location_name"):
                if names.get(0) and not precision and self.places.country() is not None:
                    # Only the country is given (and no precision that promises a point): known only to the
                    # country, as a precision column would say.
                    values["stated_area_id"] = self.places.country()
                    values["geo_precision"] = GeoPrecision.ADMIN_AREA
                    return
                self.problem(row, "latitude", "", _("no place: give coordinates, a P-code or a place name"))
            return
        match = self.places.name(values["location_name"])
        if match.area_id is None:
            self.problem(row, "location_name", values["location_name"], match.problem)
            return
        values["stated_area_id"] = match.area_id
        if match.score < 1:
            column = self.columns.get("location_name")
            self.report.warning(
                f"row {row}, column {column!r}",
                _("%(name)r was matched to %(place)s (confidence %(score)s); give the P-code if this is wrong.")
                % {"name": values["location_name"], "place": match.label, "score": f"{match.score:.0%}"},
            )

    def _finer_by_name(self, values: dict, pk: int) -> None:
        """A governorate or district P-code with a place name in it ("SY03", "Madaya"): placed at the named place
        when it lies in that area (and is spelt as the register spells it), rather than at the coarser area the
        P-code gives."""
        match = self.places.name(values["location_name"])
        level = self.places.levels.get(pk)
        if match.area_id is None or match.score < 1 or match.area_id == pk:
            return  # an inexact name is not worth more than the P-code
        if self.places.ancestor(match.area_id, level) == pk:
            values["stated_area_id"] = match.area_id

    def _place_in_area(self, row: int, values: dict, level: int, names: dict) -> None:
        """A row known only to an admin area: placed by that area (from its point, P-code or name), never as a
        point; a country-level row has no governorate, district or sub-district."""
        latitude, longitude = values.pop("latitude", None), values.pop("longitude", None)
        codes = [values.pop(name) for name in PCODE_FIELDS if values.get(name)]
        for name in PCODE_FIELDS:
            values.pop(name, None)
        area_id = None
        for code in codes:
            found = self.places.pcode(code)
            if found is not None:
                area_id = self.places.ancestor(found, level)
                break
        if area_id is None and latitude is not None and longitude is not None:
            area_id = self.places.area_at(latitude, longitude, level)
            if area_id is None:
                self.problem(
                    row,
                    "latitude",
                    latitude,
                    _("the point lies outside every level-%(level)s admin area") % {"level": level},
                )
                return
        if area_id is None and names.get(level):
            area_id = self._area_by_name(row, values, level, names[level])
            if area_id is None:
                return
        if area_id is None and level == 0:
            area_id = self.places.country()
        if area_id is None:
            self.problem(
                row,
                "geo_precision",
                "",
                _("the row is %(precision)s, but gives no point, P-code or name")
                % {"precision": ADMIN_LEVEL_LABELS[level]},
            )
            return
        values["stated_area_id"] = area_id
        values["geo_precision"] = GeoPrecision.ADMIN_AREA

    def _area_by_name(self, row: int, values: dict, level: int, name: str) -> int | None:
        match = self.places.name(name, level=level)
        if match.area_id is None:
            self.problem(row, {0: "country", 1: "adm1_name", 2: "adm2_name"}[level], name, match.problem)
            return None
        values["stated_area_id"] = match.area_id
        return match.area_id

    def _perpetrator(self, row: int, values: dict) -> None:
        name = values.pop("perpetrator", None)
        if not name:
            return
        found = self.parties.get(party_key(name))
        if found is None:
            # Kept as the source gives it; recode it to a party on the column plan to link it.
            values["perpetrator_text"] = name[:300]
            self.unknown_perpetrators[name] = self.unknown_perpetrators.get(name, 0) + 1
            return
        values["perpetrator_id"], values["perpetrator_kind"] = found

    def _source(self, values: dict) -> SourceInput | None:
        name = values.pop("source_name", "")
        kind = values.pop("source_type", "") or "other"
        reference = values.pop("source_reference", "")
        licence = values.pop("source_licence", "")
        if not name:
            return None
        source = SourceInput(kind=kind, name=name[:200], reference=reference[:500], licence=licence[:300])
        return self.sources.setdefault(source, source)

    def _plan(self, row: int, values: dict, external_id: str, source) -> RowPlan:
        if external_id:
            if external_id in self.seen_ids and self.seen_values.get(external_id) == values:
                self.report.warning(
                    f"row {row}", _("skipped: it repeats row %(row)s.") % {"row": self.seen_ids[external_id]}
                )
                return RowPlan(row, "duplicate", {})
            if external_id in self.seen_ids:
                self.problem(
                    row,
                    "external_id",
                    external_id,
                    _("the same id is on row %(row)s; ids must be unique") % {"row": self.seen_ids[external_id]},
                )
                return None
            self.seen_ids[external_id] = row
            self.seen_values[external_id] = values
            if external_id in self.by_external_id:
                pk, version = self.by_external_id[external_id]
                return RowPlan(row, "update", values, external_id, pk, version, source)
            return RowPlan(row, "create", values, external_id, source=source)
        key = _content_key(
            values.get("occurred_on"),
            values.get("category", ""),
            values.get("latitude"),
            values.get("longitude"),
            values.get("stated_area_id"),
            values.get("title", ""),
        )
        if key in self.by_content:
            self.report.warning(
                f"row {row}", _("skipped: the same incident (date, category, place, title) is already recorded.")
            )
            return RowPlan(row, "duplicate", {}, incident_id=self.by_content[key])
        if key in self.seen_content:
            self.report.warning(f"row {row}", _("skipped: it repeats row %(row)s.") % {"row": self.seen_content[key]})
            return RowPlan(row, "duplicate", {})
        self.seen_content[key] = row
        return RowPlan(row, "create", values, source=source)


MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        str(number),
        f"{number:02d}",
        datetime.date(2000, number, 1).strftime("%b").lower(),
        datetime.date(2000, number, 1).strftime("%B").lower(),
    )
}
CATEGORY_LABELS = dict(Category.choices)
LEADING_NUMBER = re.compile(r"^\d+\.\s*")


def _title_of(summary: str) -> str:
    """A title from a summary: its first sentence, less a leading date ("19 September 2016: In Madaya, ..." is
    how Insecurity Insight's descriptions start; the date is the incident's already)."""
    first = summary.split(". ")[0]
    head, colon, rest = first.partition(": ")
    if colon and rest and len(head) <= 20:
        try:
            parse_date(head)
            first = rest[:1].upper() + rest[1:]
        except ValueProblem:
            pass
    return first[:200]


def _month_number(text) -> int | None:
    return MONTHS.get(clean(text).lower().removesuffix(".0"))


class Suggestions:
    """What a value of a coded column could be recoded to: the closest code by similarity, or by its words."""

    def __init__(self):
        self.coded = {
            "category": CATEGORIES,
            "kind": KINDS,
            "access_effect": EFFECTS,
            "visibility": VISIBILITIES,
            "date_precision": PRECISIONS,
            "geo_precision": GEO_PRECISIONS,
            "source_type": SOURCE_TYPES,
        }
        self._parties = None

    @property
    def parties(self) -> dict:
        if self._parties is None:
            self._parties = party_names()
        return self._parties

    def handles(self, field_name: str) -> bool:
        """Whether a value of the field may need recoding: the coded fields and the perpetrator."""
        return field_name == "perpetrator" or field_name in self.coded

    def __call__(self, field_name: str, text: str):
        if field_name == "perpetrator":
            if party_key(text) in self.parties:
                return False
            return self._closest_party(text)
        choices = self.coded.get(field_name)
        if choices is None:
            return False
        try:
            choices.parse(text)
            return False
        except ValueProblem:
            pass
        if field_name == "geo_precision":
            return _precision_guess(text)
        key = normalise_name(text)
        scored = [(similarity(key, normalise_name(spelling)), code) for spelling, code in choices.lookup.items()]
        score, code = max(scored, default=(0, ""))
        return code if score >= SUGGEST_SCORE else _by_words(text, choices)

    def _closest_party(self, text: str) -> str:
        from aidtrack.orgs.models import Party

        key = normalise_name(text)
        best, best_pk = 0.0, None
        for spelling, (pk, _kind) in self.parties.items():
            score = similarity(key, normalise_name(spelling))
            if score > best:
                best, best_pk = score, pk
        if best < SUGGEST_SCORE:
            return ""
        return Party.objects.filter(pk=best_pk).values_list("name", flat=True).first() or ""


SUGGEST_SCORE = 0.6
PRECISION_WORDS = [
    (re.compile(r"exact", re.I), "1"),
    (re.compile(r"km\b|within|near|approx|linear|along", re.I), "2"),
    (re.compile(r"sub-?\s?district|admin\s?3", re.I), "adm3"),
    (re.compile(r"district|admin\s?2", re.I), "adm2"),
    (re.compile(r"governorate|province|region|state|admin\s?1", re.I), "adm1"),
    (re.compile(r"country|national", re.I), "adm0"),
    # Coordinates withheld from a public file ("censored by HDX"): known to the governorate the row names.
    (re.compile(r"censored|withheld|redacted", re.I), "adm1"),
]


def _by_words(text: str, choices) -> str:
    """The one code whose label holds every word of the value ("Interference in implementation" -> 4)."""
    words = {word for word in re.findall(r"\w+", text.lower()) if len(word) > 3}
    if not words:
        return ""
    codes = {
        code for code, label in choices.labels.items() if code and words <= set(re.findall(r"\w+", str(label).lower()))
    }
    return codes.pop() if len(codes) == 1 else ""


def _precision_guess(text: str) -> str:
    """ "(2) 25 km Precision" -> 2, "Governorate" -> adm1: a location precision told by its words."""
    for pattern, code in PRECISION_WORDS:
        if pattern.search(text):
            return code
    found = re.fullmatch(r"\(?([123])\)?", text.strip())
    return found.group(1) if found else ""


def _content_key(occurred_on, category, latitude, longitude, stated_area_id, title) -> tuple:
    point = (round(latitude, 4), round(longitude, 4)) if latitude is not None else None
    return (occurred_on, category or "", point, None if point else stated_area_id, clean(title).lower())


def _mark_unchanged(plans: list[RowPlan]) -> None:
    """A matched row whose values equal the stored incident's is skipped rather than updated."""
    matched = [plan for plan in plans if plan.action == "update"]
    for start in range(0, len(matched), 5000):
        batch = matched[start : start + 5000]
        stored = {
            row["pk"]: row
            for row in Incident.objects.filter(pk__in=[p.incident_id for p in batch]).values("pk", *COMPARED)
        }
        for plan in batch:
            current = stored[plan.incident_id]
            changes = {
                name: value
                for name, value in plan.values.items()
                if name in current and current[name] != value and name != "perpetrator_kind"
            }
            if not changes:
                plan.action = "unchanged"
            plan.values = changes


class IncidentImporter(TableImporter):
    """One row per incident, matched to the organization's earlier imports by its id column."""

    columns = COLUMNS
    what = "an incident table"
    noun = gettext_lazy("incidents")
    skips_refused_rows = True

    def may_import(self) -> bool:
        return can_write_for(self.by, self.organization)

    @staticmethod
    def require(columns: dict, table, display: str) -> None:
        _require_columns(columns, table, display)

    def suggest(self):
        return Suggestions()

    def start(self, columns: dict) -> None:
        self.checker = _Checker(organization=self.organization, by=self.by, report=self.report, columns=columns)

    def read(self, row: int, cells) -> None:
        plan = self.checker.read(row, cells)
        if plan is not None:
            self.result.plans.append(plan)

    def finish_reading(self) -> None:
        unknown = sorted(self.checker.unknown_perpetrators.items(), key=lambda item: -item[1])[:50]
        for name, count in unknown:
            self.report.warning(
                f"column {self.result.columns.get('perpetrator', 'perpetrator')!r}",
                _(
                    "%(name)r (%(count)s row(s)) names no known party: kept as the perpetrator as given. Recode it "
                    "to a party on the column plan to link the rows (the party then knows this name)."
                )
                % {"name": name, "count": count},
            )

    def plan(self) -> None:
        _mark_unchanged(self.result.plans)

    def count(self, *, done: bool) -> None:
        elsewhere = self.checker.elsewhere
        if not elsewhere:
            return
        self.report.counts["in another country (left out)"] = sum(elsewhere.values())
        if not done:
            listed = ", ".join(f"{name} ({count})" for name, count in sorted(elsewhere.items(), key=lambda i: -i[1]))
            self.report.notes.append(
                _("Rows in other countries than %(country)s were left out: %(countries)s.")
                % {"country": self.checker.places.labels[self.checker.places.country()], "countries": listed[:2000]}
            )

    def write(self, progress) -> None:
        self.unplaced = _write(self.result, organization=self.organization, by=self.by, progress=progress)

    def after_write(self) -> None:
        for reference, problem in self.unplaced[:200]:
            self.report.warning(reference, problem)
        if len(self.unplaced) > 200:
            self.report.notes.append(
                _("%(count)s incidents lie outside every admin boundary; the first 200 are listed.")
                % {"count": len(self.unplaced)}
            )
        _learn_party_names(self.result, by=self.by)


import_incidents = IncidentImporter.run


def _learn_party_names(result: TableImport, *, by) -> None:
    """A perpetrator recoded to a party on this import becomes one of the party's names, for the next file."""
    learned = {}
    for found, name in result.plan.recodings.get("perpetrator", {}).items():
        party = party_names().get(party_key(name))
        if party is not None:
            learned.setdefault(party[0], []).append(found)
    for pk, aliases in learned.items():
        party_add_aliases(party=Party.objects.get(pk=pk), aliases=aliases, by=by)
        result.report.notes.append(
            _("The party now also knows the name(s): %(names)s.") % {"names": ", ".join(aliases)}
        )


def _require_columns(columns: dict, table, display: str) -> None:
    headers = headers_of(table)
    if not ({"occurred_on", "occurred_year"} & set(columns)):
        raise ImportFailed(
            _(
                "%(file)s: no date column (looked for 'date', 'event_date', 'occurred_on', a 'year' with its 'month' "
                "and 'day', or the HXL tag #date). Its columns are: %(headers)s. Choose the date column on the "
                "column plan (or --map occurred_on=YOUR_COLUMN)."
            )
            % {"file": display, "headers": headers}
        )
    if not ({"latitude", "location_name", "geo_precision", *PCODE_FIELDS, *NAME_FIELDS} & set(columns)):
        raise ImportFailed(
            _(
                "%(file)s: no place column (coordinates, a P-code, a governorate or district, or a place name). "
                "Its columns are: %(headers)s."
            )
            % {"file": display, "headers": headers}
        )


def _write(result: TableImport, *, organization, by, progress) -> list[tuple[str, str]]:
    """Create and update the incidents of the plans (inside the import's transaction); returns the unplaced ones."""
    report = result.report
    creates = [plan for plan in result.plans if plan.action == "create"]
    reported_at = timezone.now()
    created, unplaced = 0, []
    if progress:
        progress("written", 0)
    try:
        # Written in batches inside the one transaction, so only one batch of rows (as values) is in memory.
        for start in range(0, len(creates), WRITE_BATCH):
            rows, sources = [], {}
            for plan in creates[start : start + WRITE_BATCH]:
                # Every row was checked by incident_check in the first pass; its values have not changed since.
                rows.append({"reported_at": reported_at, "external_id": plan.external_id, **plan.values})
                if plan.source:
                    sources[len(rows) - 1] = [plan.source]
            batch = incidents_bulk_create(by=by, organization=organization, rows=rows, sources=sources)
            created += len(batch)
            unplaced.extend((i.reference, i.placement_problem) for i in batch if i.placement_problem)
            if progress:
                progress("written", created)
        updates = [(plan.incident_id, plan.version, plan.values) for plan in result.plans if plan.action == "update"]
        # Checked by incident_check in the first pass; written in batches by the service that keeps the edit rules.
        incidents_bulk_update(by=by, organization=organization, changes=updates)
        if progress:
            progress("written", created + len(updates))
    except (ValidationError, PermissionDenied) as error:
        raise ImportFailed(
            _("%(file)s: %(error)s; nothing was written.") % {"file": report.source, "error": error}, report
        ) from error
    return unplaced
