"""Importing OCHA COD administrative boundaries (admin 0-3 polygons) with their P-codes."""

import json
from collections.abc import Callable
from dataclasses import dataclass

import shapely
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from aidtrack.geo.importers.vector import Layer, read_layers
from aidtrack.geo.models import AdminArea, AdminLevel, pcode_validator
from aidtrack.geo.state import mark_geodata_changed
from aidtrack.imports.columns import find_column, name_ar_names, name_en_names, parse_mapping, pcode_names
from aidtrack.imports.report import ImportFailed, ImportReport
from aidtrack.imports.runs import no_progress
from aidtrack.imports.sources import open_source

MAPPABLE_FIELDS = {"pcode", "name_en", "name_ar", "parent_pcode"}
WGS84 = "EPSG:4326"
# How often a long stage reports its progress: every this many features checked (each may be repaired) and
# written (each carries its polygon and a history row), so a run of 272 sub-districts moves as it goes.
CHECK_EVERY = 25
WRITE_EVERY = 50


@dataclass
class Boundary:
    """One feature of the input, cleaned and ready to compare with the database."""

    where: str
    level: int
    pcode: str
    name_en: str
    name_ar: str
    parent_pcode: str | None
    geometry: dict


def _text(value) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    return "" if text.lower() in {"nan", "none", "null"} else text


def detect_level(columns) -> int | None:
    """The finest admin level whose P-code column the layer has."""
    for level in range(3, -1, -1):
        if find_column(columns, pcode_names(level)):
            return level
    return None


