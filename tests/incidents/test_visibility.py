"""Who sees which incident, and where (incidents.selectors)."""

import pytest

from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.incidents.selectors import incident_as_read, incident_lines, incidents_visible_to
from aidtrack.incidents.services import incident_review
from aidtrack.orgs.audience import PUBLIC, audience_of
from tests.factories import AdminAreaFactory, square
from tests.incidents.test_incidents import report


@pytest.fixture
def incidents(reporter, reviewer, org_a):
    AdminAreaFactory(pcode="SY03", geometry=square(36.0, 33.0))

    def make(visibility, verify=True, **fields):
        incident = report(reporter, org_a, visibility=visibility, latitude=33.9, longitude=36.9, **fields)
        return incident_review(incident=incident, by=reviewer, outcome="verified") if verify else incident

    return {
        "public": make("public"),
        "partners": make("partners"),
        "restricted": make("restricted"),
        "unverified": make("public", verify=False),
        "exact": make("public", publish_exact_location=True),
    }


def visible(audience, incidents):
    ids = set(incidents_visible_to(audience).values_list("pk", flat=True))
    return {name for name, incident in incidents.items() if incident.pk in ids}


@pytest.mark.django_db
def test_each_reader_sees_what_the_rules_allow(incidents, reporter, outsider, site_admin):
    assert visible(PUBLIC, incidents) == {"public", "exact"}
    # Another organization's members never see its partners-only or restricted incidents (issue 6).
    assert visible(audience_of(outsider), incidents) == {"public", "exact"}
    assert visible(audience_of(reporter), incidents) == set(incidents)
    assert visible(audience_of(site_admin), incidents) == set(incidents)


@pytest.mark.django_db
def test_the_public_point_is_the_admin_area_unless_the_exact_point_may_be_published(incidents, reporter):
    shown = {row.pk: (row.shown_lat, row.shown_lon, row.generalised_to) for row in incidents_visible_to(PUBLIC)}
    assert shown[incidents["exact"].pk] == (33.9, 36.9, None)
    # No district or sub-district here: the governorate's centre could lie far from the place, so no point.
    assert shown[incidents["public"].pk] == (None, None, "governorate")
    own = {row.pk: (row.shown_lat, row.shown_lon) for row in incidents_visible_to(audience_of(reporter))}
    assert own[incidents["public"].pk] == (33.9, 36.9)


@pytest.mark.django_db
def test_without_a_sub_district_the_district_stands_in_and_says_so(incidents, reporter, reviewer, org_a):
    governorate = AdminArea.objects.get(pcode="SY03")
    AdminArea.objects.create(
        pcode="SY0301", level=AdminLevel.DISTRICT, name_en="Duma", parent=governorate, geometry=square(36.8, 33.8, 0.2)
    )
    incident = report(reporter, org_a, visibility="public", latitude=33.95, longitude=36.95)
    incident_review(incident=incident, by=reviewer, outcome="verified")
    row = incidents_visible_to(PUBLIC).get(pk=incident.pk)
    assert (row.shown_lat, row.shown_lon, row.generalised_to) == (33.9, 36.9, "district")


@pytest.mark.django_db
def test_a_list_row_read_as_values_shows_what_the_record_as_read_shows(
    incidents, reporter, reviewer, org_a, outsider, site_admin
):
    """``incident_lines`` (the area page's nearby list, read without building records) decides the place and its
    level as ``incident_as_read`` does, for every reader."""
    governorate = AdminArea.objects.get(pcode="SY03")
    AdminArea.objects.create(
        pcode="SY0301", level=AdminLevel.DISTRICT, name_en="Duma", parent=governorate, geometry=square(36.8, 33.8, 0.2)
    )
    in_district = report(
        reporter, org_a, visibility="public", latitude=33.95, longitude=36.95, location_name="Farm road, Duma"
    )
    incident_review(incident=in_district, by=reviewer, outcome="verified")
    for audience in (PUBLIC, audience_of(outsider), audience_of(reporter), audience_of(site_admin)):
        readable = incidents_visible_to(audience).select_related("admin1", "admin2", "admin3", "perpetrator")
        as_read = [incident_as_read(incident, audience).line for incident in readable.order_by("pk")]
        assert incident_lines(incidents_visible_to(audience).order_by("pk"), audience) == as_read
    lines = {line.pk: line for line in incident_lines(incidents_visible_to(PUBLIC), PUBLIC)}
    # The public reads the district, never the place the record names, unless the record may show it.
    assert (lines[in_district.pk].place_name, lines[in_district.pk].generalised_to) == ("Duma", "district")
    assert lines[incidents["exact"].pk].exact and lines[incidents["exact"].pk].generalised_to is None
    own = {line.pk: line for line in incident_lines(incidents_visible_to(audience_of(reporter)), audience_of(reporter))}
    assert own[in_district.pk].place_name == "Farm road, Duma" and own[in_district.pk].generalised_to is None
