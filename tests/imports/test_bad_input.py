"""Hostile or broken files are refused with a message that says what is wrong, without exhausting the server."""

import io
import re
import resource
import zipfile

import openpyxl
import pytest

from aidtrack.imports.report import ImportFailed
from aidtrack.imports.tables import iter_table
from aidtrack.imports.uploads import parse_mapping_text


def workbook_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_sheet(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through ``change``."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            out.writestr(item, content)
    return target.getvalue()


def test_a_small_workbook_claiming_the_largest_sheet_is_read_as_the_few_cells_it_has(tmp_path):
    data = rewrite_sheet(
        workbook_bytes([["date", "summary"], ["2016-09-19", "Convoy attacked"]]),
        lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml),
    )
    assert len(data) < 8000
    path = tmp_path / "claims.xlsx"
    path.write_bytes(data)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tables = list(iter_table(path, "claims.xlsx"))
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert list(tables[0].frame.columns) == ["date", "summary"] and len(tables[0].frame) == 1
    assert grown_kb < 200_000


def test_a_workbook_with_xml_entities_is_refused_with_what_to_do(tmp_path):
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    data = rewrite_sheet(
        workbook_bytes([["date", "summary"], ["2016-09-19", "x"]]),
        lambda xml: bomb + (xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml),
    )
    path = tmp_path / "entities.xlsx"
    path.write_bytes(data)
    with pytest.raises(ImportFailed, match="entities or a DTD.*save it again"):
        list(iter_table(path, "entities.xlsx"))


@pytest.mark.parametrize(
    ("text", "named"),
    [('{"occurred_on": ""}', "occurred_on"), ('{"occurred_on": "Date", "category": "  "}', "category")],
)
def test_an_empty_column_in_a_json_mapping_is_refused_naming_the_field(text, named):
    with pytest.raises(ImportFailed, match=f"gives no column for {named}"):
        parse_mapping_text(text)


def test_the_api_refuses_an_empty_column_or_a_plan_naming_no_field_with_a_400(db, reporter, org_a):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(reporter)
    for extra, said in (
        ({"mapping": '{"occurred_on": ""}'}, "No column is given for occurred_on"),
        ({"plan": '{"constants": {"colour": "red"}}'}, "'colour', which is not a field"),
    ):
        upload = SimpleUploadedFile("log.csv", b"date,summary\n2016-09-19,x\n", "text/csv")
        response = client.post(
            "/api/v1/imports/incidents/", {"file": upload, "organization": org_a.pk, **extra}, format="multipart"
        )
        assert response.status_code == 400 and said in response.content.decode(), response.content
