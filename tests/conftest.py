import pytest

from aidtrack.orgs.models import Role
from tests.factories import OrganizationFactory, UserFactory, member


@pytest.fixture
def org_a(db):
    return OrganizationFactory(name="Alpha Relief", acronym="ALPHA")


@pytest.fixture
def org_b(db):
    return OrganizationFactory(name="Beta Aid", acronym="BETA")


@pytest.fixture
def reporter(org_a):
    return member(org_a, Role.REPORTER, username="reporter.a")


@pytest.fixture
def reviewer(org_a):
    return member(org_a, Role.REVIEWER, username="reviewer.a")


@pytest.fixture
def outsider(org_b):
    """A reporter of another organization."""
    return member(org_b, Role.REPORTER, username="reporter.b")


@pytest.fixture
def site_admin(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)
