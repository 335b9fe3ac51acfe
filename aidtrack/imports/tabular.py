"""What every table importer (incidents, besieged areas, convoy requests) shares.

Each kind declares its columns with ``column`` and ``hxl``; ``resolve_columns``
finds them in a file the same way for all kinds. Each importer checks every
row into a plan (create, update, unchanged, duplicate) and returns a
``TableImport``: the report plus the plans, which the dry run's preview shows.
"""

import functools
import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy
from django.utils.translation import gettext as _

from aidtrack.exchange.headers import arabic_header_names
from aidtrack.imports.columns import find_column
from aidtrack.imports.plan import SKIP, ImportPlan
from aidtrack.imports.report import ImportFailed, ImportReport
from aidtrack.imports.sources import open_source
from aidtrack.imports.tables import iter_table
from aidtrack.imports.values import DATE_ORDERS, MonthDate, ValueProblem, clean, date_order_of, is_missing, parse_date


@dataclass(frozen=True)
class Column:
    """One importable field: the header names and HXL hashtags that mean it, and how to read its cells."""

    field: str
    names: tuple  # best first: when a file has two of them, the first is taken
    hashtags: tuple = ()
    parse: Callable | None = None
    label: str = ""
    help: str = ""


def column(field_name, names, hashtags=(), parse=None, label="", help=""):
    """A Column; ``names`` are normalised header names (lower case, no spaces or punctuation)."""
    names = tuple(dict.fromkeys(names))
    return Column(field_name, names, tuple(hashtags), parse, label or field_name.replace("_", " "), help)


def hxl(tag, required=(), forbidden=()):
    """A hashtag pattern: the tag, the attributes it must have and those it must not."""
    return (tag, frozenset(required), frozenset(forbidden))


def resolve_columns(
    columns: list[Column], hashtags: dict, *, explicit: dict, saved: dict, what: str, ignored=()
) -> dict[str, str]:
    """field -> column: the explicit mapping (this run's, then the saved one), else the HXL hashtag, else the name.

    A saved mapping outranks recognition, so that it reproduces its own import; columns the plan ignores are
    never recognised.
    """
    fields = {c.field for c in columns}
    explicit = {**saved, **explicit}
    for field_name in explicit:
        if field_name not in fields:
            raise ImportFailed(
                _("The mapping names %(field)r, which is not a field of %(what)s; use one of %(fields)s.")
                % {"field": field_name, "what": what, "fields": ", ".join(c.field for c in columns)}
            )
    candidates = {column: tag for column, tag in hashtags.items() if column not in set(ignored)}
    resolved = {}
    for spec in columns:
        if spec.field in explicit:
            resolved[spec.field] = find_column(hashtags, set(), explicit=explicit[spec.field], what=spec.field)
    taken = set(resolved.values())
    for spec in columns:
        if spec.field in resolved:
            continue
        # A file downloaded in Arabic carries Arabic headers over the same HXL row; both are recognised.
        names = (*spec.names, *_arabic_names(spec.names))
        found = find_column(candidates, set(), hashtags=spec.hashtags) or find_column(candidates, names)
        if found and found not in taken:
            resolved[spec.field] = found
            taken.add(found)
    return resolved


@functools.lru_cache(maxsize=512)
def _arabic_names(names: tuple) -> tuple:
    """The Arabic download headers of a column's names, worked out once per process (they come from the
    catalogue, which does not change while it runs)."""
    return tuple(sorted(arabic_header_names(set(names))))


PROGRESS_EVERY = 2000  # rows checked between two progress reports
SAMPLES = 3  # sample values shown per column on the column plan
DISTINCT_LIMIT = 60  # values of a coded column checked for recoding suggestions


class Cells(dict):
    """A row's cells by field, with the row as the file gives it (``raw``: column -> text) for rules and refusals."""

    raw: dict = {}


