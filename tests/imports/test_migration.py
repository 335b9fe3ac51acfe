"""The import runs and column mappings that lived in geo and exchange survive their move to the imports app."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from aidtrack.imports.models import ColumnMapping, ImportRun

BEFORE = [("geo", "0004_import_progress"), ("exchange", "0002_import_progress")]


@pytest.mark.django_db(transaction=True)
def test_existing_runs_and_mappings_keep_every_field_after_the_move():
    executor = MigrationExecutor(connection)
    executor.migrate([("imports", None)])
    try:
        loader = MigrationExecutor(connection).loader
        # Organizations as they are now (their later columns stay applied): only the imports app was rolled back.
        organizations_now = [node for node in loader.graph.leaf_nodes() if node[0] == "orgs"]
        old = loader.project_state(BEFORE + organizations_now).apps
        user = old.get_model("auth", "User").objects.create(username="old.importer", password="x")
        organization = old.get_model("orgs", "Organization").objects.create(
            name="Old Partner", acronym="OLD", kind="national_ngo"
        )
        run = old.get_model("geo", "ImportRun").objects.create(
            kind="incidents",
            source="weekly.csv",
            started_at=timezone.now(),
            started_by=user,
            status="dry_run",
            counts={"to create": 3},
            problems=[{"where": "row 2", "severity": "warning", "message": "m", "pcode": ""}],
            options={"organization_id": organization.pk},
        )
        old.get_model("exchange", "ColumnMapping").objects.create(
            organization=organization, kind="incidents", name="Weekly log", columns={"occurred_on": "Date"}
        )
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        moved = ImportRun.objects.get(pk=run.pk)
        assert (moved.source, moved.counts) == ("weekly.csv", {"to create": 3})
        assert moved.started_by.username == "old.importer"
        assert moved.warning_count == 1
        mapping = ColumnMapping.objects.get(name="Weekly log")
        assert (mapping.columns, mapping.organization.acronym) == ({"occurred_on": "Date"}, "OLD")
        assert ContentType.objects.get_for_model(ImportRun).app_label == "imports"
        assert not ContentType.objects.filter(app_label="geo", model="importrun").exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
