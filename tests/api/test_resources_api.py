"""Convoys, areas, agreements, statistics, tokens and the documentation over the API."""

import datetime

from rest_framework import status
from rest_framework.test import APIClient

from aidtrack.api.models import ApiToken
from aidtrack.convoys.models import ConvoyRequest


def test_a_convoy_goes_through_the_same_lifecycle_rules(world, client_for):
    client = client_for("reporter_a")
    url = f"/api/v1/convoys/{world.convoy.pk}/transition/"
    version = world.convoy.version
    response = client.post(url, {"to_status": "dispatched", "version": version}, format="json")
    assert response.status_code == 400
    assert "cannot become dispatched" in response.json()["errors"]["to_status"][0]
    response = client.post(url, {"to_status": "approved", "version": version}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert response.json()["allowed_transitions"]
    stale = client.post(url, {"to_status": "cancelled", "note": "x", "version": version}, format="json")
    assert stale.status_code == status.HTTP_409_CONFLICT
    assert ConvoyRequest.objects.get(pk=world.convoy.pk).status == "approved"


def test_the_public_reads_a_convoy_without_notes_or_who_recorded_events(world, client_for):
    row = client_for("anonymous").get(f"/api/v1/convoys/{world.convoy.pk}/").json()
    assert "notes" not in row and all("recorded_by" not in e and "note" not in e for e in row["events"])
    assert row["destinations"][0]["planned_beneficiaries"] == 5000
    full = client_for("reporter_a").get(f"/api/v1/convoys/{world.convoy.pk}/").json()
    assert full["notes"].startswith("SECRET-INTERNAL") and full["events"][0]["recorded_by"] == "reporter.a"


def test_creating_a_convoy_with_bad_lines_saves_nothing(world, client_for, org_a):
    before = ConvoyRequest.objects.count()
    body = {
        "reference": "CV-BAD",
        "lead_organization": org_a.pk,
        "origin_name": "Damascus",
        "destinations": [{"planned_beneficiaries": 10}],
        "cargo_lines": [{"sector": "food", "item": "Flour", "quantity": "-1", "unit": "t"}],
    }
    response = client_for("reporter_a").post("/api/v1/convoys/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "destinations.0.non_field_errors" in errors and "cargo_lines.0.quantity" in errors
    assert ConvoyRequest.objects.count() == before


def test_convoy_reference_must_be_new(world, client_for, org_a):
    body = {"reference": "CV-PUBLIC", "lead_organization": org_a.pk, "origin_name": "Damascus"}
    response = client_for("reporter_a").post("/api/v1/convoys/", body, format="json")
    assert (
        response.status_code == 400
        and "ALPHA already has a convoy request CV-PUBLIC" in response.json()["errors"]["reference"][0]
    )


def test_the_register_as_of_a_date(world, client_for):
    client = client_for("anonymous")
    row = client.get(f"/api/v1/areas/{world.area.pk}/?as_of=2016-09-19").json()
    assert (
        row["status"] == "besieged"
        and row["days_under_siege"] == (datetime.date(2016, 9, 19) - datetime.date(2016, 1, 1)).days
    )
    assert client.get(f"/api/v1/areas/{world.area.pk}/?as_of=2015-12-31").json()["status"] is None
    assert len(client.get("/api/v1/areas/?status=besieged&as_of=2016-09-19").json()["results"]) == 1
    assert client.get("/api/v1/areas/?status=besieged&as_of=2015-06-01").json()["results"] == []
    assert client.get("/api/v1/areas/?as_of=2016-02-30").status_code == 400


def test_statistics_count_only_what_the_reader_may_see(world, client_for):
    def total(role):
        rows = client_for(role).get("/api/v1/statistics/incidents-by-governorate/").json()
        return sum(row["incidents"] for row in rows)

    assert (total("anonymous"), total("reporter_b"), total("reporter_a")) == (2, 2, 5)
    months = client_for("anonymous").get("/api/v1/statistics/convoys-by-month/").json()
    assert sum(row["convoys"] for row in months) == 1


def test_agreement_compliance_counts_only_what_the_reader_may_see(world, client_for):
    def counted(role):
        url = f"/api/v1/agreements/{world.agreement.pk}/compliance/?until=2016-09-25"
        days = client_for(role).get(url).json()["conditions"][0]["days"]
        return next(day["detail"] for day in days if day["day"] == "2016-09-19")

    assert counted("anonymous").startswith("2 incident(s)")
    assert counted("reporter_a").startswith("5 incident(s)")


def test_a_user_makes_uses_and_revokes_a_token(world, reporter):
    reporter.save(update_fields=["password"])  # the factory sets the password without saving it
    session = APIClient()
    session.force_login(reporter)
    refused = session.post("/api/v1/tokens/", {"name": "HDX script"}, format="json")
    assert refused.status_code == 400 and "password" in refused.json()["errors"]
    made = session.post("/api/v1/tokens/", {"name": "HDX script", "password": "pass-word-123"}, format="json")
    assert made.status_code == 201
    key = made.json()["key"]
    assert key not in str(list(ApiToken.objects.values()))  # only its hash is stored

    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert script.get(f"/api/v1/incidents/{world.restricted.pk}/").status_code == 200
    assert [t["name"] for t in script.get("/api/v1/tokens/").json()] == ["HDX script"]

    assert session.delete(f"/api/v1/tokens/{made.json()['id']}/").status_code == 204
    response = script.get("/api/v1/incidents/")
    assert response.status_code == 401 and "revoked" in response.json()["detail"]


def test_nobody_revokes_another_users_token(world, reporter, outsider):
    from aidtrack.api.services import token_create

    token, _ = token_create(user=reporter, name="mine")
    client = APIClient()
    client.force_authenticate(outsider)
    assert client.delete(f"/api/v1/tokens/{token.pk}/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_documentation_is_served_from_our_own_static_files(client, db):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200 and "/api/v1/incidents/" in schema.json()["paths"]
    for url in ("/api/v1/docs/", "/api/v1/redoc/"):
        html = client.get(url).content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        assert "cdn" not in html.lower() and "unpkg" not in html.lower()


def test_every_schema_field_is_described(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()
    undescribed = [
        f"{name}.{field}"
        for name, component in schema["components"]["schemas"].items()
        for field, spec in component.get("properties", {}).items()
        if not spec.get("description")
        and "$ref" not in spec
        and "allOf" not in spec
        and not name.endswith("Request")
        and not name.startswith("Patched")
    ]
    assert undescribed == []


def test_a_script_gets_a_token_with_username_and_password(world, reporter):
    import base64

    reporter.set_password("pass-word-123")
    reporter.save()
    client = APIClient()
    credentials = base64.b64encode(b"reporter.a:pass-word-123").decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {credentials}")
    made = client.post("/api/v1/tokens/", {"name": "cron"}, format="json")
    assert made.status_code == 201
    # Username and password open the token endpoint only.
    assert client.get(f"/api/v1/incidents/{world.restricted.pk}/").status_code == 404
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {made.json()['key']}")
    assert script.get(f"/api/v1/incidents/{world.restricted.pk}/").status_code == 200


def test_options_describes_every_list_without_error(world, client_for):
    client = client_for("reporter_a")
    for name in ("incidents", "convoys", "areas", "admin-areas", "organizations", "parties", "agreements", "tokens"):
        assert client.options(f"/api/v1/{name}/").status_code == 200, name
    assert client.options(f"/api/v1/incidents/{world.public.pk}/").status_code == 200


def test_a_submitted_convoy_keeps_its_cargo_but_its_title_can_change(world, client_for):
    client = client_for("reporter_a")
    url = f"/api/v1/convoys/{world.convoy.pk}/"
    assert world.convoy.status == "submitted"
    version = world.convoy.version
    cargo = [{"sector": "food", "item": "Flour", "quantity": "5", "unit": "t"}]
    refused = client.patch(url, {"cargo_lines": cargo, "version": version}, format="json")
    assert refused.status_code == 400 and "only be changed while it is a draft" in str(refused.json()["errors"])
    assert client.patch(url, {"lead_organization": 2, "version": version}, format="json").status_code == 400
    edited = client.patch(url, {"title": "Food to the town", "version": version}, format="json")
    assert edited.status_code == 200 and edited.json()["title"] == "Food to the town"
    assert len(edited.json()["cargo_lines"]) == 2


def test_an_area_row_names_its_district_in_json_and_csv(world, client_for):
    """The map's district choropleth sums people besieged by the district each area lies in."""
    type(world.area).objects.filter(pk=world.area.pk).update(admin2=world.district)
    client = client_for("anonymous")
    row = client.get(f"/api/v1/areas/{world.area.pk}/?as_of=2016-09-19").json()
    assert (row["district_pcode"], row["district_name"]) == (world.district.pcode, "Damascus district")
    lines = client.get("/api/v1/areas/?format=csv&as_of=2016-09-19").content.decode().splitlines()
    assert "district_pcode" in lines[0].split(",") and "#adm2+code" in lines[1].split(",")
    assert world.district.pcode in lines[2]
