"""What every table importer (incidents, besieged areas, convoy requests) shares.

Each kind declares its columns with ``column`` and ``hxl``; ``resolve_columns``
finds them in a file the same way for all kinds. Each importer checks every
row into a plan (create, update, unchanged, duplicate) and returns a
``TableImport``: the report plus the plans, which the dry run's preview shows.
"""

import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from aidtrack.exchange.headers import arabic_header_names
from aidtrack.geo.importers.columns import find_column
from aidtrack.geo.importers.report import ImportFailed, ImportReport
from aidtrack.geo.importers.sources import open_source
from aidtrack.geo.importers.tables import iter_table


@dataclass(frozen=True)
class Column:
    """One importable field: the header names and HXL hashtags that mean it, and how to read its cells."""

    field: str
    names: frozenset
    hashtags: tuple = ()
    parse: Callable | None = None
    label: str = ""
    help: str = ""


def column(field_name, names, hashtags=(), parse=None, label="", help=""):
    """A Column; ``names`` are normalised header names (lower case, no spaces or punctuation)."""
    return Column(field_name, frozenset(names), tuple(hashtags), parse, label or field_name.replace("_", " "), help)


def hxl(tag, required=(), forbidden=()):
    """A hashtag pattern: the tag, the attributes it must have and those it must not."""
    return (tag, frozenset(required), frozenset(forbidden))


def resolve_columns(columns: list[Column], hashtags: dict, *, explicit: dict, saved: dict, what: str) -> dict[str, str]:
    """field -> column: the explicit mapping, else the HXL hashtag, else the header name, else the saved mapping."""
    fields = {c.field for c in columns}
    for field_name in explicit:
        if field_name not in fields:
            raise ImportFailed(
                f"The mapping names {field_name!r}, which is not a field of {what}; "
                f"use one of {', '.join(c.field for c in columns)}."
            )
    resolved = {}
    for spec in columns:
        if spec.field in explicit:
            resolved[spec.field] = find_column(hashtags, set(), explicit=explicit[spec.field], what=spec.field)
            continue
        names = set(spec.names) | arabic_header_names(spec.names)
        found = find_column(hashtags, set(), hashtags=spec.hashtags) or find_column(hashtags, names)
        if not found and saved.get(spec.field) in hashtags:
            found = saved[spec.field]
        if found and found not in resolved.values():
            resolved[spec.field] = found
    return resolved


PROGRESS_EVERY = 2000  # rows checked between two progress reports


@contextmanager
def table_rows(
    path_or_url: str,
    result: "TableImport",
    *,
    columns: list[Column],
    what: str,
    require: Callable,
    display: str,
    mapping: dict | None = None,
    saved_mapping: dict | None = None,
    sheet: str | None = None,
    max_bytes: int | None = None,
    chunk_rows: int = 20000,
    progress: Callable[[str, int], None] | None = None,
) -> Iterator[Iterator[tuple[int, dict]]]:
    """Open a table and find its columns (into ``result.columns``); then give its rows as (row number, cells).

    ``require(columns, table, display)`` refuses a table that lacks what the
    kind needs, before any row is read. The rows are read in chunks of
    ``chunk_rows``, with progress reported every PROGRESS_EVERY rows and at the
    end of each chunk.
    """
    with open_source(path_or_url, max_bytes=max_bytes) as source:
        tables = iter_table(source.path, display, sheet=sheet, chunk_rows=chunk_rows)
        first = next(tables)  # there is always one, or iter_table has refused the file
        result.columns = resolve_columns(
            columns, first.hashtags, explicit=mapping or {}, saved=saved_mapping or {}, what=what
        )
        require(result.columns, first, display)
        if first.encoding not in ("utf-8-sig", "xlsx"):
            result.report.notes.append(f"Read as {first.encoding} (not UTF-8).")
        yield _rows(itertools.chain([first], tables), result.columns, progress)


def _rows(tables, columns: dict, progress) -> Iterator[tuple[int, dict]]:
    rows_read = 0
    for table in tables:
        frame = table.frame[list(columns.values())]
        for index, cells in enumerate(frame.itertuples(index=False, name=None)):
            yield table.row_number(index), dict(zip(columns, cells, strict=True))
            rows_read += 1
            if progress and rows_read % PROGRESS_EVERY == 0:
                progress("checked", rows_read)
        if progress:
            progress("checked", rows_read)


def headers_of(table) -> str:
    return ", ".join(str(c) for c in table.frame.columns)


PREVIEW_ROWS = 500
# The counts are kept in English with the run and translated when shown (gettext_noop puts them in the catalogue).
PLANNED = {
    "create": gettext_noop("to create"),
    "update": gettext_noop("to update"),
    "unchanged": gettext_noop("unchanged (skipped)"),
    "duplicate": gettext_noop("duplicates (skipped)"),
}
DONE = {
    "create": gettext_noop("created"),
    "update": gettext_noop("updated"),
    "unchanged": gettext_noop("unchanged (skipped)"),
    "duplicate": gettext_noop("duplicates (skipped)"),
}
ROWS_WITH_ERRORS = gettext_noop("rows with errors")


@dataclass
class TableImport:
    """The report of one import plus the plan of every row (kept for the dry run's preview).

    Each plan has ``row``, ``action`` (a key of PLANNED), ``key`` (what the row
    is matched by), ``record_id`` and ``describe()`` for the preview.
    """

    report: ImportReport
    plans: list = field(default_factory=list)
    columns: dict = field(default_factory=dict)

    def count(self, labels: dict) -> None:
        for action, label in labels.items():
            self.report.counts[label] = sum(1 for plan in self.plans if plan.action == action)

    def refuse_if_errors(self, display: str) -> None:
        """Raise ImportFailed with every problem when any row has an error: then nothing is written."""
        report = self.report
        if report.errors:
            report.counts[ROWS_WITH_ERRORS] = len({p.where.split(",")[0] for p in report.errors})
            failure = ImportFailed(
                f"{display}: {len(report.errors)} problem(s) in {report.counts['rows with errors']} row(s); "
                "nothing was written. Fix the rows listed and import the file again.",
                report,
            )
            failure.result = self
            raise failure

    def preview(self, limit: int = PREVIEW_ROWS) -> list[dict]:
        return preview_rows(self.plans, self.report.problems, limit)


ROW_NUMBER = re.compile(r"row (\d+)")


def row_of(where: str) -> int | None:
    """The row number a problem's ``where`` names ("row 12, column 'date'"), or None."""
    found = ROW_NUMBER.match(where)
    return int(found.group(1)) if found else None


def preview_rows(plans, problems, limit: int = PREVIEW_ROWS) -> list[dict]:
    """The first ``limit`` rows of the file: what each will do, and its problems (an error row does nothing)."""
    rows = {}
    for plan in plans[:limit]:
        rows[plan.row] = {
            "row": plan.row,
            "action": plan.action,
            "key": plan.key,
            "record": plan.record_id,
            "description": plan.describe(),
            "problems": [],
        }
    for problem in problems:
        found = ROW_NUMBER.match(problem.where)
        if not found:
            continue
        number = int(found.group(1))
        if number not in rows:
            if len(rows) >= 2 * limit:
                continue
            rows[number] = {"row": number, "action": "", "key": "", "record": None, "description": "", "problems": []}
        entry = rows[number]
        if problem.severity == "error":
            entry["action"] = "error"
        column = problem.where[found.end() :].lstrip(", ")
        entry["problems"].append({"severity": problem.severity, "column": column, "message": problem.message})
    return sorted(rows.values(), key=lambda entry: entry["row"])[:limit]
