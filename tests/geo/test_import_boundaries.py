"""import_boundaries: COD-AB layers in any of the usual formats, all or nothing, with a report."""

import datetime
import io
import os
import zipfile

import pytest
from django.core.management import CommandError, call_command

from aidtrack.geo.importers.boundaries import import_boundaries
from aidtrack.geo.models import AdminArea
from aidtrack.imports.models import ImportRun, ImportStatus
from aidtrack.imports.report import ImportFailed
from aidtrack.incidents.models import Incident
from tests.geo.builders import ADM0, ADM1, ADM2, ADM3, box, import_all, write, write_levels

pytestmark = pytest.mark.django_db


def tree():
    return {
        a.pcode: (a.level, a.parent.pcode if a.parent else None) for a in AdminArea.objects.select_related("parent")
    }


def test_geojson_levels_load_with_parents_linked_by_pcode(tmp_path):
    reports = import_all(tmp_path)
    assert [r.counts["added"] for r in reports] == [1, 2, 3, 3]
    assert tree() == {
        "SY": (0, None),
        "SY01": (1, "SY"),
        "SY02": (1, "SY"),
        "SY0100": (2, "SY01"),
        "SY0101": (2, "SY01"),
        "SY0200": (2, "SY02"),
        "SY010000": (3, "SY0100"),
        "SY010100": (3, "SY0101"),
        "SY020000": (3, "SY0200"),
    }
    west = AdminArea.objects.get(pcode="SY01")
    assert (west.name_ar, west.min_lon, west.max_lon) == ("الغرب", 36.0, 37.0)


def test_a_geopackage_with_every_layer_loads_in_level_order(tmp_path):
    path = tmp_path / "cod.gpkg"
    # Written finest first: the importer must still create parents before children.
    write(ADM3, path, driver="GPKG", layer="syr_admbnda_adm3")
    write(ADM2, path, driver="GPKG", layer="syr_admbnda_adm2")
    write(ADM1, path, driver="GPKG", layer="syr_admbnda_adm1")
    write(ADM0, path, driver="GPKG", layer="syr_admbnda_adm0")
    report = import_boundaries(str(path))
    assert report.counts["added"] == 9
    assert tree()["SY010100"] == (3, "SY0101")


def test_one_layer_of_a_geopackage(tmp_path):
    import_all(tmp_path, levels=(0,))
    path = tmp_path / "cod.gpkg"
    write(ADM1, path, driver="GPKG", layer="adm1")
    write(ADM2, path, driver="GPKG", layer="adm2")
    import_boundaries(str(path), layer="adm1")
    assert set(AdminArea.objects.values_list("pcode", flat=True)) == {"SY", "SY01", "SY02"}