def _polygonal(geometry) -> shapely.Geometry | None:
    parts = [part for part in shapely.get_parts(geometry) if part.geom_type in {"Polygon", "MultiPolygon"}]
    polygons = [p for part in parts for p in (shapely.get_parts(part) if part.geom_type == "MultiPolygon" else [part])]
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _prepare_layer(
    layer: Layer, *, level: int | None, mapping: dict, crs: str | None, report: ImportReport, checked=None
):
    """The layer's features as Boundaries; ``checked(n)`` hears every ``CHECK_EVERY`` features prepared."""
    checked = checked or (lambda count: None)
    frame = layer.frame
    if frame.empty:
        report.error(layer.name, _("has no features. Is this the right file or layer?"))
        return []
    columns = {column: None for column in frame.columns if column != frame.geometry.name}
    level = level if level is not None else detect_level(columns)
    if level is None and "pcode" not in mapping:
        raise ImportFailed(
            _(
                "%(layer)s: no P-code column found (looked for ADM0_PCODE..ADM3_PCODE, admin1Pcode, Admin1_Pcode "
                "and similar). Its columns are: %(columns)s. "
                "Say which column holds the P-codes and the level, e.g. --level 2 --map pcode=DIST_CODE."
            )
            % {"layer": layer.name, "columns": ", ".join(map(str, columns))}
        )
    if level is None:
        raise ImportFailed(
            _("%(layer)s: say which admin level this layer is with --level N (0-3).") % {"layer": layer.name}
        )
    if not 0 <= level <= 3:
        raise ImportFailed(
            _("--level %(level)s: boundaries are levels 0 to 3; communities (4) use import_communities.")
            % {"level": level}
        )
    pcode_column = find_column(columns, pcode_names(level), explicit=mapping.get("pcode"), what="pcode")
    if pcode_column is None:
        raise ImportFailed(
            _(
                "%(layer)s: no level-%(level)s P-code column (e.g. ADM%(level)s_PCODE). Its columns are: "
                "%(columns)s. Name it with --map pcode=COLUMN."
            )
            % {"layer": layer.name, "level": level, "columns": ", ".join(map(str, columns))}
        )
    name_column = find_column(columns, name_en_names(level), explicit=mapping.get("name_en"), what="name_en")
    if name_column is None:
        raise ImportFailed(
            _(
                "%(layer)s: no English name column (e.g. ADM%(level)s_EN). Its columns are: "
                "%(columns)s. Name it with --map name_en=COLUMN."
            )
            % {"layer": layer.name, "level": level, "columns": ", ".join(map(str, columns))}
        )
    arabic_column = find_column(columns, name_ar_names(level), explicit=mapping.get("name_ar"), what="name_ar")
    parent_column = None
    if level > 0:
        parent_column = find_column(
            columns, pcode_names(level - 1), explicit=mapping.get("parent_pcode"), what="parent_pcode"
        )

    if frame.crs is None:
        if not crs:
            raise ImportFailed(
                _(
                    "%(layer)s has no coordinate reference system (a shapefile without its .prj file?). "
                    "Add the .prj, or say what the coordinates are with --crs, e.g. --crs EPSG:4326."
                )
                % {"layer": layer.name}
            )
        frame = frame.set_crs(crs)
    if not frame.crs.equals(WGS84):
        report.notes.append(
            _("%(layer)s: reprojected from %(crs)s to WGS 84.") % {"layer": layer.name, "crs": frame.crs.to_string()}
        )
        frame = frame.to_crs(WGS84)
    min_x, min_y, max_x, max_y = frame.total_bounds
    if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
        raise ImportFailed(
            _(
                "%(layer)s: after reprojection the coordinates span %(bounds)s, "
                "which is not longitude/latitude. The file's CRS is probably wrong; fix its .prj or pass --crs."
            )
            % {"layer": layer.name, "bounds": frame.total_bounds.round(1).tolist()}
        )

    boundaries = []
    records = frame.drop(columns=frame.geometry.name).to_dict("records")
    for number, (record, geometry) in enumerate(zip(records, frame.geometry, strict=True), 1):
        if number % CHECK_EVERY == 0:
            checked(number)
        pcode = _text(record.get(pcode_column)).upper()
        where = _("%(layer)s, feature %(number)s") % {"layer": layer.name, "number": number}
        if not pcode:
            report.error(
                where, _("has no P-code in column %(column)s; every area needs one.") % {"column": pcode_column}
            )
            continue
        try:
            pcode_validator(pcode)
        except Exception:
            report.error(
                where, _("%(pcode)r is not a P-code (letters then digits, e.g. SY0301).") % {"pcode": pcode}, pcode
            )
            continue
        name_en = _text(record.get(name_column))
        if not name_en:
            report.error(where, _("has no English name in column %(column)s.") % {"column": name_column}, pcode)
        if geometry is None or geometry.is_empty:
            report.error(where, _("has no geometry."), pcode)
            continue
        if geometry.geom_type not in {"Polygon", "MultiPolygon"}:
            if geometry.geom_type == "GeometryCollection" and _polygonal(geometry) is not None:
                geometry = _polygonal(geometry)
            else:
                report.error(
                    where, _("is a %(type)s; admin boundaries must be polygons.") % {"type": geometry.geom_type}, pcode
                )
                continue
        if not geometry.is_valid:
            reason = shapely.is_valid_reason(geometry)
            repaired = _polygonal(shapely.make_valid(geometry))
            if repaired is None or repaired.is_empty or not repaired.is_valid:
                report.error(
                    where,
                    _("has an invalid geometry (%(reason)s) that could not be repaired.") % {"reason": reason},
                    pcode,
                )
                continue
            report.warning(where, _("invalid geometry (%(reason)s) repaired.") % {"reason": reason}, pcode)
            geometry = repaired
        parent_pcode = _text(record.get(parent_column)).upper() if parent_column else None
        boundaries.append(
            Boundary(
                where=where,
                level=level,
                pcode=pcode,
                name_en=name_en[:200],
                name_ar=_text(record.get(arabic_column))[:200] if arabic_column else "",
                parent_pcode=parent_pcode or None,
                geometry=json.loads(shapely.to_geojson(geometry)),
            )
        )
    return boundaries


def _check_duplicates(boundaries: list[Boundary], report: ImportReport) -> None:
    first_seen: dict[str, Boundary] = {}
    for boundary in boundaries:
        earlier = first_seen.setdefault(boundary.pcode, boundary)
        if earlier is not boundary:
            report.error(
                boundary.where,
                _("repeats the P-code of %(where)s. P-codes must be unique: fix or remove one of them.")
                % {"where": earlier.where},
                boundary.pcode,
            )


