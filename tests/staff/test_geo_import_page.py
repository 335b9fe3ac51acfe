"""Uploading OCHA geodata on the staff import page: boundaries, communities, population and roads are checked by
the job queue (a dry run kept as a run), then written from the run's page; bad files are refused with a clear
message; the long stages report progress as they go; only a site administrator or an account given the data's
permissions may upload them.

Every file is built by the test: a made-up country on a grid (tests/geo/builders.py) and invented road lines.
"""

import io
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from shapely.geometry import LineString

from aidtrack.areas.models import Area
from aidtrack.geo.importers import boundaries as boundary_importer
from aidtrack.geo.importers import communities as community_importer
from aidtrack.geo.models import AdminArea, ContextLayer
from aidtrack.imports.models import ImportRun, ImportStatus
from aidtrack.imports.uploads import stored_upload
from aidtrack.jobs import progress as job_progress
from tests.geo.builders import ADM0, ADM1, ADM2, ADM3, box, frame, import_all
from tests.staff.conftest import login

pytestmark = pytest.mark.django_db

IMPORT = "/staff/import/"


def geojson(rows, name="layer.geojson") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, frame(rows).to_json().encode(), content_type="application/geo+json")


def csv_upload(text: str, name="list.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def check(client, kind, upload, **options):
    """Upload a file for checking; returns the run the page leads to."""
    response = client.post(IMPORT, {"kind": kind, "file": upload, **options})
    assert response.status_code == 302, response.content.decode()[:3000]
    return ImportRun.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[-1])


def commit(client, run) -> ImportRun:
    response = client.post(reverse("staff:import_commit", args=[run.pk]))
    assert response.status_code == 302
    return ImportRun.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[-1])


def refusal(client, kind, upload, **options) -> str:
    """Upload a file refused before it is queued: the form's message."""
    response = client.post(IMPORT, {"kind": kind, "file": upload, **options})
    assert response.status_code == 200 and not ImportRun.objects.exists()
    return " ".join(response.context["form"].errors["file"])


# Upload, check, commit


def test_boundaries_are_checked_then_written_from_the_run_page(client, site_admin):
    login(client, site_admin)
    page = client.get(IMPORT + "?kind=boundaries").content.decode()
    assert "Import Administrative boundaries" in page and "?kind=roads" in page
    run = check(client, "boundaries", geojson(ADM0, "syr_admbnda_adm0.geojson"), source_label="Test COD-AB")
    assert run.status == ImportStatus.DRY_RUN and run.counts["added"] == 1 and not AdminArea.objects.exists()
    assert run.source == "syr_admbnda_adm0.geojson" and stored_upload(run) is not None
    page = client.get(reverse("staff:import_run", args=[run.pk])).content.decode()
    assert "Import this file" in page
    written = commit(client, run)
    assert written.status == ImportStatus.SUCCEEDED and written.options["checked_by_run"] == run.pk
    assert AdminArea.objects.get(pcode="SY").source == "Test COD-AB"
    assert stored_upload(run) is None and stored_upload(written) is None  # nothing left waiting
    page = client.get(reverse("staff:import_run", args=[run.pk])).content.decode()
    assert "Import this file" not in page and f"import #{written.pk}" in page


def test_a_second_commit_of_the_same_check_writes_nothing_more(client, site_admin):
    login(client, site_admin)
    run = check(client, "boundaries", geojson(ADM0))
    commit(client, run)
    response = client.post(reverse("staff:import_commit", args=[run.pk]), follow=True)
    assert "no longer kept" in response.content.decode() and ImportRun.objects.count() == 2


def test_a_community_list_with_access_statuses_updates_the_register(client, site_admin, tmp_path):
    import_all(tmp_path)
    login(client, site_admin)
    text = (
        "Admin4Pcode,Admin4Name_En,Latitude,Longitude,Admin3Pcode,Access_Status\n"
        "C0001,Westvale,33.5,36.5,SY010000,Besieged\n"
        "C0002,Eastvale,34.0,37.5,SY020000,Accessible\n"
    )
    run = check(client, "communities", csv_upload(text), as_of="2016-10-31", source_label="Test HNO")
    assert run.status == ImportStatus.DRY_RUN, run.summary
    assert run.counts["communities added"] == 2 and run.counts["register areas added"] == 1
    assert run.options["as_of"] == "2016-10-31" and not Area.objects.exists()
    written = commit(client, run)
    assert written.status == ImportStatus.SUCCEEDED, written.summary
    assert AdminArea.objects.filter(level=4).count() == 2
    assert Area.objects.get().name_en == "Westvale"


