"""Saved column mappings: listed, added, edited (never over another's change) and deleted by the organization."""

import datetime
import re

from aidtrack.imports.models import ColumnMapping
from tests.staff.conftest import login


def make(org, user, **fields):
    return ColumnMapping.objects.create(
        organization=org,
        kind=fields.pop("kind", "incidents"),
        name=fields.pop("name", "Partner log"),
        columns=fields.pop("columns", {"occurred_on": "Day"}),
        updated_by=user,
    )


def test_a_reporter_adds_a_mapping_and_the_import_page_offers_it(client, org_a, reporter):
    login(client, reporter)
    response = client.post(
        "/staff/import/mappings/new/",
        {"organization": org_a.pk, "kind": "incidents", "name": "SARC weekly", "columns": "occurred_on=Day\ntitle=T"},
    )
    assert response.status_code == 302 and response.url == "/staff/import/mappings/"
    mapping = ColumnMapping.objects.get()
    assert mapping.columns == {"occurred_on": "Day", "title": "T"} and mapping.updated_by == reporter
    assert "SARC weekly" in client.get("/staff/import/mappings/").content.decode()
    assert '<option value="SARC weekly">' in client.get("/staff/import/").content.decode()


def test_unknown_fields_are_refused_with_the_fields_of_the_kind(client, org_a, reporter):
    login(client, reporter)
    page = client.post(
        "/staff/import/mappings/new/",
        {"organization": org_a.pk, "kind": "incidents", "name": "X", "columns": "when=Day"},
    ).content.decode()
    assert "Unknown field(s): when" in page and "occurred_on" in page
    assert not ColumnMapping.objects.exists()


def test_an_edit_made_meanwhile_is_not_overwritten(client, org_a, reporter, reviewer):
    mapping = make(org_a, reviewer)
    login(client, reporter)
    loaded = mapping.updated_at
    ColumnMapping.objects.filter(pk=mapping.pk).update(
        columns={"occurred_on": "Date of event"}, updated_at=loaded + datetime.timedelta(seconds=5)
    )
    page = client.post(
        f"/staff/import/mappings/{mapping.pk}/",
        {
            "organization": org_a.pk,
            "kind": "incidents",
            "name": "Partner log",
            "columns": "occurred_on=Mine",
            "loaded_at": loaded.isoformat(),
        },
    ).content.decode()
    assert "changed this mapping" in page and "occurred_on=Date of event" in page
    assert ColumnMapping.objects.get().columns == {"occurred_on": "Date of event"}


def test_the_edit_form_saves_what_it_was_given(client, org_a, reporter):
    mapping = make(org_a, reporter)
    login(client, reporter)
    page = client.get(f"/staff/import/mappings/{mapping.pk}/").content.decode()
    loaded = re.search(r'name="loaded_at" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/staff/import/mappings/{mapping.pk}/",
        {
            "organization": org_a.pk,
            "kind": "incidents",
            "name": "Partner log",
            "columns": "occurred_on=Date",
            "loaded_at": loaded,
        },
    )
    assert response.status_code == 302
    assert ColumnMapping.objects.get().columns == {"occurred_on": "Date"}


def test_another_organizations_mappings_are_not_shown_or_editable(client, org_a, org_b, reporter, outsider):
    mapping = make(org_b, outsider, name="Beta log")
    login(client, reporter)
    assert "Beta log" not in client.get("/staff/import/mappings/").content.decode()
    assert client.get(f"/staff/import/mappings/{mapping.pk}/").status_code == 404
    assert client.post(f"/staff/import/mappings/{mapping.pk}/delete/").status_code == 404
    assert ColumnMapping.objects.filter(pk=mapping.pk).exists()


def test_a_mapping_is_renamed_and_deleted(client, org_a, reporter):
    mapping = make(org_a, reporter)
    make(org_a, reporter, name="Other")
    login(client, reporter)
    form = {
        "organization": org_a.pk,
        "kind": "incidents",
        "columns": "occurred_on=Day",
        "loaded_at": mapping.updated_at.isoformat(),
    }
    page = client.post(f"/staff/import/mappings/{mapping.pk}/", {**form, "name": "Other"}).content.decode()
    assert "already has a mapping named" in page
    client.post(f"/staff/import/mappings/{mapping.pk}/", {**form, "name": "Renamed"})
    assert ColumnMapping.objects.get(pk=mapping.pk).name == "Renamed"
    client.post(f"/staff/import/mappings/{mapping.pk}/delete/")
    assert not ColumnMapping.objects.filter(pk=mapping.pk).exists()
