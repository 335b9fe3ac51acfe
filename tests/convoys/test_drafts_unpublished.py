"""A draft convoy request is the lead organization's working copy: no public surface ever shows it.

The rule lives in convoys.selectors.convoy_visibility_q; these tests read it
through every surface that counts or lists convoys for the public.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from aidtrack.convoys.models import ConvoyRequest
from aidtrack.convoys.selectors import convoys_as_of, convoys_removed_since, convoys_visible_to
from aidtrack.convoys.services import convoy_transition
from aidtrack.orgs.audience import PUBLIC, Audience, audience_of
from aidtrack.orgs.models import Role, Visibility
from tests.factories import make_convoy, member

CREATED_AT = timezone.make_aware(datetime.datetime(2016, 9, 1, 9, 0))
SUBMITTED_AT = timezone.make_aware(datetime.datetime(2016, 9, 10, 9, 0))


@pytest.fixture
def draft(reporter, org_a):
    return make_convoy(
        reporter, org_a, reference="CV-DRAFT-SECRET", visibility=Visibility.PUBLIC, created_at=CREATED_AT
    )


@pytest.fixture
def submitted(reporter, org_a):
    convoy = make_convoy(reporter, org_a, reference="CV-SUBMITTED", visibility=Visibility.PUBLIC, created_at=CREATED_AT)
    convoy_transition(convoy=convoy, to_status="submitted", by=reporter, occurred_at=SUBMITTED_AT)
    return convoy


def test_a_public_draft_is_seen_only_by_those_who_see_it_in_full(draft, submitted, reporter, outsider, org_a, org_b):
    partner = member(org_b, Role.REPORTER, username="partner.b")
    draft.partner_organizations.add(org_b)
    readers = {
        "public": PUBLIC,
        "other organization": Audience(organization_ids=frozenset({org_b.pk + 100})),
        "lead": audience_of(reporter),
        "partner": audience_of(partner),
        "site admin": Audience(is_site_admin=True),
    }
    seen = {name: set(convoys_visible_to(a).values_list("reference", flat=True)) for name, a in readers.items()}
    assert seen["public"] == seen["other organization"] == {"CV-SUBMITTED"}
    assert seen["lead"] == seen["partner"] == seen["site admin"] == {"CV-SUBMITTED", "CV-DRAFT-SECRET"}


def test_the_api_never_lists_drafts_to_the_public(client, draft, submitted, reporter):
    anonymous = APIClient()
    for url in ("/api/v1/convoys/", "/api/v1/convoys/?status=draft", "/api/v1/convoys/?format=geojson"):
        assert "CV-DRAFT-SECRET" not in anonymous.get(url).content.decode(), url
    assert anonymous.get(f"/api/v1/convoys/{draft.pk}/").status_code == 404
    lead = APIClient()
    lead.force_authenticate(reporter)
    assert "CV-DRAFT-SECRET" in lead.get("/api/v1/convoys/?status=draft").content.decode()


def test_a_convoy_that_was_a_draft_on_the_day_asked_is_left_out_of_the_replay(submitted, reporter):
    before = datetime.date(2016, 9, 5)
    assert list(convoys_as_of(ConvoyRequest.objects.all(), before)) == []
    assert list(convoys_as_of(ConvoyRequest.objects.all(), before, audience=PUBLIC)) == []
    assert [c.status_on for c in convoys_as_of(ConvoyRequest.objects.all(), before, audience=audience_of(reporter))]
    after = datetime.date(2016, 9, 11)
    assert [c.status_on for c in convoys_as_of(ConvoyRequest.objects.all(), after, audience=PUBLIC)] == ["submitted"]
    body = APIClient().get("/api/v1/convoys/", {"as_of": before.isoformat()}).json()
    assert body["results"] == []


def test_statistics_do_not_count_drafts(draft, submitted):
    rows = APIClient().get("/api/v1/statistics/convoys-by-month/").json()
    assert {row["status"] for row in rows} == {"submitted"}


def test_a_deleted_draft_is_not_announced_in_the_public_tombstones(draft, submitted):
    since = timezone.now() - datetime.timedelta(hours=1)
    draft.delete()
    submitted.delete()
    removed = {row["reference"] for row in convoys_removed_since(PUBLIC, since)}
    assert removed == {"CV-SUBMITTED"}


def test_the_home_page_does_not_count_drafts(client, draft, submitted):
    page = client.get(reverse("web:home")).content.decode()
    assert '<td>Submitted</td><td class="num">1</td>' in page
    assert "<td>Draft</td>" not in page
