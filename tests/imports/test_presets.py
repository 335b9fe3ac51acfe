"""Presets for public datasets: each imports a sample file built here, as the dataset publishes it."""

import csv
import io

from aidtrack.imports.table_runs import run_table_import
from aidtrack.incidents.models import Incident

AWSD_HEADER = [
    "Incident ID", "Year", "Month", "Day", "Country Code", "Country", "Region", "District", "City", "UN", "INGO",
    "ICRC", "NRCS and IFRC", "NNGO", "Other", "Nationals killed", "Nationals wounded", "Nationals kidnapped",
    "Total nationals", "Internationals killed", "Internationals wounded", "Internationals kidnapped",
    "Total internationals", "Total killed", "Total wounded", "Total kidnapped", "Total affected", "Gender Male",
    "Gender Female", "Gender Unknown", "Means of attack", "Attack context", "Location", "Latitude", "Longitude",
    "Motive", "Actor type", "Actor name", "Details", "Verified", "Source",
]  # fmt: skip


def csv_text(header, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def awsd_row(**values):
    row = dict.fromkeys(AWSD_HEADER, "")
    row.update(dict.fromkeys(AWSD_HEADER[9:30], "0"))  # the counts, 0 when none
    row.update({"Country Code": "SY", "Country": "Syrian Arab Republic", "Location": "Road", "Verified": "Archived"})
    row.update(values)
    return [row[column] for column in AWSD_HEADER]


def run(path, org, user, preset, **kwargs):
    return run_table_import(
        "incidents", str(path), organization=org, by=user, dry_run=False, mapping_name=f"preset:{preset}", **kwargs
    )


def test_the_aid_worker_security_database_export_imports_with_its_codebook_split(tmp_path, geography, org_a, reporter):
    rows = [
        awsd_row(**{"Incident ID": "2461", "Year": "2016", "Month": "9", "Day": "19", "Region": "Rural Damascus",
                    "City": "Madaya", "Latitude": "33.69", "Longitude": "36.09", "Nationals killed": "12",
                    "Internationals wounded": "1", "Total killed": "12", "Total wounded": "1",
                    "Means of attack": "Aerial bombardment", "Actor name": "Unknown", "Details": "Convoy struck."}),
        awsd_row(**{"Incident ID": "2470", "Year": "2016", "Month": "Oct", "Day": "", "Region": "Rural Damascus",
                    "City": "", "Latitude": "", "Longitude": "", "Nationals kidnapped": "2", "Total kidnapped": "2",
                    "Means of attack": "Kidnapping", "Actor name": "Armed group X", "Details": "Two drivers taken."}),
    ]  # fmt: skip
    path = tmp_path / "security_incidents.csv"
    path.write_text(csv_text(AWSD_HEADER, rows), encoding="utf-8")
    report = run(path, org_a, reporter, "awsd")
    assert report.counts["created"] == 2
    struck, taken = Incident.objects.get(external_id="2461"), Incident.objects.get(external_id="2470")
    assert struck.national_aid_workers_killed == 12 and struck.international_aid_workers_injured == 1
    assert struck.aid_workers_killed == 12 and struck.weapon == "Aerial bombardment" and struck.category == "5"
    assert struck.perpetrator is None and struck.perpetrator_text == ""
    assert (taken.occurred_on.isoformat(), taken.date_precision) == ("2016-10-01", "month")
    assert taken.stated_area == geography["gov"] and taken.latitude is None, "placed by its region, not a point"
    assert taken.national_aid_workers_kidnapped == 2 and taken.perpetrator_text == "Armed group X"
    assert taken.sources.get().licence.startswith("Humanitarian Outcomes")


def test_an_hdx_file_with_the_common_access_hashtags_imports_by_its_hashtags(tmp_path, geography, org_a, reporter):
    text = (
        "When,What,Who,Governorate,Gov code,Place,Lat,Lon,Dead,Hurt,Agency,State,Story\n"
        "#date+occurred,#event+type,#group+name+perp,#adm1+name,#adm1+code,#loc+name,#geo+lat,#geo+lon,"
        "#affected+killed,#affected+injured,#org+name,#status,#description\n"
        "2016-09-19,Military operations,Unknown,Rural Damascus,SY03,Madaya,33.69,36.09,3,4,OCHA,verified,Shelling\n"
        "2016-09-21,Interference,,Rural Damascus,SY03,,,,0,0,OCHA,verified,Checkpoint refused passage\n"
        "2016-09-22,Not a category,,Rural Damascus,SY03,,,,0,0,OCHA,verified,Row to fix\n"
    )
    path = tmp_path / "hdx.csv"
    path.write_text(text, encoding="utf-8")
    report = run(path, org_a, reporter, "hdx-hxl")
    assert report.counts["created"] == 2 and report.counts["rows refused (left out)"] == 1
    shelling = Incident.objects.get(public_summary="Shelling")
    assert (shelling.category, shelling.people_killed, shelling.people_injured) == ("7", 3, 4)
    checkpoint = Incident.objects.get(public_summary="Checkpoint refused passage")
    assert checkpoint.category == "4" and checkpoint.stated_area == geography["gov"]
    assert checkpoint.latitude is None


def test_public_downloads_carry_the_attribution_the_dataset_licence_requires(
    tmp_path, geography, org_a, reporter, reviewer
):
    from rest_framework.test import APIClient

    from aidtrack.incidents.models import VerificationStatus
    from aidtrack.incidents.services import incident_review

    rows = [
        awsd_row(**{"Incident ID": "9", "Year": "2016", "Month": "9", "Day": "19", "Latitude": "33.69",
                    "Longitude": "36.09", "Details": "Convoy struck."})
    ]  # fmt: skip
    path = tmp_path / "security_incidents.csv"
    path.write_text(csv_text(AWSD_HEADER, rows), encoding="utf-8")
    run(path, org_a, reporter, "awsd")
    incident = Incident.objects.get()
    incident.visibility = "public"
    incident.save()
    incident_review(incident=incident, by=reviewer, outcome=VerificationStatus.VERIFIED)
    text = APIClient().get("/api/v1/incidents/?format=csv").content.decode()
    assert "#meta+source+licence" in text and "Aid Worker Security Database (Humanitarian Outcomes" in text
