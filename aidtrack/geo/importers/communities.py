"""Importing community lists (admin 4 points) and, when present, their access status into the register.

OCHA's community list gives one row per location. A few cities divided by
front lines appear as several rows sharing one community P-code ("Aleppo
city (eastern)", besieged; "Aleppo city (western)", accessible). Such rows
are kept as parts: the community (one admin area) gets the P-code, and each
part with an access status of its own becomes its own register area.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from aidtrack.geo.geometry import point_geojson
from aidtrack.geo.models import AdminArea, AdminLevel, pcode_validator
from aidtrack.geo.placement import NO_MATCH, placement_index
from aidtrack.geo.state import mark_geodata_changed
from aidtrack.imports.columns import find_column, normalise, parse_mapping, pcode_names
from aidtrack.imports.report import ImportFailed, ImportReport
from aidtrack.imports.runs import no_progress
from aidtrack.imports.sources import open_source
from aidtrack.imports.tables import MISSING, Table, read_table, refuse_long_table

# How often the long stages report progress: every this many rows read and checked, and communities written.
CHECK_EVERY = 250
WRITE_EVERY = 500

MAPPABLE_FIELDS = {"pcode", "name_en", "name_ar", "latitude", "longitude", "population", "parent_pcode", "status"}

COLUMNS = {
    "pcode": (
        {"admin4pcode", "adm4pcode", "admin4code", "adm4code", "pcode", "communitypcode", "locationpcode"},
        [("#adm4", {"code"}, set()), ("#loc", {"code"}, set())],
    ),
    "name_en": (
        {"admin4nameen", "adm4en", "adm4nameen", "admin4name", "location", "locationname", "name", "nameen"},
        [("#adm4", {"name"}, {"i_ar"}), ("#loc", {"name"}, {"i_ar"})],
    ),
    "name_ar": (
        {"admin4namear", "adm4ar", "adm4namear", "namear", "locationnamear"},
        [("#adm4", {"name", "i_ar"}, set()), ("#loc", {"name", "i_ar"}, set())],
    ),
    "latitude": ({"latitude", "lat", "y", "latdd"}, [("#geo", {"lat"}, set())]),
    "longitude": ({"longitude", "lon", "long", "lng", "x", "londd"}, [("#geo", {"lon"}, set())]),
    "parent_pcode": (pcode_names(3), [("#adm3", {"code"}, set())]),
    "status": (
        {"accessstatus", "access", "status", "accesscategory"},
        [("#access", set(), set()), ("#status", set(), set())],
    ),
}


@dataclass
class Row:
    number: int
    pcode: str
    name_en: str
    name_ar: str = ""
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    parent_pcode: str | None = None
    status: str | None = None

    @property
    def where(self) -> str:
        return _("row %(row)s") % {"row": self.number}


@dataclass
class Community:
    """One P-code's rows: usually one; several for a divided city."""

    pcode: str
    rows: list[Row] = field(default_factory=list)

    @property
    def main(self) -> Row:
        plain = [row for row in self.rows if "(" not in row.name_en]
        return plain[0] if plain else self.rows[0]

    @property
    def name_en(self) -> str:
        if len(self.rows) == 1 or "(" not in self.main.name_en:
            return self.main.name_en
        return self.main.name_en.split("(")[0].strip() or self.main.name_en

    @property
    def population(self) -> int | None:
        known = [row.population for row in self.rows if row.population is not None]
        return sum(known) if known else None


def _number(text: str):
    text = text.strip().replace("\u066b", ".")
    if text.lower() in MISSING:
        return None
    return float(text)


def _columns(table: Table, mapping: dict, display: str) -> dict[str, str | None]:
    found = {}
    for name, (names, hashtags) in COLUMNS.items():
        found[name] = find_column(table.hashtags, names, hashtags=hashtags, explicit=mapping.get(name), what=name)
    population = mapping.get("population")
    if population:
        found["population"] = find_column(table.hashtags, set(), explicit=population, what="population")
    else:
        found["population"] = next(
            (c for c in table.frame.columns if normalise(c).startswith("pop") and "density" not in normalise(c)),
            None,
        ) or find_column(table.hashtags, set(), hashtags=[("#population", set(), set())])
    columns = ", ".join(table.frame.columns)
    if found["pcode"] is None:
        raise ImportFailed(
            _(
                "%(file)s: no community P-code column (looked for Admin4Pcode, ADM4_PCODE, pcode, #adm4+code). "
                "Its columns are: %(columns)s. Name it with --map pcode=COLUMN."
            )
            % {"file": display, "columns": columns}
        )
    if found["name_en"] is None:
        raise ImportFailed(
            _("%(file)s: no name column (e.g. Admin4Name_En, Location). Its columns are: %(columns)s.")
            % {"file": display, "columns": columns}
        )
    if (found["latitude"] is None) != (found["longitude"] is None):
        raise ImportFailed(
            _("%(file)s: it has a latitude or a longitude column, not both. Its columns are: %(columns)s.")
            % {"file": display, "columns": columns}
        )
    return found


