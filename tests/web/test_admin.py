"""The Django admin: every model browsable, searchable and filterable; writes go through services."""

import pytest
from django.contrib import admin
from django.urls import reverse

from aidtrack.convoys.models import ConvoyRequest, ConvoyStatus
from aidtrack.demo.loader import load_demo
from aidtrack.incidents.models import Incident


@pytest.fixture
def admin_client(client, db):
    load_demo()
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def aidtrack_models():
    return [
        m
        for m in admin.site._registry
        if m._meta.app_label in {"geo", "orgs", "areas", "convoys", "incidents", "agreements"}
    ]


def test_every_model_is_registered():
    names = {m.__name__ for m in aidtrack_models()}
    assert names >= {
        "AdminArea",
        "Organization",
        "Membership",
        "Party",
        "Area",
        "StatusPeriod",
        "ConvoyRequest",
        "ConvoyEvent",
        "CheckpointRemoval",
        "Incident",
        "Agreement",
    }


def test_every_changelist_and_change_page_opens_and_searches(admin_client):
    for model in aidtrack_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url
        assert admin_client.get(url, {"q": "Madaya"}).status_code == 200, url
        first = model.objects.first()
        if first is not None:
            change = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[first.pk])
            assert admin_client.get(change).status_code == 200, change


def test_incident_search_and_filters(admin_client):
    url = reverse("admin:incidents_incident_changelist")
    page = admin_client.get(url, {"q": "Urum"}).content.decode()
    assert "Attack on the inter-agency convoy" in page
    page = admin_client.get(url, {"verification_status__exact": "disputed"}).content.decode()
    assert "near Harasta" in page and "Attack on the inter-agency convoy" not in page


def convoy_form_data(convoy, **changes):
    data = {
        "reference": convoy.reference,
        "title": convoy.title,
        "lead_organization": convoy.lead_organization_id,
        "partner_organizations": [o.pk for o in convoy.partner_organizations.all()],
        "modality": convoy.modality,
        "visibility": convoy.visibility,
        "origin_name": convoy.origin_name,
        "expected_version": convoy.version,
        "notes": "",
        "transition_to": "",
        "transition_note": "",
    }
    for prefix, rows in (
        ("destinations", convoy.destinations.all()),
        ("cargo_lines", convoy.cargo_lines.all()),
        ("events", convoy.events.all()),
        ("removals", convoy.removals.all()),
    ):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": rows.count(),
                f"{prefix}-INITIAL_FORMS": rows.count(),
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-convoy"] = convoy.pk
            if prefix == "destinations":
                data.update(
                    {
                        f"{prefix}-{i}-area": row.area_id or "",
                        f"{prefix}-{i}-community": row.community_id or "",
                        f"{prefix}-{i}-planned_beneficiaries": row.planned_beneficiaries,
                        f"{prefix}-{i}-reached_beneficiaries": row.reached_beneficiaries or "",
                    }
                )
            if prefix == "cargo_lines":
                data.update(
                    {
                        f"{prefix}-{i}-sector": row.sector,
                        f"{prefix}-{i}-item": row.item,
                        f"{prefix}-{i}-quantity": row.quantity,
                        f"{prefix}-{i}-unit": row.unit,
                    }
                )
    data.update(changes)
    return data


def test_the_admin_offers_only_allowed_transitions_and_records_them(admin_client):
    convoy = ConvoyRequest.objects.get(reference="CV-2016-10-002")
    url = reverse("admin:convoys_convoyrequest_change", args=[convoy.pk])
    page = admin_client.get(url).content.decode()
    assert 'value="submitted"' in page and 'value="dispatched"' not in page
    response = admin_client.post(url, convoy_form_data(convoy, transition_to="submitted"))
    assert response.status_code == 302, response.content.decode()[:3000]
    convoy.refresh_from_db()
    assert convoy.status == ConvoyStatus.SUBMITTED
    assert convoy.events.last().recorded_by.username == "admin"


def test_a_stale_admin_edit_is_refused_and_keeps_the_input(admin_client):
    convoy = ConvoyRequest.objects.get(reference="CV-2016-10-002")
    url = reverse("admin:convoys_convoyrequest_change", args=[convoy.pk])
    stale = convoy_form_data(convoy, notes="My note")
    admin_client.post(url, convoy_form_data(convoy, notes="Their note"))
    response = admin_client.post(url, stale)
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    assert "My note" in response.content.decode()
    convoy.refresh_from_db()
    assert convoy.notes == "Their note"


def test_admin_verification_refuses_the_reporter(admin_client, client):
    incident = Incident.objects.filter(verification_status="reported").first()
    url = reverse("admin:incidents_incident_changelist")
    response = admin_client.post(url, {"action": "verify_selected", "_selected_action": [incident.pk]}, follow=True)
    assert response.status_code == 200
    incident.refresh_from_db()
    # The site admin did not report it and is allowed to review everything.
    assert incident.verification_status == "verified"
