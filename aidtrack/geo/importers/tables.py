"""Reading tables (CSV, HXL-tagged CSV, XLSX) as text, keeping each row's line number for messages."""

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas

from aidtrack.geo.importers.columns import hxl_tag
from aidtrack.geo.importers.report import ImportFailed

TABLE_SUFFIXES = {".csv", ".txt", ".xlsx"}


@dataclass
class Table:
    frame: pandas.DataFrame  # every cell as text ("" when empty)
    hashtags: dict  # column -> (tag, attributes) or None
    first_row: int  # the file's line (or sheet row) number of the first data row
    encoding: str = "utf-8"

    def row_number(self, index: int) -> int:
        return self.first_row + index


def _decode(path: Path, display: str) -> tuple[str, str]:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise ImportFailed(
            f"{display} is not a text CSV file (it contains binary data; is it a spreadsheet or archive "
            "renamed to .csv?). Save it as CSV (UTF-8) or give the .xlsx."
        )
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # The usual encoding of Arabic files saved by Excel on Windows.
        return raw.decode("cp1256"), "windows-1256"
    except UnicodeDecodeError as error:
        raise ImportFailed(f"{display}: the text encoding is not UTF-8 or Windows-1256; save it as UTF-8.") from error


def _read_csv(path: Path, display: str) -> tuple[pandas.DataFrame, str]:
    text, encoding = _decode(path, display)
    if not text.strip():
        raise ImportFailed(f"{display} is empty: it has no header row.")
    try:
        dialect = csv.Sniffer().sniff(text[:65536], delimiters=",;\t")
        separator = dialect.delimiter
    except csv.Error:
        separator = ","
    try:
        frame = pandas.read_csv(
            io.StringIO(text), sep=separator, dtype=str, keep_default_na=False, skip_blank_lines=True
        )
    except (pandas.errors.ParserError, ValueError) as error:
        raise ImportFailed(f"{display} cannot be read as CSV ({error}).") from error
    return frame, encoding


def _read_xlsx(path: Path, display: str, sheet) -> pandas.DataFrame:
    if not zipfile.is_zipfile(path):
        raise ImportFailed(f"{display} is not an .xlsx workbook (it may be corrupt, or an .xls or CSV renamed).")
    try:
        return pandas.read_excel(path, sheet_name=sheet or 0, dtype=str, keep_default_na=False, engine="openpyxl")
    except ValueError as error:
        raise ImportFailed(f"{display}: {error}") from error
    except (zipfile.BadZipFile, KeyError, OSError) as error:
        raise ImportFailed(f"{display} is a damaged workbook ({error}); save it again from the spreadsheet.") from error


def read_table(path: Path, display: str, *, sheet: str | None = None) -> Table:
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise ImportFailed(
            f"{display}: {suffix or 'no extension'} is not a table format aidtrack reads; use CSV or XLSX."
        )
    if suffix == ".xlsx":
        frame, encoding = _read_xlsx(path, display, sheet), "xlsx"
    else:
        frame, encoding = _read_csv(path, display)
    frame.columns = [str(column).strip() for column in frame.columns]
    frame = frame.fillna("")
    first_row = 2
    hashtags = {column: hxl_tag(column) for column in frame.columns}
    if not any(hashtags.values()) and len(frame):
        # HXL puts the hashtag row under the header row.
        candidates = {column: hxl_tag(value) for column, value in frame.iloc[0].items()}
        tagged = sum(1 for tag in candidates.values() if tag)
        filled = sum(1 for value in frame.iloc[0] if str(value).strip())
        if tagged and tagged >= filled / 2:
            hashtags = candidates
            frame = frame.iloc[1:].reset_index(drop=True)
            first_row = 3
    if frame.empty:
        raise ImportFailed(f"{display} has a header but no data rows.")
    return Table(frame=frame, hashtags=hashtags, first_row=first_row, encoding=encoding)
