"""The access profile after ACAPS's nine indicators, counted by hand for Rural Damascus in September 2016.

Its recorded, public obstructions that month: the medical evacuation refused in Madaya (category 6), shelling
near Duma (7), explosive hazards on the road into Darayya (8) and the surgical kits removed at Madamiyet Elsham
(4): one incident each, so each of those indicators scores 1. Pillar 1 (indicators 1, 6): 0.5; pillar 2 (2-5):
0.25; pillar 3 (7-9): 0.67; overall 5 x 4 / 27 = 0.7.
"""

import pytest

from aidtrack.reports.profile import indicator_score

pytestmark = pytest.mark.django_db


def test_indicator_scores_follow_the_written_rule():
    assert [indicator_score(n) for n in (0, 1, 2, 3, 5, 6, 40)] == [0, 1, 1, 2, 2, 3, 3]


def test_rural_damascus_in_september_2016(client, demo):
    rows = client.get("/api/v1/statistics/access-profile/", {"month": "2016-09"}).json()["tables"]["profile"]
    row = next(r for r in rows if r["pcode"] == "SY03")
    assert {code: row[f"indicator_{code}"] for code in "123456789"} == {
        "1": 0, "2": 0, "3": 0, "4": 1, "5": 0, "6": 1, "7": 1, "8": 1, "9": 0,
    }  # fmt: skip
    assert (row["pillar_1"], row["pillar_2"], row["pillar_3"], row["score"]) == (0.5, 0.2, 0.7, 0.7)
    assert row["indicator_7_previous"] == 0


def test_the_page_says_it_is_not_an_acaps_assessment_and_how_it_is_computed(client, demo):
    page = client.get("/reports/access-profile/", {"month": "2016-09"}).content.decode()
    assert "It is not an ACAPS assessment." in page
    assert "5 × (the sum of the nine indicator scores) ÷ 27" in page
    assert 'class="shade-' in page and "Rural Damascus — 0.7" in page
    csv = client.get("/reports/access-profile/profile.csv", {"month": "2016-09"}).content.decode()
    assert "#severity+access" in csv.splitlines()[1]
    assert client.get("/reports/access-profile/", {"month": "09-2016"}).status_code == 400
