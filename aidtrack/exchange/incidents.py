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

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from aidtrack.exchange import tabular
from aidtrack.exchange.places import PlaceMatcher
from aidtrack.exchange.tabular import DONE, PLANNED, TableImport, column, headers_of, hxl
from aidtrack.exchange.values import (
    Choices,
    ValueProblem,
    clean,
    is_missing,
    parse_coordinate,
    parse_count,
    parse_date,
    parse_time,
)
from aidtrack.geo.importers.report import ImportFailed, ImportReport
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
from aidtrack.incidents.services import SourceInput, incident_check, incident_update, incidents_bulk_create
from aidtrack.orgs.models import Party, Visibility
from aidtrack.orgs.permissions import can_write_for

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
GEO_PRECISIONS = Choices(
    [(str(value), label) for value, label in GeoPrecision.choices], extra={"exact": "1", "near": "2", "admin": "3"}
)
SOURCE_TYPES = Choices(SourceType.choices, extra={"staff": "own_staff", "social": "social_media", "un agency": "un"})


COLUMNS = [
    column(
        "external_id",
        {"externalid", "id", "incidentid", "eventid", "recordid", "ref", "yourid"},
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
        {"category", "accesscategory", "incidentcategory", "constrainttype", "الفئة"},
        [hxl("#event", {"category"}), hxl("#event", {"type"})],
        CATEGORIES.parse,
    ),
    column("title", {"title", "headline", "العنوان"}, [hxl("#event", {"name"}), hxl("#description", {"title"})]),
    column(
        "public_summary",
        {"summary", "publicsummary", "description", "narrative", "الملخص", "الوصف"},
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
        {"location", "locationname", "place", "placename", "community", "المكان"},
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
        {"perpetrator", "party", "perpetratorparty", "actor", "الجهة"},
        [hxl("#group", {"perp"}), hxl("#group", {"name"})],
    ),
    column(
        "people_killed",
        {"peoplekilled", "killed", "fatalities", "deaths", "قتلى"},
        [hxl("#affected", {"killed"}, {"aid"})],
        parse_count,
    ),
    column(
        "people_injured", {"peopleinjured", "injured", "جرحى"}, [hxl("#affected", {"injured"}, {"aid"})], parse_count
    ),
    column("aid_workers_killed", {"aidworkerskilled"}, [hxl("#affected", {"killed", "aid"})], parse_count),
    column("aid_workers_injured", {"aidworkersinjured"}, [hxl("#affected", {"injured", "aid"})], parse_count),
    column("aid_workers_abducted", {"aidworkersabducted"}, [hxl("#affected", {"abducted"})], parse_count),
    column("aid_workers_detained", {"aidworkersdetained"}, [hxl("#affected", {"detained"})], parse_count),
    column("vehicles_damaged", {"vehiclesdamaged"}, [hxl("#affected", {"vehicles"})], parse_count),
    column("supplies_lost", {"supplieslost"}, [hxl("#affected", {"supplies"})]),
    column(
        "beneficiaries_affected",
        {"beneficiariesaffected", "beneficiaries", "affected"},
        [hxl("#affected", (), {"killed", "injured", "aid", "abducted", "detained", "vehicles", "supplies"})],
        parse_count,
    ),
    column("access_effect", {"accesseffect", "effect", "effectonaccess"}, [hxl("#access")], EFFECTS.parse),
    column("visibility", {"visibility"}, [hxl("#meta", {"visibility"})], VISIBILITIES.parse),
    column("source_name", {"source", "sourcename", "المصدر"}, [hxl("#meta", {"source"})], label="source"),
    column("source_type", {"sourcetype"}, [hxl("#meta", {"source", "type"})], SOURCE_TYPES.parse),
    column("source_reference", {"sourcereference", "sourceurl", "link", "url"}, [hxl("#meta", {"url"})]),
]
FIELDS = {column.field: column for column in COLUMNS}
PCODE_FIELDS = ("pcode", "adm3_pcode", "adm2_pcode", "adm1_pcode")
NOT_MODEL_FIELDS = {*PCODE_FIELDS, "perpetrator", "source_name", "source_type", "source_reference"}
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
    "public_summary",
    "internal_description",
    *IMPACT_FIELDS,
    "supplies_lost",
    "access_effect",
    "visibility",
]


WRITE_BATCH = 5000


@dataclass
class RowPlan:
    """What one row will do: create, update or skip, with the values read from it."""

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
            return f"{self.label}; changes {', '.join(sorted(self.values))}"
        return self.label


