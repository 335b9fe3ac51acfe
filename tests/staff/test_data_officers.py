"""The "Data officers" group: made by migrate in every installation with exactly the permissions the geodata tabs
of the staff import page ask, so that its members load boundaries, communities, population and roads; it grants
those imports only, never a record their organization roles do not show them.
"""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from aidtrack.geo.data_officers import DATA_OFFICER_PERMISSIONS, DATA_OFFICERS
from aidtrack.geo.models import AdminArea, ContextLayer
from aidtrack.imports.files import file_kinds
from aidtrack.imports.models import ImportRun, ImportStatus
from aidtrack.incidents.models import VerificationStatus
from aidtrack.incidents.services import incident_review
from aidtrack.orgs.audience import audience_of
from aidtrack.orgs.models import Role, Visibility
from aidtrack.staff import selectors
from aidtrack.staff.views.geo_imports import PAGES
from tests.factories import make_convoy, member
from tests.staff.conftest import login, report
from tests.staff.test_geo_import_page import ADM0, IMPORT, ROADS, check, commit, geojson

pytestmark = pytest.mark.django_db

GEODATA = ["boundaries", "communities", "population", "roads"]


@pytest.fixture
def data_officer(org_b):
    """A reporter of BETA whom a site administrator added to the group (no permission of their own)."""
    user = member(org_b, Role.REPORTER, username="officer.b")
    user.groups.add(Group.objects.get(name=DATA_OFFICERS))
    return user


def test_every_installation_has_the_group_with_exactly_the_permissions_the_geodata_tabs_ask():
    group = Group.objects.get(name=DATA_OFFICERS)  # made by migrate (geo 0007), not by a fixture
    granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    asked = {perm for kind in file_kinds().values() if kind.name in PAGES for perm in kind.perms}
    assert granted == asked == DATA_OFFICER_PERMISSIONS


def test_the_group_gives_its_members_no_other_permission(data_officer):
    assert data_officer.get_all_permissions() == set(DATA_OFFICER_PERMISSIONS)
    assert not data_officer.is_staff  # no Django admin: the staff page is their door


def test_a_data_officer_opens_every_geodata_tab_and_loads_checked_files(client, data_officer):
    login(client, data_officer)
    page = client.get(IMPORT).content.decode()
    assert all(f"?kind={kind}" in page for kind in GEODATA)
    for kind in GEODATA:
        assert client.get(f"{IMPORT}?kind={kind}").status_code == HTTPStatus.OK, kind
    run = check(client, "boundaries", geojson(ADM0))
    assert run.status == ImportStatus.DRY_RUN and not AdminArea.objects.exists()
    assert commit(client, run).status == ImportStatus.SUCCEEDED and AdminArea.objects.filter(pcode="SY").exists()
    credits = {"source_label": "Invented test lines", "licence": "CC0", "attribution": "Test roads"}
    run = check(client, "roads", geojson(ROADS, "roads.geojson"), **credits)
    assert run.status == ImportStatus.DRY_RUN and not ContextLayer.objects.exists()
    assert commit(client, run).status == ImportStatus.SUCCEEDED and ContextLayer.objects.get().licence == "CC0"


@pytest.mark.parametrize("role", [Role.REPORTER, Role.REVIEWER, Role.ORGANIZATION_ADMIN])
def test_an_ordinary_member_of_staff_sees_no_geodata_tab_and_is_refused(client, org_a, role):
    login(client, member(org_a, role, username=f"plain.{role}"))
    page = client.get(IMPORT).content.decode()
    assert not any(f"?kind={kind}" in page for kind in GEODATA)
    for kind in GEODATA:
        assert client.get(f"{IMPORT}?kind={kind}").status_code == HTTPStatus.FORBIDDEN, kind
    response = client.post(IMPORT, {"kind": "roads", "file": geojson(ROADS, "roads.geojson")})
    assert response.status_code == HTTPStatus.FORBIDDEN and not ImportRun.objects.exists()


def test_the_group_shows_a_data_officer_no_record_their_role_does_not(
    client, data_officer, outsider, reporter, reviewer, site_admin, org_a, geography
):
    """Canaries of ALPHA that BETA's reporters may not see: an unverified incident, a restricted convoy and a site
    administrator's import run. The data officer (BETA reporter + group) sees exactly what BETA's plain reporter
    sees, through every selector the staff screens and the API read."""
    hidden = report(reporter, org_a, geography, title="CANARY unverified incident")
    shown = incident_review(
        incident=report(reporter, org_a, geography, title="Verified incident"),
        by=reviewer,
        outcome=VerificationStatus.VERIFIED,
    )
    restricted = make_convoy(reporter, org_a, reference="CV-CANARY-RESTRICTED", visibility=Visibility.RESTRICTED)
    login(client, site_admin)
    admins_run = check(client, "boundaries", geojson(ADM0, "canary_adm0.geojson"))
    client.logout()

    assert audience_of(data_officer) == audience_of(outsider)
    for read in (selectors.incidents_visible_to, selectors.convoys_visible_to, selectors.verification_queue):
        assert set(read(data_officer)) == set(read(outsider)), read.__name__
    incidents = set(selectors.incidents_visible_to(data_officer))
    assert shown in incidents and hidden not in incidents
    assert restricted not in set(selectors.convoys_visible_to(data_officer))
    assert not selectors.verification_queue(data_officer).exists()
    assert set(selectors.writable_organizations(data_officer)) == set(selectors.writable_organizations(outsider))

    login(client, data_officer)
    assert "CANARY" not in client.get(reverse("staff:incident_list")).content.decode()
    assert client.get(reverse("staff:incident_detail", args=[hidden.pk])).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("staff:convoy_detail", args=[restricted.pk])).status_code == HTTPStatus.NOT_FOUND
    assert "canary_adm0" not in client.get(IMPORT + "?kind=boundaries").content.decode()
    assert client.get(reverse("staff:import_run", args=[admins_run.pk])).status_code == HTTPStatus.NOT_FOUND
    assert client.post(reverse("staff:import_commit", args=[admins_run.pk])).status_code == HTTPStatus.NOT_FOUND
