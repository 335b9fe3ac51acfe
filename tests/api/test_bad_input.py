"""Whatever a client sends, the API answers with the data or a clear 400 in its JSON error shape, never a 500.

The inputs here broke it once: agreement downloads, a % (or _ or \\) in a P-code or governorate filter, integers
too large for the database in filters, ids, page sizes and boxes. tests/api/test_schemathesis.py then throws
what the OpenAPI schema allows (and what it does not) at every operation, with a token and without.
"""

import csv
import io
import sqlite3

import pytest
from openpyxl import load_workbook

from aidtrack.agreements.models import AgreementCondition, ConditionKind

HUGE = "9" * 30
BIGINT_OVERFLOW = str(2**63)


def assert_clear_400(response, field=None):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == {"status", "code", "detail", "errors"} and body["status"] == 400
    assert body["errors"], body
    if field:
        assert field in body["errors"], body
    return body


@pytest.fixture
def agreement_with_everything(world):
    """The world's agreement with areas, governorates, excluded parties and two kinds of condition."""
    agreement = world.agreement
    agreement.areas.add(world.area)
    agreement.excluded_parties.add(world.party)
    condition = AgreementCondition.objects.create(
        agreement=agreement,
        kind=ConditionKind.SUSTAINED_ACCESS,
        description="Sustained access to the listed areas",
        max_days_without_access=14,
    )
    condition.areas.add(world.area)
    return agreement


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_agreements_download_as_csv_xlsx_and_geopackage(agreement_with_everything, client_for, role, tmp_path):
    client = client_for(role)
    response = client.get("/api/v1/agreements/?format=csv")
    assert response.status_code == 200, response.content[:500]
    rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    header, hxl, row = rows[0], rows[1], rows[2]
    assert len(rows) == 3 and hxl[header.index("name")] == "#event+name"
    assert row[header.index("name")] == "Cessation of hostilities"
    assert row[header.index("area_ids")] == str(agreement_with_everything.areas.get().pk)
    assert row[header.index("governorate_pcodes")] == "SY01"
    assert "Reduced violence" in row[header.index("conditions")]
    assert "Sustained access to the listed areas" in row[header.index("conditions")]

    response = client.get("/api/v1/agreements/?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == header
    assert sheet.cell(row=3, column=header.index("name") + 1).value == "Cessation of hostilities"

    response = client.get("/api/v1/agreements/?format=gpkg")
    assert response.status_code == 200
    path = tmp_path / "agreements.gpkg"
    path.write_bytes(response.content)
    with sqlite3.connect(path) as database:
        names = [row[0] for row in database.execute("SELECT name FROM agreements")]
    assert names == ["Cessation of hostilities"]


@pytest.mark.parametrize(
    "path,field",
    [
        ("/api/v1/incidents/", "pcode"),
        ("/api/v1/convoys/", "pcode"),
        ("/api/v1/conflict-events/", "pcode"),
        ("/api/v1/areas/", "governorate"),
        ("/api/v1/statistics/incidents-by-month/", "pcode"),
        ("/api/v1/statistics/conflict-events-by-governorate/", "pcode"),
    ],
)
def test_a_wildcard_or_backslash_in_a_pcode_filter_is_a_clear_400(world, client_for, path, field):
    client = client_for("anonymous")
    for value in ["%", "SY%", "SY0_", "\\", "SY01\\", "%25", "'; --", "\x00"]:
        body = assert_clear_400(client.get(path, {field: value}), field)
        if value != "\x00":
            assert "P-code" in body["errors"][field][0], value


@pytest.mark.parametrize("value", ["%", "SY_", "\\", "SY01%"])
@pytest.mark.parametrize("field", ["pcode", "parent", "search"])
def test_wildcards_in_admin_area_filters_match_only_themselves(world, client_for, field, value):
    response = client_for("anonymous").get("/api/v1/admin-areas/", {field: value})
    assert response.status_code == 200
    assert response.json()["results"] == []


TOO_LARGE_OR_MALFORMED = [
    ("/api/v1/incidents/", {"organization": HUGE}, "organization"),
    ("/api/v1/incidents/", {"party": BIGINT_OVERFLOW}, "party"),
    ("/api/v1/incidents/", {"organization": "-1"}, "organization"),
    ("/api/v1/incidents/", {"organization": "1.5"}, "organization"),
    ("/api/v1/convoys/", {"organization": HUGE}, "organization"),
    ("/api/v1/convoys/", {"area": HUGE}, "area"),
    ("/api/v1/areas/", {"party": HUGE}, "party"),
    ("/api/v1/conflict-events/", {"min_fatalities": HUGE}, "min_fatalities"),
    ("/api/v1/statistics/incidents-by-month/", {"organization": HUGE}, "organization"),
    ("/api/v1/statistics/convoys-by-month/", {"area": HUGE}, "area"),
    ("/api/v1/admin-areas/", {"level": HUGE}, "level"),
    ("/api/v1/incidents/", {"page_size": HUGE}, "page_size"),
    ("/api/v1/incidents/", {"bbox": f"{HUGE},1,2,3"}, "bbox"),
    ("/api/v1/incidents/", {"bbox": "1e400,1,2,3"}, "bbox"),
    ("/api/v1/incidents/", {"date_from": "99999-01-01"}, "date_from"),
    ("/api/v1/incidents/", {"updated_since": "9999-12-31T25:00:00"}, "updated_since"),
]


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_numbers_too_large_or_malformed_in_filters_are_a_clear_400(world, client_for, role):
    client = client_for(role)
    for path, params, field in TOO_LARGE_OR_MALFORMED:
        assert_clear_400(client.get(path, params), field)


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/incidents/{HUGE}/",
        f"/api/v1/convoys/{HUGE}/",
        f"/api/v1/areas/{HUGE}/",
        f"/api/v1/agreements/{HUGE}/",
        f"/api/v1/agreements/{HUGE}/compliance/",
        f"/api/v1/admin-areas/{HUGE}/",
        f"/api/v1/conflict-events/{HUGE}/",
        f"/api/v1/imports/{HUGE}/",
    ],
)
def test_an_id_too_large_for_the_database_is_not_found(world, client_for, path):
    response = client_for("admin").get(path)
    assert response.status_code == 404 and response.json()["status"] == 404


