"""Reading one row of a convoy table: its convoy-level values, its destination and its cargo line.

Each cell is read with its column's parser; organizations are found by
acronym or name, destinations among the register's areas (by name) and the
admin areas (by P-code or name, inexact names with a warning). Every problem
is reported by row and column. ``checking`` then checks each convoy as a whole.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from aidtrack.areas.models import Area
from aidtrack.convoys.importers.columns import FIELDS
from aidtrack.convoys.models import CargoLine
from aidtrack.geo.models import AdminLevel
from aidtrack.geo.places import ACCEPTED_SCORE, PlaceMatcher
from aidtrack.imports.report import found_message
from aidtrack.imports.similarity import MIN_SCORE, PCODE, normalise, similarity
from aidtrack.imports.values import ValueProblem, choice_key, clean, is_missing
from aidtrack.orgs.models import Organization
from aidtrack.orgs.permissions import can_write_for

# Columns about the convoy as a whole: they may be repeated on each of its rows, but must agree.
CONVOY_FIELDS = (
    "title",
    "lead_organization",
    "partner_organizations",
    "modality",
    "status",
    "status_date",
    "status_note",
    "origin_name",
    "origin_pcode",
    "origin_latitude",
    "origin_longitude",
    "plan_month",
    "trucks",
    "requested_date",
    "planned_date",
    "approval_date",
    "dispatch_date",
    "delivery_date",
    "notes",
    "visibility",
)
CARGO_FIELDS = ("sector", "item", "quantity", "unit")


def same(stored, value) -> bool:
    if isinstance(stored, str) or isinstance(value, str):
        return clean(stored or "") == clean(value or "")
    return stored == value


@dataclass(frozen=True)
class CargoSpec:
    sector: str
    item: str
    quantity: Decimal
    unit: str

    def __str__(self):
        return f"{self.quantity.normalize():f} {self.unit} {self.item}"

    def key(self) -> tuple:
        return (self.sector, clean(self.item).lower(), self.quantity, clean(self.unit).lower())


@dataclass
class RowRead:
    """What one row says: convoy-level values (value, text), and its destination and cargo line if any."""

    row: int
    reference: str
    given: dict
    place: tuple | None = None
    place_label: str = ""
    planned: int | None = None
    reached: int | None = None
    cargo: CargoSpec | None = None
    place_given: bool = False
    failed: set = field(default_factory=set)  # fields whose cell could not be read


class _Organizations:
    """Organizations by acronym and by name, compared like coded values (case and punctuation ignored)."""

    def __init__(self):
        self.by_key: dict[str, set] = {}
        for organization in Organization.objects.all():
            for name in {organization.acronym, organization.name}:
                if name:
                    self.by_key.setdefault(choice_key(name), set()).add(organization)

    def find(self, text: str) -> Organization:
        found = self.by_key.get(choice_key(text), set())
        if len(found) == 1:
            return next(iter(found))
        if found:
            names = "; ".join(sorted(o.name for o in found))
            raise ValueProblem(
                _("%(count)s organizations are called this (%(names)s): give the full name")
                % {"count": len(found), "names": names}
            )
        known = sorted({o.short_name for orgs in self.by_key.values() for o in orgs})
        listed = ", ".join(known[:40]) + (" …" if len(known) > 40 else "")
        raise ValueProblem(
            _("no organization has this acronym or name (known: %(known)s)") % {"known": listed or _("none yet")}
        )

    def find_list(self, text: str) -> list[Organization]:
        if choice_key(text) in self.by_key:
            return [self.find(text)]
        separator = next((s for s in (";", "؛", "|") if s in text), ",")
        names = [clean(name) for name in text.split(separator) if clean(name)]
        found, problems = [], []
        for name in names:
            try:
                found.append(self.find(name))
            except ValueProblem as problem:
                problems.append(f"{name!r}: {problem}")
        if problems:
            raise ValueProblem("; ".join(problems))
        return found


class _RegisterAreas:
    """The register's areas by English and Arabic name, matched like community names."""

    def __init__(self):
        self.names: dict[str, list[int]] = {}
        self.labels = {}
        for pk, name_en, name_ar in Area.objects.values_list("pk", "name_en", "name_ar"):
            self.labels[pk] = _("%(name)s (register area)") % {"name": name_en}
            for name in (name_en, name_ar):
                if name:
                    self.names.setdefault(normalise(name), []).append(pk)
        # A community destination counts for the one register area covering it (convoys.services'
        # destination_register_area), so that a file names the destination as it will be recorded.
        areas_of: dict[int, set[int]] = {}
        for area_id, community_id in Area.communities.through.objects.values_list("area_id", "adminarea_id"):
            areas_of.setdefault(community_id, set()).add(area_id)
        self.covering = {community: next(iter(areas)) for community, areas in areas_of.items() if len(areas) == 1}

    def exact(self, text: str) -> int | None:
        found = set(self.names.get(normalise(text), []))
        return next(iter(found)) if len(found) == 1 else None

    def closest(self, text: str) -> tuple[int | None, float]:
        key, best, best_pk = normalise(text), 0.0, None
        for name, pks in self.names.items():
            score = similarity(key, name)
            if score > best and len(set(pks)) == 1:
                best, best_pk = score, pks[0]
        return (best_pk, best) if best >= MIN_SCORE else (None, 0.0)