def _parse_rows(table: Table, columns: dict, report: ImportReport, register=None, checked=None) -> list[Row]:
    """The table's rows, read and checked; ``checked(n)`` hears every ``CHECK_EVERY`` rows."""
    rows = []
    frame = table.frame
    get = {name: (frame[column].tolist() if column else None) for name, column in columns.items()}
    for index in range(len(frame)):
        if checked is not None and index and index % CHECK_EVERY == 0:
            checked(index)
        number = table.row_number(index)

        def cell(name, index=index):
            values = get[name]
            return str(values[index]).strip() if values is not None else ""

        pcode = cell("pcode").upper()
        where = _("row %(row)s") % {"row": number}
        if not pcode:
            report.error(where, _("has no P-code (column %(column)s).") % {"column": columns["pcode"]})
            continue
        try:
            pcode_validator(pcode)
        except ValidationError:
            report.error(where, _("%(pcode)r is not a P-code (letters then digits, e.g. C2450).") % {"pcode": pcode})
            continue
        row = Row(number=number, pcode=pcode, name_en=cell("name_en")[:200], name_ar=cell("name_ar")[:200])
        if not row.name_en:
            report.error(where, _("has no name (column %(column)s).") % {"column": columns["name_en"]}, pcode)
        if columns["latitude"]:
            try:
                lat, lon = _number(cell("latitude")), _number(cell("longitude"))
            except ValueError:
                report.error(
                    where,
                    _("coordinates %(latitude)r, %(longitude)r are not decimal degrees.")
                    % {"latitude": cell("latitude"), "longitude": cell("longitude")},
                    pcode,
                )
                continue
            if (lat is None) != (lon is None):
                report.error(where, _("has a latitude or a longitude, not both."), pcode)
            elif lat is not None:
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    if -90 <= lon <= 90 and -180 <= lat <= 180:
                        message = _(
                            "latitude %(latitude)s / longitude %(longitude)s are out of range. They look swapped."
                        )
                    else:
                        message = _("latitude %(latitude)s / longitude %(longitude)s are out of range.")
                    report.error(where, message % {"latitude": lat, "longitude": lon}, pcode)
                    continue
                row.latitude, row.longitude = lat, lon
            else:
                report.warning(where, _("has no coordinates; the community is stored without a point."), pcode)
        if columns["population"]:
            try:
                value = _number(cell("population").replace(",", ""))
            except ValueError:
                report.error(where, _("population %(value)r is not a number.") % {"value": cell("population")}, pcode)
                continue
            if value is not None:
                if value < 0:
                    report.error(where, _("population %(value)s is negative.") % {"value": f"{value:g}"}, pcode)
                    continue
                row.population = round(value)
        if columns["parent_pcode"]:
            row.parent_pcode = cell("parent_pcode").upper() or None
        if columns["status"] and register is not None:
            text = cell("status")
            if text:
                row.status = register.status_of(text)
                if row.status is None:
                    report.error(
                        where,
                        _(
                            "access status %(status)r is not one aidtrack knows: use Besieged, Military Encircled, "
                            "HTR (hard to reach) or Accessible, in English or Arabic."
                        )
                        % {"status": text},
                        pcode,
                    )
        rows.append(row)
    return rows


