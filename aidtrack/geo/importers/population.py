"""Joining a population table to admin areas by P-code."""

import re
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from aidtrack.geo.models import AdminArea
from aidtrack.geo.state import mark_geodata_changed
from aidtrack.imports.columns import find_column, normalise, pcode_names
from aidtrack.imports.report import ImportFailed, ImportReport
from aidtrack.imports.runs import no_progress
from aidtrack.imports.sources import open_source
from aidtrack.imports.tables import MISSING, read_table, refuse_long_table

UNMATCHED_SHOWN = 20
# How often the long stages report progress: every this many rows checked and areas written.
CHECK_EVERY = 250
WRITE_EVERY = 500


def _pcode_column(table, explicit: str | None) -> str | None:
    if explicit:
        return find_column(table.hashtags, set(), explicit=explicit, what="pcode")
    # The finest level's code: a row of a sub-district table also carries its governorate's code.
    for level in range(4, -1, -1):
        hashtags = [(f"#adm{level}", {"code"}, set())]
        column = find_column(table.hashtags, pcode_names(level), hashtags=hashtags)
        if column:
            return column
    return find_column(table.hashtags, {"pcode", "code"}, hashtags=[("#loc", {"code"}, set())])


def _population_column(table, explicit: str | None) -> str | None:
    if explicit:
        return find_column(table.hashtags, set(), explicit=explicit, what="population")
    candidates = [c for c in table.frame.columns if normalise(c).startswith("pop") and "density" not in normalise(c)]
    if candidates:
        return candidates[0]
    return find_column(table.hashtags, set(), hashtags=[("#population", set(), set())])


def import_population(
    path_or_url: str,
    *,
    pcode_column: str | None = None,
    population_column: str | None = None,
    year: int | None = None,
    source_label: str = "",
    sheet: str | None = None,
    dry_run: bool = False,
    by=None,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    progress: Callable[[str, int], None] | None = None,
    display: str | None = None,
) -> ImportReport:
    """Set admin areas' population from a table; all or nothing. Raises ImportFailed on bad input.

    ``progress(stage, rows)`` (see ``imports.runs.run_progress``) hears how many rows there are, how many are
    checked and how many areas are written, as it goes (every ``CHECK_EVERY`` rows and ``WRITE_EVERY`` areas).
    ``max_rows`` refuses a longer table (an upload from the staff page is bounded so).
    """
    progress = progress or no_progress
    shown = display or path_or_url  # how messages name the file: an upload by its own name, not where it waits
    report = ImportReport(source=shown, dry_run=dry_run)
    with open_source(path_or_url, max_bytes=max_bytes) as source:
        table = read_table(source.path, shown, sheet=sheet)
    refuse_long_table(table, shown, max_rows, "import_population")
    columns = ", ".join(table.frame.columns)
    code_column = _pcode_column(table, pcode_column)
    if code_column is None:
        raise ImportFailed(
            _(
                "%(file)s: no P-code column found (e.g. ADM3_PCODE, Admin3_Pcode, #adm3+code). Its columns are: "
                "%(columns)s. Name it with --pcode-column."
            )
            % {"file": shown, "columns": columns}
        )
    value_column = _population_column(table, population_column)
    if value_column is None:
        raise ImportFailed(
            _(
                "%(file)s: no population column found (a name starting with 'pop', or #population). "
                "Its columns are: %(columns)s. Name it with --column."
            )
            % {"file": shown, "columns": columns}
        )
    if year is None:
        found = re.findall(r"(19\d\d|20\d\d)", value_column)
        if not found:
            raise ImportFailed(
                _("%(file)s: say which year the figures are for with --year (e.g. --year 2017).") % {"file": shown}
            )
        year = int(found[0])
    if not 1900 <= year <= 2100:
        raise ImportFailed(_("--year %(year)s: give a year between 1900 and 2100.") % {"year": year})
    label = source_label or shown.rsplit("/", 1)[-1]
    report.notes.append(
        _("P-codes from column %(code)s, population from column %(value)s (%(year)s).")
        % {"code": code_column, "value": value_column, "year": year}
    )

    figures: dict[str, int] = {}
    first_row: dict[str, int] = {}
    codes = table.frame[code_column].tolist()
    values = table.frame[value_column].tolist()
    progress("counted", len(codes))
    for index, (code, value) in enumerate(zip(codes, values, strict=True)):
        if index and index % CHECK_EVERY == 0:
            progress("checked", index)
        where = _("row %(row)s") % {"row": table.row_number(index)}
        code = str(code).strip().upper()
        text = str(value).strip().replace(",", "")
        if not code:
            report.error(where, _("has no P-code in column %(column)s.") % {"column": code_column})
            continue
        if text.lower() in MISSING:
            report.warning(where, _("has no population figure; the area keeps its current one."), code)
            continue
        try:
            number = float(text)
        except ValueError:
            report.error(where, _("population %(value)r is not a number.") % {"value": value}, code)
            continue
        if number < 0:
            report.error(where, _("population %(value)s is negative.") % {"value": f"{number:g}"}, code)
            continue
        if code in figures:
            report.error(
                where,
                _("repeats the P-code of row %(row)s; give each area one figure.") % {"row": first_row[code]},
                code,
            )
            continue
        figures[code] = round(number)
        first_row[code] = table.row_number(index)

    areas = {area.pcode: area for area in AdminArea.objects.filter(pcode__in=list(figures)).defer("geometry")}
    unmatched = sorted(set(figures) - set(areas))
    if unmatched:
        shown = ", ".join(unmatched[:UNMATCHED_SHOWN]) + (" ..." if len(unmatched) > UNMATCHED_SHOWN else "")
        report.counts["codes matching no area"] = len(unmatched)
        for code in unmatched:
            report.warning(
                _("row %(row)s") % {"row": first_row[code]}, _("matches no admin area; this figure is skipped."), code
            )
        report.notes.append(
            _("%(count)s P-code(s) match no admin area: %(codes)s") % {"count": len(unmatched), "codes": shown}
        )
    changed = []
    for code, area in areas.items():
        new = (figures[code], year, label)
        if (area.population, area.population_year, area.population_source) == new:
            report.counts["unchanged"] += 1
            continue
        area.population, area.population_year, area.population_source = new
        changed.append(area)
    report.counts["updated"] = len(changed)
    progress("checked", len(codes))
    if report.errors:
        raise ImportFailed(
            _("%(file)s: %(count)s problem(s) must be fixed; nothing was written.")
            % {"file": shown, "count": len(report.errors)},
            report,
        )
    if not dry_run and changed:
        with transaction.atomic():
            now = timezone.now()
            for area in changed:
                area.updated_at = now
            for start in range(0, len(changed), WRITE_EVERY):
                chunk = changed[start : start + WRITE_EVERY]
                bulk_update_with_history(
                    chunk,
                    AdminArea,
                    ["population", "population_year", "population_source", "updated_at"],
                    batch_size=1000,
                    default_user=by,
                    default_change_reason=_("Population from %(source)s") % {"source": label},
                )
                progress("written", start + len(chunk))
            mark_geodata_changed()  # map layers carry the population
    return report