def _resolve_parents(boundaries: list[Boundary], existing: dict[str, tuple[int, int]], report: ImportReport):
    """Check every parent is a known area one level up (in the database or in this import)."""
    levels = {pcode: level for pcode, (_, level) in existing.items()}
    levels.update({b.pcode: b.level for b in boundaries})
    has_country = any(level == 0 for level in levels.values())
    for boundary in boundaries:
        if boundary.level == 0:
            boundary.parent_pcode = None
            continue
        if boundary.level == 1 and not has_country:
            # Governorates may come before the country outline; they are linked when it is imported.
            note = "No country (admin 0) is loaded yet: governorates are linked to it when both are imported."
            if boundary.parent_pcode and note not in report.notes:
                report.notes.append(note)
            boundary.parent_pcode = None
            continue
        if boundary.parent_pcode is None:
            # No parent column: OCHA P-codes nest, so the parent is the
            # longest known P-code one level up that prefixes this one.
            candidates = [
                code
                for code, level in levels.items()
                if level == boundary.level - 1 and boundary.pcode.startswith(code) and code != boundary.pcode
            ]
            if candidates:
                boundary.parent_pcode = max(candidates, key=len)
            else:
                report.error(
                    boundary.where,
                    _(
                        "has no parent P-code column and no known level-%(level)s area prefixes its P-code. "
                        "Import level %(level)s first, or name the parent column with --map parent_pcode=COLUMN."
                    )
                    % {"level": boundary.level - 1},
                    boundary.pcode,
                )
            continue
        parent_level = levels.get(boundary.parent_pcode)
        if parent_level is None:
            report.error(
                boundary.where,
                _(
                    "its parent P-code %(pcode)s is not a known area. Import level "
                    "%(level)s first (or the GeoPackage with all levels), or correct the code."
                )
                % {"pcode": boundary.parent_pcode, "level": boundary.level - 1},
                boundary.pcode,
            )
        elif parent_level >= boundary.level:
            report.error(
                boundary.where,
                _("its parent %(pcode)s is a level-%(level)s area, not one level up.")
                % {"pcode": boundary.parent_pcode, "level": parent_level},
                boundary.pcode,
            )


def import_boundaries(
    path_or_url: str,
    *,
    level: int | None = None,
    layer: str | None = None,
    mapping: list[str] | dict | None = None,
    crs: str | None = None,
    source_label: str = "",
    dry_run: bool = False,
    by=None,
    max_bytes: int | None = None,
    max_features: int | None = None,
    progress: Callable[[str, int], None] | None = None,
    display: str | None = None,
) -> ImportReport:
    """Load or update admin areas from a COD-AB layer; all or nothing. Raises ImportFailed on bad input.

    ``progress(stage, features)`` (see ``imports.runs.run_progress``) hears how many features there are, how
    many are checked and how many written, as it goes (every ``CHECK_EVERY`` and ``WRITE_EVERY`` features).
    ``max_features`` refuses a file with more (an upload from the staff page is bounded so).
    """
    progress = progress or no_progress
    shown = display or path_or_url  # how messages name the file: an upload by its own name, not where it waits
    mapping = mapping if isinstance(mapping, dict) else parse_mapping(mapping, MAPPABLE_FIELDS)
    report = ImportReport(source=shown, dry_run=dry_run)
    with open_source(path_or_url, max_bytes=max_bytes) as source:
        layers = read_layers(source.path, shown, layer=layer, max_features=max_features)
        if level is not None and len(layers) > 1:
            raise ImportFailed(
                _(
                    "%(file)s has %(count)s layers (%(layers)s); --level applies to "
                    "one layer. Choose it with --layer NAME, or leave out --level to import every layer."
                )
                % {"file": shown, "count": len(layers), "layers": ", ".join(x.name for x in layers)}
            )
        progress("counted", sum(len(one.frame) for one in layers))
        boundaries, done = [], 0
        for one in layers:
            boundaries += _prepare_layer(
                one,
                level=level,
                mapping=mapping,
                crs=crs,
                report=report,
                checked=lambda count, done=done: progress("checked", done + count),
            )
            done += len(one.frame)
    if not boundaries and not report.errors:
        raise ImportFailed(_("%(file)s holds no features to import.") % {"file": shown}, report)
    boundaries.sort(key=lambda b: b.level)
    _check_duplicates(boundaries, report)

    pcodes = {b.pcode for b in boundaries} | {b.parent_pcode for b in boundaries if b.parent_pcode}
    levels_in_file = {b.level for b in boundaries}
    existing = {
        pcode: (pk, lvl)
        for pcode, pk, lvl in AdminArea.objects.filter(level__in={lvl - 1 for lvl in levels_in_file} | levels_in_file)
        .values_list("pcode", "pk", "level")
        .iterator()
    }
    existing.update(
        {
            pcode: (pk, lvl)
            for pcode, pk, lvl in AdminArea.objects.filter(pcode__in=pcodes).values_list("pcode", "pk", "level")
        }
    )
    for boundary in boundaries:
        if boundary.pcode in existing and existing[boundary.pcode][1] != boundary.level:
            report.error(
                boundary.where,
                _(
                    "%(pcode)s already exists as a level-%(existing)s area, "
                    "not level %(level)s. Check the P-code or the --level."
                )
                % {"pcode": boundary.pcode, "existing": existing[boundary.pcode][1], "level": boundary.level},
                boundary.pcode,
            )
    _resolve_parents(boundaries, existing, report)

    label = source_label or shown.rsplit("/", 1)[-1]
    current = {
        area.pcode: area
        for area in AdminArea.objects.filter(pcode__in=[b.pcode for b in boundaries]).select_related("parent")
    }
    to_add, to_update = [], []
    for boundary in boundaries:
        area = current.get(boundary.pcode)
        if area is None:
            to_add.append(boundary)
            continue
        parent_pcode = area.parent.pcode if area.parent_id else None
        same = (
            area.name_en == boundary.name_en
            and area.name_ar == boundary.name_ar
            and parent_pcode == boundary.parent_pcode
            and area.geometry == boundary.geometry
        )  # an area unchanged in a newer edition keeps citing the edition it came from
        if same:
            report.counts["unchanged"] += 1
        else:
            to_update.append(boundary)
    report.counts["added"] = len(to_add)
    report.counts["updated"] = len(to_update)
    progress("checked", len(boundaries))
    for lvl in sorted(levels_in_file):
        in_file = {b.pcode for b in boundaries if b.level == lvl}
        missing = list(
            AdminArea.objects.filter(level=lvl).exclude(pcode__in=in_file).values_list("pcode", flat=True)[:11]
        )
        if missing:
            total = AdminArea.objects.filter(level=lvl).exclude(pcode__in=in_file).count()
            shown = ", ".join(missing[:10]) + (" ..." if total > 10 else "")
            report.counts["areas kept though not in this file"] += total
            report.warning(
                _("level %(level)s") % {"level": lvl},
                _(
                    "%(count)s area(s) in the database are not in this file and are kept, because records may "
                    "point at them: %(areas)s. Delete them in the admin if they are truly gone."
                )
                % {"count": total, "areas": shown},
            )
    if report.errors:
        raise ImportFailed(
            _("%(file)s: %(count)s problem(s) must be fixed; nothing was written.")
            % {"file": shown, "count": len(report.errors)},
            report,
        )
    if dry_run:
        return report
    _write(to_add, to_update, current, label, by, progress)
    return report


