"""Factories for test data: each builds a valid row with the fewest arguments."""

import datetime

import factory
from django.contrib.auth import get_user_model

from aidtrack.areas.models import Area
from aidtrack.convoys.services import CargoInput, DestinationInput, convoy_create
from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.orgs.models import Membership, Organization, OrganizationType, Party, PartyType, Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")
    kind = OrganizationType.INTERNATIONAL_NGO


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    name = factory.Sequence(lambda n: f"Party {n}")
    kind = PartyType.STATE_FORCES


def member(organization, role=Role.REPORTER, **user_fields):
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


def square(lon, lat, size=1.0):
    return {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]],
    }


class AdminAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminArea

    pcode = factory.Sequence(lambda n: f"SY{n + 20:02d}")
    level = AdminLevel.GOVERNORATE
    name_en = factory.Sequence(lambda n: f"Governorate {n}")
    geometry = factory.LazyFunction(lambda: square(36.0, 33.0))


def community(pcode, lat, lon, parent=None, name=None):
    return AdminArea.objects.create(
        pcode=pcode,
        level=AdminLevel.COMMUNITY,
        name_en=name or pcode,
        parent=parent,
        geometry={"type": "Point", "coordinates": [lon, lat]},
    )


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    name_en = factory.Sequence(lambda n: f"Area {n}")
    population = 10_000
    population_date = datetime.date(2016, 9, 1)
    population_source = "test"


def make_convoy(by, organization, reference="CV-TEST-001", area=None, **fields):
    area = area or AreaFactory()
    return convoy_create(
        by=by,
        reference=reference,
        lead_organization=organization,
        origin_name="Damascus",
        destinations=[DestinationInput(area=area, planned_beneficiaries=5000)],
        cargo_lines=[
            CargoInput("health", "Surgical kits", 40, "kits"),
            CargoInput("food", "Food parcels", 1000, "parcels"),
        ],
        **fields,
    )
