"""Incidents written in bulk (an import) are the records ``incident_create`` would write: same values, references,
places, history and sources; their keys come from the database's own counter."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from aidtrack import bulk_writes
from aidtrack.incidents.importers import import_incidents
from aidtrack.incidents.models import Incident, IncidentSource
from aidtrack.incidents.services import SourceInput, incident_create, incident_delete, incidents_bulk_create

SOURCE = SourceInput(kind="media", name="Reuters", reference="https://example.org/a", licence="CC BY 4.0")
# Set by the service or the database: the rest of a bulk-written record must equal incident_create's.
OWN = {"id", "reference", "reported_at", "created_at", "updated_at"}


def values(**changes):
    return {
        "category": "3",
        "title": "Road closed",
        "public_summary": "Closed all day.",
        "occurred_on": datetime.date(2016, 9, 20),
        "latitude": 33.6901,
        "longitude": 36.0963,
        **changes,
    }


def stored(incident_id) -> dict:
    return {
        name: value for name, value in Incident.objects.filter(pk=incident_id).values()[0].items() if name not in OWN
    }


@pytest.mark.parametrize(
    "given",
    [
        {},
        {"latitude": None, "longitude": None, "stated_area_id": "sub", "geo_precision": 3},
        {"latitude": 10.0, "longitude": 10.0, "perpetrator_id": "party"},
    ],
    ids=["point", "stated area", "outside every boundary, with a perpetrator"],
)
def test_a_bulk_written_incident_is_the_one_incident_create_writes(geography, party, org_a, reporter, given):
    objects = {"sub": geography["sub"], "party": party}
    # The service takes ids by attribute name (as the import reads them), incident_create the objects.
    fields = {name.removesuffix("_id"): objects.get(value, value) for name, value in given.items()}
    given = {name: objects[value].pk if value in objects else value for name, value in given.items()}
    one = incident_create(by=reporter, organization=org_a, sources=[SOURCE], **values(**fields))
    (created,) = incidents_bulk_create(by=reporter, organization=org_a, rows=[values(**given)], sources={0: [SOURCE]})
    many = Incident.objects.get(pk=created.pk)
    assert stored(many.pk) == stored(one.pk)
    assert many.reference == created.reference == f"INC-2016-{many.pk:06d}"
    assert created.placement_problem == many.placement_problem
    if "perpetrator_id" in given:
        assert many.perpetrator_kind == party.kind
    if given.get("latitude") == 10.0:
        assert "outside" in many.placement_problem
    else:
        assert many.admin3 == geography["sub"] and many.admin1 == geography["gov"]
    history = many.history.get()
    assert (history.history_type, history.history_user, history.history_change_reason) == ("+", reporter, "Bulk import")
    assert (history.reference, history.title, history.admin3_id) == (many.reference, many.title, many.admin3_id)
    source = many.sources.get()
    assert {name: getattr(source, name) for name in ("kind", "name", "reference", "licence", "reliability")} == {
        "kind": "media",
        "name": "Reuters",
        "reference": "https://example.org/a",
        "licence": "CC BY 4.0",
        "reliability": "unknown",
    }
    assert source.history.get().history_user == reporter


def test_keys_follow_every_key_given_before_and_the_next_record_follows_them(geography, org_a, reporter, reviewer):
    first = incident_create(by=reporter, organization=org_a, **values())
    last = incident_create(by=reporter, organization=org_a, **values(title="Deleted"))
    incident_delete(incident=last, by=reviewer)  # its key is never given again
    created = incidents_bulk_create(
        by=reporter, organization=org_a, rows=[values(title=f"Row {n}") for n in range(3)], sources={1: [SOURCE]}
    )
    assert min(row.pk for row in created) > last.pk > first.pk
    assert len({row.pk for row in created}) == 3
    after = incident_create(by=reporter, organization=org_a, sources=[SOURCE], **values(title="After"))
    assert after.pk > max(row.pk for row in created)
    assert after.sources.get().pk > IncidentSource.objects.get(incident_id=created[1].pk).pk


def test_a_source_that_fails_its_check_writes_nothing(geography, org_a, reporter):
    with pytest.raises(ValidationError) as error:
        incidents_bulk_create(
            by=reporter,
            organization=org_a,
            rows=[values(), values(title="Second")],
            sources={1: [SourceInput(kind="rumour", name="Someone")]},
        )
    assert "kind" in error.value.message_dict
    assert not Incident.objects.exists() and not Incident.history.exists()


def test_a_field_the_service_assigns_is_refused(geography, org_a, reporter):
    with pytest.raises(ValidationError, match="verification_status"):
        incidents_bulk_create(by=reporter, organization=org_a, rows=[values(verification_status="verified")])
    with pytest.raises(ValidationError, match="colour"):
        incidents_bulk_create(by=reporter, organization=org_a, rows=[values(colour="red")])
    assert not Incident.objects.exists()


def test_an_imported_file_gives_each_row_its_reference_source_and_history(tmp_path, geography, org_a, reporter):
    path = tmp_path / "incidents.csv"
    path.write_text(
        "id,date,category,summary,latitude,longitude,pcode,source,source type\n"
        "A1,2016-09-19,5,Convoy attacked,33.69,36.09,,SARC field team,staff\n"
        "A2,2016-09-20,3,Road closed,,,SY030703,SARC field team,staff\n"
        "A3,2016-09-21,3,Checkpoint,33.5,36.5,,,\n",
        encoding="utf-8",
    )
    import_incidents(str(path), organization=org_a, by=reporter)
    incidents = {incident.external_id: incident for incident in Incident.objects.all()}
    assert sorted(incidents) == ["A1", "A2", "A3"]
    for incident in incidents.values():
        assert incident.reference == f"INC-2016-{incident.pk:06d}"
        assert incident.admin3 == geography["sub"]
        assert incident.history.get().reference == incident.reference
    assert [
        (s.incident.external_id, s.kind, s.name) for s in IncidentSource.objects.order_by("incident__external_id")
    ] == [
        ("A1", "own_staff", "SARC field team"),
        ("A2", "own_staff", "SARC field team"),
    ]
    assert IncidentSource.history.filter(history_user=reporter).count() == 2


def test_a_row_the_database_refuses_is_refused_as_django_says_on_every_database(geography, org_a, reporter):
    incident = incident_create(by=reporter, organization=org_a, sources=[SOURCE], **values())
    taken = incident.sources.get()
    row = {field.attname: getattr(taken, field.attname) for field in IncidentSource._meta.concrete_fields}
    with pytest.raises(IntegrityError), transaction.atomic():  # the same key twice (COPY on PostgreSQL)
        bulk_writes.rows_insert(IncidentSource, [row])
    assert IncidentSource.objects.count() == 1
