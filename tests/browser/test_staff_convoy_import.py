"""A reporter checks a convoy tracker spreadsheet on the import page, reads it convoy by convoy, then imports it."""

import pytest

from aidtrack.convoys.models import ConvoyRequest, ConvoyStatus
from aidtrack.demo.loader import load_demo
from tests.browser.conftest import screenshot
from tests.browser.test_staff_incident import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRACKER = (
    "Reference,Title,Partners,Origin,Status,Status date,Reason,Requested date,Approval date,Destination,"
    "Planned beneficiaries,Reached beneficiaries,Sector,Item,Quantity,Unit\n"
    "CV-2016-10-010,Madaya and Az-Zabdani,SARC; WFP,Damascus warehouse,Delivered,2016-10-25,,2016-10-02,18/10/2016,"
    "Madaya,38000,38000,Food security,Family food parcels,7600,parcels\n"
    "CV-2016-10-010,,,,,,,,,Az-Zabdani,750,600,Health,Surgical kits,40,kits\n"
    "CV-2016-10-011,Foah and Kafraya,SARC,Idleb warehouse,تم الرفض,2016-10-20,No facilitation letter,2016-10-03,,"
    "Foah,12800,,,,,\n"
    "CV-2016-10-012,Duma,,Damascus,submitted,,,05/10/2016,,Douma,153900,,,,,\n"
    "CV-2016-09-020,,,,cancelled,2016-10-01,Access not granted before winter,,,,,,,,,\n"
)


def test_check_then_import_a_convoy_tracker(page, live_server, tmp_path, settings):
    settings.AIDTRACK_IMPORT_DIR = tmp_path / "imports"
    load_demo()
    before = ConvoyRequest.objects.count()
    sign_in(page, live_server, "reporter.ocha")
    page.click("nav >> text=Import")
    page.click("nav.tabs >> text=Convoy requests")
    path = tmp_path / "ocha-convoy-tracker.csv"
    path.write_text(TRACKER, encoding="utf-8")
    page.set_input_files("#id_file", str(path))
    page.click("text=Check the file")
    # The requested dates read two ways (05/10/2016): the check asks, and the officer says day first on the plan.
    page.wait_for_selector("text=read two ways")
    page.select_option("#id_date_order_requested_date", "dmy")
    page.click("text=Check the file again with this plan")
    page.wait_for_selector("text=Import these rows")
    content = page.content()
    assert "'Douma' was matched to Duma (register area)" in content
    assert "on hold → cancelled 2016-10-01" in content
    screenshot(page, "staff-convoy-import-dry-run")
    assert ConvoyRequest.objects.count() == before
    page.click("text=Import these rows")
    page.wait_for_selector("text=Imported:")
    screenshot(page, "staff-convoy-import-done")
    assert ConvoyRequest.objects.count() == before + 3
    assert ConvoyRequest.objects.get(reference="CV-2016-10-011").status == ConvoyStatus.DENIED
    assert ConvoyRequest.objects.get(reference="CV-2016-09-020").status == ConvoyStatus.CANCELLED
