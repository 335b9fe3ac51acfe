"""Reading rows of an area table and telling which area each is about: the register's, or a new one.

A row names its area by register id, by key, by English (or Arabic) name,
or by the one community it covers, in that order. Rows of an area that is
not in the register are gathered into one new area by the same key, name or
community.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from aidtrack.areas.importers import history
from aidtrack.areas.importers.columns import AREA_FIELDS, FIELDS, LIMITS, split_list
from aidtrack.areas.importers.register import Register
from aidtrack.geo.models import AdminLevel
from aidtrack.imports.report import ImportReport, found_message
from aidtrack.imports.values import ValueProblem, clean, is_missing

REFUSED = object()  # a row whose area could not be told: its problem is reported


@dataclass
class AreaRow:
    """One checked row: its values, its period and the records it names."""

    number: int
    values: dict
    period: history.FilePeriod
    communities: tuple[int, ...] = ()
    parties: tuple[int, ...] | None = None  # None: the row names none


@dataclass
class AreaGroup:
    """The rows of one area, matched in the register (``area_id``) or new."""

    name_en: str
    area_id: int | None = None
    key: str = ""
    rows: list[AreaRow] = field(default_factory=list)


@dataclass
class RowPlan:
    """What one row does: create an area or a period, update an area's history or details, or nothing."""

    row: int
    action: str
    key: str
    area_id: int | None
    text: str

    @property
    def record_id(self) -> int | None:
        return self.area_id

    def describe(self) -> str:
        return self.text


class Problems:
    """Reports problems by row and column, as the row-by-row preview reads them."""

    def __init__(self, *, report: ImportReport, columns: dict, register: Register):
        self.report = report
        self.columns = columns
        self.register = register

    def where(self, row: int, field_name: str) -> str:
        column_name = self.columns.get(field_name, FIELDS[field_name].label if field_name in FIELDS else field_name)
        # Kept in English: the pages read the row number from it, and translate it when they show it.
        return f"row {row}, column {column_name!r}"

    def problem(self, row: int, field_name: str, value, message: str) -> None:
        found = clean(value)
        self.report.error(self.where(row, field_name), found_message(found, message))

    def warning(self, row: int, field_name: str, value, message: str) -> None:
        found = clean(value)
        self.report.warning(self.where(row, field_name), found_message(found, message))


