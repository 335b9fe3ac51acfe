"""A small world for API tests: one governorate down to a community, incidents of every visibility, convoys."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from aidtrack.agreements.models import Agreement, AgreementCondition, ConditionKind
from aidtrack.api import cache as api_cache
from aidtrack.areas.services import area_set_status
from aidtrack.convoys.services import convoy_transition
from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.incidents.services import SourceInput, incident_create, incident_review
from aidtrack.orgs.models import Visibility
from tests.factories import AreaFactory, PartyFactory, community, make_convoy, square

# Strings that only members of the reporting organization may ever read.
SECRETS = ("SECRET-INTERNAL", "SECRET-CONTACT", "SECRET-CHECKPOINT", "reporter.a", "reviewer.a", "33.123456")
# Titles of incidents the public (and other organizations) may not see at all.
HIDDEN_FROM_PUBLIC = ("PARTNERS-ONLY", "RESTRICTED-ONLY", "UNVERIFIED-ONLY", "CV-RESTRICTED", "CV-PARTNERS")
# Another organization (not a partner of the convoys here) sees no more than the public.
HIDDEN_FROM_OTHER_ORGS = HIDDEN_FROM_PUBLIC


@dataclass
class World:
    governorate: AdminArea
    district: AdminArea
    subdistrict: AdminArea
    community: AdminArea
    public: object
    exact: object
    partners: object
    restricted: object
    unverified: object
    convoy: object
    restricted_convoy: object
    area: object
    party: object
    agreement: object


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    api_cache.clear()
    yield
    cache.clear()
    api_cache.clear()


def report(by, organization, title, visibility=Visibility.PUBLIC, **fields):
    fields.setdefault("latitude", 33.123456)
    fields.setdefault("longitude", 36.123456)
    fields.setdefault("occurred_on", datetime.date(2016, 9, 19))
    return incident_create(
        by=by,
        organization=organization,
        kind="obstruction",
        category="3",
        title=title,
        location_name=fields.pop("location_name", "SECRET-CHECKPOINT near the bridge"),
        public_summary=f"{title}: a convoy was stopped.",
        internal_description="SECRET-INTERNAL: driver's account",
        visibility=visibility,
        sources=[SourceInput(kind="own_staff", name="Field team", contact="SECRET-CONTACT +963 11 000")],
        **fields,
    )


@pytest.fixture
def world(org_a, org_b, reporter, reviewer, outsider, site_admin):
    governorate = AdminArea.objects.create(
        pcode="SY01", level=AdminLevel.GOVERNORATE, name_en="Damascus", geometry=square(36.0, 33.0, 1.0)
    )
    district = AdminArea.objects.create(
        pcode="SY0100",
        level=AdminLevel.DISTRICT,
        name_en="Damascus district",
        parent=governorate,
        geometry=square(36.0, 33.0, 0.5),
    )
    subdistrict = AdminArea.objects.create(
        pcode="SY010000",
        level=AdminLevel.SUBDISTRICT,
        name_en="Damascus sub-district",
        parent=district,
        geometry=square(36.0, 33.0, 0.25),
    )
    village = community("C0001", 33.12, 36.12, parent=subdistrict, name="Secret village")
    party = PartyFactory(name="Armed group X")
    area = AreaFactory(name_en="Besieged town", governorate=governorate, latitude=33.12, longitude=36.12)
    area.communities.add(village)
    area_set_status(
        area=area, status="besieged", start_date=datetime.date(2016, 1, 1), source="OCHA list", by=site_admin
    )
    area.refresh_from_db()

    def verified(title, visibility=Visibility.PUBLIC, **fields):
        incident = report(reporter, org_a, title, visibility, **fields)
        return incident_review(incident=incident, by=reviewer, outcome="verified")

    public = verified("PUBLIC-GENERALISED", perpetrator=party)
    exact = verified(
        "PUBLIC-EXACT", publish_exact_location=True, latitude=33.2, longitude=36.2, location_name="Bridge crossing"
    )
    partners = verified("PARTNERS-ONLY", Visibility.PARTNERS)
    restricted = verified("RESTRICTED-ONLY", Visibility.RESTRICTED)
    unverified = report(reporter, org_a, "UNVERIFIED-ONLY")
    convoy = make_convoy(reporter, org_a, reference="CV-PUBLIC", area=area, notes="SECRET-INTERNAL convoy notes")
    # Submitted, so that it is published (a draft never is).
    convoy_transition(convoy=convoy, to_status="submitted", by=reporter, note="SECRET-INTERNAL event note")
    convoy.refresh_from_db()
    restricted_convoy = make_convoy(
        reporter, org_a, reference="CV-RESTRICTED", area=area, visibility=Visibility.RESTRICTED
    )
    make_convoy(reporter, org_a, reference="CV-PARTNERS", area=area, visibility=Visibility.PARTNERS)
    agreement = Agreement.objects.create(
        name="Cessation of hostilities",
        starts_at=datetime.datetime(2016, 9, 12, 19, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2016, 9, 26, 0, 0, tzinfo=datetime.UTC),
    )
    agreement.governorates.add(governorate)
    AgreementCondition.objects.create(
        agreement=agreement,
        kind=ConditionKind.REDUCED_VIOLENCE,
        description="Reduced violence",
        max_incidents_per_day=0,
        counted_categories=["3"],
    )
    return World(
        governorate,
        district,
        subdistrict,
        village,
        public,
        exact,
        partners,
        restricted,
        unverified,
        convoy,
        restricted_convoy,
        area,
        party,
        agreement,
    )


@pytest.fixture
def client_for(reporter, reviewer, outsider, site_admin):
    """An API client signed in as one of the five roles of the permission matrix."""
    users = {
        "anonymous": None,
        "reporter_a": reporter,
        "reporter_b": outsider,
        "reviewer": reviewer,
        "admin": site_admin,
    }

    def make(role):
        client = APIClient()
        if users[role] is not None:
            client.force_authenticate(users[role])
        return client

    return make
