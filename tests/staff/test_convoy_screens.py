"""Convoy requests on the staff screens: creation with destinations and cargo, the lifecycle, removals."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from aidtrack.convoys.models import ConvoyRequest, ConvoyStatus
from aidtrack.convoys.services import convoy_transition
from aidtrack.incidents.models import Category
from aidtrack.orgs.models import Visibility
from tests.factories import AreaFactory, make_convoy
from tests.staff.conftest import login


def management(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "60",
    }


def convoy_data(org, area, **changes):
    data = {
        "reference": "CV-2016-09-101",
        "title": "Convoy to Madaya",
        "lead_organization": org.pk,
        "modality": "cross_line",
        "origin_name": "Damascus warehouse",
        "origin_latitude": "",
        "origin_longitude": "",
        "plan_month": "2016-09",
        "trucks": "12",
        "planned_date": "2016-09-25",
        "visibility": "partners",
        "notes": "",
        **management("destinations", 2),
        "destinations-0-area": str(area.pk),
        "destinations-0-community": "",
        "destinations-0-planned_beneficiaries": "38000",
        "destinations-1-area": "",
        "destinations-1-community": "Az-Zabadani",
        "destinations-1-planned_beneficiaries": "750",
        **management("cargo", 2),
        "cargo-0-sector": "health",
        "cargo-0-item": "Surgical kits",
        "cargo-0-quantity": "40",
        "cargo-0-unit": "kits",
        "cargo-1-sector": "",
        "cargo-1-item": "",
        "cargo-1-quantity": "",
        "cargo-1-unit": "",
    }
    data.update(changes)
    return data


def test_a_reporter_creates_a_draft_with_destinations_and_cargo(client, reporter, org_a, org_b, geography):
    area = AreaFactory(name_en="Madaya")
    login(client, reporter)
    assert "CV-" in client.get(reverse("staff:convoy_create")).content.decode()
    response = client.post(
        reverse("staff:convoy_create"), convoy_data(org_a, area, partner_organizations=[str(org_b.pk)])
    )
    convoy = ConvoyRequest.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert convoy.status == ConvoyStatus.DRAFT and convoy.created_by == reporter
    assert convoy.plan_month == datetime.date(2016, 9, 1) and convoy.trucks == 12
    assert list(convoy.partner_organizations.all()) == [org_b]
    places = [(d.area, d.community and d.community.pcode, d.planned_beneficiaries) for d in convoy.destinations.all()]
    assert places == [(area, None, 38000), (None, "C2429", 750)]
    assert [(c.item, c.quantity) for c in convoy.cargo_lines.all()] == [("Surgical kits", 40)]


def test_an_incomplete_cargo_line_is_refused_and_the_form_keeps_the_input(client, reporter, org_a, geography):
    area = AreaFactory(name_en="Madaya")
    login(client, reporter)
    data = convoy_data(org_a, area, **{"cargo-1-item": "Food parcels", "title": "Kept title"})
    page = client.post(reverse("staff:convoy_create"), data).content.decode()
    assert not ConvoyRequest.objects.exists()
    assert "Choose the sector." in page and "Give the quantity (0 or more)." in page
    assert 'value="Kept title"' in page and 'value="Food parcels"' in page


def test_a_duplicate_reference_says_so(client, reporter, org_a, geography):
    area = AreaFactory(name_en="Madaya")
    make_convoy(reporter, org_a, reference="CV-2016-09-101")
    login(client, reporter)
    page = client.post(reverse("staff:convoy_create"), convoy_data(org_a, area)).content.decode()
    assert "The lead organization already has a convoy request with this reference: choose another" in page


def buttons(page: str) -> set[str]:
    import re

    return set(re.findall(r'name="to_status" value="([a-z_]+)"', page))


def test_the_buttons_offer_only_the_transitions_allowed_now(client, reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    login(client, reporter)
    url = reverse("staff:convoy_detail", args=[convoy.pk])
    assert buttons(client.get(url).content.decode()) == {"submitted", "cancelled"}
    convoy_transition(convoy=convoy, to_status=ConvoyStatus.SUBMITTED, by=reporter)
    assert buttons(client.get(url).content.decode()) == {
        "approved",
        "partially_approved",
        "denied",
        "no_response",
        "on_hold",
        "cancelled",
    }
    convoy_transition(convoy=convoy, to_status=ConvoyStatus.DENIED, by=reporter, note="No reply from the parties")
    page = client.get(url).content.decode()
    assert buttons(page) == set() and "Denied is final" in page


def test_pressing_a_button_moves_the_convoy_and_records_the_event(client, reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    login(client, reporter)
    url = reverse("staff:convoy_transition", args=[convoy.pk])
    response = client.post(url, {"to_status": "submitted", "note": "", "expected_version": convoy.version})
    assert response.status_code == HTTPStatus.FOUND
    convoy.refresh_from_db()
    assert convoy.status == ConvoyStatus.SUBMITTED
    assert convoy.events.last().recorded_by == reporter


def test_a_denial_without_a_note_is_refused_with_the_reason(client, reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    convoy_transition(convoy=convoy, to_status=ConvoyStatus.SUBMITTED, by=reporter)
    convoy.refresh_from_db()
    login(client, reporter)
    response = client.post(
        reverse("staff:convoy_transition", args=[convoy.pk]),
        {"to_status": "denied", "note": "  ", "expected_version": convoy.version},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Say why the convoy is denied: a note is required." in response.content.decode()
    convoy.refresh_from_db()
    assert convoy.status == ConvoyStatus.SUBMITTED


def test_no_response_before_seven_working_days_is_refused(client, reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    convoy_transition(convoy=convoy, to_status=ConvoyStatus.SUBMITTED, by=reporter)
    convoy.refresh_from_db()
    login(client, reporter)
    page = client.post(
        reverse("staff:convoy_transition", args=[convoy.pk]),
        {"to_status": "no_response", "expected_version": convoy.version},
    ).content.decode()
    assert "counts as &#x27;no response&#x27; only after 7 working days" in page


def test_a_button_from_an_out_of_date_page_is_refused_and_shows_what_changed(client, reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    opened = convoy.version
    convoy_transition(convoy=convoy, to_status=ConvoyStatus.SUBMITTED, by=reporter)
    login(client, reporter)
    response = client.post(
        reverse("staff:convoy_transition", args=[convoy.pk]),
        {"to_status": "cancelled", "note": "Not needed", "expected_version": opened},
    )
    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "was changed by someone else" in page and "Submitted" in page
    convoy.refresh_from_db()
    assert convoy.status == ConvoyStatus.SUBMITTED


def test_a_delivery_records_the_people_reached(client, reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    for status in (ConvoyStatus.SUBMITTED, ConvoyStatus.APPROVED, ConvoyStatus.DISPATCHED):
        convoy_transition(convoy=convoy, to_status=status, by=reporter)
    convoy.refresh_from_db()
    destination = convoy.destinations.get()
    login(client, reporter)
    page = client.get(reverse("staff:convoy_detail", args=[convoy.pk])).content.decode()
    assert f'name="reached_{destination.pk}"' in page
    client.post(
        reverse("staff:convoy_transition", args=[convoy.pk]),
        {"to_status": "delivered", "expected_version": convoy.version, f"reached_{destination.pk}": "4200"},
    )
    destination.refresh_from_db()
    assert destination.reached_beneficiaries == 4200
    assert ConvoyRequest.objects.get(pk=convoy.pk).status == ConvoyStatus.DELIVERED


def test_a_checkpoint_removal_creates_the_obstruction_incident(client, reporter, org_a, geography):
    convoy = make_convoy(reporter, org_a)
    for status in (ConvoyStatus.SUBMITTED, ConvoyStatus.APPROVED, ConvoyStatus.DISPATCHED):
        convoy_transition(convoy=convoy, to_status=status, by=reporter)
    kits = convoy.cargo_lines.get(item="Surgical kits")
    login(client, reporter)
    response = client.post(
        reverse("staff:convoy_removal", args=[convoy.pk]),
        {
            "cargo_line": kits.pk,
            "quantity_removed": "30",
            "removed_on": timezone.localdate().isoformat(),
            "place_name": "Checkpoint at the entrance",
            "latitude": "33.69",
            "longitude": "36.09",
            "reason": "Surgical items not authorised",
        },
        follow=True,
    )
    removal = convoy.removals.get()
    assert removal.incident.category == Category.INTERFERENCE and removal.incident.convoy == convoy
    assert f"Obstruction incident {removal.incident.reference} was created." in response.content.decode()
    too_many = client.post(
        reverse("staff:convoy_removal", args=[convoy.pk]),
        {
            "cargo_line": kits.pk,
            "quantity_removed": "20",
            "removed_on": timezone.localdate().isoformat(),
            "place_name": "Second checkpoint",
            "latitude": "33.69",
            "longitude": "36.09",
        },
    )
    assert "Only 10 kits of Surgical kits are left on the convoy" in too_many.content.decode()
    assert convoy.removals.count() == 1


def submitted_convoy(by, organization, **fields):
    """A convoy request past its draft, so that others may see it when it is public."""
    convoy = make_convoy(by, organization, **fields)
    convoy_transition(convoy=convoy, to_status=ConvoyStatus.SUBMITTED, by=by)
    convoy.refresh_from_db()
    return convoy


def test_another_organization_cannot_move_a_convoy(client, reporter, outsider, org_a):
    convoy = submitted_convoy(reporter, org_a, visibility=Visibility.PUBLIC)
    login(client, outsider)
    page = client.get(reverse("staff:convoy_detail", args=[convoy.pk])).content.decode()
    assert buttons(page) == set()
    response = client.post(reverse("staff:convoy_transition", args=[convoy.pk]), {"to_status": "approved"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert ConvoyRequest.objects.get(pk=convoy.pk).status == ConvoyStatus.SUBMITTED


@pytest.mark.parametrize(
    ("visibility", "outsider_sees", "partner_sees"),
    [
        (Visibility.PUBLIC, True, True),
        (Visibility.PARTNERS, False, True),
        (Visibility.RESTRICTED, False, False),
    ],
)
def test_convoy_visibility_for_outsiders_and_partners(
    client, reporter, outsider, org_a, org_b, visibility, outsider_sees, partner_sees
):
    from tests.factories import OrganizationFactory, member

    partner_org = OrganizationFactory(name="Gamma", acronym="GAMMA")
    partner = member(partner_org, username="partner.g")
    convoy = submitted_convoy(reporter, org_a, visibility=visibility, partner_organizations=[partner_org])
    for user, sees in ((outsider, outsider_sees), (partner, partner_sees), (reporter, True)):
        login(client, user)
        listed = convoy.reference in client.get(reverse("staff:convoy_list")).content.decode()
        found = convoy.reference in client.get(reverse("staff:convoy_list"), {"q": "CV-TEST"}).content.decode()
        status = client.get(reverse("staff:convoy_detail", args=[convoy.pk])).status_code
        assert (listed, found, status == HTTPStatus.OK) == (sees, sees, sees), user


def test_a_draft_is_edited_with_its_rows_prefilled(client, reporter, org_a, geography):
    area = AreaFactory(name_en="Madaya")
    convoy = make_convoy(reporter, org_a, reference="CV-2016-09-101", area=area)
    login(client, reporter)
    url = reverse("staff:convoy_edit", args=[convoy.pk])
    page = client.get(url).content.decode()
    assert 'value="Surgical kits"' in page and 'value="5000"' in page and 'name="expected_version" value="1"' in page
    assert 'name="cargo-1-quantity" value="1000"' in page  # not 1E+3
    data = convoy_data(org_a, area, title="Convoy to Madaya and Az-Zabdani", expected_version="1")
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    convoy.refresh_from_db()
    assert convoy.title == "Convoy to Madaya and Az-Zabdani" and convoy.version == 2
    assert [d.planned_beneficiaries for d in convoy.destinations.all()] == [38000, 750]
    assert [c.item for c in convoy.cargo_lines.all()] == ["Surgical kits"]


def test_a_submitted_request_keeps_its_cargo_and_a_stale_edit_is_refused(client, reporter, org_a):
    convoy = make_convoy(reporter, org_a, reference="CV-2016-09-101")
    convoy_transition(convoy=convoy, to_status=ConvoyStatus.SUBMITTED, by=reporter)
    login(client, reporter)
    url = reverse("staff:convoy_edit", args=[convoy.pk])
    page = client.get(url).content.decode()
    assert "Destinations and cargo are fixed once the request is submitted" in page
    assert 'name="cargo-0-item"' not in page
    data = {k: v for k, v in convoy_data(org_a, AreaFactory()).items() if not k.startswith(("cargo", "destin"))}
    stale = client.post(url, {**data, "notes": "Mine", "expected_version": "1"})
    assert "was changed by someone else" in stale.content.decode()
    assert '<td class="new" dir="auto">Submitted</td>' in stale.content.decode()
    saved = client.post(url, {**data, "notes": "Mine", "expected_version": "2"})
    assert saved.status_code == HTTPStatus.FOUND
    convoy.refresh_from_db()
    assert convoy.notes == "Mine" and convoy.cargo_lines.count() == 2 and convoy.lead_organization == org_a


def test_the_lead_organization_cannot_be_changed_by_an_edit(client, reporter, org_a, org_b, geography):
    convoy = make_convoy(reporter, org_a, reference="CV-2016-09-101")
    login(client, reporter)
    data = convoy_data(org_b, AreaFactory(), title="Renamed", expected_version="1")
    response = client.post(reverse("staff:convoy_edit", args=[convoy.pk]), data)
    assert response.status_code == HTTPStatus.FOUND
    convoy.refresh_from_db()
    assert convoy.title == "Renamed" and convoy.lead_organization == org_a


def test_another_organization_cannot_open_the_edit_form(client, reporter, outsider, org_a):
    convoy = submitted_convoy(reporter, org_a, visibility=Visibility.PUBLIC)
    login(client, outsider)
    assert client.get(reverse("staff:convoy_edit", args=[convoy.pk])).status_code == HTTPStatus.FORBIDDEN
