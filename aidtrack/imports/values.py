"""Reading the values people type into spreadsheets: dates, coordinates, numbers and coded choices.

Each parser takes the cell's text and returns the value, or raises
``ValueProblem`` whose message says what was expected, so the import report
can show the row, the column, the value found and how to fix it.
"""

import datetime
import re
import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aidtrack.imports.tables import MISSING as TABLE_MISSING

MISSING = TABLE_MISSING | {"غير معروف"}
ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫", "01234567890123456789.")

DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%b %d %Y",
    "%B %d %Y",
    "%d/%m/%y",
)
DATE_EXPECTED = gettext_lazy("a date such as 2016-09-19, 19/09/2016 or 19 Sep 2016")


class ValueProblem(ValueError):
    """A cell that cannot be read; the message says what was expected."""


def clean(text) -> str:
    if type(text) is str and text.isascii():
        return " ".join(text.split())  # NFKC and the digit translation leave ASCII as it is: most cells are
    text = unicodedata.normalize("NFKC", str(text if text is not None else "")).translate(ARABIC_DIGITS)
    return " ".join(text.split())


def is_missing(text) -> bool:
    return clean(text).lower() in MISSING


DATE_ORDERS = ("dmy", "mdy")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Serial day numbers of 1954-10-02 .. 2064-03-23: a 5-digit whole number in a date column is one of these.
EXCEL_SERIALS = range(20000, 60000)
MONTH_FORMATS = ("%b %Y", "%B %Y", "%Y-%m", "%m/%Y", "%m-%Y", "%b-%Y", "%b-%y", "%B-%Y")


class MonthDate(datetime.date):
    """The first day of a month given without its day ("Sep 2016"): its precision is the month."""

    precision = "month"


# A time after the date, as spreadsheets and APIs hand dates over: "2016-09-19 00:00:00", "9/19/2016 0:00",
# "2016-09-19T10:30:00Z", "19/09/2016 10:30 AM". The date is kept; the time is not a date's.
TIME_AFTER = re.compile(r"^(.*\d)(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[AaPp][Mm]|[+-]\d{2}:?\d{2})?$")


def _date_text(text) -> str:
    value = clean(text).replace(",", "")
    value = TIME_AFTER.sub(r"\1", value)
    return re.sub(r"\bSept\b", "Sep", value, flags=re.IGNORECASE)


def date_order_of(values) -> str:
    """How a column writes its numeric dates: "dmy", "mdy", "ambiguous" (no value settles it), "mixed" (both
    orders are needed) or "" (no dd/mm/yyyy-like dates)."""
    day_first = month_first = ambiguous = False
    for value in values:
        found = NUMERIC_DATE.match(_date_text(value))
        if not found:
            continue
        first, second = int(found.group(1)), int(found.group(2))
        if first > 12 >= second:
            day_first = True
        elif second > 12 >= first:
            month_first = True
        elif first != second:
            ambiguous = True
    if day_first and month_first:
        return "mixed"
    if day_first:
        return "dmy"
    if month_first:
        return "mdy"
    return "ambiguous" if ambiguous else ""


