"""A reporter checks a spreadsheet on the import page, reads the report, then imports it."""

import pytest

from aidtrack.demo.loader import load_demo
from aidtrack.incidents.models import Incident
from tests.browser.conftest import screenshot
from tests.browser.test_staff_incident import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLE = (
    "Incident no,Date,Category,Summary,Location,Latitude,Longitude,Killed\n"
    "SARC-001,19/09/2016,5,Convoy attacked at Urum al-Kubra,,36.1479,36.9479,20\n"
    "SARC-002,20 Sep 2016,العمليات العسكرية,Shelling near Madaya,Mudaya,,,0\n"
    'SARC-003,2016-09-21,4,"=HYPERLINK(""http://evil.example"",""x"")",,33°41\'24"N,36°05\'46"E,0\n'
)


def test_check_then_import_a_spreadsheet(page, live_server, tmp_path, settings):
    settings.AIDTRACK_IMPORT_DIR = tmp_path / "imports"
    load_demo()
    before = Incident.objects.count()
    sign_in(page, live_server, "reporter.sarc")
    page.click("nav >> text=Import")
    path = tmp_path / "sarc-log.csv"
    path.write_text(TABLE, encoding="utf-8")
    page.select_option("#id_organization", label="Syrian Arab Red Crescent (SARC)")
    page.set_input_files("#id_file", str(path))
    page.fill("#id_mapping", "external_id=Incident no")
    screenshot(page, "staff-import-upload")
    page.click("text=Check the file")
    page.wait_for_selector("text=Import these rows")
    assert "was matched to Madaya" in page.content()
    screenshot(page, "staff-import-dry-run")
    assert Incident.objects.count() == before
    page.click("text=Import these rows")
    page.wait_for_selector("text=Imported:")
    screenshot(page, "staff-import-done")
    assert Incident.objects.count() == before + 3