def plan_of(saved_mapping: dict | None, plan: dict | None, columns: list[Column]) -> ImportPlan:
    """The run's plan: a saved mapping (its columns and plan), with this run's plan over it."""
    saved = dict(saved_mapping or {})
    if not isinstance(saved.get("columns"), dict):
        saved = {"columns": saved}  # a mapping saved before plans: field -> column only
    merged = {**saved, **(plan or {})}
    merged["columns"] = {**saved.get("columns", {}), **((plan or {}).get("columns") or {})}
    return ImportPlan.from_data(merged, fields=[c.field for c in columns])


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
    plan: dict | None = None,
    sheet: str | None = None,
    max_bytes: int | None = None,
    chunk_rows: int = 20000,
    progress: Callable[[str, int], None] | None = None,
    suggest: Callable[[str, str], str | None] | None = None,
    show_plan: Callable[[list], None] | None = None,
) -> Iterator[Iterator[tuple[int, dict]]]:
    """Open a table and find its columns (into ``result.columns``); then give its rows as (row number, cells).

    ``require(columns, table, display)`` refuses a table that lacks what the
    kind needs, before any row is read. The rows are read in chunks of
    ``chunk_rows``, with progress reported every PROGRESS_EVERY rows and at the
    end of each chunk. The plan (see ``imports.plan``) is applied to every row:
    recodings, then rules, then constants; the column plan, with sample values
    and what each column becomes, is kept on ``result.column_plan`` and given to
    ``show_plan`` as soon as it is known: it needs the first chunk only, so a
    run's page shows it while the rest of the file is checked.
    """
    result.plan = plan_of(saved_mapping, plan, columns)
    specs = {c.field: c for c in columns}
    with open_source(path_or_url, max_bytes=max_bytes) as source:
        tables = iter_table(source.path, display, sheet=sheet, chunk_rows=chunk_rows)
        first = next(tables)  # there is always one, or iter_table has refused the file
        headers = [str(c) for c in first.frame.columns]
        try:
            try:
                result.plan.check_columns(headers)
                result.columns = resolve_columns(
                    columns,
                    first.hashtags,
                    explicit=mapping or {},
                    saved=result.plan.columns,
                    what=what,
                    ignored=result.plan.ignored,
                )
            finally:
                # Shown even when the plan cannot work, so that it can be corrected on the page.
                result.column_plan = _column_plan(first, result, specs, suggest)
                if show_plan is not None:
                    show_plan(result.column_plan)
            result.parsers = _date_parsers(first, result, specs)
            _check_plan_values(result.plan, specs, result.parsers)
            require(_with_plan(result.columns, result.plan), first, display)
        except ImportFailed as failure:
            failure.result = result
            raise
        if first.above:
            result.report.notes.append(
                _("The header is on row %(row)s; the rows above it were left out: %(rows)s.")
                % {"row": first.header_row, "rows": "; ".join(repr(text) for text in first.above)}
            )
        if first.encoding not in ("utf-8-sig", "xlsx"):
            result.report.notes.append(_("Read as %(encoding)s (not UTF-8).") % {"encoding": first.encoding})
        yield _rows(itertools.chain([first], tables), result, progress)


def _with_plan(columns: dict, plan: ImportPlan) -> dict:
    """The fields a row will have: from columns, and from rules and constants (for ``require``)."""
    given = dict(columns)
    for rule in plan.rules:
        given.setdefault(rule.field, f"rule: {rule.describe()}")
    for name in plan.constants:
        given.setdefault(name, "value for every row")
    return given


