"""Community search copes with transliteration variants, Arabic spelling and P-codes."""

import pytest
from django.urls import reverse

from aidtrack.staff.search import normalise, search_communities, similarity
from tests.staff.conftest import login


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Al-Zabadani", "zabadani"),
        ("el-Zabadani", "zabadani"),
        ("Az-Zabdani", "zabdani"),
        ("Urum al-Kubra", "urum kubra"),
        ("Dayr az‑Zawr", "dayr zawr"),
        ("Madamiyet Elsham", "madamiyet elsham"),
        ("Al Wa'er", "waer"),
        ("Ḥomṣ", "homs"),
        ("الزبداني", "زبداني"),
        ("مَضَايَا", "مضايا"),
        ("أورم الكبرى", "اورم كبري"),
    ],
)
def test_normalise(written, expected):
    assert normalise(written) == expected


def test_vowel_variants_match_strongly_and_other_names_do_not():
    assert similarity(normalise("Mudaya"), normalise("Madaya")) >= 0.8
    assert similarity(normalise("Madaia"), normalise("Madaya")) >= 0.6
    assert similarity(normalise("Duma"), normalise("Madaya")) < 0.55


@pytest.mark.parametrize("query", ["Madaya", "Mudaya", "madaya", "مضايا", "مَضَايَا", "C2450", "c2450", "Madaya (C2450)"])
def test_madaya_is_found_however_it_is_written(geography, query):
    found = search_communities(query.replace(" (C2450)", ""))
    assert found and found[0].area.pcode == "C2450"


@pytest.mark.parametrize("query", ["Zabadani", "al-Zabadani", "el-Zabadani", "Az-Zabdani", "الزبداني", "زبداني"])
def test_articles_and_spellings_find_az_zabdani(geography, query):
    assert search_communities(query)[0].area.pcode == "C2429"


def test_a_pcode_prefix_lists_the_communities_it_starts(geography):
    assert {m.area.pcode for m in search_communities("C24")} == {"C2450", "C2429"}


def test_the_autocomplete_endpoint_needs_sign_in_and_answers_in_json(client, reporter, geography):
    url = reverse("staff:lookup_communities")
    assert client.get(url, {"q": "Mudaya"}).status_code == 302
    login(client, reporter)
    results = client.get(url, {"q": "Mudaya"}).json()["results"]
    assert results[0]["pcode"] == "C2450" and results[0]["label"] == "Madaya (C2450)"
    assert results[0]["parent"] == "Rural Damascus" and results[0]["lat"] == pytest.approx(33.6901)


def test_the_place_endpoint_gives_the_admin_areas_of_a_point(client, reporter, geography):
    login(client, reporter)
    url = reverse("staff:lookup_place")
    found = client.get(url, {"lat": "33.69", "lon": "36.095"}).json()
    assert found["admin1"]["pcode"] == "SY03" and found["community"]["pcode"] == "C2450"
    by_pcode = client.get(url, {"pcode": "C2450"}).json()
    assert by_pcode["admin1"]["name_en"] == "Rural Damascus" and by_pcode["community"]["name_ar"] == "مضايا"
    assert client.get(url, {"lat": "north", "lon": "36"}).status_code == 400
    assert "between -90 and 90" in client.get(url, {"lat": "123", "lon": "36"}).json()["error"]
    assert client.get(url, {"pcode": "XX99"}).status_code == 404


def test_a_point_outside_every_boundary_says_so(client, reporter, geography):
    login(client, reporter)
    found = client.get(reverse("staff:lookup_place"), {"lat": "10.0", "lon": "10.0"}).json()
    assert found["admin1"] is None and found["problem"]