def _group(rows: list[Row], report: ImportReport) -> dict[str, Community]:
    communities: dict[str, Community] = {}
    for row in rows:
        community = communities.setdefault(row.pcode, Community(row.pcode))
        twin = next((other for other in community.rows if other.name_en.lower() == row.name_en.lower()), None)
        if twin is not None:
            report.error(
                row.where,
                _(
                    "repeats row %(row)s (same P-code and name %(name)r). P-codes must be unique; "
                    "remove the duplicate, or give each part of a divided community its own name."
                )
                % {"row": twin.number, "name": row.name_en},
                row.pcode,
            )
            continue
        community.rows.append(row)
    parts = {pcode: c for pcode, c in communities.items() if len(c.rows) > 1}
    if parts:
        listing = "; ".join(
            _("%(pcode)s (%(count)s parts)") % {"pcode": pcode, "count": len(c.rows)}
            for pcode, c in sorted(parts.items())
        )
        report.notes.append(
            _(
                "%(count)s rows share a P-code with another row; each is kept as a part of one community, and parts "
                "with an access status become register areas: %(listing)s."
            )
            % {"count": sum(len(c.rows) for c in parts.values()), "listing": listing}
        )
    return communities


def _check_places(communities: dict[str, Community], known: dict, report: ImportReport):
    """Place every point; report swapped axes, points outside boundaries and points outside their sub-district."""
    rows = [row for c in communities.values() for row in c.rows if row.latitude is not None]
    index = placement_index()
    if not rows or not index.has_boundaries:
        if rows:
            report.warning("file", _("no admin boundaries are loaded, so points were not checked against them."))
        return {}
    lats = np.array([r.latitude for r in rows])
    lons = np.array([r.longitude for r in rows])
    placed = index.place_many(lats, lons)
    finest = np.where(
        placed.admin3_ids != NO_MATCH,
        placed.admin3_ids,
        np.where(placed.admin2_ids != NO_MATCH, placed.admin2_ids, placed.admin1_ids),
    )
    outside = list(placed.problems)
    if outside:
        swapped = index.place_many(lons[outside], lats[outside])
        swapped_rows = [outside[i] for i in range(len(outside)) if swapped.admin1_ids[i] != NO_MATCH]
        if len(swapped_rows) > len(rows) / 2:
            example = rows[swapped_rows[0]]
            raise ImportFailed(
                _(
                    "Latitude and longitude look swapped in %(swapped)s of %(rows)s rows (e.g. "
                    "%(where)s: %(latitude)s, %(longitude)s lies outside every boundary, but "
                    "swapped it lies inside). Swap the two column names (or use --map latitude=... "
                    "--map longitude=...) and import again."
                )
                % {
                    "swapped": len(swapped_rows),
                    "rows": len(rows),
                    "where": example.where,
                    "latitude": example.latitude,
                    "longitude": example.longitude,
                },
                report,
            )
        for i in outside:
            row = rows[i]
            if i in swapped_rows:
                report.error(
                    row.where,
                    _(
                        "latitude %(latitude)s and longitude %(longitude)s look swapped: swapped, the point lies "
                        "inside the boundaries. Correct the row."
                    )
                    % {"latitude": row.latitude, "longitude": row.longitude},
                    row.pcode,
                )
            else:
                report.warning(row.where, placed.problems[i], row.pcode)
                if row.parent_pcode:
                    report.counts["points outside their stated area"] += 1
    finest_of = {}
    for i, row in enumerate(rows):
        finest_of[row.number] = int(finest[i])
        parent = known.get(row.parent_pcode) if row.parent_pcode else None
        if parent is None or finest[i] == NO_MATCH:
            continue
        at_parent_level = int(index.ancestor[parent["level"]][finest[i]]) if parent["level"] in index.ancestor else -1
        if at_parent_level not in (NO_MATCH, parent["pk"]):
            landed = index.areas[at_parent_level]
            report.warning(
                row.where,
                _(
                    "%(name)s: the point lies in %(landed)s (%(landed_pcode)s), not in its stated %(level)s "
                    "%(parent)s (%(parent_pcode)s). Kept under the stated one; check the coordinates or the P-code."
                )
                % {
                    "name": row.name_en,
                    "landed": landed.name_en,
                    "landed_pcode": landed.pcode,
                    "level": AdminLevel(parent["level"]).label.split(" (")[0].lower(),
                    "parent": parent["name_en"],
                    "parent_pcode": row.parent_pcode,
                },
                row.pcode,
            )
            report.counts["points outside their stated area"] += 1
    return finest_of


