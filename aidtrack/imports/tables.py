"""Reading tables (CSV, HXL-tagged CSV, XLSX) as text, keeping each row's line number for messages."""

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas
from django.utils.translation import gettext as _

from aidtrack.imports.columns import hxl_tag
from aidtrack.imports.report import ImportFailed

TABLE_SUFFIXES = {".csv", ".txt", ".xlsx"}
# What spreadsheets put in a cell that has no figure (compared lower-cased).
MISSING = frozenset({"", "na", "n/a", "-", "--", "null", "none", "nan", "unknown"})


def refuse_long_table(table: "Table", display: str, max_rows: int | None, command: str) -> None:
    """Refuse a table longer than ``max_rows`` (an upload from the staff page is bounded so)."""
    if max_rows is not None and len(table.frame) > max_rows:
        raise ImportFailed(
            _(
                "%(file)s has %(count)s rows, more than the %(limit)s an import takes. Split it, or import it on "
                "the server with manage.py %(command)s."
            )
            % {"file": display, "count": len(table.frame), "limit": max_rows, "command": command}
        )


@dataclass
class Table:
    frame: pandas.DataFrame  # every cell as text ("" when empty)
    hashtags: dict  # column -> (tag, attributes) or None
    first_row: int  # the file's line (or sheet row) number of the first data row
    encoding: str = "utf-8"
    above: tuple = ()  # the title or note rows above the header row, left out
    header_row: int = 1  # the file's line (or sheet row) number of the header

    def row_number(self, index: int) -> int:
        return self.first_row + index


HEADER_SEARCH_ROWS = 10  # a header row is looked for among a sheet's first rows


