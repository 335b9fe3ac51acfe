"""Every endpoint x method x role: the status code, and that no hidden field or record appears in any body.

Roles: anonymous, reporter of org A (which reported everything), reporter of
org B, reviewer of org A, site admin.
"""

import io

import pytest
from openpyxl import load_workbook
from rest_framework import status

from tests.api.conftest import HIDDEN_FROM_OTHER_ORGS, HIDDEN_FROM_PUBLIC, SECRETS

ROLES = ["anonymous", "reporter_a", "reporter_b", "reviewer", "admin"]
OUTSIDERS = {"anonymous", "reporter_b"}
OK, CREATED, GONE = status.HTTP_200_OK, status.HTTP_201_CREATED, status.HTTP_204_NO_CONTENT
UNAUTH, FORBIDDEN, MISSING, NOT_ALLOWED = 401, 403, 404, 405


def everyone(code):
    return dict.fromkeys(ROLES, code)


def writers(a=OK, b=FORBIDDEN, reviewer=None, admin=None):
    return {
        "anonymous": UNAUTH,
        "reporter_a": a,
        "reporter_b": b,
        "reviewer": a if reviewer is None else reviewer,
        "admin": a if admin is None else admin,
    }


def incident_payload(w):
    return {
        "organization": w.public.organization_id,
        "kind": "obstruction",
        "category": "5",
        "title": "New incident",
        "occurred_on": "2016-09-20",
        "latitude": 33.1,
        "longitude": 36.1,
        "public_summary": "A checkpoint closed.",
    }


def convoy_payload(w):
    return {
        "reference": "CV-NEW-001",
        "lead_organization": w.public.organization_id,
        "origin_name": "Damascus",
        "destinations": [{"area": w.area.pk, "planned_beneficiaries": 100}],
        "cargo_lines": [{"sector": "food", "item": "Food parcels", "quantity": "10", "unit": "parcels"}],
    }