def _date_parsers(table, result, specs) -> dict:
    """A date parser per date field, in the day/month order its column's values settle (or the plan says)."""
    parsers = {}
    for field_name, column in result.columns.items():
        if specs[field_name].parse is not parse_date:
            continue
        order = result.plan.date_order.get(field_name)
        found = date_order_of(table.frame[column].unique())  # files repeat their dates: each is looked at once
        if found == "mixed":
            raise ImportFailed(
                _(
                    "The column %(column)r (%(field)s) has dates written day first (e.g. 13/05/2016) and month "
                    "first (e.g. 05/13/2016): correct the file so that all its dates use one order."
                )
                % {"column": column, "field": field_name}
            )
        if found in DATE_ORDERS and order and order != found:
            message = (
                _(
                    "The column %(column)r (%(field)s) has dates that can only be read day first, but the plan says "
                    "month first: choose the other order on the column plan."
                )
                if found == "dmy"
                else _(
                    "The column %(column)r (%(field)s) has dates that can only be read month first, but the plan "
                    "says day first: choose the other order on the column plan."
                )
            )
            raise ImportFailed(message % {"column": column, "field": field_name})
        order = order or (found if found in DATE_ORDERS else None)
        if found == "ambiguous" and order is None:
            raise ImportFailed(
                _(
                    "The column %(column)r (%(field)s) has dates such as 05/09/2016 that read two ways (5 September "
                    "or May 9) and no date in it settles the order: choose day/month or month/day for it on the "
                    "column plan (date order)."
                )
                % {"column": column, "field": field_name}
            )
        if order:
            if order == "dmy":
                note = _("Dates of %(column)r read day/month/year.")
            else:
                note = _("Dates of %(column)r read month/day/year.")
            result.report.notes.append(note % {"column": column})
        parsers[field_name] = _date_parser(order or "dmy")
    return parsers


DATES_REMEMBERED = 50_000  # distinct texts of a date column whose reading is kept (files repeat their dates)


def _date_parser(order: str):
    """``parse_date`` in ``order``, remembering what each text read as: real files repeat few distinct dates."""
    known = {}

    def parse(text):
        found = known.get(text)
        if found is None:
            found = parse_date(text, order=order)
            if len(known) < DATES_REMEMBERED:
                known[text] = found
        return found

    return parse


def _check_plan_values(plan: ImportPlan, specs: dict, parsers: dict) -> None:
    """Refuse constants, recodings and rule values that are not values of their field, before any row is read."""

    def check(field_name, value, where):
        parse = parsers.get(field_name) or specs[field_name].parse
        if parse is None:
            return
        try:
            parse(value)
        except ValueProblem as problem:
            raise ImportFailed(
                _("%(where)s gives %(field)s the value %(value)r, which it cannot take: %(problem)s.")
                % {"where": where, "field": field_name, "value": value, "problem": problem}
            ) from problem

    for field_name, value in plan.constants.items():
        check(field_name, value, _("The value for every row of %(field)s") % {"field": field_name})
    for field_name, table in plan.recodings.items():
        for found, value in table.items():
            check(field_name, value, _("The recoding of %(value)r (%(field)s)") % {"value": found, "field": field_name})
    for number, rule in enumerate(plan.rules, start=1):
        if not rule.is_sum:
            check(rule.field, rule.value, _("Rule %(number)s (%(rule)s)") % {"number": number, "rule": rule.describe()})


def _column_plan(table, result, specs, suggest) -> list[dict]:
    """Every column of the file: sample values and what it becomes (a field, ignored, used by a rule, or not
    understood), with the values of a coded field that are not understood and a suggested recoding for each."""
    by_column = {column: field_name for field_name, column in result.columns.items()}
    rule_columns = result.plan.rule_columns
    plan = []
    for column in table.frame.columns:
        values = table.frame[column]
        samples = []
        for value in values.unique():  # in the order of the file; a column of two values is not read to its end
            text = clean(value)
            if text and text not in samples:
                samples.append(text)
                if len(samples) == SAMPLES:
                    break
        field_name = by_column.get(column)
        entry = {
            "column": str(column),
            "hashtag": _hashtag_text(table.hashtags.get(column)),
            "samples": samples,
            "field": field_name or "",
            "status": "field" if field_name else "ignored" if column in result.plan.ignored else "",
            "unknown": [],
        }
        if not field_name and column in rule_columns:
            entry["status"] = "rule"
        if not entry["status"]:
            entry["status"] = "not understood"
        if field_name:
            entry["unknown"] = _unknown_values(values, field_name, result, specs, suggest)
        plan.append(entry)
    return plan


