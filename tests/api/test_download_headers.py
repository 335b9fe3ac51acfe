"""CSV and XLSX downloads in Arabic: Arabic column headers, the same HXL row, a right-to-left sheet, and a file
that imports back as the English one does."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from aidtrack.api import agreements, areas, conflict_events, convoy_rows, incident_rows
from aidtrack.exchange.headers import HEADERS
from aidtrack.incidents.importers.table import import_incidents

ARABIC = {"HTTP_ACCEPT_LANGUAGE": "ar"}
LISTS = ["api:incident-list", "api:convoy-list", "api:area-list", "api:agreement-list"]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_every_exported_column_has_a_header_in_arabic():
    keys = {
        key
        for columns in (
            incident_rows.PUBLIC_COLUMNS,
            incident_rows.FULL_ONLY_COLUMNS,
            convoy_rows.PUBLIC_COLUMNS,
            convoy_rows.FULL_ONLY_COLUMNS,
            areas.COLUMNS,
            agreements.COLUMNS,
            conflict_events.COLUMNS,
        )
        for key, _ in columns
    }
    assert sorted(keys - set(HEADERS)) == [], "give each new column a header in aidtrack/exchange/headers.py"


@pytest.mark.parametrize("name", LISTS)
def test_an_arabic_csv_has_arabic_headers_over_the_same_hxl_row_and_cells(world, client, name):
    english = csv_rows(client.get(reverse(name), {"format": "csv"}))
    arabic = csv_rows(client.get(reverse(name), {"format": "csv"}, **ARABIC))
    assert arabic[1] == english[1], "the HXL row is the same in every language"
    # The records too, but for labels, which are written in the reader's language (codes stay as they are).
    labels = [i for i, key in enumerate(english[0]) if key.endswith("_label")]

    def unlabelled(table):
        return [[cell for i, cell in enumerate(row) if i not in labels] for row in table[2:]]

    assert unlabelled(arabic) == unlabelled(english) and len(english) > 2
    assert arabic[0] != english[0] and len(arabic[0]) == len(english[0])
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in header) for header in arabic[0]), arabic[0]
    assert english[0][0] == "id"  # English keeps the field names scripts read


def test_lang_in_the_address_asks_for_arabic_headers_too(world, client):
    rows = csv_rows(client.get(reverse("api:incident-list"), {"format": "csv", "lang": "ar"}))
    assert rows[0][:2] == ["المعرّف", "المرجع"]


def test_an_arabic_workbook_runs_right_to_left_and_an_english_one_does_not(world, client):
    for headers, right_to_left in ((ARABIC, True), ({}, False)):
        response = client.get(reverse("api:incident-list"), {"format": "xlsx"}, **headers)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet.sheet_view.rightToLeft is right_to_left
        assert sheet.cell(2, 1).value == "#meta+id"


def test_a_file_downloaded_in_arabic_imports_back_as_the_english_one(world, client, tmp_path, org_a, site_admin):
    files = {}
    for language, headers in (("en", {}), ("ar", ARABIC)):
        path = tmp_path / f"incidents-{language}.csv"
        path.write_bytes(client.get(reverse("api:incident-list"), {"format": "csv"}, **headers).content)
        files[language] = import_incidents(str(path), organization=org_a, by=site_admin, dry_run=True)
    english, arabic = files["en"], files["ar"]
    assert set(arabic.columns) == set(english.columns) and len(english.columns) > 20
    assert arabic.report.counts == english.report.counts