def test_a_population_table_is_checked_then_written(client, site_admin, tmp_path):
    import_all(tmp_path)
    login(client, site_admin)
    text = "Admin3_Pcode,Pop_2017\nSY010000,1200\nSY020000,3400\nSY990000,5\n"
    run = check(client, "population", csv_upload(text, "pop.csv"), source_label="Test HNO")
    assert run.status == ImportStatus.DRY_RUN and run.counts["updated"] == 2
    assert run.counts["codes matching no area"] == 1
    assert AdminArea.objects.get(pcode="SY010000").population is None
    assert commit(client, run).status == ImportStatus.SUCCEEDED
    area = AdminArea.objects.get(pcode="SY010000")
    assert (area.population, area.population_year, area.population_source) == (1200, 2017, "Test HNO")


ROADS = [
    {"highway": "primary", "geometry": LineString([(36.05, 33.60), (36.10, 33.69)])},
    {"highway": "residential", "geometry": LineString([(36.099, 33.689), (36.101, 33.691)])},
]


def test_roads_are_checked_then_loaded_with_their_credits(client, site_admin):
    login(client, site_admin)
    credits = {"source_label": "Invented test lines", "licence": "CC0", "attribution": "Test roads"}
    run = check(client, "roads", geojson(ROADS, "roads.geojson"), classes="primary,secondary", **credits)
    assert run.status == ImportStatus.DRY_RUN, run.summary
    assert run.counts == {"lines read": 1, "lines kept": 1} and not ContextLayer.objects.exists()
    assert commit(client, run).status == ImportStatus.SUCCEEDED
    layer = ContextLayer.objects.get()
    assert (layer.source, layer.licence, layer.attribution) == ("Invented test lines", "CC0", "Test roads")


def test_roads_need_their_credits(client, site_admin):
    login(client, site_admin)
    response = client.post(IMPORT, {"kind": "roads", "file": geojson(ROADS, "roads.geojson")})
    assert response.status_code == 200 and set(response.context["form"].errors) == {
        "source_label",
        "licence",
        "attribution",
    }


def test_a_roads_file_that_is_not_lines_fails_its_check_and_nothing_is_kept(client, site_admin, settings):
    from shapely.geometry import Point

    login(client, site_admin)
    credits = {"source_label": "Invented test points", "licence": "CC0", "attribution": "Test"}
    points = geojson([{"highway": "primary", "geometry": Point(36.1, 33.69)}], "points.geojson")
    run = check(client, "roads", points, **credits)
    assert run.status == ImportStatus.FAILED and "not lines" in run.summary
    assert stored_upload(run) is None and list(settings.AIDTRACK_IMPORT_DIR.iterdir()) == []
    page = client.get(reverse("staff:import_run", args=[run.pk])).content.decode()
    assert "Import this file" not in page and not ContextLayer.objects.exists()


def test_the_run_page_says_its_notes_in_the_language_of_who_checked(client, site_admin, tmp_path):
    import_all(tmp_path)
    login(client, site_admin)
    upload = csv_upload("Admin3_Pcode,Pop_2017\nSY010000,1200\n", "pop.csv")
    response = client.post(IMPORT, {"kind": "population", "file": upload}, HTTP_ACCEPT_LANGUAGE="ar")
    run = ImportRun.objects.get()
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "P-codes from column" not in run.summary and "Admin3_Pcode" in run.summary
    assert "استيراد هذا الملف" in page  # "Import this file"


# Bad files


def test_a_file_of_the_wrong_kind_is_refused_by_its_name(client, site_admin):
    login(client, site_admin)
    message = refusal(client, "boundaries", csv_upload("a,b\n1,2\n", "adm3.csv"))
    assert ".csv is not a file this import reads" in message and ".geojson" in message
    message = refusal(client, "population", geojson(ADM0))
    assert ".geojson is not a file this import reads" in message