def _hashtag_text(tag) -> str:
    if not tag:
        return ""
    name, attributes = tag
    return name + "".join(f"+{a}" for a in sorted(attributes))


def _unknown_values(values, field_name, result, specs, suggest) -> list[dict]:
    """The values of a column the import does not understand, each with a suggested recoding ("" for none).

    ``suggest(field, text)`` (given by the kind) returns False for a value it understands, else a suggestion;
    its ``handles(field)``, when it has one, says which fields it may have suggestions for. Without it, a value
    is understood when the field's parser reads it.
    """
    parse = specs[field_name].parse
    if parse is parse_date or (parse is None and suggest is None):
        return []
    if suggest is not None and not getattr(suggest, "handles", lambda name: True)(field_name):
        return []  # a field the kind codes no values of (an id, a summary): every value is understood
    recoded = result.plan.recodings.get(field_name, {})
    unknown = []
    for text in dict.fromkeys(clean(v) for v in values[:20000].unique()):
        if len(unknown) >= DISTINCT_LIMIT:
            break
        if is_missing(text):
            continue
        if text in recoded:
            unknown.append({"value": text, "suggestion": recoded[text], "recoded": True})
            continue
        if suggest is not None:
            suggestion = suggest(field_name, text)
            if suggestion is not False:
                unknown.append({"value": text, "suggestion": suggestion or ""})
            continue
        try:
            parse(text)
        except ValueProblem:
            unknown.append({"value": text, "suggestion": ""})
    return unknown


def _rows(tables, result, progress) -> Iterator[tuple[int, dict]]:
    plan, columns = result.plan, result.columns
    keep_raw = plan.refused_rows == SKIP or bool(plan.rules)
    matched = [0] * len(plan.rules)
    rows_read = blank_rows = 0
    for table in tables:
        wanted = list(table.frame.columns) if keep_raw else list(columns.values())
        frame = table.frame[wanted]
        position = {column: index for index, column in enumerate(wanted)}
        # Rows with no cell filled (",,,," under a spreadsheet's data) are no rows: left out, and counted.
        blank = _blank_rows(table.frame)
        blank_rows += len(blank)
        for index, values in enumerate(frame.itertuples(index=False, name=None)):
            if index in blank:
                continue
            cells = Cells((field_name, values[position[column]]) for field_name, column in columns.items())
            if keep_raw:
                cells.raw = dict(zip(wanted, values, strict=True))
            _apply_plan(cells, plan, matched)
            _settle_dates(cells, result.parsers)
            yield table.row_number(index), cells
            rows_read += 1
            if progress and rows_read % PROGRESS_EVERY == 0:
                progress("checked", rows_read)
        if progress:
            progress("checked", rows_read)
    if blank_rows:
        result.report.notes.append(_("%(count)s empty row(s) (no cell filled) were left out.") % {"count": blank_rows})
    for number, (rule, count) in enumerate(zip(plan.rules, matched, strict=True), start=1):
        if not count:
            result.report.error(
                f"rule {number}",
                _("%(rule)s matched no row: check its column and value (as the file writes it), or remove the rule.")
                % {"rule": rule.describe()},
            )


def _blank_rows(frame) -> set[int]:
    """The positions of the rows with no cell filled: the rows whose first cell is empty, narrowed column by
    column (a whole-frame comparison costs a hundred times more on a chunk of real rows)."""
    if not len(frame.columns):
        return set()
    candidates = numpy.flatnonzero((frame.iloc[:, 0] == "").to_numpy())
    for index in range(1, len(frame.columns)):
        if not len(candidates):
            break
        candidates = candidates[frame.iloc[:, index].to_numpy()[candidates] == ""]
    return set(candidates.tolist())