def test_revoking_a_token_with_an_id_too_large_is_not_found(world, client_for):
    response = client_for("admin").delete(f"/api/v1/tokens/{HUGE}/")
    assert response.status_code == 404 and response.json()["status"] == 404


def test_a_cursor_past_every_id_is_an_empty_page(world, client_for):
    import base64

    cursor = base64.urlsafe_b64encode(HUGE.encode()).decode().rstrip("=")
    response = client_for("anonymous").get("/api/v1/incidents/", {"cursor": cursor})
    assert response.status_code == 200


NASTY = ["%", "\\", "\x00", HUGE, f"-{HUGE}", "1e400", "x" * 5000, "' OR 1=1 --"]


def query_parameters():
    """Every GET operation of the schema with each of its query parameters."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                yield path, parameter["name"]


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_no_query_parameter_of_any_list_gets_a_server_error(world, client_for, role, settings):
    """Each parameter of each GET operation, alone, with values that broke filters before; a 500 names them."""
    settings.AIDTRACK_API_ANON_RATE = "100000/minute"  # every request must reach the view
    client = client_for(role)
    client.raise_request_exception = False  # collect every 500, then name them all
    failures = []
    for path, name in query_parameters():
        url = path.replace("{id}", str(world.public.pk)).replace("{pk}", str(world.public.pk))
        for value in NASTY:
            response = client.get(url, {name: value})
            assert response.status_code != 429
            if response.status_code >= 500:
                failures.append((url, name, value[:20]))
            elif response.status_code == 400:
                assert set(response.json()) == {"status", "code", "detail", "errors"}
    assert failures == []


def test_writes_with_numbers_too_large_are_a_clear_400(world, client_for, org_a):
    client = client_for("admin")
    client.raise_request_exception = False
    big = int(HUGE)
    incident = {
        "organization": org_a.pk,
        "kind": "obstruction",
        "category": "3",
        "title": "Checkpoint",
        "occurred_on": "2016-09-19",
        "latitude": 33.5,
        "longitude": 36.5,
    }
    attempts = [
        ("post", "/api/v1/incidents/", {**incident, "organization": big}),
        ("post", "/api/v1/incidents/", {**incident, "perpetrator": big}),
        ("post", "/api/v1/incidents/", {**incident, "people_killed": big}),
        ("post", "/api/v1/incidents/", {**incident, "latitude": 1e308}),
        ("patch", f"/api/v1/incidents/{world.public.pk}/", {"version": big, "title": "x"}),
        ("post", f"/api/v1/incidents/{world.unverified.pk}/review/", {"outcome": "verified", "version": big}),
        (
            "post",
            "/api/v1/convoys/",
            {
                "reference": "CV-BIG",
                "lead_organization": org_a.pk,
                "origin_name": "Damascus",
                "trucks": big,
                "destinations": [{"area": big, "planned_beneficiaries": 1}],
                "cargo_lines": [{"sector": "food", "item": "Flour", "quantity": "1e30", "unit": "t"}],
            },
        ),
        ("patch", f"/api/v1/convoys/{world.convoy.pk}/", {"version": big, "trucks": big}),
        (
            "post",
            f"/api/v1/convoys/{world.convoy.pk}/transition/",
            {"to_status": "submitted", "version": world.convoy.version, "reached_beneficiaries": {HUGE: big}},
        ),
        (
            "post",
            f"/api/v1/areas/{world.area.pk}/status/",
            {"status": "besieged", "start_date": "2016-09-01", "source": "x", "organization": big, "version": big},
        ),
    ]
    failures = []
    for method, path, body in attempts:
        response = getattr(client, method)(path, body, format="json")
        if response.status_code >= 500 or response.status_code in (200, 201):
            failures.append((method, path, response.status_code, response.content[:200]))
        else:
            assert set(response.json()) == {"status", "code", "detail", "errors"}
    assert failures == []