# (name, method, url(world), body(world) or None, {role: status})
CASES = [
    ("incident list", "get", lambda w: "/api/v1/incidents/", None, everyone(OK)),
    ("incident list geojson", "get", lambda w: "/api/v1/incidents/?format=geojson", None, everyone(OK)),
    ("incident list csv", "get", lambda w: "/api/v1/incidents/?format=csv", None, everyone(OK)),
    ("incident list xlsx", "get", lambda w: "/api/v1/incidents/?format=xlsx", None, everyone(OK)),
    ("public incident", "get", lambda w: f"/api/v1/incidents/{w.public.pk}/", None, everyone(OK)),
    (
        "public incident geojson",
        "get",
        lambda w: f"/api/v1/incidents/{w.public.pk}/?format=geojson",
        None,
        everyone(OK),
    ),
    ("public incident csv", "get", lambda w: f"/api/v1/incidents/{w.public.pk}/?format=csv", None, everyone(OK)),
    (
        "partners incident",
        "get",
        lambda w: f"/api/v1/incidents/{w.partners.pk}/",
        None,
        {**everyone(OK), "anonymous": MISSING, "reporter_b": MISSING},
    ),
    (
        "restricted incident",
        "get",
        lambda w: f"/api/v1/incidents/{w.restricted.pk}/",
        None,
        {**everyone(OK), "anonymous": MISSING, "reporter_b": MISSING},
    ),
    (
        "unverified incident",
        "get",
        lambda w: f"/api/v1/incidents/{w.unverified.pk}/",
        None,
        {**everyone(OK), "anonymous": MISSING, "reporter_b": MISSING},
    ),
    ("report incident", "post", lambda w: "/api/v1/incidents/", incident_payload, writers(CREATED)),
    (
        "edit public incident",
        "patch",
        lambda w: f"/api/v1/incidents/{w.public.pk}/",
        lambda w: {"title": "Edited", "version": w.public.version},
        writers(OK),
    ),
    (
        "edit restricted incident",
        "patch",
        lambda w: f"/api/v1/incidents/{w.restricted.pk}/",
        lambda w: {"title": "Edited", "version": w.restricted.version},
        writers(OK, b=MISSING),
    ),
    (
        "delete incident",
        "delete",
        lambda w: f"/api/v1/incidents/{w.public.pk}/",
        None,
        writers(FORBIDDEN, reviewer=GONE, admin=GONE),
    ),
    (
        "review incident",
        "post",
        lambda w: f"/api/v1/incidents/{w.unverified.pk}/review/",
        lambda w: {"outcome": "verified", "version": w.unverified.version},
        # The reporter reported it and so may not verify it.
        writers(FORBIDDEN, b=MISSING, reviewer=OK, admin=OK),
    ),
    (
        "incident tombstones",
        "get",
        lambda w: "/api/v1/incidents/removed/?since=2000-01-01T00:00:00Z",
        None,
        everyone(OK),
    ),
    ("convoy list", "get", lambda w: "/api/v1/convoys/", None, everyone(OK)),
    ("convoy list csv", "get", lambda w: "/api/v1/convoys/?format=csv", None, everyone(OK)),
    ("convoy list geojson", "get", lambda w: "/api/v1/convoys/?format=geojson", None, everyone(OK)),
    ("public convoy", "get", lambda w: f"/api/v1/convoys/{w.convoy.pk}/", None, everyone(OK)),
    (
        "restricted convoy",
        "get",
        lambda w: f"/api/v1/convoys/{w.restricted_convoy.pk}/",
        None,
        {**everyone(OK), "anonymous": MISSING, "reporter_b": MISSING},
    ),
    ("create convoy", "post", lambda w: "/api/v1/convoys/", convoy_payload, writers(CREATED)),
    (
        "edit convoy",
        "patch",
        lambda w: f"/api/v1/convoys/{w.convoy.pk}/",
        lambda w: {"title": "Edited", "version": w.convoy.version},
        writers(OK),
    ),
    (
        "edit restricted convoy",
        "patch",
        lambda w: f"/api/v1/convoys/{w.restricted_convoy.pk}/",
        lambda w: {"title": "Edited", "version": w.restricted_convoy.version},
        writers(OK, b=MISSING),
    ),
    (
        "transition convoy",
        "post",
        lambda w: f"/api/v1/convoys/{w.convoy.pk}/transition/",
        lambda w: {"to_status": "approved", "version": w.convoy.version},
        writers(OK),
    ),
    (
        "transition restricted convoy",
        "post",
        lambda w: f"/api/v1/convoys/{w.restricted_convoy.pk}/transition/",
        lambda w: {"to_status": "submitted", "version": w.restricted_convoy.version},
        writers(OK, b=MISSING),
    ),
    ("convoy tombstones", "get", lambda w: "/api/v1/convoys/removed/?since=2000-01-01T00:00:00Z", None, everyone(OK)),
    ("area list", "get", lambda w: "/api/v1/areas/?as_of=2016-09-19", None, everyone(OK)),
    ("area list geojson", "get", lambda w: "/api/v1/areas/?format=geojson", None, everyone(OK)),
    ("area", "get", lambda w: f"/api/v1/areas/{w.area.pk}/", None, everyone(OK)),
    (
        "area status change",
        "post",
        lambda w: f"/api/v1/areas/{w.area.pk}/status/",
        lambda w: {
            "status": "hard_to_reach",
            "start_date": "2016-10-01",
            "source": "OCHA",
            "organization": w.public.organization_id,
            "version": w.area.version,
        },
        writers(CREATED),
    ),
    ("admin areas", "get", lambda w: "/api/v1/admin-areas/", None, everyone(OK)),
    ("admin areas geojson", "get", lambda w: "/api/v1/admin-areas/?format=geojson", None, everyone(OK)),
    ("admin area", "get", lambda w: f"/api/v1/admin-areas/{w.governorate.pk}/", None, everyone(OK)),
    ("admin area write", "post", lambda w: "/api/v1/admin-areas/", lambda w: {}, writers(NOT_ALLOWED, b=NOT_ALLOWED)),
    ("organizations", "get", lambda w: "/api/v1/organizations/", None, everyone(OK)),
    ("organizations csv", "get", lambda w: "/api/v1/organizations/?format=csv", None, everyone(OK)),
    (
        "organization write",
        "post",
        lambda w: "/api/v1/organizations/",
        lambda w: {},
        writers(NOT_ALLOWED, b=NOT_ALLOWED),
    ),
    ("parties", "get", lambda w: "/api/v1/parties/", None, everyone(OK)),
    ("party delete", "delete", lambda w: f"/api/v1/parties/{w.party.pk}/", None, writers(NOT_ALLOWED, b=NOT_ALLOWED)),
    ("agreements", "get", lambda w: "/api/v1/agreements/", None, everyone(OK)),
    ("agreement", "get", lambda w: f"/api/v1/agreements/{w.agreement.pk}/", None, everyone(OK)),
    (
        "agreement compliance",
        "get",
        lambda w: f"/api/v1/agreements/{w.agreement.pk}/compliance/?until=2016-09-25",
        None,
        everyone(OK),
    ),
    ("conflict events", "get", lambda w: "/api/v1/conflict-events/", None, everyone(OK)),
    ("conflict events csv", "get", lambda w: "/api/v1/conflict-events/?format=csv", None, everyone(OK)),
    ("conflict event missing", "get", lambda w: "/api/v1/conflict-events/999999/", None, everyone(MISSING)),
    (
        "conflict event write",
        "post",
        lambda w: "/api/v1/conflict-events/",
        lambda w: {},
        writers(NOT_ALLOWED, b=NOT_ALLOWED),
    ),
    ("conflict events by month", "get", lambda w: "/api/v1/statistics/conflict-events-by-month/", None, everyone(OK)),
    ("people by status", "get", lambda w: "/api/v1/statistics/people-by-status/?date=2016-09-19", None, everyone(OK)),
    ("convoys by month", "get", lambda w: "/api/v1/statistics/convoys-by-month/", None, everyone(OK)),
    ("incidents by month", "get", lambda w: "/api/v1/statistics/incidents-by-month/", None, everyone(OK)),
    ("incidents by governorate", "get", lambda w: "/api/v1/statistics/incidents-by-governorate/", None, everyone(OK)),
    ("tokens", "get", lambda w: "/api/v1/tokens/", None, {**everyone(OK), "anonymous": UNAUTH}),
    ("make token", "post", lambda w: "/api/v1/tokens/", lambda w: {"name": "script"}, writers(CREATED, b=CREATED)),
    ("schema", "get", lambda w: "/api/v1/schema/", None, everyone(OK)),
]


def body_text(response) -> str:
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "url", "body", "expected"), CASES, ids=[case[0] for case in CASES])
def test_permission_matrix(world, client_for, role, name, method, url, body, expected):
    client = client_for(role)
    kwargs = {"format": "json"} if body is not None else {}
    response = getattr(client, method)(url(world), body(world) if body else None, **kwargs)
    assert response.status_code == expected[role], body_text(response)[:500]

    text = body_text(response)
    if role in OUTSIDERS:
        leaked = [secret for secret in SECRETS if secret in text]
        assert not leaked, f"{name} shows {leaked} to {role}"
    hidden = HIDDEN_FROM_PUBLIC if role == "anonymous" else HIDDEN_FROM_OTHER_ORGS if role == "reporter_b" else ()
    leaked = [title for title in hidden if title in text]
    assert not leaked, f"{name} shows {leaked} to {role}"
