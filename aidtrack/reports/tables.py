"""A report's figures as tables: the one shape the page, the CSV downloads and the API statistics all read."""

import csv
import io
from dataclasses import dataclass, field

from aidtrack.api.renderers import escape_formula


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    hxl: str
    text: bool = False  # the records' own words (titles, items, places as typed): shown with dir="auto"


@dataclass
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"name": self.name, "title": str(self.title), "rows": self.rows}


def table_csv(table: Table) -> str:
    """CSV with the column names, the HXL hashtags, then the rows; every text cell made inert for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.key for column in table.columns])
    writer.writerow([column.hxl for column in table.columns])
    for row in table.rows:
        writer.writerow([escape_formula(_text(row.get(column.key))) for column in table.columns])
    return buffer.getvalue()


def _text(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value) if not isinstance(value, int | float) else value