class _Checker:
    """Reads rows into values, recording every problem by row and column."""

    def __init__(self, *, organization, by, report: ImportReport, columns: dict):
        self.organization = organization
        self.by = by
        self.report = report
        self.columns = columns
        self.places = PlaceMatcher()
        self.parties = {}
        for party in Party.objects.all():
            for name in (party.name, party.short_name, party.name_ar, party.short_name_ar):
                if name:
                    self.parties[clean(name).lower()] = (party.pk, party.kind)
        existing = Incident.objects.filter(organization=organization).values_list(
            "pk",
            "version",
            "external_id",
            "occurred_on",
            "category",
            "latitude",
            "longitude",
            "stated_area_id",
            "title",
        )
        self.by_external_id = {}
        self.by_content = {}
        for pk, version, external_id, *content in existing.iterator(chunk_size=10000):
            if external_id:
                self.by_external_id[external_id] = (pk, version)
            self.by_content[_content_key(*content)] = pk
        self.seen_ids: dict[str, int] = {}
        self.seen_content: dict[tuple, int] = {}

    def problem(self, row: int, field_name: str, value, message: str) -> None:
        column = self.columns.get(field_name, FIELDS[field_name].label if field_name in FIELDS else field_name)
        self.report.error(
            f"row {row}, column {column!r}", f"found {clean(value)!r}: {message}." if value != "" else f"{message}."
        )

    def read(self, row: int, cells: dict) -> RowPlan | None:
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
        if "occurred_on" not in values and is_missing(cells.get("occurred_on", "")):
            self.problem(row, "occurred_on", "", "the date is missing: every incident needs one (e.g. 2016-09-19)")
        self._place(row, values)
        self._perpetrator(row, values)
        source = self._source(values)
        summary, title = values.get("public_summary", ""), values.get("title", "")
        if not summary and not title:
            self.problem(row, "public_summary", "", "neither a summary nor a title: give at least one")
        values.setdefault("title", (summary.split(". ")[0])[:200])
        values.setdefault("public_summary", title)
        values["title"] = values["title"][:200]
        if "geo_precision" in values:
            values["geo_precision"] = int(values["geo_precision"])
        external_id = values.pop("external_id", "")
        if any(problem.severity == "error" for problem in self.report.problems[errors_before:]):
            return None
        try:
            incident_check(organization=self.organization, by=self.by, external_id=external_id, **values)
        except ValidationError as error:
            by_field = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            for field_name, messages in by_field.items():
                name = field_name.replace("stated_area", "pcode").replace("__all__", "occurred_on")
                self.problem(row, name if name in FIELDS else "occurred_on", "", " ".join(messages).rstrip("."))
            return None
        plan = self._plan(row, values, external_id, source)
        if plan is not None:
            plan.label = f"{values.get('occurred_on')}: {values['title']}"
        return plan

    def _place(self, row: int, values: dict) -> None:
        for field_name in PCODE_FIELDS:
            code = values.pop(field_name, None)
            if code and "stated_area_id" not in values:
                pk = self.places.pcode(code)
                if pk is None:
                    self.problem(row, field_name, code, "no admin area has this P-code (e.g. SY030703 or C2450)")
                else:
                    values["stated_area_id"] = pk
        has_lat, has_lon = "latitude" in values, "longitude" in values
        if has_lat != has_lon and not {"latitude", "longitude"} & self.failed:
            missing = "longitude" if has_lat else "latitude"
            self.problem(row, missing, "", f"the {missing} is missing: give both coordinates, or neither")
        if "stated_area_id" in values or has_lat or not values.get("location_name"):
            if not has_lat and "stated_area_id" not in values and not values.get("location_name"):
                self.problem(row, "latitude", "", "no place: give coordinates, a P-code or a place name")
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
                f"{values['location_name']!r} was matched to {match.label} (confidence {match.score:.0%}); "
                "give the P-code if this is wrong.",
            )

    def _perpetrator(self, row: int, values: dict) -> None:
        name = values.pop("perpetrator", None)
        if not name:
            return
        found = self.parties.get(name.lower())
        if found is None:
            known = "; ".join(sorted(self.parties)) or "none are recorded yet"
            self.problem(row, "perpetrator", name, f"no party has this name (known parties: {known})")
            return
        values["perpetrator_id"], values["perpetrator_kind"] = found

    def _source(self, values: dict) -> SourceInput | None:
        name = values.pop("source_name", "")
        kind = values.pop("source_type", "") or "other"
        reference = values.pop("source_reference", "")
        if not name:
            return None
        return SourceInput(kind=kind, name=name[:200], reference=reference[:500])

    def _plan(self, row: int, values: dict, external_id: str, source) -> RowPlan:
        if external_id:
            if external_id in self.seen_ids:
                self.problem(
                    row,
                    "external_id",
                    external_id,
                    f"the same id is on row {self.seen_ids[external_id]}; ids must be unique",
                )
                return None
            self.seen_ids[external_id] = row
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
                f"row {row}", "skipped: the same incident (date, category, place, title) is already recorded."
            )
            return RowPlan(row, "duplicate", values, incident_id=self.by_content[key])
        if key in self.seen_content:
            self.report.warning(f"row {row}", f"skipped: it repeats row {self.seen_content[key]}.")
            return RowPlan(row, "duplicate", values)
        self.seen_content[key] = row
        return RowPlan(row, "create", values, source=source)


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