class RowReader:
    """Reads rows one by one into RowReads grouped by reference, reporting every problem by row and column."""

    def __init__(self, *, organization, by, report, columns: dict):
        self.organization = organization
        self.by = by
        self.report = report
        self.columns = columns
        self.places = PlaceMatcher()
        self.register = _RegisterAreas()
        self.organizations = _Organizations()
        self.groups: dict[str, list[RowRead]] = {}
        self.rows_read = 0
        self.error_count = 0
        self._writable: dict[int, bool] = {}

    # Reporting

    def label(self, field_name: str) -> str:
        return self.columns.get(field_name) or FIELDS[field_name].label

    def problem(self, row: int, field_name: str, value, message: str) -> None:
        text = clean(value) if not isinstance(value, datetime.date) else f"{value:%Y-%m-%d}"
        self.error_count += 1
        self.report.error(f"row {row}, column {self.label(field_name)!r}", found_message(text, message))

    def warning(self, row: int, field_name: str, message: str) -> None:
        self.report.warning(f"row {row}, column {self.label(field_name)!r}", message)

    def may_write(self, organization_id: int) -> bool:
        if organization_id not in self._writable:
            self._writable[organization_id] = can_write_for(self.by, organization_id)
        return self._writable[organization_id]

    # One row

    def read(self, row: int, cells: dict) -> None:
        texts = {name: clean(text) for name, text in cells.items() if not is_missing(text)}
        if not texts:
            return
        self.rows_read += 1
        reference = texts.pop("reference", "")
        if not reference:
            self.problem(row, "reference", "", _("the reference is missing: every row needs its convoy's reference"))
            return
        if len(reference) > 40:
            self.problem(row, "reference", reference, _("a reference has at most 40 characters (e.g. CV-2016-09-014)"))
            return
        read = RowRead(row=row, reference=reference, given={})
        values = {}
        for name, text in texts.items():
            spec = FIELDS[name]
            try:
                if name == "lead_organization":
                    values[name] = self.organizations.find(text)
                elif name == "partner_organizations":
                    values[name] = frozenset(self.organizations.find_list(text))
                elif name == "origin_pcode":
                    values[name] = self._origin_pcode(text)
                else:
                    values[name] = spec.parse(text) if spec.parse else text
            except ValueProblem as problem:
                self.problem(row, name, text, str(problem))
                read.failed.add(name)
        for name in CONVOY_FIELDS:
            if name in values:
                read.given[name] = (values[name], texts[name])
        self._destination(read, values, texts)
        self._cargo(read, values, texts)
        self.groups.setdefault(reference.upper(), []).append(read)

    def _origin_pcode(self, text: str) -> int:
        pk = self.places.pcode(text)
        if pk is None:
            raise ValueProblem(_("no admin area has this P-code (e.g. SY010000 or C1007)"))
        return pk

    def _destination(self, read: RowRead, values: dict, texts: dict) -> None:
        row = read.row
        read.planned = values.get("planned_beneficiaries")
        read.reached = values.get("reached_beneficiaries")
        name, code = texts.get("destination", ""), texts.get("destination_pcode", "")
        if not name and not code:
            for counted in ("planned_beneficiaries", "reached_beneficiaries"):
                if counted in texts:
                    message = _("people are counted at a destination: give it on this row")
                    self.problem(row, counted, texts[counted], message)
            return
        read.place_given = True
        if not code and PCODE.match(name):
            name, code = "", name
        if code:
            pk = self.places.pcode(code)
            column = "destination_pcode" if "destination_pcode" in texts else "destination"
            if pk is None:
                self.problem(row, column, code, _("no admin area has this P-code (e.g. C2450 or SY030703)"))
                return
            if not self._may_be_destination(row, column, code, pk):
                return
            area_id = (self.register.exact(name) if name else None) or self.register.covering.get(pk)
            read.place = (area_id, pk)
            read.place_label = self.places.labels[pk] + (f", {self.register.labels[area_id]}" if area_id else "")
            return
        area_id = self.register.exact(name)
        if area_id is not None:
            read.place, read.place_label = (area_id, None), self.register.labels[area_id]
            return
        match = self.places.name(name)
        if match.area_id is not None and match.score >= 1:
            if self._may_be_destination(row, "destination", name, match.area_id):
                read.place, read.place_label = self._community_place(match.area_id), match.label
            return
        closest_area, area_score = self.register.closest(name)
        if match.area_id is not None and match.score > area_score:
            if not self._may_be_destination(row, "destination", name, match.area_id):
                return
            read.place, read.place_label, score = self._community_place(match.area_id), match.label, match.score
        elif closest_area is not None and area_score >= ACCEPTED_SCORE:
            read.place, read.place_label, score = (closest_area, None), self.register.labels[closest_area], area_score
        else:
            problem = match.problem or _("no register area or community is named like %(name)r; give its P-code") % {
                "name": name
            }
            if closest_area is not None and not match.ambiguous:
                problem = _("%(problem)s (the closest register area is %(area)s, %(score)s)") % {
                    "problem": problem,
                    "area": self.register.labels[closest_area],
                    "score": f"{area_score:.0%}",
                }
            self.problem(row, "destination", name, problem)
            return
        self.warning(
            row,
            "destination",
            _("%(name)r was matched to %(place)s (confidence %(score)s); give the P-code if this is wrong.")
            % {"name": name, "place": read.place_label, "score": f"{score:.0%}"},
        )

    def _community_place(self, pk: int) -> tuple[int | None, int]:
        """(register area, community) of a destination given as a community."""
        return (self.register.covering.get(pk), pk)

    def _may_be_destination(self, row: int, field_name: str, text: str, pk: int) -> bool:
        if self.places.levels[pk] >= AdminLevel.SUBDISTRICT:
            return True
        self.problem(
            row,
            field_name,
            text,
            _(
                "%(place)s is a %(level)s: a destination is a register area, a sub-district or a community "
                "(give its name or P-code)"
            )
            % {"place": self.places.labels[pk], "level": AdminLevel(self.places.levels[pk]).label.lower()},
        )
        return False

    def _cargo(self, read: RowRead, values: dict, texts: dict) -> None:
        given = [name for name in CARGO_FIELDS if name in texts]
        if not given:
            return
        missing = [name for name in CARGO_FIELDS if name not in texts]
        for name in missing:
            self.problem(
                read.row,
                name,
                "",
                _("the cargo line has no %(field)s: give sector, item, quantity and unit, or leave all four empty")
                % {"field": FIELDS[name].label},
            )
        if missing or any(name not in values for name in CARGO_FIELDS):
            return
        line = CargoSpec(values["sector"], values["item"], values["quantity"], values["unit"])
        try:
            CargoLine(sector=line.sector, item=line.item, quantity=line.quantity, unit=line.unit).full_clean(
                exclude=["convoy"]
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = name if name in CARGO_FIELDS else "item"
                self.problem(read.row, column, texts.get(name, ""), " ".join(messages).rstrip("."))
            return
        read.cargo = line