def parse_date(text, order: str = "dmy") -> datetime.date:
    """A date in the common formats, its numeric day/month in ``order``; an Excel serial day number; a month
    without a day (a ``MonthDate``)."""
    value = _date_text(text)
    if ISO_DATE.match(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass  # told below, as any other unreadable date
    if re.fullmatch(r"\d{5}(\.0+)?", value) and int(float(value)) in EXCEL_SERIALS:
        return EXCEL_EPOCH + datetime.timedelta(days=int(float(value)))
    found = NUMERIC_DATE.match(value)
    if found:
        first, second, year = int(found.group(1)), int(found.group(2)), int(found.group(3))
        day, month = (first, second) if order == "dmy" else (second, first)
        year = year + (2000 if year < 70 else 1900) if year < 100 else year
        try:
            return datetime.date(year, month, day)
        except ValueError:
            if order == "dmy":
                message = _("not a date when read day/month/year, as the rest of the column is")
            else:
                message = _("not a date when read month/day/year, as the rest of the column is")
            raise ValueProblem(message) from None
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    for pattern in MONTH_FORMATS:
        try:
            month = datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        return MonthDate(month.year, month.month, 1)
    raise ValueProblem(_("expected %(what)s") % {"what": DATE_EXPECTED})


def parse_time(text) -> datetime.time:
    value = clean(text)
    for pattern in ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I %p"):
        try:
            return datetime.datetime.strptime(value.upper(), pattern).time()
        except ValueError:
            continue
    raise ValueProblem(_("expected a time such as 14:30"))


DMS = re.compile(
    r"""^\s*(?P<pre>[NSEW])?\s*
    (?P<deg>\d+(?:\.\d+)?)\s*(?:°|º|d|deg|:|\s)\s*
    (?:(?P<min>\d+(?:\.\d+)?)\s*(?:'|′|’|m|min|:|\s)?\s*)?
    (?:(?P<sec>\d+(?:\.\d+)?)\s*(?:"|″|''|”|s|sec)?\s*)?
    (?P<post>[NSEW])?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)


def _axis_name(axis: str) -> str:
    """The axis named in the reader's language (only when a value is refused: a file has many good ones)."""
    return _("latitude") if axis == "latitude" else _("longitude")


def parse_coordinate(text, *, axis: str) -> float:
    """Decimal degrees (33.6901, 33,6901) or degrees-minutes-seconds (33°41'24.4"N, N 33 41 24.4)."""
    limit = 90 if axis == "latitude" else 180
    value = clean(text)
    decimal = value.replace(",", ".") if value.count(",") == 1 and "." not in value else value
    try:
        number = float(decimal)
    except ValueError:
        number = None
    if number is None:
        match = DMS.match(value.replace("''", '"'))
        if not match or not (match["min"] or match["pre"] or match["post"] or "°" in value):
            raise ValueProblem(
                _("expected a %(axis)s in decimal degrees (33.6901) or degrees, minutes and seconds (33°41'24\"N)")
                % {"axis": _axis_name(axis)}
            )
        minutes = float(match["min"] or 0)
        seconds = float(match["sec"] or 0)
        if minutes >= 60 or seconds >= 60:
            raise ValueProblem(_("minutes and seconds must be under 60 in a %(axis)s") % {"axis": _axis_name(axis)})
        number = float(match["deg"]) + minutes / 60 + seconds / 3600
        hemisphere = (match["pre"] or match["post"] or "").upper()
        if hemisphere and (hemisphere in "NS") != (axis == "latitude"):
            raise ValueProblem(
                _("%(hemisphere)s is not a %(axis)s hemisphere (latitude takes N/S, longitude E/W)")
                % {"hemisphere": hemisphere, "axis": _axis_name(axis)}
            )
        if hemisphere in {"S", "W"}:
            number = -number
    if not -limit <= number <= limit:
        raise ValueProblem(
            _("a %(axis)s must lie between -%(limit)s and %(limit)s") % {"axis": _axis_name(axis), "limit": limit}
        )
    return number


def parse_count(text) -> int:
    value = clean(text).replace(",", "").replace(" ", "")
    try:
        number = float(value)
    except ValueError:
        raise ValueProblem(_("expected a whole number of 0 or more, e.g. 12")) from None
    if number < 0 or number != int(number):
        raise ValueProblem(_("expected a whole number of 0 or more, e.g. 12"))
    return int(number)


def choice_key(text) -> str:
    """A comparable form of a coded value: lower case, no punctuation, Arabic letter variants folded."""
    value = clean(text).lower()
    value = value.translate(str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"}))
    return re.sub(r"[\s\-_.,;:()/]+", " ", value).strip()


# "(1) Exact location", "4. Interference ...", "2) Near": a label numbered by its list.
ENUMERATED = re.compile(r"^\(?(\d{1,2})\s*[.)]\s*(\S.*)$")


class Choices:
    """The accepted spellings of one coded field: codes, English labels and Arabic labels."""

    def __init__(self, choices, *, extra: dict[str, str] | None = None, numbered: bool = False):
        # ``numbered``: a value that starts with one of the codes ("4. Interference into implementation ...",
        # "(5) Violence against ...") is that code, as in frameworks that number their categories.
        self.numbered = numbered
        self.labels = dict(choices)
        self.lookup = {}
        for value, label in self.labels.items():
            self.lookup[choice_key(value)] = value
            self.lookup[choice_key(label)] = value
            # "1. Denial of ..." is also written "Denial of ..."
            self.lookup[choice_key(re.sub(r"^\d+\.\s*", "", str(label)))] = value
        for spelling, value in (extra or {}).items():
            self.lookup[choice_key(spelling)] = value

    def parse(self, text) -> str:
        key = choice_key(text)
        if key in self.lookup:
            return self.lookup[key]
        numbered = ENUMERATED.match(clean(text))
        if numbered:
            number, rest = numbered.groups()
            if choice_key(rest) in self.lookup:
                return self.lookup[choice_key(rest)]
            if self.numbered and number in self.labels:
                return number
        codes = ", ".join(str(value) for value in self.labels if value != "")
        raise ValueProblem(
            _("expected one of %(codes)s (the code, or its label in English or Arabic)") % {"codes": codes}
        )
