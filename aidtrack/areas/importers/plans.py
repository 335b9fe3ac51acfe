"""Planning each area of a file: its details, its population and parties, and its periods against the register."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from aidtrack.areas.importers import history
from aidtrack.areas.importers.columns import FIELDS
from aidtrack.areas.importers.rows import AreaGroup, Problems, RowPlan
from aidtrack.imports.values import clean


@dataclass
class AreaWrite:
    """What the import writes for one area, in order."""

    name: str
    area_id: int | None
    create: dict | None = None
    details: dict = field(default_factory=dict)
    periods: list = field(default_factory=list)  # (FilePeriod, operation) in start order
    population: tuple | None = None  # (population, date, source)
    rows: int = 0  # the file rows of the area, for progress


class AreaPlanner(Problems):
    """Plans each area's rows: what they change in the register, and what is written for the area."""

    def plan(self, groups: list[AreaGroup], duplicates: list[RowPlan]) -> tuple[list[RowPlan], list[AreaWrite]]:
        plans, writes = list(duplicates), []
        for group in groups:
            row_plans, write = self._plan_group(group)
            plans.extend(row_plans)
            if write is not None:
                writes.append(write)
        plans.sort(key=lambda plan: plan.row)
        return plans, writes

    def _agreed(self, group: AreaGroup, field_name: str, value_of: Callable, shown: Callable = str):
        """The value the area's rows give for one detail (the first given), reporting rows that disagree."""
        first = None
        for row in sorted(group.rows, key=lambda r: r.number):
            value = value_of(row)
            if value is None:
                continue
            if first is None:
                first = (value, row.number)
            elif value != first[0]:
                self.problem(
                    row.number,
                    field_name,
                    shown(value),
                    _("row %(row)s gives %(area)s %(value)r: an area's %(field)s must be the same on all its rows")
                    % {
                        "row": first[1],
                        "area": group.name_en,
                        "value": shown(first[0]),
                        "field": FIELDS[field_name].label,
                    },
                )
        return first

    def _plan_group(self, group: AreaGroup) -> tuple[list[RowPlan], AreaWrite | None]:
        errors_before = len(self.report.errors)
        register = self.register
        notes: dict[int, list[str]] = defaultdict(list)
        name_ar = self._agreed(group, "name_ar", lambda r: r.values.get("name_ar"))
        communities = self._agreed(
            group,
            "community_pcodes",
            lambda r: frozenset(r.communities) or None,
            lambda codes: ";".join(sorted(register.community_label(pk) for pk in codes)),
        )
        point = self._agreed(
            group,
            "latitude",
            lambda r: (
                (round(r.values["latitude"], 6), round(r.values["longitude"], 6))
                if "latitude" in r.values and "longitude" in r.values
                else None
            ),
            lambda p: f"{p[0]}, {p[1]}",
        )
        population = self._population(group)
        parties = self._latest_parties(group)
        periods, outcomes = history.order([row.period for row in group.rows])
        by_row = {outcome.row: outcome for outcome in outcomes}
        if periods:
            stored = register.periods_of.get(group.area_id, []) if group.area_id else []
            by_row.update(history.fit(periods, stored))
        for row in group.rows:
            outcome = by_row.get(row.number)
            if outcome is not None and outcome.operation == history.ERROR:
                value = row.values.get(outcome.field) if outcome.field in row.values else ""
                self.problem(row.number, outcome.field, value, outcome.message)
        write = AreaWrite(group.name_en, group.area_id, rows=len(group.rows))
        if group.area_id is None:
            lead = min(periods, key=lambda p: p.start).row if periods else group.rows[0].number
            write.create = self._creation(group, name_ar, communities, point, population, parties)
            notes[lead].append(self._creation_text(write.create))
            if "latitude" not in write.create:
                self.report.warning(
                    f"row {lead}",
                    _(
                        "%(area)s has no point and no community with one, so it will not be on the map; "
                        "give its latitude and longitude or its community P-codes."
                    )
                    % {"area": group.name_en},
                )
        else:
            self._details(group, write, notes, name_ar, communities, point, parties, population)
        row_plans = self._row_plans(group, by_row, notes)
        if len(self.report.errors) > errors_before:
            return row_plans, None  # shown in the preview; nothing of the area is written
        for period in periods:
            operation = by_row[period.row].operation
            if operation in (history.ADD, history.CHANGE):
                write.periods.append((period, operation))
        return row_plans, write

    def _population(self, group: AreaGroup):
        given = [row for row in group.rows if "population" in row.values]
        if not given:
            return None
        latest = max(given, key=lambda r: (r.values["population_date"], r.number))
        for row in given:
            same_day = row.values["population_date"] == latest.values["population_date"]
            if row is not latest and same_day and row.values["population"] != latest.values["population"]:
                self.problem(
                    row.number,
                    "population",
                    str(row.values["population"]),
                    _("row %(row)s gives %(area)s %(population)s people on the same date: give one estimate per date")
                    % {"row": latest.number, "area": group.name_en, "population": f"{latest.values['population']:,}"},
                )
        source = latest.values.get("population_source") or latest.values["source"]
        return latest.values["population"], latest.values["population_date"], source, latest.number

    def _latest_parties(self, group: AreaGroup):
        given = [row for row in group.rows if row.parties is not None]
        if not given:
            return None
        latest = max(given, key=lambda r: (r.period.start, r.number))
        return frozenset(latest.parties), latest.number

    def _party_names(self, pks) -> str:
        return ", ".join(sorted(self.register.party_labels[pk] for pk in pks)) or "none"

    def _creation(self, group, name_ar, communities, point, population, parties) -> dict:
        fields = {"name_en": group.name_en, "import_key": group.key or None}
        if name_ar:
            fields["name_ar"] = name_ar[0]
        community_ids = sorted(communities[0]) if communities else []
        if point:
            fields["latitude"], fields["longitude"] = point[0]
        else:
            located = [self.register.places[pk][4:6] for pk in community_ids if self.register.places[pk][4] is not None]
            if located:
                fields["latitude"] = round(sum(lat for lat, _ in located) / len(located), 6)
                fields["longitude"] = round(sum(lon for _, lon in located) / len(located), 6)
        if population:
            fields["population"], fields["population_date"], fields["population_source"] = population[:3]
        fields["communities"] = community_ids
        fields["besieging_parties"] = sorted(parties[0]) if parties else []
        return fields

    def _creation_text(self, fields: dict) -> str:
        details = []
        if fields["communities"]:
            details.append(";".join(self.register.community_label(pk) for pk in fields["communities"]))
        if "population" in fields:
            details.append(
                _("%(population)s people on %(date)s")
                % {"population": f"{fields['population']:,}", "date": fields["population_date"]}
            )
        if fields["besieging_parties"]:
            details.append(_("besieged by %(parties)s") % {"parties": self._party_names(fields["besieging_parties"])})
        if "latitude" not in fields:
            details.append(_("no point"))
        name = fields["name_en"]
        if not details:
            return _("new area %(name)s") % {"name": name}
        return _("new area %(name)s (%(details)s)") % {"name": name, "details": "; ".join(details)}

    def _details(self, group, write, notes, name_ar, communities, point, parties, population) -> None:
        """An existing area: fill what it lacks, replace the besieging parties, keep (and say so) what differs."""
        stored = self.register.areas[group.area_id]
        details = write.details
        if name_ar:
            if not stored["name_ar"]:
                details["name_ar"] = name_ar[0]
                notes[name_ar[1]].append(_("adds the Arabic name %(name)s") % {"name": name_ar[0]})
            elif clean(stored["name_ar"]) != name_ar[0]:
                self.warning(
                    name_ar[1],
                    "name_ar",
                    name_ar[0],
                    _(
                        "the register has %(stored)r; kept: an import adds an area's missing details but never "
                        "replaces its names (change it in the admin)"
                    )
                    % {"stored": stored["name_ar"]},
                )
        stored_communities = self.register.communities_of.get(group.area_id, set())
        if communities:
            codes = ";".join(sorted(self.register.community_label(pk) for pk in communities[0]))
            if not stored_communities:
                details["communities"] = sorted(communities[0])
                notes[communities[1]].append(_("adds the communities %(codes)s") % {"codes": codes})
            elif set(communities[0]) != stored_communities:
                stored_codes = ";".join(sorted(self.register.community_label(pk) for pk in stored_communities))
                self.warning(
                    communities[1],
                    "community_pcodes",
                    codes,
                    _(
                        "the register has %(stored)s; kept: an import adds an area's missing details but never "
                        "replaces its communities (change it in the admin)"
                    )
                    % {"stored": stored_codes},
                )
        if point:
            (lat, lon), row = point
            if stored["latitude"] is None:
                details["latitude"], details["longitude"] = lat, lon
                notes[row].append(_("places it at %(latitude)s, %(longitude)s") % {"latitude": lat, "longitude": lon})
            elif abs(stored["latitude"] - lat) > 1e-4 or abs(stored["longitude"] - lon) > 1e-4:
                self.warning(
                    row,
                    "latitude",
                    f"{lat}, {lon}",
                    _(
                        "the register has %(latitude)s, %(longitude)s; kept: an import adds an area's missing details "
                        "but never replaces its point (change it in the admin)"
                    )
                    % {"latitude": stored["latitude"], "longitude": stored["longitude"]},
                )
        if group.key and not stored["import_key"]:
            details["import_key"] = group.key
            notes[group.rows[0].number].append(_("keeps the key %(key)s for later imports") % {"key": group.key})
        if parties is not None:
            stored_parties = self.register.parties_of.get(group.area_id, set())
            if set(parties[0]) != stored_parties:
                details["besieging_parties"] = sorted(parties[0])
                notes[parties[1]].append(
                    _("besieging parties %(before)s → %(after)s")
                    % {"before": self._party_names(stored_parties), "after": self._party_names(parties[0])}
                )
        if population is not None:
            value, day, source, row = population
            if stored["population_date"] and stored["population_date"] > day:
                self.warning(
                    row,
                    "population_date",
                    str(day),
                    _("the register's estimate for %(area)s (%(population)s on %(date)s) is newer; kept")
                    % {
                        "area": group.name_en,
                        "population": f"{stored['population']:,}",
                        "date": stored["population_date"],
                    },
                )
            elif (stored["population"], stored["population_date"]) != (value, day):
                write.population = (value, day, source)
                before = f"{stored['population']:,}" if stored["population"] is not None else _("none")
                notes[row].append(
                    _("population %(before)s → %(after)s on %(date)s")
                    % {"before": before, "after": f"{value:,}", "date": day}
                )

    def _row_plans(self, group: AreaGroup, by_row: dict, notes: dict) -> list[RowPlan]:
        plans = []
        # Details given on a row that only continues another belong to the row it continues.
        for row_number, outcome in by_row.items():
            if outcome.operation in (history.CONTINUES, history.REPEATS) and row_number in notes:
                notes[outcome.of_row].extend(notes.pop(row_number))
        key = group.key or group.name_en
        for row in group.rows:
            outcome = by_row.get(row.number)
            if outcome is None or outcome.operation == history.ERROR:
                continue  # an error row, or a row not fitted because another row of its area is wrong
            period = row.period
            if outcome.operation == history.REPEATS:
                self.report.warning(
                    f"row {row.number}",
                    _("skipped: it gives the same period of %(area)s as row %(row)s.")
                    % {"area": group.name_en, "row": outcome.of_row},
                )
                text = _("%(area)s: same period as row %(row)s") % {"area": group.name_en, "row": outcome.of_row}
                plans.append(RowPlan(row.number, "duplicate", key, group.area_id, text))
                continue
            if outcome.operation == history.CONTINUES:
                self.report.warning(
                    f"row {row.number}",
                    _("skipped: it continues row %(row)s's period (%(status)s) without a change of status.")
                    % {"row": outcome.of_row, "status": history.status_label(period.status)},
                )
                text = _("%(area)s: continues row %(row)s") % {"area": group.name_en, "row": outcome.of_row}
                plans.append(RowPlan(row.number, "duplicate", key, group.area_id, text))
                continue
            if outcome.operation == history.SAME:
                what = _("already recorded: %(period)s") % {"period": outcome.other.text()}
            elif outcome.operation == history.CHANGE:
                ended = outcome.other
                what = (
                    _("%(period)s, ending %(status)s since %(date)s")
                    % {"period": period.text(), "status": history.status_label(ended.status), "date": ended.start}
                    if ended.row is None
                    else period.text()
                )
            else:
                what = period.text() if group.area_id is None else _("adds %(period)s") % {"period": period.text()}
            texts = [*notes.get(row.number, []), what]
            if group.area_id is None:
                action = "create"
            elif outcome.operation in (history.ADD, history.CHANGE) or notes.get(row.number):
                action = "update"
            else:
                action = "unchanged"
            plans.append(RowPlan(row.number, action, key, group.area_id, f"{group.name_en}: {'; '.join(texts)}"))
        return plans