def test_a_zipped_shapefile_in_a_projected_crs_is_reprojected(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    projected = [dict(row) for row in ADM1]
    write(projected, folder / "adm1.shp", crs="EPSG:4326")
    import geopandas

    frame = geopandas.read_file(folder / "adm1.shp").to_crs("EPSG:32637")
    frame.to_file(folder / "adm1_utm.shp")
    archive = tmp_path / "adm1.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in folder.glob("adm1_utm.*"):
            z.write(part, part.name)
    report = import_boundaries(str(archive))
    west = AdminArea.objects.get(pcode="SY01")
    assert west.min_lon == pytest.approx(36.0, abs=1e-6) and west.max_lat == pytest.approx(35.0, abs=1e-6)
    assert any("reprojected from EPSG:32637" in note for note in report.notes)


@pytest.mark.parametrize(
    ("pcode", "name", "arabic"),
    [("admin1Pcode", "admin1Name_en", "admin1Name_ar"), ("Admin1_Pcode", "Admin1_Name_En", "ADM1_AR")],
)
def test_usual_field_name_variants_are_recognised(tmp_path, pcode, name, arabic):
    rows = [{pcode: r["ADM1_PCODE"], name: r["ADM1_EN"], arabic: r["ADM1_AR"], "geometry": r["geometry"]} for r in ADM1]
    import_boundaries(str(write(rows, tmp_path / "adm1.geojson")))
    assert AdminArea.objects.get(pcode="SY02").name_en == "East"
    assert AdminArea.objects.get(pcode="SY02").name_ar == "الشرق"


def test_explicit_column_mapping(tmp_path):
    rows = [{"GOV_CODE": r["ADM1_PCODE"], "GOV_NAME": r["ADM1_EN"], "geometry": r["geometry"]} for r in ADM1]
    path = write(rows, tmp_path / "govs.geojson")
    with pytest.raises(ImportFailed, match="no P-code column found.*GOV_CODE"):
        import_boundaries(str(path))
    import_boundaries(str(path), level=1, mapping=["pcode=GOV_CODE", "name_en=GOV_NAME"])
    assert AdminArea.objects.filter(level=1).count() == 2


def test_without_a_parent_column_the_parent_is_found_by_pcode_prefix(tmp_path):
    import_all(tmp_path, levels=(1,))
    rows = [{k: v for k, v in r.items() if k != "ADM1_PCODE"} for r in ADM2]
    import_boundaries(str(write(rows, tmp_path / "adm2.geojson")))
    assert tree()["SY0200"] == (2, "SY02")


def test_invalid_geometry_is_repaired_and_reported(tmp_path):
    bowtie = {"type": "Polygon", "coordinates": [[[36, 33], [37, 34], [37, 33], [36, 34], [36, 33]]]}
    import shapely

    rows = [dict(ADM1[0], geometry=shapely.geometry.shape(bowtie)), ADM1[1]]
    report = import_boundaries(str(write(rows, tmp_path / "adm1.geojson")))
    repaired = [p for p in report.warnings if p.pcode == "SY01"]
    assert repaired and "Self-intersection" in repaired[0].message and "repaired" in repaired[0].message
    assert AdminArea.objects.get(pcode="SY01").geometry["type"] == "MultiPolygon"


def test_reimporting_a_newer_edition_updates_in_place_and_records_keep_their_area(tmp_path, reporter, org_a):
    import_all(tmp_path)
    from aidtrack.incidents.services import incident_create

    incident = incident_create(
        by=reporter,
        organization=org_a,
        kind="obstruction",
        category="1",
        title="Convoy stopped",
        public_summary="Stopped for a day.",
        occurred_on=datetime.date(2016, 9, 19),
        latitude=34.5,
        longitude=36.5,
    )
    west_pk = AdminArea.objects.get(pcode="SY01").pk
    assert incident.admin3.pcode == "SY010100"

    again = import_boundaries(str(tmp_path / "adm1.geojson"))
    assert (again.counts["unchanged"], again.counts["added"], again.counts["updated"]) == (2, 0, 0)

    renamed = [dict(ADM1[0], ADM1_EN="West (2017 edition)", geometry=box(36, 33, 37.1, 35)), ADM1[1]]
    newer = import_boundaries(str(write(renamed, tmp_path / "adm1_2017.geojson")))
    assert (newer.counts["updated"], newer.counts["unchanged"], newer.counts["added"]) == (1, 1, 0)
    west = AdminArea.objects.get(pcode="SY01")
    assert (west.pk, west.name_en, west.max_lon, west.source) == (
        west_pk,
        "West (2017 edition)",
        37.1,
        "adm1_2017.geojson",
    )
    assert AdminArea.objects.filter(level=1).count() == 2
    assert Incident.objects.get(pk=incident.pk).admin1_id == west_pk
    assert west.history.first().history_change_reason == "Imported from adm1_2017.geojson"


def test_areas_missing_from_a_new_edition_are_kept_and_reported(tmp_path):
    import_all(tmp_path, levels=(0, 1))
    report = import_boundaries(str(write(ADM1[:1], tmp_path / "only_west.geojson")))
    assert AdminArea.objects.filter(pcode="SY02").exists()
    assert any("SY02" in p.message and "kept" in p.message for p in report.warnings)


def test_a_dry_run_reports_and_writes_nothing(tmp_path):
    (adm0,) = write_levels(tmp_path, levels=(0,))
    report = import_boundaries(str(adm0), dry_run=True)
    assert report.counts["added"] == 1
    assert not AdminArea.objects.exists()


# Bad input: a message naming the file and the feature, and nothing written.


def assert_refused(path, match, **options):
    before = list(AdminArea.objects.values_list("pcode", "name_en"))
    with pytest.raises(ImportFailed) as caught:
        import_boundaries(str(path), **options)
    text = str(caught.value) + " ".join(str(p) for p in (caught.value.report.problems if caught.value.report else []))
    assert match in text, text
    assert list(AdminArea.objects.values_list("pcode", "name_en")) == before
    return caught.value


def test_an_empty_file(tmp_path):
    path = tmp_path / "adm1.geojson"
    path.write_bytes(b"")
    assert_refused(path, "is empty (0 bytes)")


def test_a_missing_file(tmp_path):
    assert_refused(tmp_path / "nope.geojson", "no such file")


def test_a_layer_with_no_features(tmp_path):
    path = tmp_path / "adm1.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    assert_refused(path, "has no features")


def test_no_pcode_column(tmp_path):
    rows = [{"NAME": r["ADM1_EN"], "geometry": r["geometry"]} for r in ADM1]
    assert_refused(write(rows, tmp_path / "adm1.geojson"), "no P-code column found")


def test_duplicate_pcodes_name_both_features(tmp_path):
    rows = [ADM1[0], dict(ADM1[1], ADM1_PCODE="SY01")]
    failure = assert_refused(write(rows, tmp_path / "adm1.geojson"), "feature 2")
    assert "repeats the P-code of" in str(failure.report.errors[0]) and "feature 1" in str(failure.report.errors[0])


def test_a_pcode_whose_parent_is_unknown(tmp_path):
    import_all(tmp_path, levels=(0, 1))
    rows = [dict(ADM2[0], ADM1_PCODE="SY09")]
    assert_refused(write(rows, tmp_path / "adm2.geojson"), "parent P-code SY09 is not a known area")


def test_a_shapefile_without_crs(tmp_path):
    path = write(ADM1, tmp_path / "adm1.shp", crs=None)
    assert not path.with_suffix(".prj").exists()
    assert_refused(path, "has no coordinate reference system")
    import_boundaries(str(path), crs="EPSG:4326")
    assert AdminArea.objects.filter(level=1).count() == 2


def test_a_corrupt_zip(tmp_path):
    path = tmp_path / "cod.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip file")
    assert_refused(path, "is not a valid zip archive")