class RowReader(Problems):
    """Reads rows into values and gathers them by area; exact repeats of a row are set aside as duplicates."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen_cells: dict[tuple, int] = {}
        self.groups: list[AreaGroup] = []
        self.existing_groups: dict[int, AreaGroup] = {}
        self.new_by_key: dict[str, AreaGroup] = {}
        self.given_keys: dict[str, int] = {}  # keys this file gives to register areas that have none
        self.new_by_name: dict[str, AreaGroup] = {}
        self.new_by_community: dict[int, AreaGroup] = {}
        self.duplicates: list[RowPlan] = []

    # Reading one row -----------------------------------------------------------------------------------------------

    def read(self, row: int, cells: dict) -> None:
        if all(is_missing(text) for text in cells.values()):
            return
        repeat = tuple(clean(cells[name]) for name in sorted(cells))
        if repeat in self.seen_cells:
            first = self.seen_cells[repeat]
            self.report.warning(f"row {row}", _("skipped: it repeats row %(first)s exactly.") % {"first": first})
            self.duplicates.append(RowPlan(row, "duplicate", "", None, _("repeats row %(first)s") % {"first": first}))
            return
        self.seen_cells[repeat] = row
        errors_before = len(self.report.errors)
        values = {}
        for field_name, text in cells.items():
            if is_missing(text):
                continue
            spec = FIELDS[field_name]
            try:
                values[field_name] = spec.parse(text) if spec.parse else clean(text)
            except ValueProblem as problem:
                self.problem(row, field_name, text, str(problem))
                values[field_name] = None
        for field_name, limit in LIMITS.items():
            if values.get(field_name) and len(values[field_name]) > limit:
                self.problem(
                    row,
                    field_name,
                    values[field_name][:60] + "…",
                    _("longer than %(limit)s characters") % {"limit": limit},
                )
        for field_name, what in (
            ("status", _("the status is missing: every row is one status period of an area")),
            ("start_date", _("the start date is missing: every status period needs one (e.g. 2015-07-01)")),
            (
                "source",
                _(
                    "the source is missing: every status period says where it comes from "
                    "(e.g. OCHA besieged list, October 2016); there is no default"
                ),
            ),
        ):
            if field_name not in values:
                self.problem(row, field_name, "", what)
        start, end = values.get("start_date"), values.get("end_date")
        if start and end and end <= start:
            self.problem(
                row,
                "end_date",
                cells["end_date"],
                _("the end must be after the start (%(start)s); the end is the first day the status no longer applied")
                % {"start": start},
            )
        has_lat, has_lon = "latitude" in values, "longitude" in values
        if has_lat != has_lon:
            missing = "longitude" if has_lat else "latitude"
            what = _("the longitude is missing") if has_lat else _("the latitude is missing")
            self.problem(row, missing, "", _("%(what)s: give both coordinates, or neither") % {"what": what})
        communities = self._communities(row, values.pop("community_pcodes", None))
        parties = self._parties(row, values.pop("besieging_parties", None))
        if "population" in values and "population_date" not in values:
            self.problem(
                row,
                "population_date",
                "",
                _("a population needs the date it was estimated (e.g. 2016-10-31), in a population date column"),
            )
        if not any(values.get(name) for name in AREA_FIELDS) and not communities:
            self.problem(
                row,
                "name_en",
                "",
                _("no area: give its name, its key or id, or the P-code of the community it covers"),
            )
        if len(self.report.errors) > errors_before:
            return
        period = history.FilePeriod(row, values["status"], start, end, values["source"], values.get("note", ""))
        self._assign(AreaRow(row, values, period, communities, parties), cells)

    def _communities(self, row: int, text) -> tuple[int, ...]:
        if not text:
            return ()
        found = []
        for code in split_list(text):
            pk = self.register.by_pcode.get(code.upper())
            if pk is None:
                self.problem(
                    row,
                    "community_pcodes",
                    code,
                    _("no admin area has this P-code (communities look like C2450)"),
                )
            elif self.register.places[pk][1] != AdminLevel.COMMUNITY:
                level = str(AdminLevel(self.register.places[pk][1]).label).split(" (")[0].lower()
                self.problem(
                    row,
                    "community_pcodes",
                    code,
                    _(
                        "%(name)s is a %(level)s, not a community: list the communities (admin 4 P-codes) the area "
                        "covers"
                    )
                    % {"name": self.register.places[pk][2], "level": level},
                )
            elif pk not in found:
                found.append(pk)
        return tuple(found)

    def _parties(self, row: int, text) -> tuple[int, ...] | None:
        if not text:
            return None
        whole = self.register.parties.get(clean(text).casefold())
        if whole is not None:
            return (whole,)
        found = []
        for name in split_list(text):
            pk = self.register.parties.get(name.casefold())
            if pk is None:
                known = self.register.known_parties or _("none are recorded yet")
                self.problem(
                    row,
                    "besieging_parties",
                    name,
                    _("no party has this name or short name (known: %(known)s)") % {"known": known},
                )
            elif pk not in found:
                found.append(pk)
        return tuple(found)

    # Matching rows to areas ----------------------------------------------------------------------------------------

    def _assign(self, row: AreaRow, cells: dict) -> None:
        group = self._existing(row, cells)
        if group is None:
            group = self._new(row, cells)
        if group is not None and group is not REFUSED:
            group.rows.append(row)

    def _existing(self, row: AreaRow, cells: dict):
        """The register's area the row names, None when it names none, or REFUSED after reporting why."""
        register, values = self.register, row.values
        pk, how = None, ""
        if "area_id" in values:
            pk, how = values["area_id"], _("id %(id)s") % {"id": values["area_id"]}
            if pk not in register.areas:
                self.problem(
                    row.number,
                    "area_id",
                    cells["area_id"],
                    _("no area of the register has this id; leave it empty to add a new area"),
                )
                return REFUSED
        key = values.get("import_key", "")
        keyed = register.by_key.get(key) or self.given_keys.get(key) if key else None
        if keyed is not None:
            if pk is not None and keyed != pk:
                self.problem(
                    row.number,
                    "import_key",
                    key,
                    _("this key belongs to %(owner)s, not to the area with id %(id)s (%(area)s)")
                    % {"owner": register.areas[keyed]["name_en"], "id": pk, "area": register.areas[pk]["name_en"]},
                )
                return REFUSED
            pk, how = keyed, how or _("key %(key)s") % {"key": key}
        name = values.get("name_en", "")
        if name and pk is not None and register.areas[pk]["name_en"].casefold() != name.casefold():
            self.problem(
                row.number,
                "name_en",
                name,
                _(
                    "the area with %(how)s is named %(name)r; the import does not rename areas: correct the name or "
                    "the key"
                )
                % {"how": how, "name": register.areas[pk]["name_en"]},
            )
            return REFUSED
        if pk is None and name:
            pk = register.by_name.get(name.casefold())
        if pk is None and not name and values.get("name_ar"):
            pk = register.by_name_ar.get(values["name_ar"])
        if pk is None and not name and len(row.communities) == 1:
            covering = register.covering.get(row.communities[0], [])
            if len(covering) > 1:
                names = ", ".join(sorted(register.areas[a]["name_en"] for a in covering))
                self.problem(
                    row.number,
                    "community_pcodes",
                    cells["community_pcodes"],
                    _("several areas cover this community (%(names)s): give the area's name or id") % {"names": names},
                )
                return REFUSED
            if covering:
                pk = covering[0]
        if pk is None:
            return None
        stored_key = register.areas[pk]["import_key"]
        if key and stored_key and stored_key != key:
            self.problem(
                row.number,
                "import_key",
                key,
                _("%(area)s has the key %(key)r; correct the key, or leave it empty")
                % {"area": register.areas[pk]["name_en"], "key": stored_key},
            )
            return REFUSED
        group = self.existing_groups.get(pk)
        if group is None:
            group = AreaGroup(register.areas[pk]["name_en"], pk, stored_key or "")
            self.existing_groups[pk] = group
            self.groups.append(group)
        if key and not stored_key:
            if group.key and group.key != key:
                self.problem(
                    row.number, "import_key", key, _("another row gives this area the key %(key)r") % {"key": group.key}
                )
                return REFUSED
            if key in self.new_by_key:
                self.problem(
                    row.number,
                    "import_key",
                    key,
                    _("another row gives this key to the new area %(area)s") % {"area": self.new_by_key[key].name_en},
                )
                return REFUSED
            group.key = key
            self.given_keys[key] = pk
        return group

    def _new(self, row: AreaRow, cells: dict) -> AreaGroup | None:
        values = row.values
        key, name = values.get("import_key", ""), values.get("name_en", "")
        single = row.communities[0] if len(row.communities) == 1 else None
        group = self.new_by_key.get(key) if key else None
        if group is None and name:
            group = self.new_by_name.get(name.casefold())
        if group is None and not name and single is not None:
            group = self.new_by_community.get(single)
        if group is not None:
            if key and group.key and key != group.key:
                self.problem(
                    row.number,
                    "import_key",
                    key,
                    _("another row gives the new area %(area)s the key %(key)r")
                    % {"area": group.name_en, "key": group.key},
                )
                return None
            if name and name.casefold() != group.name_en.casefold():
                self.problem(
                    row.number,
                    "name_en",
                    name,
                    _("another row with this key names the area %(area)r") % {"area": group.name_en},
                )
                return None
            if key and not group.key:
                group.key = key
                self.new_by_key[key] = group
            for community in row.communities:
                self.new_by_community.setdefault(community, group)
            return group
        if not name and single is not None:
            name = self.register.places[single][2]
            if name.casefold() in self.register.by_name:
                self.problem(
                    row.number,
                    "community_pcodes",
                    cells["community_pcodes"],
                    _(
                        "no area covers this community, and the area named %(name)r (the community's name) covers "
                        "others: give the area's name or id"
                    )
                    % {"name": name},
                )
                return None
        if not name:
            self.problem(
                row.number,
                "name_en",
                "",
                _("no area of the register matches this row, and a new area needs its English name"),
            )
            return None
        group = AreaGroup(name, key=key)
        self.groups.append(group)
        if key:
            self.new_by_key[key] = group
        self.new_by_name[name.casefold()] = group
        for community in row.communities:
            self.new_by_community.setdefault(community, group)
        return group