def test_a_file_that_is_not_what_its_name_says_is_refused(client, site_admin):
    login(client, site_admin)
    assert "is not GeoJSON" in refusal(
        client, "boundaries", SimpleUploadedFile("adm1.geojson", b"ADM1_PCODE,ADM1_EN\nSY01,West\n")
    )
    assert "is not a zip archive" in refusal(client, "boundaries", SimpleUploadedFile("adm1.zip", b"not a zip"))
    assert "binary data" in refusal(client, "communities", SimpleUploadedFile("list.csv", b"PK\x03\x04\x00\x00"))


def test_an_empty_or_too_large_file_is_refused(client, site_admin, settings):
    login(client, site_admin)
    assert "is empty" in refusal(client, "boundaries", SimpleUploadedFile("adm0.geojson", b""))
    settings.AIDTRACK_IMPORT_MAX_BYTES = 100
    message = refusal(client, "boundaries", geojson(ADM1, "adm1.geojson"))
    assert "more than the import limit of 100" in message and "manage.py" in message


def zipped(members: dict, name="boundaries.zip") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def test_a_zip_that_unpacks_far_beyond_its_size_is_refused_unopened(client, site_admin):
    login(client, site_admin)
    bomb = zipped({"adm1.geojson": b'{"type": "FeatureCollection", "features": []' + b" " * (8 * 1024 * 1024)})
    message = refusal(client, "boundaries", bomb)
    assert "adm1.geojson unpacks to" in message and "more than 100 times its size" in message


def test_a_zip_of_too_many_files_another_zip_or_no_layer_is_refused(client, site_admin, settings):
    login(client, site_admin)
    settings.AIDTRACK_UPLOAD_ZIP_MAX_MEMBERS = 3
    many = zipped({f"part{number}.txt": b"x" for number in range(5)})
    assert "holds 5 files, more than the 3" in refusal(client, "boundaries", many)
    nested = zipped({"inner.zip": b"PK\x03\x04"})
    assert "holds another zip (inner.zip)" in refusal(client, "boundaries", nested)
    no_layer = zipped({"readme.txt": b"hello"})
    assert "holds no .shp, .gpkg or .geojson file" in refusal(client, "boundaries", no_layer)


def test_a_file_with_more_features_than_an_upload_takes_is_refused_on_its_run(client, site_admin, settings):
    login(client, site_admin)
    settings.AIDTRACK_GEODATA_MAX_FEATURES = 2
    run = check(client, "boundaries", geojson(ADM3, "adm3.geojson"))
    assert run.status == ImportStatus.FAILED and "has 3 features, more than the 2" in run.summary
    assert stored_upload(run) is None
    run = check(client, "population", csv_upload("Admin3_Pcode,Pop_2017\nA1,1\nA2,2\nA3,3\n", "pop.csv"))
    assert run.status == ImportStatus.FAILED and "has 3 rows, more than the 2" in run.summary


def test_a_list_without_its_columns_is_refused_with_what_it_has(client, site_admin, tmp_path):
    import_all(tmp_path)
    login(client, site_admin)
    run = check(client, "communities", csv_upload("Village,Lat,Lon\nWestvale,33.5,36.5\n"))
    assert run.status == ImportStatus.FAILED and "no community P-code column" in run.summary
    assert "list.csv" in run.summary and "upload-" not in run.summary  # the file by its own name
    page = client.get(reverse("staff:import_run", args=[run.pk])).content.decode()
    assert "Nothing was written." in page and "upload it again" in page and "Import this file" not in page


def test_an_unknown_column_in_the_columns_box_is_refused_on_the_form(client, site_admin):
    login(client, site_admin)
    response = client.post(IMPORT, {"kind": "boundaries", "file": geojson(ADM0), "columns": "colour=RED"})
    assert "'colour' is not a field" in " ".join(response.context["form"].errors["columns"])


def test_a_boundary_file_with_errors_cannot_be_committed(client, site_admin):
    login(client, site_admin)
    run = check(client, "boundaries", geojson(ADM2, "adm2.geojson"))  # no governorates loaded: unknown parents
    assert run.status == ImportStatus.FAILED and run.error_count == 3
    page = client.get(reverse("staff:import_run", args=[run.pk])).content.decode()
    assert "Import this file" not in page and "SY01" in page


