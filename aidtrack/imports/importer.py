"""The one shape of a table importer: the framework opens, recognises, checks, counts and writes; a kind says how.

A kind of table (incidents, besieged areas, convoy requests) subclasses
``TableImporter``: it declares its ``columns``, what a file of it is called,
which columns it cannot do without (``require``), and how to ``read`` a row,
``plan`` what the rows will do and ``write`` the plan. ``TableImporter.run``
does the rest once for every kind: the permission refusal, opening the file
and recognising its columns (``tabular.table_rows``), applying the column
plan, checking every row, counting, refusing the file on any error, the dry
run, and writing in one transaction. The run record and its progress are kept
around it by ``table_runs.run_table_import``.
"""

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from aidtrack.imports import tabular
from aidtrack.imports.plan import SKIP
from aidtrack.imports.report import ImportFailed, ImportReport
from aidtrack.imports.tabular import DONE, PLANNED, Column, TableImport


class TableImporter:
    """One import of one kind of table. Subclasses set the class attributes and implement the hooks.

    The hooks run in this order: ``may_import``; ``require`` (before any row
    is read); ``start`` (the columns are known); ``read`` for every row;
    ``finish_reading``; ``plan``; then, unless it is a dry run and when no row
    has an error, ``write`` inside one transaction. ``count`` adds a kind's own
    counts to the report's, planned and then done.
    """

    columns: list[Column] = []
    what = ""  # "an incident table": names the kind in refusals of a column mapping
    noun = ""  # "incidents": names the kind in the permission refusal
    skips_refused_rows = False  # whether the plan may leave refused rows out (and keep them for their own file)
    planned = PLANNED  # action -> how the report counts the plans of a dry run
    done = DONE  # action -> how the report counts the plans written

    def __init__(self, *, organization, by, result: TableImport):
        self.organization = organization
        self.by = by
        self.result = result
        self.report = result.report

    # What a kind says.

    def may_import(self) -> bool:
        """Whether ``by`` may import this kind for ``organization``."""
        raise NotImplementedError

    @staticmethod
    def require(columns: dict, table, display: str) -> None:
        """Raise ImportFailed when the table lacks a column the kind cannot do without (before any row is read)."""

    def suggest(self) -> Callable[[str, str], str | None] | None:
        """What suggests recodings of values not understood on the column plan (None: the fields' parsers)."""
        return None

    def start(self, columns: dict) -> None:
        """The file's columns are known (field -> column): prepare to read its rows."""

    def read(self, row: int, cells: tabular.Cells) -> None:
        """Read and check one row, reporting its problems on ``self.report``."""
        raise NotImplementedError

    def finish_reading(self) -> None:
        """Every row was read: report what only the whole file shows."""

    def plan(self) -> None:
        """Put the plan of every row (or group of rows) on ``self.result.plans``."""
        raise NotImplementedError

    def write(self, progress: Callable[[str, int], None] | None) -> None:
        """Write the plans; runs inside the one transaction of the import, after every row was checked."""
        raise NotImplementedError

    def count(self, *, done: bool) -> None:
        """Add the kind's own counts to the report (planned, or ``done``)."""

    def after_write(self) -> None:
        """What follows a successful write, inside its transaction (learning names, reporting unplaced rows)."""

    # What the framework does once for every kind.

    @classmethod
    def run(
        cls,
        path_or_url: str,
        *,
        organization,
        by,
        dry_run: bool = False,
        mapping: dict | None = None,
        saved_mapping: dict | None = None,
        plan: dict | None = None,
        sheet: str | None = None,
        max_bytes: int | None = None,
        display: str | None = None,
        progress: Callable[[str, int], None] | None = None,
        show_plan: Callable[[list], None] | None = None,
        chunk_rows: int = 20000,
    ) -> TableImport:
        """Check every row of a table and, unless ``dry_run``, write all of it or none.

        Raises ImportFailed (with the report, and the result for the column
        plan and the preview) when the file cannot be read or any row has an
        error; the report lists every problem by row and column.
        """
        display = display or path_or_url
        result = TableImport(report=ImportReport(source=display, dry_run=dry_run))
        importer = cls(organization=organization, by=by, result=result)
        if not importer.may_import():
            raise ImportFailed(
                _("%(user)s may not import %(noun)s for %(organization)s: only its reporters and reviewers may.")
                % {"user": by, "noun": cls.noun, "organization": organization.short_name}
            )
        report = result.report
        with tabular.table_rows(
            path_or_url,
            result,
            columns=cls.columns,
            what=cls.what,
            require=cls.require,
            display=display,
            mapping=mapping,
            saved_mapping=saved_mapping,
            plan=plan,
            sheet=sheet,
            max_bytes=max_bytes,
            chunk_rows=chunk_rows,
            progress=progress,
            suggest=importer.suggest(),
            show_plan=show_plan,
        ) as rows:
            importer.start(result.columns)
            skipping = cls.skips_refused_rows and result.plan.refused_rows == SKIP
            for row, cells in rows:
                before = len(report.problems)
                importer.read(row, cells)
                if skipping and len(report.problems) > before:
                    problems = report.problems[before:]
                    if any(problem.severity == "error" for problem in problems):
                        result.refuse_row(row, cells.raw, problems)
            importer.finish_reading()
        importer.plan()
        result.count(cls.planned)
        importer.count(done=False)
        result.refuse_if_errors(display)
        if not dry_run:
            with transaction.atomic():
                importer.write(progress)
                importer.after_write()
            report.counts.clear()
            result.count(cls.done)
            importer.count(done=True)
        return result
