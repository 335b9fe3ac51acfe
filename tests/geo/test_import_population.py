"""import_population: a population table joined to admin areas by P-code."""

import pytest

from aidtrack.geo.importers.population import import_population
from aidtrack.geo.models import AdminArea
from aidtrack.imports.report import ImportFailed
from tests.geo.builders import csv_file, import_all

pytestmark = pytest.mark.django_db

HEADER = ["Admin1_Pcode", "Admin3_Pcode", "Pop_HNO _2017"]


@pytest.fixture
def boundaries(db, tmp_path_factory):
    import_all(tmp_path_factory.mktemp("cod"))


def test_figures_join_on_the_finest_pcode_and_unmatched_codes_are_reported(boundaries, tmp_path):
    rows = [["SY01", "SY010000", "1,759,800"], ["SY02", "SY020000", 90240], ["SY09", "SY990000", 5]]
    report = import_population(str(csv_file(tmp_path / "p.csv", HEADER, rows)), source_label="OCHA HNO 2017")
    centre = AdminArea.objects.get(pcode="SY010000")
    assert (centre.population, centre.population_year, centre.population_source) == (1759800, 2017, "OCHA HNO 2017")
    assert AdminArea.objects.get(pcode="SY01").population is None  # the governorate column is not the key
    assert report.counts["codes matching no area"] == 1
    assert [p.pcode for p in report.warnings] == ["SY990000"]
    assert "match no admin area: SY990000" in " ".join(report.notes)
    assert centre.history.first().history_change_reason == "Population from OCHA HNO 2017"


def test_a_second_run_reports_unchanged(boundaries, tmp_path):
    path = csv_file(tmp_path / "p.csv", HEADER, [["SY01", "SY010000", 10]])
    import_population(str(path))
    assert import_population(str(path)).counts["unchanged"] == 1


def test_a_repeated_code_or_a_bad_number_writes_nothing(boundaries, tmp_path):
    rows = [["SY01", "SY010000", 10], ["SY01", "SY010000", 12], ["SY02", "SY020000", "lots"]]
    with pytest.raises(ImportFailed) as caught:
        import_population(str(csv_file(tmp_path / "p.csv", HEADER, rows)))
    messages = [str(p) for p in caught.value.report.errors]
    assert any("row 3" in m and "repeats the P-code of row 2" in m for m in messages)
    assert any("row 4" in m and "'lots' is not a number" in m for m in messages)
    assert not AdminArea.objects.filter(population__isnull=False).exists()


def test_the_year_must_be_known(boundaries, tmp_path):
    path = csv_file(tmp_path / "p.csv", ["ADM3_PCODE", "population"], [["SY010000", 10]])
    with pytest.raises(ImportFailed, match="--year"):
        import_population(str(path))
    import_population(str(path), year=2016)
    assert AdminArea.objects.get(pcode="SY010000").population_year == 2016