@transaction.atomic
def _write(to_add: list[Boundary], to_update: list[Boundary], current: dict, label: str, by, progress) -> None:
    reason = _("Imported from %(source)s") % {"source": label}
    written = 0
    progress("written", written)
    now = timezone.now()
    by_level: dict[int, list[Boundary]] = {}
    for boundary in to_add + to_update:
        by_level.setdefault(boundary.level, []).append(boundary)
    for level in sorted(by_level):
        group = by_level[level]
        parents = dict(
            AdminArea.objects.filter(pcode__in={b.parent_pcode for b in group if b.parent_pcode}).values_list(
                "pcode", "pk"
            )
        )
        new, changed = [], []
        for boundary in group:
            area = current.get(boundary.pcode) or AdminArea(pcode=boundary.pcode, level=AdminLevel(level))
            area.name_en = boundary.name_en
            area.name_ar = boundary.name_ar
            area.parent_id = parents.get(boundary.parent_pcode)
            area.geometry = boundary.geometry
            area.source = label
            area.refresh_footprint()
            area.updated_at = now
            (changed if area.pk else new).append(area)
        for start in range(0, len(new), WRITE_EVERY):
            chunk = new[start : start + WRITE_EVERY]
            bulk_create_with_history(chunk, AdminArea, batch_size=500, default_user=by, default_change_reason=reason)
            written += len(chunk)
            progress("written", written)
        for start in range(0, len(changed), WRITE_EVERY):
            chunk = changed[start : start + WRITE_EVERY]
            bulk_update_with_history(
                chunk,
                AdminArea,
                ["name_en", "name_ar", "parent", "geometry", "source", *AdminArea.FOOTPRINT_FIELDS, "updated_at"],
                batch_size=500,
                default_user=by,
                default_change_reason=reason,
            )
            written += len(chunk)
            progress("written", written)
    mark_geodata_changed()
