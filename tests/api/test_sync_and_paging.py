"""Incremental sync (updated_since and tombstones), keyset paging while records are added, constant queries."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aidtrack.incidents.services import incident_delete, incident_update
from tests.api.conftest import report

SINCE = "2000-01-01T00:00:00Z"


def removed_ids(client, since=SINCE, kind="incidents"):
    return {row["id"]: row for row in client.get(f"/api/v1/{kind}/removed/?since={since}").json()["results"]}


def test_a_deleted_public_incident_is_a_tombstone_for_sync_clients(world, client_for, reviewer):
    before = timezone.now()
    incident_delete(incident=world.public, by=reviewer)
    since = before.isoformat().replace("+00:00", "Z")
    removed = removed_ids(client_for("anonymous"), since)
    assert removed[world.public.pk]["deleted"] is True
    assert removed[world.public.pk]["reference"] == world.public.reference
    assert world.public.pk not in {r["id"] for r in client_for("anonymous").get("/api/v1/incidents/").json()["results"]}


def test_an_incident_withdrawn_from_public_view_is_a_tombstone_too(world, client_for, reporter):
    incident_update(incident=world.public, by=reporter, expected_version=world.public.version, title="Corrected")
    removed = removed_ids(client_for("anonymous"))
    assert removed[world.public.pk]["deleted"] is False
    assert world.public.pk not in removed_ids(client_for("reporter_a"))


def test_tombstones_never_name_a_record_the_reader_could_not_see(world, client_for, reviewer):
    incident_delete(incident=world.restricted, by=reviewer)
    assert world.restricted.pk not in removed_ids(client_for("anonymous"))
    assert world.restricted.pk not in removed_ids(client_for("reporter_b"))
    assert world.restricted.pk in removed_ids(client_for("reporter_a"))
    assert world.unverified.pk not in removed_ids(client_for("anonymous"))


def test_tombstones_need_a_moment_with_a_time_zone(world, client_for):
    response = client_for("anonymous").get("/api/v1/incidents/removed/?since=2016-09-19T00:00:00")
    assert response.status_code == 400 and response.json()["errors"]["since"]
    assert client_for("anonymous").get("/api/v1/incidents/removed/").status_code == 400


def test_updated_since_lists_only_changes(world, client_for, reporter):
    moment = timezone.now()
    incident_update(incident=world.unverified, by=reporter, expected_version=1, title="Changed")
    url = f"/api/v1/incidents/?updated_since={moment.isoformat().replace('+00:00', 'Z')}"
    rows = client_for("reporter_a").get(url).json()["results"]
    assert [row["id"] for row in rows] == [world.unverified.pk]


def test_a_withdrawn_convoy_is_a_tombstone(world, client_for, reporter):
    from aidtrack.convoys.models import ConvoyRequest

    convoy = ConvoyRequest.objects.get(pk=world.convoy.pk)
    convoy.visibility = "restricted"
    convoy.save()
    assert world.convoy.pk in removed_ids(client_for("anonymous"), kind="convoys")
    assert world.restricted_convoy.pk not in removed_ids(client_for("anonymous"), kind="convoys")


def test_paging_stays_correct_while_records_are_added(world, client_for, reporter, org_a):
    client = client_for("reporter_a")
    original = {row["id"] for row in client.get("/api/v1/incidents/?page_size=1000").json()["results"]}
    seen, url = [], "/api/v1/incidents/?page_size=2"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        report(reporter, org_a, "ADDED-WHILE-PAGING")  # a newer record arrives between pages
        url = page["next"]
    assert len(seen) == len(set(seen)), "a row was repeated"
    assert set(seen) == original, "a row was skipped or a new one slipped into a later page"


def test_queries_per_list_do_not_grow_with_the_number_of_rows(world, client_for, reporter, reviewer, org_a):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client_for("reporter_b").get(url).status_code == 200
        return len(queries)

    urls = [
        "/api/v1/incidents/",
        "/api/v1/incidents/?format=geojson",
        "/api/v1/incidents/?format=csv",
        "/api/v1/convoys/",
        "/api/v1/areas/",
        "/api/v1/statistics/incidents-by-month/",
    ]
    before = {url: count(url) for url in urls}
    for n in range(6):
        incident = report(reporter, org_a, f"MORE-{n}", occurred_on=datetime.date(2016, 9, 1 + n))
        from aidtrack.incidents.services import incident_review

        incident_review(incident=incident, by=reviewer, outcome="verified")
    from tests.factories import make_convoy

    for n in range(3):
        make_convoy(reporter, org_a, reference=f"CV-MORE-{n}", area=world.area)
    after = {url: count(url) for url in urls}
    assert after == before


def test_a_cached_list_is_never_stale(world, client_for, reporter):
    client = client_for("anonymous")
    first = client.get("/api/v1/incidents/?format=geojson").content
    assert client.get("/api/v1/incidents/?format=geojson").content == first
    incident_update(incident=world.exact, by=reporter, expected_version=world.exact.version, title="Renamed")
    assert b"PUBLIC-EXACT" not in client.get("/api/v1/incidents/?format=geojson").content