def import_incidents(
    path_or_url: str,
    *,
    organization,
    by,
    dry_run: bool = False,
    mapping: dict | None = None,
    saved_mapping: dict | None = None,
    sheet: str | None = None,
    max_bytes: int | None = None,
    display: str | None = None,
    progress: Callable[[str, int], None] | None = None,
    chunk_rows: int = 20000,
) -> TableImport:
    """Check every row of an incident table and, unless ``dry_run``, write all of them or none.

    Raises ImportFailed (with the report) when the file cannot be read or any
    row has an error; the report lists every problem by row and column.
    """
    display = display or path_or_url
    report = ImportReport(source=display, dry_run=dry_run)
    if not can_write_for(by, organization):
        raise ImportFailed(
            f"{by} may not import incidents for {organization.short_name}: only its reporters and reviewers may."
        )
    result = TableImport(report=report)
    with tabular.table_rows(
        path_or_url,
        result,
        columns=COLUMNS,
        what="an incident table",
        require=_require_columns,
        display=display,
        mapping=mapping,
        saved_mapping=saved_mapping,
        sheet=sheet,
        max_bytes=max_bytes,
        chunk_rows=chunk_rows,
        progress=progress,
    ) as rows:
        checker = _Checker(organization=organization, by=by, report=report, columns=result.columns)
        for row, cells in rows:
            plan = checker.read(row, cells)
            if plan is not None:
                result.plans.append(plan)
    _mark_unchanged(result.plans)
    result.count(PLANNED)
    result.refuse_if_errors(display)
    if not dry_run:
        _write(result, organization=organization, by=by, progress=progress)
    return result


def _require_columns(columns: dict, table, display: str) -> None:
    headers = headers_of(table)
    if "occurred_on" not in columns:
        raise ImportFailed(
            f"{display}: no date column (looked for 'date', 'event_date', 'occurred_on' or the HXL tag #date). "
            f"Its columns are: {headers}. Map the date column, e.g. --map occurred_on=YOUR_COLUMN."
        )
    if not ({"public_summary", "title"} & set(columns)):
        raise ImportFailed(
            f"{display}: no summary or title column (looked for 'summary', 'description', 'title', #description). "
            f"Its columns are: {headers}. Map one, e.g. --map public_summary=YOUR_COLUMN."
        )
    if not ({"latitude", "location_name", *PCODE_FIELDS} & set(columns)):
        raise ImportFailed(
            f"{display}: no place column (coordinates, a P-code or a place name). Its columns are: {headers}."
        )


@transaction.atomic
def _write(result: TableImport, *, organization, by, progress) -> None:
    report = result.report
    creates = [plan for plan in result.plans if plan.action == "create"]
    reported_at = timezone.now()
    created, unplaced = 0, []
    if progress:
        progress("written", 0)
    try:
        # Written in batches inside the one transaction, so only one batch of model objects is in memory.
        for start in range(0, len(creates), WRITE_BATCH):
            incidents, sources = [], {}
            for plan in creates[start : start + WRITE_BATCH]:
                # Every row was checked by incident_check in the first pass; its values have not changed since.
                incidents.append(
                    Incident(
                        organization=organization,
                        reported_by=by,
                        reported_at=reported_at,
                        external_id=plan.external_id,
                        **plan.values,
                    )
                )
                if plan.source:
                    sources[len(incidents) - 1] = [plan.source]
            batch = incidents_bulk_create(by=by, organization=organization, incidents=incidents, sources=sources)
            created += len(batch)
            unplaced.extend((i.reference, i.placement_problem) for i in batch if i.placement_problem)
            if progress:
                progress("written", created)
        written = created
        for plan in result.plans:
            if plan.action == "update":
                incident = Incident(pk=plan.incident_id)
                values = {}
                for name, value in plan.values.items():
                    if name.endswith("_id") and name != "external_id":
                        model = Incident._meta.get_field(name.removesuffix("_id")).related_model
                        values[name.removesuffix("_id")] = model.objects.get(pk=value)
                    else:
                        values[name] = value
                incident_update(incident=incident, by=by, expected_version=plan.version, **values)
                written += 1
                if progress and written % 500 == 0:
                    progress("written", written)
    except (ValidationError, PermissionDenied) as error:
        raise ImportFailed(f"{report.source}: {error}; nothing was written.", report) from error
    report.counts.clear()
    result.count(DONE)
    for reference, problem in unplaced[:200]:
        report.warning(reference, problem)
    if len(unplaced) > 200:
        report.notes.append(f"{len(unplaced)} incidents lie outside every admin boundary; the first 200 are listed.")
