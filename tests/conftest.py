import pytest
from django.core.cache import cache
from django.utils import translation

from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.ops.public_cache import recent as recent_public_lists
from aidtrack.orgs.models import Role
from tests.factories import OrganizationFactory, PartyFactory, UserFactory, member, square


@pytest.fixture(autouse=True)
def import_files(settings, tmp_path_factory):
    """Uploaded files and import progress go to a folder of the test's own, never to var/."""
    settings.AIDTRACK_IMPORT_DIR = tmp_path_factory.mktemp("imports")


@pytest.fixture(autouse=True)
def public_list_copies(settings, tmp_path_factory):
    """Each test's copies of the public lists on disk start empty, in a folder of its own (a test database can repeat
    an earlier test's data version)."""
    settings.AIDTRACK_PUBLIC_COPIES_DIR = tmp_path_factory.mktemp("public-lists")


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in English: a request in Arabic leaves Arabic active in its thread (Django activates the
    request's language and never deactivates it), which would otherwise carry into the next test."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_request_budgets():
    """Rate budgets (password reset, token endpoint) live in the cache: every test starts with full ones."""
    cache.clear()
    recent_public_lists.clear()  # a test database can repeat an earlier test's data version
    yield
    cache.clear()
    recent_public_lists.clear()


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
def org_admin(org_a):
    """The organization admin of Alpha Relief."""
    return member(org_a, Role.ORGANIZATION_ADMIN, username="admin.a", email="admin.a@example.org")


@pytest.fixture
def site_admin(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def geography(db):
    """One governorate, district and sub-district (36-37°E, 33-34°N) and the community of Madaya."""
    country = AdminArea.objects.create(
        pcode="SY", level=AdminLevel.COUNTRY, name_en="Syria", geometry=square(35, 32, 4)
    )
    gov = AdminArea.objects.create(
        pcode="SY03", level=AdminLevel.GOVERNORATE, name_en="Rural Damascus", parent=country, geometry=square(36, 33)
    )
    district = AdminArea.objects.create(
        pcode="SY0307", level=AdminLevel.DISTRICT, name_en="Az-Zabdani", parent=gov, geometry=square(36, 33)
    )
    sub = AdminArea.objects.create(
        pcode="SY030703", level=AdminLevel.SUBDISTRICT, name_en="Madaya", parent=district, geometry=square(36, 33)
    )
    madaya = AdminArea.objects.create(
        pcode="C2450",
        level=AdminLevel.COMMUNITY,
        name_en="Madaya",
        name_ar="مضايا",
        parent=sub,
        geometry={"type": "Point", "coordinates": [36.0963, 33.6901]},
    )
    return {"gov": gov, "district": district, "sub": sub, "madaya": madaya}


@pytest.fixture
def party(db):
    return PartyFactory(name="Government of Syria and allied forces", short_name="GoS")