def import_communities(
    path_or_url: str,
    *,
    mapping: list[str] | dict | None = None,
    sheet: str | None = None,
    as_of: datetime.date | None = None,
    source_label: str = "",
    population_year: int | None = None,
    organization=None,
    ignore_status: bool = False,
    dry_run: bool = False,
    by=None,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    register=None,
    progress: Callable[[str, int], None] | None = None,
    display: str | None = None,
) -> ImportReport:
    """Load or update communities from a table; all or nothing. Raises ImportFailed on bad input.

    ``register`` reads an access-status column into the besieged-areas register: it is given by the areas app
    (``areas.importers.communities``), which owns the register, so geo imports nothing above it. Without it,
    or with ``ignore_status``, the communities are loaded and the register left alone. ``progress(stage,
    rows)`` (see ``imports.runs.run_progress``) hears how many rows there are, how many are checked and how many
    communities are written, as it goes (every ``CHECK_EVERY`` rows and ``WRITE_EVERY`` communities).
    ``max_rows`` refuses a longer list (an upload from the staff page is bounded so).
    """
    progress = progress or no_progress
    shown = display or path_or_url  # how messages name the file: an upload by its own name, not where it waits
    mapping = mapping if isinstance(mapping, dict) else parse_mapping(mapping, MAPPABLE_FIELDS)
    report = ImportReport(source=shown, dry_run=dry_run)
    with open_source(path_or_url, max_bytes=max_bytes) as source:
        table = read_table(source.path, shown, sheet=sheet)
    refuse_long_table(table, shown, max_rows, "import_communities")
    progress("counted", len(table.frame))
    columns = _columns(table, mapping, shown)
    if ignore_status or register is None:
        if columns["status"] and not ignore_status:
            report.notes.append(
                _("The column %(column)r (access status) was not read into the register.")
                % {"column": columns["status"]}
            )
        columns["status"] = None
    if table.encoding == "windows-1256":
        report.notes.append(_("%(file)s was read as Windows-1256 (Arabic) text.") % {"file": shown})
    rows = _parse_rows(table, columns, report, register, checked=lambda count: progress("checked", count))
    communities = _group(rows, report)
    label = source_label or shown.rsplit("/", 1)[-1]
    if population_year is None and columns["population"]:
        years = re.findall(r"(19\d\d|20\d\d)", columns["population"])
        population_year = int(years[0]) if years else (as_of.year if as_of else None)

    parents = {row.parent_pcode for c in communities.values() for row in c.rows if row.parent_pcode}
    known = {
        pcode: {"pk": pk, "level": level, "name_en": name}
        for pcode, pk, level, name in AdminArea.objects.filter(pcode__in=parents).values_list(
            "pcode", "pk", "level", "name_en"
        )
    }
    for community in communities.values():
        for row in community.rows:
            if row.parent_pcode and row.parent_pcode not in known:
                report.error(
                    row.where,
                    _(
                        "its admin area %(pcode)s is not loaded. Import the boundaries first "
                        "(manage.py import_boundaries), or correct the code."
                    )
                    % {"pcode": row.parent_pcode},
                    row.pcode,
                )
            elif row.parent_pcode and known[row.parent_pcode]["level"] >= AdminLevel.COMMUNITY:
                report.error(
                    row.where,
                    _("its admin area %(pcode)s is itself a community.") % {"pcode": row.parent_pcode},
                    row.pcode,
                )
    finest_of = _check_places(communities, known, report)

    existing = {
        area.pcode: area for area in AdminArea.objects.filter(pcode__in=list(communities)).select_related("parent")
    }
    for pcode, area in existing.items():
        if area.level != AdminLevel.COMMUNITY:
            report.error(
                communities[pcode].rows[0].where,
                _("%(pcode)s is already a level-%(level)s admin area (%(name)s), not a community.")
                % {"pcode": pcode, "level": area.level, "name": area.name_en},
                pcode,
            )

    plan = _plan_communities(communities, existing, known, finest_of, label, population_year, report)
    changes = None
    has_status = any(row.status for c in communities.values() for row in c.rows)
    if has_status:
        if as_of is None or not source_label:
            raise ImportFailed(
                _(
                    "%(file)s has access statuses, which open and close periods in the besieged-areas register: "
                    'say from when and on whose authority with --as-of YYYY-MM-DD --source "OCHA HNO 2017" '
                    "(or pass --no-status to load only the communities)."
                )
                % {"file": shown},
                report,
            )
        try:
            register.check(by=by, organization=organization)
        except PermissionDenied as error:
            raise ImportFailed(
                _(
                    "%(error)s Register changes need --user (a site administrator) or --organization with a user "
                    "who reports for it."
                )
                % {"error": error},
                report,
            ) from error
        changes = register.plan(communities, as_of=as_of, source=source_label, report=report)
    progress("checked", len(table.frame))
    if report.errors:
        raise ImportFailed(
            _("%(file)s: %(count)s problem(s) must be fixed; nothing was written.")
            % {"file": shown, "count": len(report.errors)},
            report,
        )
    if dry_run:
        return report
    _write(
        plan,
        register,
        changes,
        as_of=as_of,
        source=source_label,
        organization=organization,
        by=by,
        label=label,
        progress=progress,
    )
    return report