def header_index(rows: list[list[str]]) -> int:
    """Where the header row is among a table's first rows: 0, unless the file puts a title or a note (one or two
    cells filled) above a header that fills at least half as many cells as its fullest row."""
    filled = [sum(1 for cell in row if str(cell).strip()) for row in rows[:HEADER_SEARCH_ROWS]]
    if not filled:
        return 0
    enough = max(2, (max(filled) + 1) // 2)
    for index, count in enumerate(filled):
        if count >= enough:
            return index if all(above <= 2 for above in filled[:index]) else 0
    return 0


def unique_header(header: list[str], group: list[str] = ()) -> list[str]:
    """Every column its own name. A name the header repeats ("Killed" under "People" and under "Aid workers", a
    two-row header whose upper row is merged cells) takes the label of the row above it, carried right from where
    it is written ("Aid workers Killed"); a name still repeated is numbered as pandas numbers it ("Killed.1").
    An empty name is "Unnamed: N" (N from 0), as pandas names it."""
    header = [str(name).strip() for name in header]
    repeated = {name for name, count in Counter(header).items() if name and count > 1}
    label, named = "", []
    for index, name in enumerate(header):
        above = str(group[index]).strip() if index < len(group) else ""
        label = above or label
        if name in repeated and label:
            name = f"{label} {name}"
        named.append(name or f"Unnamed: {index}")
    seen: Counter = Counter()
    unique = []
    for name in named:
        unique.append(f"{name}.{seen[name]}" if seen[name] else name)
        seen[name] += 1
    return unique


def _above_text(rows: list[list[str]]) -> tuple:
    return tuple(" ".join(str(cell).strip() for cell in row if str(cell).strip())[:200] for row in rows)


def _decode(path: Path, display: str) -> tuple[str, str]:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise ImportFailed(
            _(
                "%(file)s is not a text CSV file (it contains binary data; is it a spreadsheet or archive "
                "renamed to .csv?). Save it as CSV (UTF-8) or give the .xlsx."
            )
            % {"file": display}
        )
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # The usual encoding of Arabic files saved by Excel on Windows.
        return raw.decode("cp1256"), "windows-1256"
    except UnicodeDecodeError as error:
        raise ImportFailed(
            _("%(file)s: the text encoding is not UTF-8 or Windows-1256; save it as UTF-8.") % {"file": display}
        ) from error


def _read_csv(path: Path, display: str) -> tuple[pandas.DataFrame, str]:
    text, encoding = _decode(path, display)
    if not text.strip():
        raise ImportFailed(_("%(file)s is empty: it has no header row.") % {"file": display})
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
        raise ImportFailed(
            _("%(file)s cannot be read as CSV (%(error)s).") % {"file": display, "error": error}
        ) from error
    return frame, encoding


# A sheet claims its size in its "dimension" (A1:XFD1048576 is 17 billion cells); it is never trusted. Rows are
# read as they are written in the file, and a table wider or longer than these is refused.
XLSX_MAX_COLUMNS = 1000


def xlsx_max_rows() -> int:
    from django.conf import settings

    return int(getattr(settings, "AIDTRACK_IMPORT_MAX_ROWS", 1_000_000))


def _cell_text(value) -> str:
    """A cell as the text a CSV would hold: dates as ISO dates (never day/month guesses), whole numbers without .0."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xml_trick(error: BaseException | None) -> bool:
    """Whether defusedxml refused the XML (entities, a DTD), here or in what caused the error."""
    while error is not None:
        if type(error).__module__.startswith("defusedxml"):
            return True
        error = error.__cause__ or error.__context__
    return False


def _read_xlsx(path: Path, display: str, sheet) -> pandas.DataFrame:
    """The sheet as text, read row by row in openpyxl's read-only mode (XML parsed by defusedxml)."""
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(path):
        raise ImportFailed(
            _("%(file)s is not an .xlsx workbook (it may be corrupt, or an .xls or CSV renamed).") % {"file": display}
        )
    limit = xlsx_max_rows()
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            if sheet and sheet not in workbook.sheetnames:
                raise ImportFailed(
                    _("%(file)s has no sheet %(sheet)r; its sheets are: %(sheets)s.")
                    % {"file": display, "sheet": sheet, "sheets": ", ".join(workbook.sheetnames)}
                )
            worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
            worksheet.reset_dimensions()  # read what is there, not what the file claims
            rows, numbers, blank = [], [], 0
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                if len(values) > XLSX_MAX_COLUMNS:
                    values = values[:XLSX_MAX_COLUMNS]
                cells = [_cell_text(value) for value in values]
                if not any(cell.strip() for cell in cells):
                    blank += 1  # kept only between rows, so that rows keep the sheet's numbers
                    continue
                for kept, row_cells in (
                    *(((n, []) for n in range(number - blank, number)) if rows else ()),
                    (number, cells),
                ):
                    if len(numbers) <= HEADER_SEARCH_ROWS:
                        numbers.append(kept)  # the header is among the first rows: their numbers are kept
                    rows.append(row_cells)
                blank = 0
                if len(rows) > limit:
                    raise ImportFailed(
                        _("%(file)s: the sheet has more than %(limit)s rows (at row %(row)s); split it into files.")
                        % {"file": display, "limit": f"{limit:,}", "row": number}
                    )
        finally:
            workbook.close()
    except ImportFailed:
        raise
    except Exception as error:
        if _xml_trick(error):
            raise ImportFailed(
                _(
                    "%(file)s: the workbook's XML declares entities or a DTD, which spreadsheets do not need and "
                    "aidtrack refuses for safety. Open it in a spreadsheet program and save it again as .xlsx."
                )
                % {"file": display}
            ) from error
        if isinstance(error, zipfile.BadZipFile | KeyError | OSError | ValueError | TypeError):
            raise ImportFailed(
                _("%(file)s is a damaged workbook (%(error)s); save it again from the spreadsheet.")
                % {"file": display, "error": error}
            ) from error
        raise
    if not rows:
        return pandas.DataFrame()
    start = header_index(rows)
    group = rows[start - 1] if start else []
    above, rows = _above_text(rows[:start]), rows[start:]
    width = max(len(row) for row in rows)
    while width and not any(len(row) >= width and row[width - 1].strip() for row in rows):
        width -= 1
    numbers = numbers[start:]
    header = unique_header([cell.strip() for cell in (rows[0] + [""] * width)[:width]], group)
    body = [(row + [""] * width)[:width] for row in rows[1:]]
    frame = pandas.DataFrame(body, columns=header, dtype=str)
    frame.attrs.update(above=above, header_row=numbers[0])
    return frame


def read_table(path: Path, display: str, *, sheet: str | None = None) -> Table:
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise ImportFailed(
            _("%(file)s: %(suffix)s is not a table format aidtrack reads; use CSV or XLSX.")
            % {"file": display, "suffix": suffix or _("no extension")}
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
        raise ImportFailed(_("%(file)s has a header but no data rows.") % {"file": display})
    return Table(frame=frame, hashtags=hashtags, first_row=first_row, encoding=encoding)


# Streaming ---------------------------------------------------------------------------------------------------------

UNNAMED = re.compile(r"^Unnamed: (\d+)$")


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _sniff_encoding(path: Path, display: str) -> tuple[str, str]:
    """The encoding of a CSV file (UTF-8, with or without BOM, or Windows-1256) and its first 64 KB as text.

    The whole file is decoded block by block so that a stray byte at the end is
    found before anything is imported, without holding the file in memory.
    """
    with path.open("rb") as stream:
        head = stream.read(65536)
        if b"\x00" in head[:4096]:
            raise ImportFailed(
                _(
                    "%(file)s is not a text CSV file (it contains binary data; is it a spreadsheet or archive "
                    "renamed to .csv?). Save it as CSV (UTF-8) or give the .xlsx."
                )
                % {"file": display}
            )
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        stream.seek(0)
        try:
            while block := stream.read(1024 * 1024):
                decoder.decode(block)
            decoder.decode(b"", final=True)
            encoding = "utf-8-sig"
        except UnicodeDecodeError:
            encoding = "cp1256"  # The usual encoding of Arabic files saved by Excel on Windows.
    try:
        text = head.decode(encoding, errors="ignore" if encoding == "utf-8-sig" else "strict")
    except UnicodeDecodeError as error:
        raise ImportFailed(
            _("%(file)s: the text encoding is not UTF-8 or Windows-1256; save it as UTF-8.") % {"file": display}
        ) from error
    return encoding, text


def _check_header(frame: pandas.DataFrame, display: str) -> None:
    """Refuse columns without a name: in a workbook they come from merged or empty header cells."""
    unnamed = [i for i, column in enumerate(frame.columns) if UNNAMED.match(str(column)) or not str(column).strip()]
    with_data = [i for i in unnamed if (frame.iloc[:, i].astype(str).str.strip() != "").any()]
    if with_data:
        letters = ", ".join(_column_letter(i) for i in with_data)
        raise ImportFailed(
            _(
                "%(file)s: column(s) %(letters)s have data but no name in the header row (merged or empty header "
                "cells?). Unmerge the header cells and give every column its own name on the first row."
            )
            % {"file": display, "letters": letters}
        )


def _with_hashtags(frame: pandas.DataFrame, first_row: int) -> tuple[pandas.DataFrame, dict, int]:
    hashtags = {column: hxl_tag(column) for column in frame.columns}
    if not any(hashtags.values()) and len(frame):
        candidates = {column: hxl_tag(value) for column, value in frame.iloc[0].items()}
        tagged = sum(1 for tag in candidates.values() if tag)
        filled = sum(1 for value in frame.iloc[0] if str(value).strip())
        if tagged and tagged >= filled / 2:
            return frame.iloc[1:].reset_index(drop=True), candidates, first_row + 1
    return frame, hashtags, first_row


def _lines_before(lines: list[str], separator: str, start: int) -> int:
    """The file lines above the header: the ``start`` rows with a cell filled, and the blank lines among them."""
    if not start:
        return 0
    seen = 0
    for number, line in enumerate(lines):
        if any(cell.strip() for cell in next(csv.reader([line], delimiter=separator), [])):
            if seen == start:
                return number
            seen += 1
    return start


def iter_table(path: Path, display: str, *, sheet: str | None = None, chunk_rows: int = 20000) -> Iterator[Table]:
    """The table in chunks of ``chunk_rows`` rows, every cell as text; CSV is streamed, XLSX read whole.

    Every chunk carries the hashtags found under the header and the file row
    number of its first data row. Raises ImportFailed for an empty file or
    sheet, a header with unnamed columns, or a file that is not a table.
    """
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise ImportFailed(
            _("%(file)s: %(suffix)s is not a table format aidtrack reads; use CSV or XLSX.")
            % {"file": display, "suffix": suffix or _("no extension")}
        )
    names = None  # the header's names, when pandas's own would not do
    if suffix == ".xlsx":
        frame = _read_xlsx(path, display, sheet)
        if not len(frame.columns):
            raise ImportFailed(
                _("%(file)s: the sheet is empty (no header row and no data). Check the sheet name.") % {"file": display}
            )
        chunks, encoding = (frame.iloc[i : i + chunk_rows] for i in range(0, max(len(frame), 1), chunk_rows)), "xlsx"
        above, first_row = frame.attrs.get("above", ()), frame.attrs.get("header_row", 1) + 1
    else:
        encoding, head = _sniff_encoding(path, display)
        if not head.strip():
            raise ImportFailed(_("%(file)s is empty: it has no header row.") % {"file": display})
        lines = head.splitlines()[:HEADER_SEARCH_ROWS]
        try:
            # The fullest of the first lines is the header's (a title line above it may have no separator).
            separator = csv.Sniffer().sniff(max(lines, key=len) if lines else head, ",;\t").delimiter
        except csv.Error:
            separator = ","
        first_lines = [
            row for row in csv.reader(lines[:-1] or lines, delimiter=separator) if any(c.strip() for c in row)
        ]
        start = header_index(first_lines)
        above, first_row = _above_text(first_lines[:start]), 2 + _lines_before(lines, separator, start)
        raw_header = first_lines[start] if len(first_lines) > start else []
        if len(set(raw_header)) < len(raw_header):
            # pandas would number a repeated name ("Killed.1"); the row above may say what each one is.
            names = unique_header(raw_header, first_lines[start - 1] if start else [])
        try:
            chunks = pandas.read_csv(
                path,
                sep=separator,
                skiprows=first_row - 2,
                encoding=encoding,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=True,
                chunksize=chunk_rows,
            )
        except (pandas.errors.ParserError, ValueError) as error:
            raise ImportFailed(
                _("%(file)s cannot be read as CSV (%(error)s).") % {"file": display, "error": error}
            ) from error
    hashtags, seen, header = None, 0, first_row - 1
    try:
        for chunk in chunks:
            chunk = chunk.fillna("")
            if names is not None and len(names) == len(chunk.columns):
                chunk.columns = names
            chunk.columns = [str(column).strip() for column in chunk.columns]
            # Columns without a name are refused when they hold data, in any chunk; empty ones (the trailing
            # ",," of a spreadsheet's CSV) are no columns.
            _check_header(chunk, display)
            chunk = chunk.drop(columns=[c for c in chunk.columns if UNNAMED.match(str(c)) or not str(c).strip()])
            if hashtags is None:
                chunk, hashtags, first_row = _with_hashtags(chunk.reset_index(drop=True), first_row)
                start = first_row
            else:
                chunk = chunk.reset_index(drop=True)
            if len(chunk):
                yield Table(
                    frame=chunk, hashtags=hashtags, first_row=start, encoding=encoding, above=above, header_row=header
                )
                start += len(chunk)
                seen += len(chunk)
    except (pandas.errors.ParserError, UnicodeDecodeError) as error:
        raise ImportFailed(
            _("%(file)s cannot be read as CSV (%(error)s). Check the separator and quoting.")
            % {"file": display, "error": error}
        ) from error
    if not seen:
        raise ImportFailed(_("%(file)s has a header but no data rows.") % {"file": display})
