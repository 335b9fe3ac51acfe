"""The demo governorate shapes against OCHA's official ones (when ../shared is present)."""

import json
from pathlib import Path

import geopandas as gpd
import pytest
from django.conf import settings

OFFICIAL = Path(settings.BASE_DIR).parent / "shared" / "data" / "ocha-syria-2016" / "syr_adm1.geojson"
DEMO = Path(settings.BASE_DIR) / "fixtures" / "governorates.geojson"


@pytest.mark.skipif(not OFFICIAL.exists(), reason=f"{OFFICIAL} is absent")
def test_each_demo_governorate_overlaps_the_official_one_by_70_percent(capsys):
    official = gpd.read_file(OFFICIAL).set_index("ADM1_PCODE").to_crs(32637)
    demo = gpd.read_file(DEMO).set_index("pcode").to_crs(32637)
    assert sorted(demo.index) == sorted(official.index)
    scores = {}
    for pcode in sorted(official.index):
        ours, theirs = demo.geometry[pcode], official.geometry[pcode]
        scores[pcode] = ours.intersection(theirs).area / ours.union(theirs).area
    with capsys.disabled():
        print("\nIntersection over union with OCHA syr_adm1:")
        for pcode, score in scores.items():
            print(f"  {pcode} {official.loc[pcode, 'ADM1_EN']:<16} {score:.3f}")
    assert all(score >= 0.70 for score in scores.values()), scores


def test_the_demo_file_is_valid_geojson_with_14_governorates():
    data = json.loads(DEMO.read_text())
    assert len(data["features"]) == 14
    assert {f["properties"]["pcode"] for f in data["features"]} == {f"SY{n:02d}" for n in range(1, 15)}