# Progress within a stage


def recorded_progress(monkeypatch) -> list[tuple[str, int]]:
    """Every progress value a run keeps on its row (or in the cache inside its transaction)."""
    seen = []
    real = job_progress.save

    def save(run, rows_done, stage, at):
        seen.append((stage, rows_done))
        real(run, rows_done, stage, at)

    monkeypatch.setattr(job_progress, "save", save)
    return seen


def grid(count: int, level: int = 1) -> list[dict]:
    """``count`` adjacent 0.01° squares, each an area of ``level`` (no parent: governorates before the country)."""
    return [
        {
            f"ADM{level}_PCODE": f"SY{number:04d}",
            f"ADM{level}_EN": f"Area {number}",
            "geometry": box(
                36 + number % 20 * 0.01,
                33 + number // 20 * 0.01,
                36.01 + number % 20 * 0.01,
                33.01 + number // 20 * 0.01,
            ),
        }
        for number in range(count)
    ]


def test_a_272_area_import_moves_its_progress_within_checking_and_writing(client, site_admin, monkeypatch):
    seen = recorded_progress(monkeypatch)
    login(client, site_admin)
    run = check(client, "boundaries", geojson(grid(272), "adm.geojson"))
    assert run.status == ImportStatus.DRY_RUN and run.rows_total == 272
    checking = [done for stage, done in seen if stage == "checking"]
    assert checking == [*range(25, 272, 25), 272]  # every 25 features, not only at the stage's end
    seen.clear()
    assert commit(client, run).status == ImportStatus.SUCCEEDED
    writing = [done for stage, done in seen if stage == "writing"]
    assert writing == [0, 50, 100, 150, 200, 250, 272]


def test_a_community_list_moves_its_progress_within_checking_and_writing(client, site_admin, monkeypatch, tmp_path):
    import_all(tmp_path)
    monkeypatch.setattr(community_importer, "CHECK_EVERY", 2)
    monkeypatch.setattr(community_importer, "WRITE_EVERY", 2)
    seen = recorded_progress(monkeypatch)
    login(client, site_admin)
    rows = "".join(f"C{number:04d},Village {number},33.5,36.5\n" for number in range(5))
    run = check(client, "communities", csv_upload("Admin4Pcode,Admin4Name_En,Latitude,Longitude\n" + rows))
    assert run.status == ImportStatus.DRY_RUN, run.summary
    assert [done for stage, done in seen if stage == "checking"] == [2, 4, 5]
    seen.clear()
    assert commit(client, run).status == ImportStatus.SUCCEEDED
    assert [done for stage, done in seen if stage == "writing"] == [0, 2, 4, 5]


def test_boundaries_of_several_layers_count_their_progress_across_layers(monkeypatch, tmp_path):
    monkeypatch.setattr(boundary_importer, "CHECK_EVERY", 1)
    heard = []
    path = tmp_path / "cod.gpkg"
    frame(ADM0).to_file(path, layer="adm0", engine="pyogrio")
    frame(ADM1).to_file(path, layer="adm1", engine="pyogrio")
    boundary_importer.import_boundaries(str(path), progress=lambda stage, count: heard.append((stage, count)))
    assert heard[:5] == [("counted", 3), ("checked", 1), ("checked", 2), ("checked", 3), ("checked", 3)]


# Who may


def test_a_reporter_sees_no_geodata_tab_and_is_refused(client, reporter):
    login(client, reporter)
    page = client.get(IMPORT).content.decode()
    assert "?kind=incidents" in page and "?kind=boundaries" not in page and "?kind=roads" not in page
    assert client.get(IMPORT + "?kind=boundaries").status_code == 403
    response = client.post(IMPORT, {"kind": "boundaries", "file": geojson(ADM0)})
    assert response.status_code == 403 and not ImportRun.objects.exists()