@dataclass
class CommunityPlan:
    new: list[AdminArea]
    changed: list[AdminArea]


def _plan_communities(communities, existing, known, finest_of, label, population_year, report) -> CommunityPlan:
    new, changed = [], []
    for pcode, community in communities.items():
        main = community.main
        parent_pk = known[main.parent_pcode]["pk"] if main.parent_pcode in known else None
        if parent_pk is None and main.latitude is not None:
            parent_pk = finest_of.get(main.number, NO_MATCH)
            parent_pk = None if parent_pk == NO_MATCH else parent_pk
        geometry = point_geojson(main.longitude, main.latitude) if main.latitude is not None else None
        values = {
            "name_en": community.name_en,
            "name_ar": main.name_ar,
            "parent_id": parent_pk,
            "geometry": geometry,
            "population": community.population,
            "population_year": population_year if community.population is not None else None,
            "population_source": label if community.population is not None else "",
            "source": label,
        }
        area = existing.get(pcode)
        if area is None:
            area = AdminArea(pcode=pcode, level=AdminLevel.COMMUNITY, **values)
            new.append(area)
        elif all(getattr(area, key) == value for key, value in values.items()):
            report.counts["communities unchanged"] += 1
            continue
        else:
            for key, value in values.items():
                setattr(area, key, value)
            changed.append(area)
        area.refresh_footprint()
    report.counts["communities added"] = len(new)
    report.counts["communities updated"] = len(changed)
    return CommunityPlan(new, changed)


@transaction.atomic
def _write(plan: CommunityPlan, register, changes, *, as_of, source, organization, by, label, progress) -> None:
    """Write the communities, then the register's changes; ``progress("written", n)`` hears every
    ``WRITE_EVERY`` communities, then the register's changes as it makes them."""
    reason = _("Imported from %(source)s") % {"source": label}
    now = timezone.now()
    # What the writing counts: the communities written, then the register's changes, one bar for both.
    progress("counted", len(plan.new) + len(plan.changed) + len(changes or []))
    written = 0
    progress("written", written)
    for start in range(0, len(plan.new), WRITE_EVERY):
        chunk = plan.new[start : start + WRITE_EVERY]
        bulk_create_with_history(chunk, AdminArea, batch_size=1000, default_user=by, default_change_reason=reason)
        written += len(chunk)
        progress("written", written)
    for area in plan.changed:
        area.updated_at = now
    for start in range(0, len(plan.changed), WRITE_EVERY):
        chunk = plan.changed[start : start + WRITE_EVERY]
        bulk_update_with_history(
            chunk,
            AdminArea,
            [
                "name_en",
                "name_ar",
                "parent",
                "geometry",
                "population",
                "population_year",
                "population_source",
                "source",
                *AdminArea.FOOTPRINT_FIELDS,
                "updated_at",
            ],
            batch_size=1000,
            default_user=by,
            default_change_reason=reason,
        )
        written += len(chunk)
        progress("written", written)
    if plan.new or plan.changed:
        mark_geodata_changed()
    if changes:
        try:
            register.write(
                changes,
                as_of=as_of,
                source=source,
                organization=organization,
                by=by,
                progress=lambda done: progress("written", written + done),
            )
            progress("written", written + len(changes))
        except (ValidationError, PermissionDenied) as error:
            raise ImportFailed(
                _("%(reason)s Nothing was written.") % {"reason": "; ".join(getattr(error, "messages", [str(error)]))}
            ) from error
