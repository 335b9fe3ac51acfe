"""Bad input from the issue's list: each gets a clear message and nothing is written."""

import os

import openpyxl
import pytest
from django.utils import translation
from rest_framework.test import APIClient

from aidtrack.imports.report import ImportFailed
from aidtrack.imports.uploads import too_large_message
from aidtrack.incidents.importers import import_incidents
from aidtrack.incidents.models import Incident

ROWS = "id,date,category,summary,location,latitude,longitude\nA1,19/09/2016,5,هجوم على قافلة,مضايا,33.69,36.09\n"


def run(path, org, user, **kwargs):
    return import_incidents(str(path), organization=org, by=user, **kwargs)


def test_windows_1256_arabic_is_read(tmp_path, geography, org_a, reporter):
    path = tmp_path / "arabic.csv"
    path.write_bytes(ROWS.encode("cp1256"))
    result = run(path, org_a, reporter)
    assert Incident.objects.get().public_summary == "هجوم على قافلة"
    assert "Read as cp1256 (not UTF-8)." in result.report.notes


def test_utf8_with_bom_keeps_the_first_column_name(tmp_path, geography, org_a, reporter):
    path = tmp_path / "bom.csv"
    path.write_bytes(ROWS.encode("utf-8-sig"))
    run(path, org_a, reporter)
    assert Incident.objects.get().external_id == "A1"


def test_a_semicolon_separator_is_recognised(tmp_path, geography, org_a, reporter):
    path = tmp_path / "semicolon.csv"
    path.write_text(ROWS.replace(",", ";"), encoding="utf-8")
    run(path, org_a, reporter)
    assert Incident.objects.get().latitude == 33.69


def test_merged_header_cells_in_xlsx_are_refused_with_the_columns_named(tmp_path, geography, org_a, reporter):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["id", "date", "category", "summary", "Impact", None, "latitude", "longitude"])
    sheet.merge_cells("E1:F1")
    sheet.append(["A1", "2016-09-19", "5", "text", 3, 4, 33.69, 36.09])
    path = tmp_path / "merged.xlsx"
    workbook.save(path)
    with pytest.raises(ImportFailed, match=r"column\(s\) F have data but no name .*Unmerge the header cells"):
        run(path, org_a, reporter)
    assert not Incident.objects.exists()


def test_an_empty_sheet_is_refused(tmp_path, geography, org_a, reporter):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(ImportFailed, match="the sheet is empty"):
        run(path, org_a, reporter)


def test_a_header_without_rows_is_refused(tmp_path, geography, org_a, reporter):
    path = tmp_path / "header.csv"
    path.write_text("id,date,category,summary,latitude,longitude\n")
    with pytest.raises(ImportFailed, match="has a header but no data rows"):
        run(path, org_a, reporter)


def test_a_workbook_renamed_to_csv_is_refused(tmp_path, geography, org_a, reporter):
    workbook = openpyxl.Workbook()
    workbook.active.append(["id", "date"])
    path = tmp_path / "renamed.csv"
    workbook.save(path)
    with pytest.raises(ImportFailed, match="is not a text CSV file .*renamed to .csv"):
        run(path, org_a, reporter)


def test_a_2_gb_file_is_refused_before_it_is_read(tmp_path, geography, org_a, reporter):
    path = tmp_path / "huge.csv"
    with path.open("wb") as stream:
        stream.truncate(2 * 1024**3)  # sparse: takes no disk space
    with pytest.raises(ImportFailed, match=r"is 2.0\sGB, more than the import limit of 512.0\sMB\. Split it"):
        run(path, org_a, reporter)
    os.remove(path)


def test_a_file_without_a_date_column_names_its_columns(tmp_path, geography, org_a, reporter):
    path = tmp_path / "nodate.csv"
    path.write_text("id,summary,latitude,longitude\nA1,x,33.6,36.2\n")
    with pytest.raises(ImportFailed, match="no date column .*Its columns are: id, summary, latitude, longitude"):
        run(path, org_a, reporter)


def test_formula_cells_are_kept_as_text_on_import_and_escaped_on_export(tmp_path, geography, org_a, reporter):
    path = tmp_path / "formula.csv"
    path.write_text(
        'id,date,category,summary,latitude,longitude\nF1,2016-09-19,4,"=HYPERLINK(""http://evil.example"",""x"")",33.6,36.2\n'
    )
    run(path, org_a, reporter)
    assert Incident.objects.get().public_summary.startswith("=HYPERLINK(")
    client = APIClient()
    client.force_authenticate(reporter)
    body = client.get("/api/v1/incidents/?format=csv").content.decode()
    assert "'=HYPERLINK" in body and ',"=HYPERLINK' not in body and ",=HYPERLINK" not in body


def test_an_upload_over_the_limit_is_told_its_size_in_the_readers_units(settings):
    """Sizes are Django's filesizeformat: its units are translated, where ours ("MB") were English."""
    settings.AIDTRACK_IMPORT_MAX_BYTES = 10 * 1024**2
    assert "is 12.0\xa0MB, more than the import limit of 10.0\xa0MB" in too_large_message(12 * 1024**2)
    with translation.override("ar"):
        arabic = too_large_message(12 * 1024**2)
    assert "12.0\xa0م.ب" in arabic and "10.0\xa0م.ب" in arabic and "MB" not in arabic