def test_a_4_gb_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.geojson"
    with path.open("wb") as f:
        f.truncate(4 * 1024**3)  # sparse: takes no disk space
    assert_refused(path, "4.0\xa0GB, more than the import limit")


def test_points_are_not_boundaries(tmp_path):
    import shapely

    rows = [dict(ADM1[0], geometry=shapely.Point(36.5, 34))]
    assert_refused(write(rows, tmp_path / "adm1.geojson"), "is a Point; admin boundaries must be polygons")


def test_an_unknown_format(tmp_path):
    path = tmp_path / "adm1.kml"
    path.write_text("<kml/>")
    assert_refused(path, "is not a boundary format")


def test_a_failed_run_is_recorded_and_the_command_says_what_to_do(tmp_path):
    rows = [ADM1[0], dict(ADM1[1], ADM1_PCODE="SY01")]
    path = write(rows, tmp_path / "adm1.geojson")
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("import_boundaries", str(path), stderr=err, stdout=io.StringIO())
    assert "repeats the P-code" in err.getvalue()
    run = ImportRun.objects.get()
    assert (run.status, run.kind, run.error_count) == (ImportStatus.FAILED, "boundaries", 1)
    assert run.source_sha256 and run.source_bytes == os.path.getsize(path)
    assert not AdminArea.objects.exists()


def test_the_command_reports_counts_and_records_a_successful_run(tmp_path, site_admin):
    (path,) = write_levels(tmp_path, levels=(0,))
    out = io.StringIO()
    call_command("import_boundaries", str(path), "--user", site_admin.username, stdout=out, stderr=io.StringIO())
    assert "1 added" in out.getvalue() and "assign_admin_areas" in out.getvalue()
    run = ImportRun.objects.get()
    assert (run.status, run.started_by, run.counts["added"]) == (ImportStatus.SUCCEEDED, site_admin, 1)


def test_a_halfway_failure_while_writing_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    import_all(tmp_path, levels=(0, 1))
    before = sorted(AdminArea.objects.values_list("pcode", "name_en", "geometry"))
    renamed = [dict(ADM2[0], ADM2_EN="Renamed"), *ADM2[1:]]
    path = write(renamed, tmp_path / "adm2.geojson")
    from aidtrack.geo.importers import boundaries

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(boundaries, "mark_geodata_changed", explode)
    with pytest.raises(RuntimeError):
        import_boundaries(str(path))
    assert sorted(AdminArea.objects.values_list("pcode", "name_en", "geometry")) == before


def test_url_sources_are_downloaded_with_the_size_limit(tmp_path, live_server_url_for_file):
    url = live_server_url_for_file(write(ADM1, tmp_path / "adm1.geojson"))
    import_boundaries(url)
    assert AdminArea.objects.filter(level=1).count() == 2
    with pytest.raises(ImportFailed, match="more than the import limit"):
        import_boundaries(url, max_bytes=100)