def _settle_dates(cells: Cells, parsers: dict) -> None:
    """Numeric dates rewritten as ISO dates in the order the column settled, so every importer reads them alike."""
    for field_name, parse in parsers.items():
        text = cells.get(field_name)
        if text is None or is_missing(text):
            continue
        try:
            value = parse(text)
        except ValueProblem:
            continue  # the importer reports it, with the value as the file wrote it
        if not isinstance(value, MonthDate):
            cells[field_name] = value.isoformat()


def _apply_plan(cells: Cells, plan: ImportPlan, matched: list[int]) -> None:
    for field_name, table in plan.recodings.items():
        if field_name in cells:
            recoded = table.get(clean(cells[field_name]))
            if recoded is not None:
                cells[field_name] = recoded
    for index, rule in enumerate(plan.rules):
        if rule.is_sum:
            total = rule.total(cells.raw)
            if total is not None and is_missing(cells.get(rule.field, "")):
                cells[rule.field] = total
                matched[index] += 1
        elif is_missing(cells.get(rule.field, "")) and rule.matches(cells.raw):
            cells[rule.field] = rule.value
            matched[index] += 1
    for field_name, value in plan.constants.items():
        if is_missing(cells.get(field_name, "")):
            cells[field_name] = value


def headers_of(table) -> str:
    return ", ".join(str(c) for c in table.frame.columns)


PREVIEW_ROWS = 500
PLANNED = {
    "create": "to create",
    "update": "to update",
    "unchanged": "unchanged (skipped)",
    "duplicate": "duplicates (skipped)",
}
DONE = {
    "create": "created",
    "update": "updated",
    "unchanged": "unchanged (skipped)",
    "duplicate": "duplicates (skipped)",
}


@dataclass
class TableImport:
    """The report of one import plus the plan of every row (kept for the dry run's preview).

    Each plan has ``row``, ``action`` (a key of PLANNED), ``key`` (what the row
    is matched by), ``record_id`` and ``describe()`` for the preview.
    """

    report: ImportReport
    plans: list = field(default_factory=list)
    columns: dict = field(default_factory=dict)
    plan: ImportPlan = field(default_factory=ImportPlan)
    parsers: dict = field(default_factory=dict)  # field -> parser chosen for this file (dates in their order)
    column_plan: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (row, raw cells, problem) of rows left out when skipping

    def count(self, labels: dict) -> None:
        for action, label in labels.items():
            self.report.counts[label] = sum(1 for plan in self.plans if plan.action == action)
        if self.refused:
            self.report.counts["rows refused (left out)"] = len(self.refused)

    def refuse_row(self, row: int, raw: dict, problems) -> None:
        """Keep a refused row as the file gave it, with its problems, for the file of refused rows."""
        messages = [f"{p.where.partition(', ')[2] or p.where}: {p.message}" for p in problems if p.severity == "error"]
        self.refused.append(
            {"row": row, "cells": {str(k): str(v) for k, v in raw.items()}, "problem": "; ".join(messages)}
        )

    def refuse_if_errors(self, display: str) -> None:
        """Raise ImportFailed with every problem when any row has an error: then nothing is written.

        When the plan skips refused rows, only a problem of the file as a whole (a rule that matched nothing,
        a missing column) refuses it; the refused rows are counted and kept for their own file.
        """
        report = self.report
        if report.errors and self.plan.refused_rows == SKIP:
            blocking = [p for p in report.errors if row_of(p.where) is None]
            if not blocking:
                report.counts["rows refused (left out)"] = len(self.refused)
                return
        if report.errors:
            report.counts["rows with errors"] = len({p.where.split(",")[0] for p in report.errors})
            whole = [f"{p.where}: {p.message}" for p in report.errors if row_of(p.where) is None]
            failure = ImportFailed(
                _(
                    "%(file)s: %(problems)s problem(s) in %(rows)s row(s); nothing was written. %(whole)sFix the "
                    "rows listed and import the file again."
                )
                % {
                    "file": display,
                    "problems": len(report.errors),
                    "rows": report.counts["rows with errors"],
                    "whole": " ".join(whole[:3]) + " " if whole else "",
                },
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