def test_a_reporter_cannot_see_or_commit_a_site_admins_check(client, site_admin, reporter):
    login(client, site_admin)
    run = check(client, "boundaries", geojson(ADM0, "admins_own_adm0.geojson"))
    client.logout()
    login(client, reporter)
    assert "admins_own_adm0.geojson" not in client.get(IMPORT).content.decode()  # not in their recent imports
    assert client.get(reverse("staff:import_run", args=[run.pk])).status_code == 404
    assert client.get(reverse("staff:import_progress", args=[run.pk])).status_code == 404
    assert client.post(reverse("staff:import_commit", args=[run.pk])).status_code == 404
    assert not AdminArea.objects.exists()


def test_a_data_officer_with_the_admin_area_permissions_loads_boundaries_but_not_roads(client, reporter):
    reporter.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="geo", codename__in=["add_adminarea", "change_adminarea"])
    )
    login(client, reporter)
    page = client.get(IMPORT).content.decode()
    assert "?kind=boundaries" in page and "?kind=population" in page and "?kind=roads" not in page
    assert client.get(IMPORT + "?kind=roads").status_code == 403
    run = check(client, "boundaries", geojson(ADM0))
    assert commit(client, run).status == ImportStatus.SUCCEEDED and AdminArea.objects.filter(pcode="SY").exists()
    assert ImportRun.objects.filter(started_by=reporter).count() == 2


def test_a_data_officer_records_statuses_only_for_an_organization_they_report_for(client, reporter, tmp_path):
    import_all(tmp_path)
    reporter.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="geo", codename__in=["add_adminarea", "change_adminarea"])
    )
    login(client, reporter)
    text = "Admin4Pcode,Admin4Name_En,Latitude,Longitude,Access_Status\nC0001,Westvale,33.5,36.5,Besieged\n"
    options = {"as_of": "2016-10-31", "source_label": "Test HNO"}
    run = check(client, "communities", csv_upload(text), **options)
    assert run.status == ImportStatus.FAILED and "Say which of your organizations" in run.summary
    organization = reporter.memberships.get().organization
    run = check(client, "communities", csv_upload(text), organization=organization.pk, **options)
    assert run.status == ImportStatus.DRY_RUN, run.summary


def test_the_progress_of_a_geodata_run_is_followed_as_json(client, site_admin):
    login(client, site_admin)
    run = check(client, "boundaries", geojson(ADM1))
    data = client.get(reverse("staff:import_progress", args=[run.pk])).json()
    assert (data["finished"], data["status"], data["rows_total"]) == (True, ImportStatus.DRY_RUN, 2)


def test_a_boundary_run_that_works_counts_its_features_in_the_readers_language(client, site_admin):
    from django.utils import timezone

    now = timezone.now()
    run = ImportRun.objects.create(
        kind="boundaries",
        source="syr_admbnda_adm3.geojson",
        started_by=site_admin,
        started_at=now,
        heartbeat_at=now,
        status=ImportStatus.RUNNING,
        stage="checking",
        rows_done=25,
        rows_total=272,
    )
    login(client, site_admin)
    assert "Checking: 25 of 272 features" in client.get(reverse("staff:import_run", args=[run.pk])).content.decode()
    page = client.get(reverse("staff:import_run", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "الفحص: 25 من 272 معلم" in page
    assert client.get(reverse("staff:import_progress", args=[run.pk])).json()["unit"] == "features"


def test_the_register_changes_of_a_community_list_move_the_progress_too(client, site_admin, monkeypatch, tmp_path):
    from aidtrack.areas import services as area_services

    import_all(tmp_path)
    monkeypatch.setattr(area_services, "REGISTER_PROGRESS_EVERY", 1)
    login(client, site_admin)
    rows = "".join(f"C{number:04d},Village {number},33.5,36.5,Besieged\n" for number in range(3))
    text = "Admin4Pcode,Admin4Name_En,Latitude,Longitude,Access_Status\n" + rows
    run = check(client, "communities", csv_upload(text), as_of="2016-10-31", source_label="Test HNO")
    seen = recorded_progress(monkeypatch)
    written = commit(client, run)
    assert written.status == ImportStatus.SUCCEEDED and Area.objects.count() == 3
    writing = [done for stage, done in seen if stage == "writing"]
    assert writing == sorted(writing) and writing[-1] == written.rows_total == 6  # 3 communities, 3 register areas
    assert any(3 < done < 6 for done in writing)  # within the register's changes, not only at their end
